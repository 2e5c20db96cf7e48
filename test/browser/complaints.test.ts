/**
 * The complaint loop in a real browser (Debian's chromium driven by playwright-core): a user files a
 * complaint on the public form with the keyboard, the report centre forwards it, the provider answers
 * it, the centre closes it, and the regulator sees it counted and publishes the credit-file entry.
 * Skips (with the reason) only when /usr/bin/chromium is missing.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { onboard, type Provider } from '../helpers/gateway.js';
import { BROWSER_SKIP, browserSuite, signIn } from '../helpers/browser.js';


async function unlabelledFields(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of Array.from(document.querySelectorAll('input, select, textarea')) as HTMLInputElement[]) {
      if (el.type === 'hidden') continue;
      const labelled = (el.labels && el.labels.length > 0) || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
      if (!labelled) out.push(el.outerHTML.slice(0, 80));
    }
    return out;
  });
}

describe('complaints in the browser', { skip: BROWSER_SKIP }, () => {
  let cp: Provider;
  let ctx: BrowserContext;
  let page: Page;
  let centreToken: string;
  let regulatorToken: string;
  const user = '13912345678';

  const web = browserSuite({ setup: async (g) => {
    cp = await onboard(g, { name: '示例营销有限公司' });
    centreToken = (await g.app.auth.createToken('report-centre', 'centre clerk')).token;
    regulatorToken = (await g.app.auth.createToken('regulator', 'inspector')).token;
    await g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn: user, category: 'promo', frequency: { count: 10, per: 'month' }, expiresAt: '2027-06-01T00:00:00Z', proof: { channel: 'web', reference: 'f-1', capturedAt: '2026-11-01T00:00:00Z' } } });
    const m = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690002', to: user, text: '【示例】双十二理财产品年化8%，速来抢购', type: 'commercial', category: 'promo' } });
    assert.equal(m.statusCode, 202, m.body);
    await g.worker.drain();
  } });
  const { g } = web;
  // one page for the whole loop, JavaScript on (the screenshot picker), each role signing in on it in turn
  before(async () => {
    page = await web.page(true);
    ctx = page.context();
  });

  async function signInAs(token: string): Promise<void> {
    await ctx.clearCookies();
    await signIn(page, web.base, token);
    await page.waitForURL(/\/web\/(cases|credit)/);
  }

  test('file → forward → answer → close → counted, Chinese first, keyboard only for the user', async () => {
    // 1. the user, no sign-in, Chinese by default
    await page.goto(`${web.base}/web/complaint`);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assert.equal(await page.locator('h1').textContent(), '投诉垃圾短信');
    assert.deepEqual(await unlabelledFields(page), []);
    await page.getByLabel('您的手机号码').fill(user);
    await page.getByLabel('发送号码或签名').fill('10690002');
    await page.getByLabel('短信内容').fill('双十二理财产品年化8%');
    await page.getByLabel('您的诉求').fill('停止发送');
    // keyboard: from the last text field, Tab past the screenshot picker to the submit button
    await page.getByLabel('您的诉求').focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement).textContent), '提交投诉');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#case-reference');
    const reference = (await page.textContent('#case-reference'))!.trim();
    const accessCode = (await page.textContent('#access-code'))!.trim();
    assert.match(reference, /^C\d{8}[0-9A-F]{8}$/);
    assert.ok(await page.getByText('已在记录中找到这条短信').isVisible());

    // 2. the report centre sees it with its deadline and forwards it
    await signInAs(centreToken);
    await page.goto(`${web.base}/web/cases`);
    const row = page.locator(`tr[data-reference="${reference}"]`);
    assert.match((await row.textContent())!, /转交期限/);
    await row.getByRole('link', { name: reference }).click();
    assert.match((await page.textContent('#deadline'))!, /转交期限.*(工作日后截止|今天截止)/);
    assert.match((await page.textContent('#matched-message'))!, /双十二理财/);
    assert.deepEqual(await unlabelledFields(page), []);
    await page.getByRole('group', { name: '转交企业' }).getByLabel('理由').fill('请企业核查');
    await page.getByRole('button', { name: '转交企业' }).click();
    await page.waitForURL(/done=forward/);
    assert.equal(await page.textContent('#case-state'), '已转交');
    assert.match((await page.textContent('#deadline'))!, /答复期限/);

    // 3. the provider answers: finding, measure, answer text; the answer goes out by SMS
    await signInAs(cp.apiKey);
    await page.goto(`${web.base}/web/cases`);
    await page.locator(`tr[data-reference="${reference}"]`).getByRole('link').click();
    assert.match((await page.textContent('#deadline'))!, /答复期限/);
    const answer = page.getByRole('group', { name: '答复用户' });
    await answer.getByLabel('答复内容（将以短信发送给用户）').fill('经核实属实，已为您退订，今后不再发送。');
    await answer.getByLabel('属实', { exact: true }).check();
    await answer.getByLabel('将该号码退订').check();
    assert.equal(await answer.getByLabel('暂停企业发送').count(), 0, 'suspension is the operator\'s measure');
    await page.getByRole('button', { name: '答复用户' }).click();
    await page.waitForURL(/done=answer/);
    assert.equal(await page.textContent('#case-state'), '已答复');
    await g.worker.drain();
    const outbox = (await g.http.inject({ method: 'GET', url: `/v1/simulator/outbox?to=${user}` })).json().messages as { text: string }[];
    assert.ok(outbox.some((m) => m.text.includes(reference) && m.text.includes('已为您退订')), 'answer SMS delivered');

    // 4. the centre closes it
    await signInAs(centreToken);
    await page.goto(`${web.base}/web/cases?state=answered`);
    await page.locator(`tr[data-reference="${reference}"]`).getByRole('link').click();
    await page.getByRole('button', { name: '办结' }).click();
    await page.waitForURL(/done=close/);
    assert.equal(await page.textContent('#case-state'), '已办结');
    assert.match((await page.textContent('#trail'))!, /已受理 → 已转交[\s\S]*已转交 → 已答复[\s\S]*已答复 → 已办结/);

    // 5. the user sees it closed with the answer
    await ctx.clearCookies();
    await page.goto(`${web.base}/web/complaint/status?reference=${reference}`);
    await page.getByLabel('查询码').fill(accessCode);
    await page.getByLabel('查询码').press('Enter');
    await page.waitForSelector('#case-state');
    assert.equal(await page.textContent('#case-state'), '已办结');
    assert.match((await page.textContent('#answer-text'))!, /已为您退订/);
    // labelled for the person reading it, not with the staff form's "sent to the user" (答复内容（将以短信发送给用户）)
    assert.equal(await page.locator('dt:has(+ dd#answer-text)').textContent(), '答复（同时以短信发送到您的手机）');

    // 6. the regulator sees it counted, publishes the entry; the public page shows it without the number
    await signInAs(regulatorToken);
    await page.goto(`${web.base}/web/credit`);
    assert.equal((await page.locator(`tr[data-provider="${cp.id}"] td.complaints`).textContent())!.trim(), '1');
    const entry = page.locator('#entries tr', { hasText: '投诉属实' });
    assert.equal(await entry.count(), 1);
    await entry.getByRole('button', { name: /公示/ }).click();
    await page.waitForURL(/done=publish/);
    assert.equal(await page.textContent('#credit-done'), '档案记录已公示，公众可在“公示”页面查看。');
    await page.goto(`${web.base}/web/public/credit`);
    await page.getByLabel('搜索企业名称、信用代码或内容').fill('示例营销');
    await page.getByRole('button', { name: '搜索' }).click();
    const pub = (await page.textContent('#public-entries'))!;
    assert.match(pub, /示例营销有限公司/);
    assert.match(pub, /投诉属实/);
    assert.ok(!(await page.content()).includes(user), 'no number on the public page');

    // 7. English is one click away
    await page.getByRole('link', { name: 'English' }).click();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.locator('h1').textContent(), 'Published SMS credit records');
  });

  test('withdrawing on the status page asks for a tick first: one click withdrew the complaint', async () => {
    await ctx.clearCookies();
    await page.goto(`${web.base}/web/complaint`);
    await page.getByLabel('您的手机号码').fill('13912345679');
    await page.getByLabel('发送号码或签名').fill('10690002');
    await page.getByLabel('短信内容').fill('双十二理财产品年化8%');
    await page.getByRole('button', { name: '提交投诉' }).click();
    await page.waitForSelector('#case-reference');
    const reference = (await page.textContent('#case-reference'))!.trim();
    const accessCode = (await page.textContent('#access-code'))!.trim();
    await page.goto(`${web.base}/web/complaint/status?reference=${reference}`);
    await page.getByLabel('查询码').fill(accessCode);
    await page.getByLabel('查询码').press('Enter');
    await page.waitForSelector('#case-state');
    const before = await page.textContent('#case-state');
    // the button alone: the browser holds the form back for the unticked box, nothing is posted
    await page.getByRole('button', { name: '撤回投诉' }).click();
    assert.equal(await page.locator('#withdraw-confirm').evaluate((el) => (el as HTMLInputElement).validity.valueMissing), true);
    assert.equal(await page.textContent('#case-state'), before);
    await page.getByLabel(/我确认撤回这条投诉/).check();
    await page.getByRole('button', { name: '撤回投诉' }).click();
    await page.waitForFunction((b) => document.querySelector('#case-state')?.textContent !== b, before);
    assert.equal(await page.textContent('#case-state'), '已撤回');
  });
});
