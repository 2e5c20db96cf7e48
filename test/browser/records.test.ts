/**
 * The records page (`/web/records`) in a real browser without JavaScript (it claims to need none): an
 * inspector limited to Fujian signs in, follows the menu to the records, types a number the way a
 * person does, searches, reads the first page (its province's provider's records only), follows the
 * next-page link, and verifies the month with the month field; days typed the wrong
 * way round are refused by the end day's field. Debian's chromium; skips only when it
 * is missing.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { onboard, OTHER_PROVIDER, type Provider } from '../helpers/gateway.js';
import { BROWSER_SKIP, browserSuite } from '../helpers/browser.js';
import { until } from '../helpers/wait.js';

describe('the records page in the browser', { skip: BROWSER_SKIP }, () => {
  let cp: Provider;
  let fujianToken: string;
  const ids: string[] = [];
  let theirs: string;

  const web = browserSuite({ setup: async (g) => {
    cp = await onboard(g, { province: '35' });
    const other = await onboard(g, { ...OTHER_PROVIDER, province: '11' });
    const send = async (who: Provider, from: string, text: string) => {
      const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: who.auth, payload: { from, to: '13800138000', text, type: 'notification' } });
      assert.equal(r.statusCode, 202, r.body);
      g.clock.advance(1_000);
      return r.json().id as string;
    };
    // 20 messages, each with its submission and two status records: more than a page (50) about the number
    for (let i = 0; i < 20; i++) ids.push(await send(cp, '10690001', `【示例】您的订单 ${i} 已发货。`));
    theirs = await send(other, '10698001', '【别家】您的订单已发货。');
    await g.worker.drain();
    await until(async () => (await g.http.inject({ method: 'GET', url: '/v1/records?msisdn=13800138000&kind=status&limit=100', headers: g.admin })).json().records.length === 42, 8000, 'receipts');
    fujianToken = (await g.app.auth.createToken('regulator', 'fj-inspector', null, { province: '35' })).token;
  } });
  const { g } = web;

  test('an inspector searches a number, pages on, and verifies the month, within its province', async () => {
    const page = await web.signedIn(fujianToken, /\/web\//);
    await page.getByRole('navigation').getByRole('link', { name: '法定记录' }).click();
    await page.waitForURL(/\/web\/records$/);
    assert.equal(await page.locator('#records').count(), 0, 'the form alone before a search');

    await page.getByLabel('手机号码').fill('138 0013 8000');
    await page.getByRole('button', { name: '查询' }).click();
    await page.waitForURL(/\/web\/records\?/);
    const seqs = async () => (await page.locator('#records tbody tr').evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-seq')))));
    const records = async () => (await page.locator('#records tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-record'))));
    const first = await seqs();
    assert.equal(first.length, 50);
    assert.deepEqual(first, [...first].sort((a, b) => b - a), 'newest first');
    assert.ok(!(await records()).includes(theirs), 'not the other province\'s provider\'s');
    // the provider by its name, its id after it
    assert.deepEqual(new Set(await page.locator('#records tbody tr td:nth-child(4)').allTextContents()), new Set([`示例科技有限公司 ${cp.id}`]));
    assert.equal(await page.getByLabel('手机号码').inputValue(), '138 0013 8000', 'the search stays in the form');

    await page.getByRole('link', { name: '下一页' }).click();
    await page.waitForURL(/cursor=/);
    const second = await seqs();
    assert.equal(second.length, 60 - 50, "the rest of its 60 records about the number");
    assert.ok(Math.max(...second) < Math.min(...first), 'older than the first page, none twice');
    assert.ok((await records()).includes(ids[0]), 'the first submission on the last page');
    assert.equal(await page.getByRole('link', { name: '下一页' }).count(), 0, 'the last page');

    // days typed the wrong way round: the form names the end day, in Chinese, rather than "no records"
    const search = page.locator('form', { has: page.getByRole('button', { name: '查询' }) });
    await search.getByLabel('起始日期（北京时间）').fill('2026-11-30');
    await search.getByLabel('截止日期（北京时间，含当日）').fill('2026-11-01');
    await search.getByRole('button', { name: '查询' }).click();
    await page.waitForURL(/to=2026-11-01/);
    assert.match((await page.getByRole('alert').textContent())!, /截止日期（北京时间，含当日）：截止日期早于起始日期/);
    assert.equal(await page.locator('#no-records').count(), 0, 'not an empty result');

    await page.getByLabel('月份').fill('2026-11');
    await page.getByRole('button', { name: '核验' }).click();
    await page.waitForURL(/\/web\/records\/verify\?month=2026-11/);
    assert.match((await page.locator('#verify-result').textContent())!, /2026-11 的记录完好：已核对 \d+ 条记录/);
  });
});
