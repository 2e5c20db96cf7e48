/**
 * The annual report served on the pages has the site's navigation, so the reader can go back to the
 * site (it had none: the browser's back button was the only way), and the print leaves it out (the
 * report's print stylesheet, @media print), so "Print → Save as PDF" is the report alone. The file
 * `smsguard inspect report` writes stands alone, without links into a site. Debian's chromium; skips
 * only when it is missing.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_TOKEN, onboard, type Provider } from '../helpers/gateway.js';
import { BROWSER_SKIP, browserSuite } from '../helpers/browser.js';
import { renderAnnualReport } from '../../src/web/annual-report.js';
import { annualReportFor } from '../../src/app/report-annual.js';

describe('the annual report page', { skip: BROWSER_SKIP }, () => {
  let cp: Provider;
  const web = browserSuite({ setup: async (g) => {
    cp = await onboard(g, { name: '示例营销有限公司' });
  } });
  const { g } = web;

  test('has the site\'s navigation on screen and none in print; its links lead back into the site', async () => {
    const page = await web.signedIn(ADMIN_TOKEN, /\/web\/cases/);
    await page.goto(`${web.base}/web/reports/annual?contentProviderId=${encodeURIComponent(cp.id)}&year=2026`);
    assert.equal(await page.title(), '年度检查报告 2026 · 示例营销有限公司', 'the document is still named after the report (a saved PDF takes its name)');
    const nav = page.getByRole('navigation', { name: '主导航' });
    assert.ok(await nav.isVisible(), 'the site\'s navigation is on screen');
    assert.ok(await nav.getByRole('button', { name: '退出' }).isVisible());
    await page.emulateMedia({ media: 'print' });
    assert.equal(await nav.isVisible(), false, 'the print leaves the navigation out');
    assert.ok(await page.getByRole('heading', { level: 1 }).isVisible(), 'and keeps the report');
    await page.emulateMedia({ media: 'screen' });
    await nav.getByRole('link', { name: '信用档案' }).click();
    await page.waitForURL(/\/web\/credit$/);
    // the language switch keeps the report asked for
    await page.goto(`${web.base}/web/reports/annual?contentProviderId=${encodeURIComponent(cp.id)}&year=2026`);
    await page.getByRole('link', { name: 'English' }).click();
    assert.equal(await page.title(), 'Annual inspection report 2026 · 示例营销有限公司');
    await page.close();
  });

  test('the file the CLI writes stands alone: no navigation into a site', async () => {
    const r = await annualReportFor(g.app.ctx, { role: 'admin', actorId: 'admin' }, cp.id, 2026);
    assert.doesNotMatch(renderAnnualReport(r, 'zh'), /<header class="site">|href="\/web\//);
  });
});
