/**
 * The subscriber page (`/web/subscribers`) in a real browser without JavaScript (it claims to need
 * none): the operator signs in, follows the menu to the page, types a number that replied TD the way a
 * person does, reads its opt-out (by SMS reply), opens the lift form, gives the evidence of the user's
 * request (the time in the datetime field), lifts it, and sees it lifted: no opt-out in force, the lift
 * in the history by the operator's token. Debian's chromium; skips only when it is missing.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { onboard, ADMIN_TOKEN, type Provider } from '../helpers/gateway.js';
import { BROWSER_SKIP, browserSuite } from '../helpers/browser.js';
import { hashSecret } from '../../src/app/secrets.js';

const USER = '13900139123';

describe('the subscriber page in the browser', { skip: BROWSER_SKIP }, () => {
  let cp: Provider;

  const web = browserSuite({ setup: async (g) => {
    cp = await onboard(g);
    // 12:00 Shanghai: the user replies TD to the provider's commercial port; ten minutes pass
    const mo = await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: USER, to: '10690002', text: 'TD' } });
    assert.equal(mo.json().action, 'opt_out', mo.body);
    g.clock.advance(10 * 60_000);
  } });
  const { g } = web;

  test('the operator searches a number, lifts its opt-out with the evidence, and sees it lifted', async () => {
    const page = await web.signedIn(ADMIN_TOKEN, /\/web\//);
    await page.getByRole('navigation').getByRole('link', { name: '号码同意与退订' }).click();
    await page.waitForURL(/\/web\/subscribers$/);
    assert.equal(await page.locator('#opt-outs').count(), 0, 'the form alone before a search');

    await page.getByLabel('手机号码', { exact: true }).fill('139 0013 9123');
    await page.getByRole('button', { name: '查询' }).click();
    await page.waitForURL(/\/web\/subscribers\?/);
    assert.equal(await page.locator('#subscriber-number').textContent(), '+8613900139123');
    const optOut = page.locator(`#opt-outs tr[data-opt-out="${cp.id}"]`);
    assert.equal(await optOut.locator('.opt-out-how').textContent(), '短信退订');

    await optOut.locator('summary').click();
    await page.getByLabel('取消原因').fill('用户来电要求恢复接收');
    await page.getByLabel('用户请求的渠道').fill('phone');
    await page.getByLabel('凭证编号').fill('call 88231');
    await page.getByLabel('用户提出请求的时间（北京时间）').fill('2026-11-30T12:05');
    await page.getByRole('button', { name: `取消退订 ${cp.id}` }).click();
    await page.waitForURL(/done=lift/);

    assert.equal(await page.locator('#subscriber-done').textContent(), '已取消退订，并已记入订阅记录。');
    assert.equal(await page.locator('#opt-outs tbody tr').count(), 0);
    assert.equal(await page.locator('#opt-outs-none').textContent(), '该号码没有退订任何企业。');
    const lifted = page.locator('#opt-out-history tr.ev-opt_in');
    assert.equal(await lifted.count(), 1);
    const token = await g.store.directory.findTokenByHash(hashSecret(ADMIN_TOKEN));
    assert.deepEqual((await lifted.locator('td').allTextContents()).slice(0, 5).map((s) => s.trim()), ['2026-11-30 12:10', `示例科技有限公司 ${cp.id}`, '取消退订', '运营方代为办理', token!.id]);
    const v = (await g.http.inject({ method: 'GET', url: `/v1/subscribers/${USER}`, headers: g.admin })).json();
    assert.deepEqual(v.optOuts, [], 'lifted in the records, not only on the page');
  });
});
