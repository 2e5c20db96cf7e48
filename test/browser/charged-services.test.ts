/**
 * The charged-services pages in a real browser, without JavaScript: a provider follows the menu to its
 * service, whose end form the browser does not send until the confirmation is ticked; ticked, the
 * subscription ends and the page says so. The provider subscribes a number from its service's page: a
 * malformed number comes back said next to the field, a mainland one is sent smsguard's notice and the
 * page says the subscription starts only on the user's Y. The operator registers a service from the form.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { onboard, ADMIN_TOKEN, type Provider } from '../helpers/gateway.js';
import { BROWSER_SKIP, browserSuite } from '../helpers/browser.js';

describe('the charged-services pages in the browser', { skip: BROWSER_SKIP }, () => {
  let cp: Provider;
  let serviceId = '';
  const web = browserSuite({ setup: async (g) => {
    cp = await onboard(g);
    const r = await g.http.inject({ method: 'POST', url: '/v1/charged-services', headers: g.admin, payload: { contentProviderId: cp.id, name: '天气早知道', port: '10690001', tariff: { amountFen: 200, per: 'month' } } });
    assert.equal(r.statusCode, 201, r.body);
    serviceId = r.json().id;
    const s = await g.http.inject({ method: 'POST', url: `/v1/charged-services/${serviceId}/subscriptions`, headers: cp.auth, payload: { msisdn: '13800138111' } });
    assert.equal(s.statusCode, 202, s.body);
    assert.equal((await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: '13800138111', to: '10690001', text: 'Y' } })).json().action, 'consent_granted');
  } });
  const { g } = web;
  const live = async () => (await g.http.inject({ method: 'GET', url: `/v1/charged-services/${serviceId}/subscriptions`, headers: cp.auth })).json().items[0].status;

  test('a provider: menu → its service → the end form needs the tick, then ends the subscription', async () => {
    const page = await web.signedIn(cp.apiKey, /\/web\/cases/);
    await page.getByRole('navigation').getByRole('link', { name: '收费业务' }).click();
    await page.waitForURL(/\/web\/charged-services$/);
    await page.getByRole('link', { name: '天气早知道' }).click();
    await page.waitForURL(new RegExp(`/web/charged-services/${serviceId}$`));
    assert.equal(await page.locator('#service-tariff').textContent(), '2 元/月');
    const end = page.getByRole('button', { name: '终止订购 +8613800138111' });
    await end.click();
    await page.waitForTimeout(300);
    assert.match(page.url(), new RegExp(`/web/charged-services/${serviceId}$`), 'not sent without the tick');
    assert.equal(await live(), 'active');
    await page.getByLabel('确认终止该号码的订购').check();
    await end.click();
    await page.waitForURL(/\?done=end$/);
    assert.match((await page.locator('#charged-done').textContent())!, /订购已终止/);
    assert.equal(await page.locator('#subscriptions .sub-status').textContent(), '已终止');
    assert.equal(await live(), 'ended');
    await page.screenshot({ path: process.env.SMSGUARD_SCREENSHOT ?? '/dev/null', fullPage: true }).catch(() => undefined);
    await page.context().close();
  });

  test('a provider subscribes a number from its service\'s page: a malformed number is refused next to the field, a good one is sent the notice', async () => {
    const page = await web.signedIn(cp.apiKey, /\/web\/cases/);
    await page.goto(`${web.base}/web/charged-services/${serviceId}`);
    const number = page.getByLabel('手机号码');
    // empty, the browser does not send it (required)
    await page.getByRole('button', { name: '发送订购通知' }).click();
    await page.waitForTimeout(300);
    assert.match(page.url(), new RegExp(`/web/charged-services/${serviceId}$`), 'not sent empty');
    await number.fill('12345');
    await page.getByRole('button', { name: '发送订购通知' }).click();
    await page.waitForURL(new RegExp(`/web/charged-services/${serviceId}/subscribe$`));
    assert.match((await page.locator('#subscribe-error').textContent())!, /手机号码：请填写中国大陆手机号码[\s\S]*\(invalid_msisdn\)/);
    assert.equal(await number.getAttribute('aria-invalid'), 'true');
    assert.equal(await number.inputValue(), '12345', 'the number as typed');
    await number.fill('13800138112');
    await page.getByRole('button', { name: '发送订购通知' }).click();
    await page.waitForURL(/\?done=subscribe$/);
    assert.match((await page.locator('#charged-done').textContent())!, /订购通知已发送（免费）。用户回复 Y 确认后订购才开始/);
    await g.worker.drain();
    const sent = (await g.http.inject({ method: 'GET', url: '/v1/simulator/outbox?to=%2B8613800138112' })).json().messages as { text: string }[];
    assert.equal(sent.length, 1);
    assert.match(sent[0].text, /确认订购请回复Y/);
    await page.context().close();
  });

  test('the operator registers a service with the tariff in yuan', async () => {
    const page = await web.signedIn(ADMIN_TOKEN, /\/web\/cases/);
    await page.getByRole('navigation').getByRole('link', { name: '收费业务' }).click();
    await page.waitForURL(/\/web\/charged-services$/);
    await page.locator('#ch-provider').selectOption(cp.id);
    await page.getByLabel('业务名称').fill('每日英语');
    await page.getByLabel('发送端口').fill('10690002');
    await page.getByLabel('资费金额（元）').fill('0.5');
    await page.getByLabel('计费方式').selectOption('message');
    await page.getByRole('button', { name: '登记', exact: true }).click();
    await page.waitForURL(/\?done=register$/);
    const row = page.locator('#charged-services tbody tr', { hasText: '每日英语' });
    assert.equal(await row.locator('.service-tariff').textContent(), '0.5 元/条');
    await page.context().close();
  });
});
