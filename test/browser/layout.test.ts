/**
 * Long text does not break the layout: a message or complaint text with a long unbroken run (a link, a
 * tracking code, a string of letters) wraps inside its table cell or fact instead of widening the page
 * past the window, on the case page and the message list, at a laptop's width and a phone's. Debian's
 * chromium (JavaScript on only to measure the page); skips only when it is missing.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { onboard, ADMIN_TOKEN, sendPromotion, complaintOnPromotion } from '../helpers/gateway.js';
import { BROWSER_SKIP, browserSuite } from '../helpers/browser.js';

const RUN = `https://example.com/track?code=${'A1b2C3d4'.repeat(25)}`;

describe('long unbroken text wraps inside the page', { skip: BROWSER_SKIP }, () => {
  let caseId = '';
  const web = browserSuite({ setup: async (g) => {
    const cp = await onboard(g);
    await sendPromotion(g, cp, '13800138000', `【示例】年终大促，详情见 ${RUN}`);
    caseId = (await complaintOnPromotion(g, cp, '13800138001', `【示例】年终大促 ${RUN}`)).id;
  } });

  for (const width of [1024, 390]) {
    test(`at ${width}px: the case page and the message list are no wider than the window, the long text shown whole`, async () => {
      const page = await web.signedIn(ADMIN_TOKEN, /\/web\/cases/, true);
      await page.setViewportSize({ width, height: 800 });
      for (const path of [`/web/cases/${caseId}`, '/web/messages?msisdn=13800138001']) {
        await page.goto(`${web.base}${path}`);
        assert.ok((await page.locator('main').textContent())!.includes(RUN), `${path}: the text is all there`);
        const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(over <= 0, `${path} at ${width}px: the page is ${over}px wider than the window`);
      }
    });
  }
});
