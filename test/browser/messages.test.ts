/**
 * The message list page (`/web/messages`) in a real browser without JavaScript (it claims to need
 * none): a content provider signs in with its API key, follows the menu to the page, types a number
 * the way a person does (spaces inside), picks the day in the date field, searches, and reads each of
 * its messages to that number with its status; another provider's message to the same number is not
 * there. Debian's chromium; skips only when it is missing.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { onboard, OTHER_PROVIDER, type Provider } from '../helpers/gateway.js';
import { BROWSER_SKIP, browserSuite } from '../helpers/browser.js';
import { until } from '../helpers/wait.js';

describe('the message list in the browser', { skip: BROWSER_SKIP }, () => {
  let cp: Provider;
  const ids: string[] = [];
  let theirs: string;

  const web = browserSuite({ setup: async (g) => {
    cp = await onboard(g);
    const other = await onboard(g, OTHER_PROVIDER);
    const send = async (who: Provider, payload: Record<string, unknown>) => {
      const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: who.auth, payload: { to: '13800138000', type: 'notification', ...payload } });
      assert.equal(r.statusCode, 202, r.body);
      g.clock.advance(60_000);
      return r.json().id as string;
    };
    ids.push(await send(cp, { from: '10690001', text: '【示例】您的订单已发货。', clientRef: 'order-1' }));
    ids.push(await send(cp, { from: '10690001', text: '【示例】您的订单已签收。', clientRef: 'order-2' }));
    theirs = await send(other, { from: '10698001', text: '【别家】您的订单已发货。' });
    await g.worker.drain();
    const status = async (id: string) => (await g.http.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: g.admin })).json().status;
    await until(async () => (await Promise.all([...ids, theirs].map(status))).every((s) => s === 'delivered'), 8000, 'receipts');
  } });
  const { g } = web;

  test('a provider searches a number and a day and reads its own messages with their status', async () => {
    const page = await web.signedIn(cp.apiKey, /\/web\//);

    await page.getByRole('navigation').getByRole('link', { name: '短信查询' }).click();
    await page.waitForURL(/\/web\/messages$/);
    assert.equal(await page.locator('#messages').count(), 0, 'the form alone before a search');

    await page.getByLabel('接收号码').fill('138 0013 8000');
    // the gateway's day in Shanghai, typed into the date field as the browser takes it
    await page.getByLabel('日期（北京时间）').fill(new Date(g.clock.now() + 8 * 3_600_000).toISOString().slice(0, 10));
    await page.getByRole('button', { name: '查询' }).click();
    await page.waitForURL(/\/web\/messages\?/);

    const rows = page.locator('#messages tbody tr');
    assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-message'))), [ids[1], ids[0]], 'its own two, newest first, not the other provider\'s');
    assert.deepEqual(await page.locator('#messages tbody tr td:nth-child(5)').allTextContents(), ['已送达', '已送达']);
    assert.deepEqual(await page.locator('#messages tbody tr td:nth-child(6)').allTextContents(), ['order-2', 'order-1']);
    assert.equal(await page.getByLabel('接收号码').inputValue(), '138 0013 8000', 'the search stays in the form');
  });
});
