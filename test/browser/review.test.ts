/**
 * The review queue page in a real browser, without JavaScript: the operator signs in, follows the
 * menu to the review page, reads the held messages, clicks Release on one (a plain POST form) and
 * sees it leave the list while the other stays; Reject without a reason is not sent (the field is
 * required), with one it takes the message off. Debian's chromium; skips only when it is missing.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { onboard, ADMIN_TOKEN } from '../helpers/gateway.js';
import { BROWSER_SKIP, browserSuite } from '../helpers/browser.js';
import { installContentGovernance } from '../../src/app/content-install.js';
import { SqliteContentStore } from '../../src/store/sqlite/content.js';
import type { ActionRecord } from '../../src/content/actions.js';

describe('the review queue page in the browser', { skip: BROWSER_SKIP }, () => {
  const ids: string[] = [];
  const status = async (id: string) => (await g.http.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: g.admin })).json().status;

  const web = browserSuite({ setup: async (g) => {
    const store = new SqliteContentStore(g.store.db);
    const gov = await installContentGovernance(g.app, store);
    const p = await onboard(g);
    const hold: ActionRecord = { id: 'alert_hold_browser', scope: 'provider', key: p.id, contentProviderId: p.id, action: { kind: 'hold' }, rule: 'complaint_rate_high', figures: {}, at: g.clock.now() };
    await store.addAction(hold);
    gov.actions.restore(hold);
    for (let i = 1; i <= 2; i++) {
      const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: p.auth, payload: { from: '10690001', to: `1380013800${i}`, text: `【示例】您的快递${i}号已到达驿站。`, type: 'notification' } });
      assert.equal(r.json().error?.code, 'held_for_review', r.body);
      ids.push(r.json().id);
      g.clock.advance(60_000);
    }
  } });
  const { g } = web;

  test('the operator: menu → review, Release on a held message, and it leaves the list', async () => {
    const page = await web.signedIn(ADMIN_TOKEN, /\/web\/cases/);
    await page.getByRole('navigation').getByRole('link', { name: '审核与预警' }).click();
    await page.waitForURL(/\/web\/review$/);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), '暂扣短信审核与预警');
    const rows = page.locator('#held tbody tr');
    assert.equal(await rows.count(), 2);
    const first = page.locator(`#held tbody tr[data-held="${ids[0]}"]`);
    assert.equal(await first.locator('.held-text').textContent(), '【示例】您的快递1号已到达驿站。');
    assert.equal(await first.locator('.held-to').textContent(), '+8613800138001');

    await first.getByLabel('放行理由（可选）').fill('parcel notice, checked');
    await first.getByRole('button', { name: `放行 ${ids[0]}` }).click();
    await page.waitForURL(/\/web\/review\?done=release$/);
    assert.match((await page.locator('#review-done').textContent())!, /短信已放行/);
    assert.equal(await page.locator(`#held tbody tr[data-held="${ids[0]}"]`).count(), 0, 'released: no longer listed');
    assert.equal(await page.locator(`#held tbody tr[data-held="${ids[1]}"]`).count(), 1, 'the other stays');
    assert.notEqual(await status(ids[0]), 'held');

    // Reject needs a reason: the browser does not send the form without one
    const second = page.locator(`#held tbody tr[data-held="${ids[1]}"]`);
    await second.getByRole('button', { name: `拒绝 ${ids[1]}` }).click();
    await page.waitForTimeout(300);
    assert.match(page.url(), /done=release$/);
    assert.equal(await page.locator('#review-done').count(), 1, 'still the page after the release, no refusal page');
    assert.equal(await status(ids[1]), 'held');
    await second.getByLabel('拒绝理由（必填）').fill('bought list');
    await second.getByRole('button', { name: `拒绝 ${ids[1]}` }).click();
    await page.waitForURL(/\/web\/review\?done=reject$/);
    assert.equal(await page.locator('#no-held').isVisible(), true);
    assert.equal(await status(ids[1]), 'rejected');
    await page.context().close();
  });
});
