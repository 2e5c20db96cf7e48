/**
 * A sign-in that ends while a person works, in a real browser without JavaScript: a regulator has the
 * credit page open and types an entry; meanwhile its token is revoked. Sending the form adds nothing
 * and leads to the sign-in page, which says why (the sign-in is no longer valid) and that what was just
 * sent was not saved, in the page's language; signing in again (a new token) leads back to the credit
 * page. Someone who opens a staff page without signing in is told the page is for staff, and signing
 * in, after a mistyped token, leads to that page. Debian's chromium; skips only when it is missing.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { onboard, type Provider } from '../helpers/gateway.js';
import { BROWSER_SKIP, browserSuite } from '../helpers/browser.js';

describe('a sign-in that ends in the browser', { skip: BROWSER_SKIP }, () => {
  let cp: Provider;
  let inspector: { id: string; token: string };
  const web = browserSuite({ setup: async (g) => {
    cp = await onboard(g, { name: '示例营销有限公司' });
    inspector = await g.app.auth.createToken('regulator', 'inspector');
  } });
  const { g } = web;

  test('the token revoked while a form is open: the sign-in page says why and that nothing was saved, then leads back', async () => {
    const page = await web.signedIn(inspector.token, /\/web\/credit/);
    const form = page.locator('form[action="/web/credit/entries"]');
    await form.getByLabel('企业').selectOption(cp.id);
    await form.getByLabel('类别').selectOption('warning');
    await form.getByLabel('公示内容', { exact: false }).fill('未经同意发送营销短信');
    await g.app.auth.revokeToken(inspector.id, 'test');
    await form.getByRole('button', { name: '添加' }).click();
    await page.waitForURL(/\/web\/login\?next=%2Fweb%2Fcredit&sent=1$/);
    assert.equal(await page.locator('#login-notice').textContent(), '您的登录已失效（令牌已被撤销或已过期），请重新登录，登录后将回到原页面。刚才提交的内容没有保存，登录后请重新填写提交。');
    const entries = (await g.http.inject({ method: 'GET', url: `/v1/credit/entries?contentProviderId=${cp.id}`, headers: g.admin })).json().entries;
    assert.equal(entries.length, 0, 'nothing added by the post without a valid sign-in');

    // the same page in English says the same
    await page.getByRole('link', { name: 'English' }).click();
    assert.equal(await page.locator('#login-notice').textContent(), 'Your sign-in is no longer valid (the token was revoked or has expired): sign in again and you will go back to the page. What you had just sent was not saved: send it again once signed in.');

    const again = await g.app.auth.createToken('regulator', 'inspector again');
    await page.getByLabel('Access token').fill(again.token);
    await page.getByLabel('Access token').press('Enter');
    await page.waitForURL(/\/web\/credit$/);
    assert.equal(await page.getByRole('heading', { level: 2, name: 'Add an entry' }).count(), 1);
    await page.context().close();
  });

  test('a staff page opened without signing in: the sign-in page says it is for staff', async () => {
    const page = await web.page();
    await page.goto(`${web.base}/web/records`);
    await page.waitForURL(/\/web\/login\?next=%2Fweb%2Frecords$/);
    assert.equal(await page.locator('#login-notice').textContent(), '该页面需要工作人员登录，登录后将回到该页面。');
    // a mistyped token first: refused, and the page to go back to is kept for the next try
    await page.getByLabel('访问令牌').fill('sgk_mistyped');
    await page.getByLabel('访问令牌').press('Enter');
    await page.waitForURL(/\/web\/login$/);
    assert.match((await page.getByRole('alert').textContent())!, /令牌无效或已撤销/);
    await page.getByLabel('访问令牌').fill((await g.app.auth.createToken('regulator', 'inspector three')).token);
    await page.getByLabel('访问令牌').press('Enter');
    await page.waitForURL(/\/web\/records$/, { timeout: 5_000 });
    await page.context().clearCookies();
    await page.goto(`${web.base}/web/login`);
    assert.equal(await page.locator('#login-notice').count(), 0, 'the sign-in page on its own says nothing more');
    await page.context().close();
  });
});
