/**
 * `/web/review`: the review queue and early warning as a page, through the same use cases as
 * GET /v1/review-queue, GET /v1/alerts and GET /v1/early-warning/actions, each part shown only to the
 * roles its API answers: the operator sees every held message (oldest first, when, who, from/to, the
 * text, why, when the hold ends) with Release and Reject forms, the alerts and the actions in force
 * with Lift; a provider its own held messages and alerts, read-only, and no actions (the API refuses
 * it them); a regulator the alerts and actions, no queue. A refused release shows the code's label
 * and message and the message stays listed. Both languages, forms that post and redirect.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, onboard, ADMIN_TOKEN, type TestGateway, type Provider } from '../helpers/gateway.js';
import { FORM, form, roleCookie, webCookie } from '../helpers/web.js';
import { installContentGovernance } from '../../src/app/content-install.js';
import type { ContentGovernance } from '../../src/app/content-governance.js';
import { SqliteContentStore } from '../../src/store/sqlite/content.js';
import type { ActionRecord } from '../../src/content/actions.js';
import type { AlertRow } from '../../src/ports/content.js';
import { fmtTime } from '../../src/web/html.js';

const TEXT = (n: number) => `【示例】您的快递${n}号已到达小区驿站，请凭取件码${4000 + n}取件。`;
const PROMO = '【示例】会员日全场八折，拒收请回复R';
const nav = (body: string) => /<nav [^>]*><ul>([\s\S]*?)<\/ul><\/nav>/.exec(body)?.[1] ?? '';
const heldIds = (body: string) => [...body.matchAll(/<tr data-held="([^"]+)"/g)].map((m) => m[1]);
const rowOf = (body: string, attr: string, id: string) => new RegExp(`<tr data-${attr}="${id}"[^>]*>([\\s\\S]*?)</tr>`).exec(body)?.[1] ?? '';

describe('the review queue and early warning page', () => {
  let g: TestGateway;
  let gov: ContentGovernance;
  let store: SqliteContentStore;
  let p: Provider;
  let other: Provider;
  let hold: ActionRecord;
  let otherHold: ActionRecord;
  const ids: string[] = [];
  let otherId = '';
  let promoId = '';
  const c = {} as Record<'admin' | 'cp' | 'other' | 'regulator' | 'centre', string>;
  const get = (url: string, cookie?: string) => g.http.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });
  const post = (url: string, cookie: string, body: Record<string, string> = {}) => g.http.inject({ method: 'POST', url, headers: { ...FORM, cookie }, payload: form(body) });
  const status = async (id: string) => (await g.http.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: g.admin })).json().status;

  before(async () => {
    g = await startTestGateway();
    store = new SqliteContentStore(g.store.db);
    gov = await installContentGovernance(g.app, store);
    p = await onboard(g);
    other = await onboard(g, { signature: '【别家】', ports: { service: '10690101' } });
    hold = { id: 'alert_hold_web', scope: 'provider', key: p.id, contentProviderId: p.id, action: { kind: 'hold' }, rule: 'complaint_rate_high', figures: { complaints: 3, accepted: 900 }, at: g.clock.now() };
    otherHold = { id: 'alert_hold_other', scope: 'provider', key: other.id, contentProviderId: other.id, action: { kind: 'hold' }, rule: 'prohibited_hits', figures: { prohibited: 4 }, at: g.clock.now() };
    for (const a of [hold, otherHold]) {
      await store.addAction(a);
      gov.actions.restore(a);
    }
    const alert = (id: string, cp: string, actionId: string | null): AlertRow => ({
      id, rule: 'complaint_rate_high', metric: 'complaint_rate', scope: 'provider', key: cp, contentProviderId: cp, severity: 'critical',
      value: 0.0033, threshold: 0.002, figures: { complaints: 3, accepted: 900 }, windowStart: g.clock.now() - 60_000, at: g.clock.now(), action: { kind: 'hold' }, actionId,
    });
    await store.addAlert(alert('alert_web_1', p.id, hold.id));
    await store.addAlert(alert('alert_web_other', other.id, otherHold.id));
    for (let i = 1; i <= 3; i++) {
      const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: p.auth, payload: { from: '10690001', to: `1380013800${i}`, text: TEXT(i), type: 'notification' } });
      assert.equal(r.json().error?.code, 'held_for_review', r.body);
      ids.push(r.json().id);
      g.clock.advance(60_000);
    }
    const o = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: other.auth, payload: { from: '10690101', to: '13900139001', text: '【别家】您的账单已出，本月应还 80.00 元。', type: 'notification' } });
    assert.equal(o.json().error?.code, 'held_for_review', o.body);
    otherId = o.json().id;
    // a commercial one, with consent, then the number joins the do-not-disturb list: its release is refused
    const to = '13700137001';
    const cs = await g.http.inject({ method: 'POST', url: '/v1/consents', headers: p.auth, payload: {
      msisdn: to, category: 'promo', frequency: { count: 4, per: 'month' }, expiresAt: '2027-06-01T00:00:00Z',
      proof: { channel: 'web', reference: `form-${to}`, capturedAt: '2026-11-01T10:00:00Z' },
    } });
    assert.equal(cs.statusCode, 201, cs.body);
    const pr = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: p.auth, payload: { from: '10690002', to, text: PROMO, type: 'commercial', category: 'promo' } });
    assert.equal(pr.json().error?.code, 'held_for_review', pr.body);
    promoId = pr.json().id;
    const d = await g.http.inject({ method: 'POST', url: '/v1/dnd', headers: g.admin, payload: { msisdns: [to], source: 'user request' } });
    assert.equal(d.statusCode, 200, d.body);
    Object.assign(c, {
      admin: await webCookie(g, ADMIN_TOKEN), cp: await webCookie(g, p.apiKey), other: await webCookie(g, other.apiKey),
      regulator: await roleCookie(g, 'regulator', 'inspector'), centre: await roleCookie(g, 'report-centre', 'clerk'),
    });
  });
  after(async () => g.close());

  test('signed out: the sign-in, coming back to the page', async () => {
    const r = await get('/web/review');
    assert.equal(r.statusCode, 303);
    assert.equal(r.headers.location, `/web/login?next=${encodeURIComponent('/web/review')}`);
    const posted = await g.http.inject({ method: 'POST', url: `/web/review/${ids[0]}/release`, headers: FORM, payload: '' });
    assert.equal(posted.statusCode, 303);
    assert.equal(posted.headers.location, `/web/login?next=${encodeURIComponent('/web/review')}&sent=1`);
    assert.equal(await status(ids[0]), 'held');
  });

  test('the operator: every held message oldest first, with when, who, from/to, text, why and the end of its hold; alerts; actions with Lift', async () => {
    const r = await get('/web/review', c.admin);
    assert.equal(r.statusCode, 200, r.body);
    assert.match(nav(r.body), /<a href="\/web\/review"(?: aria-current="page")?>审核与预警<\/a>/);
    assert.match(r.body, /<h1>暂扣短信审核与预警<\/h1>/);
    assert.deepEqual(heldIds(r.body), [...ids, otherId, promoId]);
    const api = (await g.http.inject({ method: 'GET', url: '/v1/review-queue', headers: g.admin })).json().messages as { id: string; heldAt: number; expiresAt: number }[];
    assert.deepEqual(api.map((m) => m.id), heldIds(r.body), 'the same list as the API, in its order');
    const row = rowOf(r.body, 'held', ids[0]);
    assert.ok(row.includes(TEXT(1)), row);
    assert.match(row, /<span class="held-from">10690001<\/span><br><span class="held-to">\+8613800138001<\/span>/);
    assert.ok(row.includes(`>${p.id}<`));
    // the provider by its name, its id after it (it was the bare cp_ id); an alert's scope by the name too
    assert.ok(row.includes(`<td class="held-provider">示例科技有限公司 <span class="mono hint" style="display:inline">${p.id}</span></td>`), row);
    assert.match(rowOf(r.body, 'alert', 'alert_web_1'), /<td>企业 示例科技有限公司<\/td>/);
    assert.ok(row.includes(`<td class="held-at">${fmtTime(api[0].heldAt)}</td>`));
    assert.ok(row.includes(`<td class="held-expires">${fmtTime(api[0].expiresAt)}`), 'the hold ends 72 h after it began');
    assert.equal(api[0].expiresAt - api[0].heldAt, 72 * 3_600_000);
    // why: the stage, the action it names and that action's rule
    assert.match(row, /monitor\.early-warning/);
    assert.match(row, /alert_hold_web<\/span>：complaint_rate_high · 暂扣待审/);
    assert.match(rowOf(r.body, 'held', otherId), /alert_hold_other<\/span>：prohibited_hits/);
    assert.match(row, new RegExp(`<form method="post" action="/web/review/${ids[0]}/release"`));
    assert.match(row, new RegExp(`<form method="post" action="/web/review/${ids[0]}/reject"`));
    assert.match(row, /<input id="reject-reason-0" name="reason" type="text" maxlength="1000" required>/);
    // alerts, newest first, every provider's
    // the measure and figures by their labels, not the monitor's field names
    assert.match(rowOf(r.body, 'alert', 'alert_web_1'), /complaint_rate_high<br><span class="hint">投诉率<\/span>[\s\S]*投诉率 0\.003 \/ 0\.002[\s\S]*严重[\s\S]*暂扣待审/);
    assert.ok(rowOf(r.body, 'alert', 'alert_web_other'));
    // actions in force, with Lift
    const act = rowOf(r.body, 'action', hold.id);
    assert.match(act, /暂扣待审/);
    assert.match(act, /complaint_rate_high/);
    assert.match(act, /投诉 3, 接受 900/);
    assert.ok(act.includes(fmtTime(hold.at)));
    assert.match(act, /<form method="post" action="\/web\/review\/actions\/alert_hold_web\/lift">/);
    // the column of the action's id is headed as one (it was headed 短信编号 / Message id)
    const actionHead = (body: string) => [.../<table id="actions"[\s\S]*?<\/thead>/.exec(body)![0].matchAll(/<th scope="col">([^<]*)<\/th>/g)].map((m) => m[1]);
    assert.ok(actionHead(r.body).includes('措施编号') && !actionHead(r.body).includes('短信编号'), actionHead(r.body).join(' | '));

    const en = await get('/web/review?lang=en', c.admin);
    assert.match(en.body, /<h1>Held messages and early warning<\/h1>/);
    assert.match(en.body, /<a href="\/web\/review"(?: aria-current="page")?>Review and alerts<\/a>/);
    assert.match(en.body, /<th scope="col">Why held<\/th>/);
    assert.match(en.body, />Release<\/button>/);
    assert.match(en.body, />Lift<\/button>/);
    assert.ok(actionHead(en.body).includes('Action id') && !actionHead(en.body).includes('Message id'), actionHead(en.body).join(' | '));
    assert.match(rowOf(en.body, 'held', ids[0]), /alert_hold_web<\/span>: complaint_rate_high · hold for review/);
    assert.doesNotMatch(en.body, /暂扣|放行|解除|预警/, 'no Chinese words of the page in English');
  });

  test('a provider: its own held messages and alerts, read-only; no actions, no other provider; it cannot release', async () => {
    const r = await get('/web/review', c.cp);
    assert.equal(r.statusCode, 200, r.body);
    assert.match(nav(r.body), /<a href="\/web\/review"(?: aria-current="page")?>/);
    assert.deepEqual(heldIds(r.body), [...ids, promoId]);
    assert.ok(rowOf(r.body, 'held', ids[0]).includes(TEXT(1)));
    assert.match(r.body, /由运营方审核放行或拒绝/);
    assert.doesNotMatch(r.body, /\/release"|\/reject"|\/lift"/, 'no forms for a provider');
    assert.ok(rowOf(r.body, 'alert', 'alert_web_1'));
    assert.equal(rowOf(r.body, 'alert', 'alert_web_other'), '', "another provider's alert is not shown");
    assert.doesNotMatch(r.body, /id="actions"/, 'the actions API refuses a provider');
    assert.doesNotMatch(r.body, /prohibited_hits|alert_hold_other/, "nothing of the other provider's");
    await assert.rejects(gov.listActions({ role: 'content-provider', actorId: p.id, contentProviderId: p.id }, true), { code: 'forbidden' });

    const o = await get('/web/review', c.other);
    assert.deepEqual(heldIds(o.body), [otherId]);

    const tried = await post(`/web/review/${ids[0]}/release`, c.cp, { reason: 'mine' });
    assert.equal(tried.statusCode, 403, tried.body);
    assert.match(tried.body, /role="alert"[\s\S]*本身份无权操作/);
    assert.equal(await status(ids[0]), 'held');
  });

  test('a regulator: the alerts and actions, no queue (the API refuses it the queue) and no Lift; the report centre: 403', async () => {
    const r = await get('/web/review', c.regulator);
    assert.equal(r.statusCode, 200, r.body);
    assert.doesNotMatch(r.body, /id="held"|id="no-held"/);
    assert.ok(rowOf(r.body, 'alert', 'alert_web_1'));
    assert.ok(rowOf(r.body, 'action', hold.id));
    assert.doesNotMatch(r.body, /\/lift"/);
    assert.equal((await g.http.inject({ method: 'GET', url: '/v1/review-queue', headers: { authorization: `Bearer ${(await g.app.auth.createToken('regulator', 'r2')).token}` } })).statusCode, 403);
    const centre = await get('/web/review', c.centre);
    assert.equal(centre.statusCode, 403, centre.body);
    assert.doesNotMatch(nav(centre.body), /href="\/web\/review"/);
    const lift = await post(`/web/review/actions/${hold.id}/lift`, c.regulator);
    assert.equal(lift.statusCode, 403, lift.body);
  });

  test('a refused release: the code\'s label and message on the page, the message still listed and held', async () => {
    const r = await post(`/web/review/${promoId}/release`, c.admin, { reason: 'looks fine' });
    assert.equal(r.statusCode, 422, r.body);
    const box = /<div class="alert" role="alert">([\s\S]*?)<\/div>/.exec(r.body)?.[1] ?? '';
    assert.match(box, /用户已退订：/, 'the code\'s label');
    assert.match(box, /do-not-disturb[\s\S]*\(opted_out\)/, 'the use case\'s message with the code');
    assert.match(box, /commercial\.opt-out/, 'the rule that refused');
    assert.ok(heldIds(r.body).includes(promoId));
    assert.match(r.body, new RegExp(`<tr data-held="${promoId}" data-refused="true"`));
    assert.equal(await status(promoId), 'held');
    const en = await g.http.inject({ method: 'POST', url: `/web/review/${promoId}/release?lang=en`, headers: { ...FORM, cookie: c.admin }, payload: form({ reason: '' }) });
    assert.equal(en.statusCode, 422);
    assert.match(en.body, /recipient opted out: [\s\S]*\(opted_out\)/);
  });

  test('reject needs a reason; given one, the message leaves the list; release sends it and it leaves the list', async () => {
    const blank = await post(`/web/review/${ids[1]}/reject`, c.admin, { reason: ' ' });
    assert.equal(blank.statusCode, 400, blank.body);
    assert.match(blank.body, /role="alert">[\s\S]*理由：请填写理由。 \(invalid_request\)/, 'the reason in Chinese, not the API\'s English');
    assert.equal(await status(ids[1]), 'held');
    const rej = await post(`/web/review/${ids[1]}/reject`, c.admin, { reason: 'bought list' });
    assert.equal(rej.statusCode, 303, rej.body);
    assert.equal(rej.headers.location, '/web/review?done=reject');
    assert.equal(await status(ids[1]), 'rejected');
    const after1 = await get('/web/review?done=reject', c.admin);
    assert.match(after1.body, /id="review-done">短信已拒绝/);
    assert.ok(!heldIds(after1.body).includes(ids[1]));

    const rel = await post(`/web/review/${ids[0]}/release`, c.admin, { reason: '' });
    assert.equal(rel.statusCode, 303, rel.body);
    assert.equal(rel.headers.location, '/web/review?done=release');
    assert.notEqual(await status(ids[0]), 'held');
    const v = (await g.http.inject({ method: 'GET', url: `/v1/messages/${ids[0]}`, headers: g.admin })).json();
    assert.match(v.history[1].detail, /released after review by .+: content reviewed: acceptable/);
    assert.ok(!heldIds((await get('/web/review', c.admin)).body).includes(ids[0]));
    const again = await post(`/web/review/${ids[0]}/reject`, c.admin, { reason: 'too late' });
    assert.equal(again.statusCode, 404, again.body);
  });

  test('Lift: the action is no longer in force, on the page and in the API', async () => {
    const r = await post(`/web/review/actions/${hold.id}/lift`, c.admin);
    assert.equal(r.statusCode, 303, r.body);
    assert.equal(r.headers.location, '/web/review?done=lift');
    const pg = await get('/web/review?done=lift', c.admin);
    assert.match(pg.body, /id="review-done">措施已解除/);
    assert.equal(rowOf(pg.body, 'action', hold.id), '');
    assert.ok(rowOf(pg.body, 'action', otherHold.id));
    // the use case behind GET /v1/early-warning/actions (its route is the content plugin's, which main.ts registers)
    const inForce = await gov.listActions({ role: 'admin', actorId: 'admin_test' }, true);
    assert.ok(!inForce.some((a) => a.id === hold.id));
    assert.ok(inForce.some((a) => a.id === otherHold.id));
    const twice = await post(`/web/review/actions/${hold.id}/lift`, c.admin);
    assert.equal(twice.statusCode, 404, twice.body);
    assert.match(twice.body, /不存在：[\s\S]*not_found/);
  });
});
