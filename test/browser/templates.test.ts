/**
 * The content templates page in a real browser, without JavaScript: the operator signs in, follows the
 * menu to the templates page, reads the pending templates, clicks Approve on one (a plain POST form)
 * and sees it leave the pending list while the other stays; Reject without a reason is not sent (the
 * field is required). Debian's chromium; skips only when it is missing.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { onboard, ADMIN_TOKEN } from '../helpers/gateway.js';
import { BROWSER_SKIP, browserSuite } from '../helpers/browser.js';
import { installContent } from '../helpers/content.js';

describe('the content templates page in the browser', { skip: BROWSER_SKIP }, () => {
  let http: FastifyInstance;
  const ids: string[] = [];
  const status = async (id: string) => (await http.inject({ method: 'GET', url: `/v1/templates/${id}`, headers: g.admin })).json().status;

  const web = browserSuite({ setup: async (g) => {
    ({ http } = await installContent(g));
    const p = await onboard(g);
    for (let i = 1; i <= 2; i++) {
      const r = await http.inject({ method: 'POST', url: '/v1/templates', headers: p.auth, payload: { signature: '【示例】', type: 'notification', body: `您的快递${i}号已到达\${place:text(10)}，请及时领取。` } });
      assert.equal(r.json().status, 'pending', r.body);
      ids.push(r.json().id);
      g.clock.advance(60_000);
    }
    return { http, close: () => http.close() };
  } });
  const { g } = web;

  test('the operator: menu → templates, Approve on a pending template, and it leaves the pending list', async () => {
    const page = await web.signedIn(ADMIN_TOKEN, /\/web\/cases/);
    await page.getByRole('navigation').getByRole('link', { name: '短信模板' }).click();
    await page.waitForURL(/\/web\/templates$/);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), '短信模板审核');
    assert.equal(await page.locator('#templates tbody tr').count(), 2);
    const first = page.locator(`#templates tbody tr[data-template="${ids[0]}"]`);
    assert.equal(await first.locator('.template-body').textContent(), '您的快递1号已到达${place:text(10)}，请及时领取。');
    assert.equal(await first.locator('.template-signature').textContent(), '【示例】');

    await first.getByRole('button', { name: `通过 ${ids[0]}` }).click();
    await page.waitForURL(/\/web\/templates\?done=approve$/);
    assert.match((await page.locator('#templates-done').textContent())!, /模板已通过/);
    assert.equal(await page.locator(`#templates tbody tr[data-template="${ids[0]}"]`).count(), 0, 'approved: no longer pending');
    assert.equal(await page.locator(`#templates tbody tr[data-template="${ids[1]}"]`).count(), 1, 'the other stays');
    assert.equal(await status(ids[0]), 'approved');

    // Reject needs a reason: the browser does not send the form without one
    const second = page.locator(`#templates tbody tr[data-template="${ids[1]}"]`);
    await second.getByRole('button', { name: `拒绝 ${ids[1]}` }).click();
    await page.waitForTimeout(300);
    assert.match(page.url(), /done=approve$/);
    assert.equal(await status(ids[1]), 'pending');
    await second.getByLabel('拒绝理由（必填）').fill('variable too long');
    await second.getByRole('button', { name: `拒绝 ${ids[1]}` }).click();
    await page.waitForURL(/\/web\/templates\?done=reject$/);
    assert.equal(await page.locator('#no-templates').isVisible(), true);
    assert.equal(await status(ids[1]), 'rejected');
    await page.context().close();
  });
});
