/**
 * The operator takes back a signature and a port from a provider's page in a real browser, without
 * JavaScript: a revoke form per signature and a retire form per port in use (a labelled reason each),
 * a confirmation line after the act, the row then read-only with when and why, and the act binding at
 * once (the API refuses a message with the signature). A regulator's page has no forms and its post is
 * refused; a post without the sign-in cookie does nothing. Debian's chromium; skips only when missing.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { onboard, ADMIN_TOKEN, type Provider } from '../helpers/gateway.js';
import { BROWSER_SKIP, browserSuite } from '../helpers/browser.js';

describe('revoke and retire from the provider page in the browser', { skip: BROWSER_SKIP }, () => {
  let cp: Provider;
  let regulatorToken: string;
  const sigId = async (): Promise<string> =>
    (await g.http.inject({ method: 'GET', url: `/v1/content-providers/${cp.id}/signatures`, headers: g.admin })).json().signatures[0].id;

  const web = browserSuite({ setup: async (g) => {
    cp = await onboard(g);
    regulatorToken = (await g.app.auth.createToken('regulator', 'inspector')).token;
  } });
  const { g } = web;

  test('a post without the sign-in cookie (another site\'s form) revokes nothing', async () => {
    const ctx = await web.browser.newContext();
    try {
      // marked as another site's: refused as such (403), before any sign-in is looked at
      const r = await ctx.request.post(`${web.base}/web/providers/${cp.id}/signatures/${await sigId()}/revoke`, { form: { reason: 'x' }, maxRedirects: 0, headers: { 'sec-fetch-site': 'cross-site' } });
      assert.equal(r.status(), 403);
      assert.match(await r.text(), /这个表单是从其他网站提交的，未予办理/);
      // unmarked (a script, an old browser): without the cookie it leads to the sign-in
      const bare = await ctx.request.post(`${web.base}/web/providers/${cp.id}/signatures/${await sigId()}/revoke`, { form: { reason: 'x' }, maxRedirects: 0 });
      assert.equal(bare.status(), 303);
      assert.match(bare.headers().location ?? '', /\/web\/login/);
    } finally {
      await ctx.close();
    }
    const sigs = (await g.http.inject({ method: 'GET', url: `/v1/content-providers/${cp.id}/signatures`, headers: g.admin })).json().signatures;
    assert.equal(sigs[0].status, 'approved');
  });

  test('a regulator: the page has no forms, and its post is refused (403) with nothing revoked', async () => {
    const page = await web.signedIn(regulatorToken, /\/web\/credit/);
    await page.goto(`${web.base}/web/providers/${cp.id}`);
    assert.equal(await page.locator('#signatures tbody tr').count(), 1);
    assert.equal(await page.locator('form.sig-revoke, form.port-retire').count(), 0);
    const r = await page.request.post(`${web.base}/web/providers/${cp.id}/signatures/${await sigId()}/revoke`, { form: { reason: 'x' }, maxRedirects: 0 });
    assert.equal(r.status(), 403);
    const sigs = (await g.http.inject({ method: 'GET', url: `/v1/content-providers/${cp.id}/signatures`, headers: g.admin })).json().signatures;
    assert.equal(sigs[0].status, 'approved');
  });

  test('the operator revokes the signature and retires a port with the forms, without JavaScript; each confirmed, listed with why, binding at once', async () => {
    const page = await web.signedIn(ADMIN_TOKEN, /\/web\/cases/);
    await page.goto(`${web.base}/web/providers/${cp.id}`);
    assert.equal(await page.locator('#provider-done').count(), 0);

    const sig = page.locator('#signatures tbody tr').first();
    await sig.getByLabel('撤销原因').fill('品牌已转让');
    await sig.getByRole('button', { name: '撤销签名 【示例】' }).click();
    await page.waitForURL(new RegExp(`/web/providers/${cp.id}\\?done=revoke$`));
    assert.equal(await page.locator('#provider-done').textContent(), '签名已撤销，并已记入法定记录。');
    assert.equal(await sig.locator('.state').textContent(), '已撤销');
    assert.match((await sig.textContent()) ?? '', /品牌已转让/);
    assert.equal(await sig.locator('form').count(), 0, 'a revoked signature has no form left');
    const refused = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: '13900239999', text: '【示例】您的订单已发货', type: 'notification' } });
    assert.equal(refused.json().error?.code, 'signature_unregistered');

    const port = page.locator('#ports tbody tr[data-port="10690002"]');
    await port.getByLabel('停用原因').fill('码号已收回');
    await port.getByRole('button', { name: '停用端口 10690002' }).click();
    await page.waitForURL(new RegExp(`/web/providers/${cp.id}\\?done=retire$`));
    assert.equal(await page.locator('#provider-done').textContent(), '端口已停用，并已记入法定记录。');
    assert.equal(await port.getAttribute('data-retired'), 'true');
    assert.match((await port.textContent()) ?? '', /已停用.*码号已收回/);
    assert.equal(await port.locator('form').count(), 0);
    assert.equal(await page.locator('#ports tbody tr[data-port="10690001"] form.port-retire').count(), 1, 'the port in use keeps its form');
    const ports = (await g.http.inject({ method: 'GET', url: '/v1/ports', headers: g.admin })).json().ports as { number: string; retiredReason: string | null }[];
    assert.equal(ports.find((p) => p.number === '10690002')?.retiredReason, '码号已收回');
    const audits = ((await g.http.inject({ method: 'GET', url: `/v1/records?contentProviderId=${cp.id}&kind=audit`, headers: g.admin })).json().records as { body: Record<string, unknown> }[])
      .map((r) => [r.body.action, r.body.reason]).filter(([a]) => a === 'signature.revoke' || a === 'port.retire');
    assert.deepEqual(audits.sort(), [['port.retire', '码号已收回'], ['signature.revoke', '品牌已转让']]);
  });

  test('the English form names its fields; a blank reason (a hand-made post) is refused on the page and nothing is retired', async () => {
    const page = await web.signedIn(ADMIN_TOKEN, /\/web\/cases/);
    await page.goto(`${web.base}/web/providers/${cp.id}?lang=en`);
    const port = page.locator('#ports tbody tr[data-port="10690001"]');
    assert.equal(await port.getByRole('button', { name: 'Retire 10690001' }).count(), 1);
    assert.equal(await port.getByLabel('Reason for retiring').getAttribute('required'), '', 'the browser asks for a reason before it posts');
    // a hand-made post with a blank reason, as the field would not send
    const r = await page.request.post(`${web.base}/web/providers/${cp.id}/ports/10690001/retire`, { form: { reason: '  ' }, maxRedirects: 0 });
    assert.equal(r.status(), 400);
    assert.match(await r.text(), /id="provider-error"[^>]*>[^<]*reason/);
    const ports = (await g.http.inject({ method: 'GET', url: '/v1/ports', headers: g.admin })).json().ports as { number: string; retiredAt: string | null }[];
    assert.equal(ports.find((p) => p.number === '10690001')?.retiredAt, null);
  });
});
