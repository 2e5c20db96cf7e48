/**
 * The registry's pages in a real browser, without JavaScript (the pages claim to need none): a
 * regulator limited to Fujian signs in, follows the menu to the providers, filters them by status
 * with the form (its select found by its label), and opens one to read its signatures and ports. Debian's chromium; skips only when it is missing.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { onboard, type Provider } from '../helpers/gateway.js';
import { BROWSER_SKIP, browserSuite } from '../helpers/browser.js';


describe('the registry in the browser', { skip: BROWSER_SKIP }, () => {
  let fujianToken: string;
  let active: Provider;
  let suspended: Provider;

  const web = browserSuite({ setup: async (g) => {
    active = await onboard(g, { name: '福建示例公司', province: '35' });
    suspended = await onboard(g, { name: '福建暂停公司', signature: '【暂停】', province: '35', ports: { service: '10697001' } });
    await onboard(g, { name: '北京示例公司', signature: '【北京】', province: '11', ports: { service: '10691111' } });
    const s = await g.http.inject({ method: 'PATCH', url: `/v1/content-providers/${suspended.id}`, headers: g.admin, payload: { status: 'suspended' } });
    assert.equal(s.statusCode, 200, s.body);
    fujianToken = (await g.app.auth.createToken('regulator', 'fj-inspector', null, { province: '35' })).token;
  } });

  test('menu, status filter and a provider\'s page work without JavaScript, within the token\'s province', async () => {
    const page = await web.signedIn(fujianToken, /\/web\/credit/);

    await page.getByRole('navigation').getByRole('link', { name: '企业登记' }).click();
    await page.waitForURL(/\/web\/providers$/);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), '已登记企业');
    const names = () => page.locator('#providers tbody tr td:first-child').allTextContents();
    assert.deepEqual(await names(), ['福建示例公司', '福建暂停公司'], 'only the province\'s providers');

    // The filter is a labelled select and a button: no script needed.
    await page.getByLabel('状态').selectOption('suspended');
    await page.getByRole('button', { name: '筛选' }).click();
    await page.waitForURL(/status=suspended/);
    assert.deepEqual(await names(), ['福建暂停公司']);
    assert.equal(await page.getByLabel('状态').inputValue(), 'suspended', 'the filter stays chosen');

    await page.getByRole('link', { name: '福建暂停公司' }).click();
    await page.waitForURL(new RegExp(`/web/providers/${suspended.id}$`));
    assert.equal(await page.locator('#provider-status').textContent(), '已暂停');
    assert.deepEqual(await page.locator('#signatures tbody tr td:nth-child(-n+2)').allTextContents(), ['【暂停】', '已通过']);
    assert.deepEqual(await page.locator('#ports tbody tr td:nth-child(-n+2)').allTextContents(), ['10697001', '行业（服务类）']);

    await page.getByRole('link', { name: '返回企业列表' }).click();
    await page.waitForURL(/\/web\/providers$/);
    await page.getByRole('link', { name: '福建示例公司' }).click();
    await page.waitForURL(new RegExp(`/web/providers/${active.id}$`));
    assert.equal(await page.locator('#ports tbody tr').count(), 3, 'three ports');
  });
});
