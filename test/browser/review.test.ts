/**
 * The review queue page in a real browser, without JavaScript: the operator signs in, follows the
 * menu to the review page, reads the held messages, clicks Release on one (a plain POST form) and
 * sees it leave the list while the other stays; Reject without a reason is not sent (the field is
 * required), with one it takes the message off. An alert's provider shows its early-warning baseline;
 * the operator resets it with its button (the store keeps the reset), a provider reads it without the
 * button, a regulator (whom the baseline API refuses) sees neither. With more than 50 alerts the operator
 * follows Older alerts (a plain link) and comes back to the first page. Debian's chromium; skips only when
 * it is missing.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { onboard, ADMIN_TOKEN } from '../helpers/gateway.js';
import { BROWSER_SKIP, browserSuite } from '../helpers/browser.js';
import { installContentGovernance } from '../../src/app/content-install.js';
import { SqliteContentStore } from '../../src/store/sqlite/content.js';
import type { ActionRecord } from '../../src/content/actions.js';
import type { AlertRow } from '../../src/ports/content.js';
import type { ContentGovernance } from '../../src/app/content-governance.js';
import { fmtTime } from '../../src/web/html.js';

const OPERATOR = { role: 'admin', actorId: 'tok_test_operator' } as const;

describe('the review queue page in the browser', { skip: BROWSER_SKIP }, () => {
  const ids: string[] = [];
  let gov: ContentGovernance;
  let store: SqliteContentStore;
  let cpId = '';
  let cpKey = '';
  let regulatorToken = '';
  /** The store's kept baseline of the provider (what a restart takes back). */
  const kept = async () => (await store.loadBaselines()).find((b) => b.scope === 'provider' && b.key === cpId);
  const status = async (id: string) => (await g.http.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: g.admin })).json().status;

  const web = browserSuite({ setup: async (g) => {
    store = new SqliteContentStore(g.store.db);
    gov = await installContentGovernance(g.app, store);
    const p = await onboard(g);
    cpId = p.id;
    cpKey = p.apiKey;
    regulatorToken = (await g.app.auth.createToken('regulator', 'inspector')).token;
    const hold: ActionRecord = { id: 'alert_hold_browser', scope: 'provider', key: p.id, contentProviderId: p.id, action: { kind: 'hold' }, rule: 'complaint_rate_high', figures: {}, at: g.clock.now() };
    await store.addAction(hold);
    gov.actions.restore(hold);
    for (let i = 1; i <= 2; i++) {
      const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: p.auth, payload: { from: '10690001', to: `1380013800${i}`, text: `【示例】您的快递${i}号已到达驿站。`, type: 'notification' } });
      assert.equal(r.json().error?.code, 'held_for_review', r.body);
      ids.push(r.json().id);
      g.clock.advance(60_000);
    }
    // an alert on the provider (the monitor counted its submissions above) and one on a port it never saw
    const alert = (id: string, scope: 'provider' | 'port', key: string): AlertRow => ({
      id, rule: 'volume_spike', metric: 'volume', scope, key, contentProviderId: p.id, severity: 'warning',
      value: 4.2, threshold: 3, figures: {}, windowStart: g.clock.now() - 60_000, at: g.clock.now(), action: { kind: 'alert' }, actionId: null,
    });
    await store.addAlert(alert('alert_browser_cp', 'provider', p.id));
    await store.addAlert(alert('alert_browser_port', 'port', '10699999'));
    await gov.saveBaselines();
  } });
  const { g } = web;

  test('the operator: menu → review, Release on a held message, and it leaves the list', async () => {
    const page = await web.signedIn(ADMIN_TOKEN, /\/web\/cases/);
    await page.getByRole('navigation').getByRole('link', { name: '审核与预警' }).click();
    await page.waitForURL(/\/web\/review$/);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), '暂扣短信审核与预警');
    const rows = page.locator('#held tbody tr');
    assert.equal(await rows.count(), 2);
    const first = page.locator(`#held tbody tr[data-held="${ids[0]}"]`);
    assert.equal(await first.locator('.held-text').textContent(), '【示例】您的快递1号已到达驿站。');
    assert.equal(await first.locator('.held-to').textContent(), '+8613800138001');

    await first.getByLabel('放行理由（可选）').fill('parcel notice, checked');
    await first.getByRole('button', { name: `放行 ${ids[0]}` }).click();
    await page.waitForURL(/\/web\/review\?done=release$/);
    assert.match((await page.locator('#review-done').textContent())!, /短信已放行/);
    assert.equal(await page.locator(`#held tbody tr[data-held="${ids[0]}"]`).count(), 0, 'released: no longer listed');
    assert.equal(await page.locator(`#held tbody tr[data-held="${ids[1]}"]`).count(), 1, 'the other stays');
    assert.notEqual(await status(ids[0]), 'held');

    // Reject needs a reason: the browser does not send the form without one
    const second = page.locator(`#held tbody tr[data-held="${ids[1]}"]`);
    await second.getByRole('button', { name: `拒绝 ${ids[1]}` }).click();
    await page.waitForTimeout(300);
    assert.match(page.url(), /done=release$/);
    assert.equal(await page.locator('#review-done').count(), 1, 'still the page after the release, no refusal page');
    assert.equal(await status(ids[1]), 'held');
    await second.getByLabel('拒绝理由（必填）').fill('bought list');
    await second.getByRole('button', { name: `拒绝 ${ids[1]}` }).click();
    await page.waitForURL(/\/web\/review\?done=reject$/);
    assert.equal(await page.locator('#no-held').isVisible(), true);
    assert.equal(await status(ids[1]), 'rejected');
    await page.context().close();
  });

  test('the operator reads an alert\'s baseline, resets it (the store keeps the reset) and is told so in the page\'s language', async () => {
    const page = await web.signedIn(ADMIN_TOKEN, /\/web\/cases/);
    await page.goto(`${web.base}/web/review`);
    // what GET /v1/early-warning/baselines/provider/{id} answers (its use case; the routes are not mounted here)
    const api = await gov.baselineView(OPERATOR, 'provider', cpId);
    const row = page.locator('#alerts tbody tr[data-alert="alert_browser_cp"]');
    assert.equal(await row.locator('.baseline-submitted').textContent(), String(api.figures.submitted));
    assert.ok(api.figures.baselineBuckets > 0 && api.figures.baselinePerWindow > 0, 'the monitor learned a baseline from the submissions');
    assert.equal(await row.locator('.baseline-per-window').textContent(), api.figures.baselinePerWindow.toFixed(1));
    assert.equal(await row.locator('.baseline-buckets').textContent(), String(api.figures.baselineBuckets));
    assert.equal(await row.locator('.baseline-reset-at').textContent(), '从未重置');
    assert.equal(await page.locator('#alerts tbody tr[data-alert="alert_browser_port"] .baseline').textContent(), '尚无基线');
    assert.equal(await page.locator('#alerts tbody tr[data-alert="alert_browser_port"] .reset-baseline').count(), 0);
    assert.match((await page.locator('#baseline-intro').textContent())!, /接受当前发送量为新的常态[\s\S]*审计日志/);
    const was = await kept();
    assert.equal(was?.resetAt, 0, 'kept, never reset');
    assert.ok((was?.completed ?? 0) > 0, 'the kept baseline has learned something');

    const resetAt = g.clock.now();
    await row.getByRole('button', { name: `重置基线 企业 ${cpId}` }).click();
    await page.waitForURL(/\/web\/review\?done=reset$/);
    assert.match((await page.locator('#review-done').textContent())!, /^基线已重置：当前发送量已被接受为新的常态/);
    assert.equal(await row.locator('.baseline-reset-at').textContent(), `上次重置 ${fmtTime(resetAt)}`);
    assert.equal(await row.locator('.baseline-buckets').textContent(), '0', 'the old baseline emptied');
    const after = await kept();
    assert.equal(after?.resetAt, resetAt, 'the store keeps the reset: a restart does not bring the old baseline back');
    assert.equal(after?.completed, 0);
    assert.equal((await gov.baselineView(OPERATOR, 'provider', cpId)).resetAt, resetAt);

    // in English: the button and the confirmation in the page's language
    g.clock.advance(1000);
    await page.goto(`${web.base}/web/review?lang=en`);
    await row.getByRole('button', { name: `Reset baseline provider ${cpId}` }).click();
    await page.waitForURL(/\/web\/review\?done=reset$/);
    assert.match((await page.locator('#review-done').textContent())!, /^Baseline reset: the current volume is accepted as the new normal/);
    assert.equal((await kept())?.resetAt, resetAt + 1000);
    assert.equal(await page.locator('#alerts tbody tr[data-alert="alert_browser_port"] .baseline').textContent(), 'no baseline yet');
    // a key the monitor does not know: the reset is refused in the page's words, the page still shown
    const r = await page.request.post(`${web.base}/web/review/baselines/port/10699999/reset`, { maxRedirects: 0 });
    assert.equal(r.status(), 404);
    assert.match(await r.text(), /The early-warning monitor has no baseline for port 10699999 yet/);
    assert.match(await r.text(), /id="alerts"/);
    await page.context().close();
  });

  test('a provider reads its baseline without a reset button; a regulator sees neither, and its post resets nothing', async () => {
    const cp = await web.signedIn(cpKey, /\/web\/(?!login)/);
    await cp.goto(`${web.base}/web/review`);
    const cpRow = cp.locator('#alerts tbody tr[data-alert="alert_browser_cp"]');
    assert.equal(await cpRow.count(), 1);
    assert.equal(await cpRow.locator('.baseline-submitted').count(), 1, 'the baseline API answers a provider for its own key');
    assert.equal(await cp.locator('.reset-baseline').count(), 0);
    assert.equal(await cp.locator('#baseline-intro').count(), 0);
    await cp.context().close();

    const before = (await kept())?.resetAt;
    const reg = await web.signedIn(regulatorToken, /\/web\/credit/);
    await reg.goto(`${web.base}/web/review`);
    assert.equal(await reg.locator('#alerts tbody tr[data-alert="alert_browser_cp"]').count(), 1, 'the regulator reads the alert');
    assert.equal(await reg.locator('#alerts .baseline').count(), 0, 'the baseline API refuses a regulator');
    assert.equal(await reg.locator('.reset-baseline').count(), 0);
    g.clock.advance(1000);
    const r = await reg.request.post(`${web.base}/web/review/baselines/provider/${cpId}/reset`, { maxRedirects: 0 });
    assert.equal(r.status(), 403);
    assert.equal((await kept())?.resetAt, before, 'nothing reset');
    await reg.context().close();
  });

  test('without JavaScript the operator follows Older alerts past the 50 newest, and back to the first page', async () => {
    // 51 alerts newer than the two the suite raised: those two are on the second page
    for (let i = 1; i <= 51; i++) {
      await store.addAlert({
        id: `alert_browser_new_${i}`, rule: 'volume_spike', metric: 'volume', scope: 'provider', key: cpId, contentProviderId: cpId, severity: 'warning',
        value: 4.2, threshold: 3, figures: {}, windowStart: g.clock.now() - 60_000, at: g.clock.now() + i, action: { kind: 'alert' }, actionId: null,
      });
    }
    const page = await web.signedIn(ADMIN_TOKEN, /\/web\/cases/);
    await page.goto(`${web.base}/web/review?lang=en`);
    const rows = page.locator('#alerts tbody tr');
    assert.equal(await rows.count(), 50);
    assert.equal(await page.locator('#alerts tbody tr[data-alert="alert_browser_cp"]').count(), 0);
    await page.getByRole('link', { name: 'Older alerts →' }).click();
    await page.waitForURL(/\/web\/review\?alertsCursor=[^&#]+#alerts-heading$/);
    assert.equal(await rows.count(), 3);
    assert.equal(await page.locator('#alerts tbody tr[data-alert="alert_browser_cp"]').count(), 1);
    assert.equal(await page.getByRole('link', { name: 'Older alerts →' }).count(), 0, 'the last page');
    await page.getByRole('link', { name: '← Back to the first page' }).click();
    await page.waitForURL(/\/web\/review#alerts-heading$/);
    assert.equal(await rows.count(), 50);
    await page.context().close();
  });
});
