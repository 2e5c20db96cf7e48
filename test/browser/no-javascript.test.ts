/**
 * The pages claim to work without JavaScript. The two file pickers (the complaint's screenshot, the
 * 12321 import's file) only work through a script that reads the file into the form; without it a
 * chosen file was dropped without a word. So without JavaScript they are not offered and the page
 * says what to do instead; with it they are. The staff pages' acts need no script either: the
 * subscriber page's lift form folds in a details element and posts as a plain form. Debian's chromium;
 * skips only when it is missing.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { onboard, ADMIN_TOKEN } from '../helpers/gateway.js';
import { BROWSER_SKIP, browserSuite, signIn } from '../helpers/browser.js';


describe('file pickers with and without JavaScript', { skip: BROWSER_SKIP }, () => {
  let centreToken: string;

  const web = browserSuite({ setup: async (g) => {
    centreToken = (await g.app.auth.createToken('report-centre', 'clerk')).token;
  } });
  const { g } = web;

  const pageWith = (javaScriptEnabled: boolean): Promise<Page> => web.page(javaScriptEnabled);
  async function signInCentre(page: Page): Promise<void> {
    await signIn(page, web.base, centreToken);
    await page.waitForURL(/\/web\/cases/);
  }

  test('without JavaScript: no picker that would drop the file, and a line saying what to do; the complaint is still filed', async () => {
    const page = await pageWith(false);
    await page.goto(`${web.base}/web/complaint`);
    assert.equal(await page.locator('#shot').isVisible(), false, 'no screenshot picker');
    assert.match((await page.locator('#shot-nojs').textContent())!, /附截图需要浏览器启用 JavaScript/);
    assert.equal(await page.locator('#shot-nojs').isVisible(), true);
    await page.getByLabel('您的手机号码').fill('13800138000');
    await page.getByLabel('短信内容').fill('无 JavaScript 也能投诉');
    await page.getByRole('button', { name: '提交投诉' }).click();
    await page.waitForSelector('#case-reference');
    await signInCentre(page);
    await page.goto(`${web.base}/web/reports/import`);
    assert.equal(await page.locator('#jsonl-file').isVisible(), false, 'no file picker');
    assert.equal(await page.locator('#jsonl-nojs').isVisible(), true);
    assert.equal(await page.getByLabel('举报（每行一条）').isVisible(), true, 'pasting still works');
    await page.context().close();
  });

  test('the subscriber page without JavaScript: no script, the lift form opens natively and is a plain POST form', async () => {
    const cp = await onboard(g);
    const mo = await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: '13900139124', to: '10690002', text: 'TD' } });
    assert.equal(mo.json().action, 'opt_out', mo.body);
    const page = await web.signedIn(ADMIN_TOKEN, /\/web\//);
    await page.goto(`${web.base}/web/subscribers?msisdn=13900139124`);
    assert.equal(await page.locator('script').count(), 0);
    const row = page.locator(`#opt-outs tr[data-opt-out="${cp.id}"]`);
    assert.equal(await row.getByLabel('取消原因').isVisible(), false, 'the lift form is folded');
    await row.locator('summary').click();
    assert.equal(await row.getByLabel('取消原因').isVisible(), true, 'a details element opens without a script');
    assert.equal(await row.locator('form.lift-form').getAttribute('method'), 'post');
    assert.equal(await row.locator('form.lift-form').getAttribute('action'), '/web/subscribers/lift');
    await page.context().close();
  });

  test('the annual report: without JavaScript no print button that does nothing, and a line saying how to print; with it the button', async () => {
    const cp = await onboard(g, { name: '年报打印公司', signature: '【年报】', ports: { service: '10696001' } });
    const url = `${web.base}/web/reports/annual?contentProviderId=${cp.id}&year=2026`;
    const off = await web.signedIn(ADMIN_TOKEN, /\/web\//);
    await off.goto(url);
    assert.equal(await off.getByRole('button', { name: '打印 / 另存为 PDF' }).isVisible(), false, 'no print button without a script');
    assert.equal(await off.locator('#print-nojs').isVisible(), true);
    assert.match((await off.locator('#print-nojs').textContent())!, /Ctrl\+P/);
    await off.context().close();
    const on = await web.signedIn(ADMIN_TOKEN, /\/web\//, true);
    await on.goto(url);
    assert.equal(await on.getByRole('button', { name: '打印 / 另存为 PDF' }).isVisible(), true);
    assert.equal(await on.locator('#print-nojs').count(), 0, 'noscript content is not rendered');
    await on.context().close();
  });

  test('with JavaScript: the pickers are there and the no-script line is not', async () => {
    const page = await pageWith(true);
    await page.goto(`${web.base}/web/complaint`);
    assert.equal(await page.getByLabel('截图（可选，PNG/JPEG，500 KB 以内）').isVisible(), true);
    assert.equal(await page.locator('#shot-nojs').count(), 0, 'noscript content is not rendered');
    await signInCentre(page);
    await page.goto(`${web.base}/web/reports/import`);
    assert.equal(await page.getByLabel('举报文件（.jsonl）').isVisible(), true);
    await page.context().close();
  });
});
