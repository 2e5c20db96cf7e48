/**
 * PostgreSQL cannot store a NUL in text or jsonb. A submission carrying one in a stored field
 * (clientRef, category) reached the store, whose refusal failed the whole group commit: every other
 * message decided in the same turn, from any caller, failed with it (500). Such a field is now that
 * submission's own `invalid_request`, and the rest of the batch is decided and recorded.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openTestPgStore } from '../../helpers/pg.js';
import { appWithQueuedNotifications } from '../../helpers/queued-notifications.js';
import type { FastifyInstance } from 'fastify';
import { App } from '../../../src/app/app.js';
import { installComplaints } from '../../../src/app/complaint-service.js';
import { installContentGovernance } from '../../../src/app/content-install.js';
import { PgContentStore } from '../../../src/store/postgres/content.js';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { SqliteContentStore } from '../../../src/store/sqlite/content.js';
import type { Store } from '../../../src/ports/store.js';
import type { ContentStore } from '../../../src/ports/content.js';
import { SimulatorSmsc } from '../../../src/simulator/simulator-smsc.js';
import { FORM, form, webCookie } from '../../helpers/web.js';
import { buildHttpApp } from '../../../src/http/app.js';
import { createMetrics } from '../../../src/http/metrics.js';
import { contentRoutes } from '../../../src/http/routes/content.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { ADMIN_TOKEN, NOON_SHANGHAI, validCreditCode } from '../../helpers/gateway.js';

test('a NUL or lone surrogate in a stored field is that submission\'s 400; the rest of its batch is recorded (PostgreSQL)', { timeout: 60_000 }, async () => {
  const h = await openTestPgStore();
  try {
    const { app } = await appWithQueuedNotifications(h.store, 0);
    const cpId = (await h.store.pool.query<{ id: string }>('SELECT id FROM content_providers LIMIT 1')).rows[0].id;
    const cp = { role: 'content-provider' as const, contentProviderId: cpId, actorId: 't' };
    const ok = { from: '10690001', to: '13900000008', text: '【示例】您的账单已出', type: 'notification' };
    const cases: [Record<string, unknown>, string][] = [
      [{ clientRef: 'ref\u0000x' }, 'clientRef'],
      [{ clientRef: 'ref\ud800x' }, 'clientRef'],
      [{ type: 'commercial', category: 'promo\u0000' }, 'category'],
    ];
    // each round's good message a text of its own: the same one again within 30 s is duplicate_content
    for (const [i, [extra, field]] of cases.entries()) {
      const [bad, good] = await app.submitMessages(cp, [{ ...ok, to: '13900000009', ...extra }, { ...ok, text: `【示例】您的第${i + 1}期账单已出` }], 'http');
      assert.equal(bad.ok, false, JSON.stringify(extra));
      assert.deepEqual(!bad.ok && [bad.error.code, bad.error.field], ['invalid_request', field], JSON.stringify(bad));
      assert.equal(good.ok, true, JSON.stringify(good));
      assert.equal((await app.getMessage({ role: 'admin', actorId: 't' }, good.ok ? good.id : '')).id, good.ok ? good.id : '');
    }
  } finally {
    await h.dispose();
  }
});

/**
 * The other doors' free text: a NUL (or a lone surrogate) in a complaint, a case's reason, a hold's
 * reason, a credit entry's notes or evidence, a refusal phrase, a template, a provider's name, a
 * signature, a port's owner, a 12321 report, a web form or a path parameter reached PostgreSQL, which
 * refused it: a 500 (a lone surrogate was stored as U+FFFD, the text silently changed). Each is now
 * the request's `invalid_request` naming the field (a report: that item's), on SQLite alike; an MO
 * from the SMSC, which no one can be asked to send again, is recorded with U+FFFD in their place.
 */
const STORES: [string, () => Promise<{ store: Store; content: ContentStore; dispose(): Promise<void> }>][] = [
  ['PostgreSQL', async () => {
    const h = await openTestPgStore();
    return { store: h.store, content: new PgContentStore(h.store.pool, h.store.writer), dispose: () => h.dispose() };
  }],
  ['SQLite', async () => {
    const store = new SqliteStore(':memory:');
    return { store, content: new SqliteContentStore(store.db), dispose: () => store.close() };
  }],
];

for (const [storeName, open] of STORES) describe(`a NUL or lone surrogate in any caller's text is a 400 naming the field, never a 500 (${storeName}, HTTP and web)`, { timeout: 60_000 }, () => {
  let http: FastifyInstance;
  let dispose: () => Promise<void>;
  let app: App;
  let cpId: string;
  let cpAuth: Record<string, string>;
  let regulator: Record<string, string>;
  let centre: Record<string, string>;
  let caseId: string;
  let caseRef: string;
  let caseCode: string;
  let adminCookie: string;
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

  before(async () => {
    const h = await open();
    const clock = new SimulatedClock(NOON_SHANGHAI);
    app = new App({ store: h.store, clock, profile: resolveProfile('cn-2015') });
    await app.auth.ensureAdminToken(ADMIN_TOKEN);
    const complaints = installComplaints(app, { reportPort: '12321', sweeper: { intervalMs: 3_600_000 }, publicPerMinute: 0 });
    const gov = await installContentGovernance(app, h.content, {});
    http = await buildHttpApp({ app, simulator: new SimulatorSmsc(clock), metrics: createMetrics(app), plugins: [contentRoutes(gov)] });
    dispose = async () => {
      await http.close();
      await complaints.stop();
      await h.dispose();
    };
    const r = await http.inject({ method: 'POST', url: '/v1/content-providers', headers: admin, payload: { name: '示例科技有限公司', creditCode: await validCreditCode() } });
    assert.equal(r.statusCode, 201, r.body);
    cpId = r.json().id;
    cpAuth = { authorization: `Bearer ${r.json().apiKey}` };
    assert.equal((await http.inject({ method: 'POST', url: '/v1/ports', headers: admin, payload: { number: '10690001', contentProviderId: cpId, kind: 'service' } })).statusCode, 201);
    regulator = { authorization: `Bearer ${(await app.auth.createToken('regulator', 'inspector')).token}` };
    centre = { authorization: `Bearer ${(await app.auth.createToken('report-centre', 'centre')).token}` };
    const filed = await http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138000', sender: '10690001', text: '一条广告' } });
    assert.equal(filed.statusCode, 201, filed.body);
    ({ id: caseId, reference: caseRef, accessCode: caseCode } = filed.json());
    adminCookie = await webCookie({ http }, ADMIN_TOKEN);
  });
  after(async () => dispose());

  const NUL = 'x\u0000y';
  const LONE = 'x\ud800y';
  type Req = { method: 'POST' | 'PUT' | 'PATCH' | 'GET'; url: string; headers?: Record<string, string>; payload?: object };
  const apiCases = (): [string, Req, string][] => [
    ['complaint text', { method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138000', text: NUL } }, 'text'],
    ['complaint request', { method: 'POST', url: '/v1/complaints', payload: { msisdn: '13800138000', text: '广告', request: LONE } }, 'request'],
    ['case action reason', { method: 'POST', url: `/v1/cases/${caseId}/transitions`, headers: admin, payload: { action: 'escalate', reason: NUL } }, 'reason'],
    ['case evidence sender', { method: 'POST', url: `/v1/cases/${caseId}/evidence`, headers: admin, payload: { sender: `1069${NUL}` } }, 'sender'],
    ['hold reason', { method: 'POST', url: '/v1/holds', headers: admin, payload: { msisdn: '13800138000', reason: NUL } }, 'reason'],
    ['hold provider', { method: 'POST', url: '/v1/holds', headers: admin, payload: { contentProviderId: NUL, reason: 'court order' } }, 'contentProviderId'],
    ['credit entry notes', { method: 'POST', url: '/v1/credit/entries', headers: regulator, payload: { kind: 'warning', contentProviderId: cpId, notes: NUL } }, 'notes'],
    ['credit entry evidence', { method: 'POST', url: '/v1/credit/entries', headers: regulator, payload: { kind: 'warning', contentProviderId: cpId, evidence: { letter: NUL } } }, 'evidence/letter'],
    ['credit entry subject', { method: 'POST', url: '/v1/credit/entries', headers: regulator, payload: { kind: 'warning', contentProviderId: NUL } }, 'contentProviderId'],
    ['refusal phrase', { method: 'PUT', url: '/v1/refusal-phrases', headers: admin, payload: { phrases: ['不要再发', `退${NUL}`] } }, 'phrases/1'],
    ['template body', { method: 'POST', url: '/v1/templates', headers: cpAuth, payload: { signature: '【示例】', type: 'notification', body: `您的账单已出${NUL}` } }, 'body'],
    ['template review reason', { method: 'POST', url: '/v1/templates/tpl_x/review', headers: admin, payload: { decision: 'reject', reason: NUL } }, 'reason'],
    ['provider name', { method: 'POST', url: '/v1/content-providers', headers: admin, payload: { name: NUL, creditCode: '91350100M000100Y43' } }, 'name'],
    ['signature', { method: 'POST', url: `/v1/content-providers/${cpId}/signatures`, headers: admin, payload: { signature: `【示${NUL}例】` } }, 'signature'],
    ['port owner', { method: 'POST', url: '/v1/ports', headers: admin, payload: { number: '10690009', contentProviderId: NUL, kind: 'service' } }, 'contentProviderId'],
    ['review queue reason', { method: 'POST', url: '/v1/review-queue/msg_x/reject', headers: admin, payload: { reason: NUL } }, 'reason'],
    ['do-not-disturb source', { method: 'POST', url: '/v1/dnd', headers: admin, payload: { msisdns: ['13800138000'], source: NUL } }, 'source'],
    ['hold release reason', { method: 'POST', url: '/v1/holds/hold_x/release', headers: admin, payload: { reason: NUL } }, 'reason'],
    ['action lift reason', { method: 'POST', url: '/v1/early-warning/actions/act_x/lift', headers: admin, payload: { reason: LONE } }, 'reason'],
    ['baseline reset reason', { method: 'POST', url: `/v1/early-warning/baselines/provider/${cpId}/reset`, headers: admin, payload: { reason: NUL } }, 'reason'],
    ['suspension reason', { method: 'PATCH', url: `/v1/content-providers/${cpId}`, headers: admin, payload: { status: 'suspended', reason: NUL } }, 'reason'],
    ['licence number', { method: 'POST', url: '/v1/content-providers', headers: admin, payload: { name: '示例', creditCode: '91350100M000100Y43', licenseNumber: NUL } }, 'licenseNumber'],
    ['API key label', { method: 'POST', url: `/v1/content-providers/${cpId}/api-keys`, headers: admin, payload: { label: NUL } }, 'label'],
    ['consent request text', { method: 'POST', url: '/v1/consent-requests', headers: cpAuth, payload: { from: '10690001', to: '13800138000', category: '促销', frequency: { count: 1, per: 'week' }, durationDays: 7, text: NUL } }, 'text'],
    ['a path parameter', { method: 'GET', url: '/v1/cases/%00', headers: admin }, 'id'],
    ['a query parameter', { method: 'GET', url: '/v1/templates?contentProviderId=%00', headers: admin }, 'contentProviderId'],
  ];

  test('the API: each field named with invalid_request', async () => {
    const wrong: string[] = [];
    for (const [what, req, field] of apiCases()) {
      const r = await http.inject(req);
      const e = r.json().error ?? {};
      if (r.statusCode !== 400 || e.code !== 'invalid_request' || e.field !== field) wrong.push(`${what}: ${r.statusCode} ${r.body}`);
    }
    assert.deepEqual(wrong, []);
  });

  test('a hold released with a NUL in its reason: 400 naming it, the hold still in force (the audit record\'s jsonb refused it: 500 on PostgreSQL)', async () => {
    const hold = await http.inject({ method: 'POST', url: '/v1/holds', headers: admin, payload: { msisdn: '13800138009', reason: '诉讼保全' } });
    assert.equal(hold.statusCode, 201, hold.body);
    const r = await http.inject({ method: 'POST', url: `/v1/holds/${hold.json().id}/release`, headers: admin, payload: { reason: NUL } });
    assert.deepEqual([r.statusCode, r.json().error?.code, r.json().error?.field], [400, 'invalid_request', 'reason'], r.body);
    const held = (await http.inject({ method: 'GET', url: '/v1/holds', headers: admin })).json().holds.map((h: { id: string }) => h.id);
    assert.ok(held.includes(hold.json().id), 'still in force');
  });

  test('the web forms that call the same use cases: a 400 page, never a 500', async () => {
    const page = (url: string, body: Record<string, string>, cookie?: string) =>
      http.inject({ method: 'POST', url, headers: { ...FORM, ...(cookie ? { cookie } : {}) }, payload: form(body) });
    const wrong: string[] = [];
    for (const [what, r] of [
      ['complaint form', await page('/web/complaint', { msisdn: '13800138000', text: NUL })],
      ['status form', await page('/web/complaint/status', { reference: `C${NUL}`, accessCode: '123456' })],
      ['withdraw form', await page('/web/complaint/withdraw', { reference: `C${NUL}`, accessCode: '123456' })],
      ['case action form', await page(`/web/cases/${caseId}/act`, { action: 'escalate', reason: NUL }, adminCookie)],
      ['credit entry form', await page('/web/credit/entries', { contentProviderId: cpId, kind: 'warning', notes: NUL }, await webCookie({ http }, regulator.authorization.slice(7)))],
    ] as const) if (r.statusCode !== 400) wrong.push(`${what}: ${r.statusCode}`);
    assert.deepEqual(wrong, []);
    // the right reference still opens the status page
    const ok = await page('/web/complaint/status', { reference: caseRef, accessCode: caseCode });
    assert.equal(ok.statusCode, 200);
  });

  test('a 12321 report with a NUL fails alone, naming its field; the report beside it is filed', async () => {
    const r = await http.inject({ method: 'POST', url: '/v1/reports', headers: centre, payload: [
      { reference: 'R-1', msisdn: '13800138001', text: NUL },
      { reference: 'R-2', msisdn: '13800138002', text: '一条广告' },
    ] });
    assert.equal(r.statusCode, 200, r.body);
    const [bad, good] = r.json().results;
    assert.deepEqual([bad.ok, bad.error?.code, bad.error?.field], [false, 'invalid_request', 'reports/0/text'], JSON.stringify(bad));
    assert.equal(good.ok, true, JSON.stringify(good));
  });

  test('an MO holding a NUL or a lone surrogate is recorded with U+FFFD in its place', async () => {
    for (const text of [`你好${NUL}`, `你好${LONE}`]) {
      const r = await http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: '13800138003', to: '10690001', text } });
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.json().action, 'forwarded', r.body);
    }
    // a NUL in the port an MO reached: a number no provider holds, recorded (ignored), not a 500
    const r = await http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: '13800138003', to: `1069${NUL}`, text: '你好' } });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().action, 'ignored', r.body);
    // in the sender's number: the simulator's door refuses it as no mobile number (since 2026-12-07:
    // a handset's reply comes from one), and as a carrier link's deliver_sm may still carry it, the
    // use case records it, as it did the request before
    const door = await http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: `138${NUL}`, to: '10690001', text: '你好' } });
    assert.equal(door.statusCode, 422, door.body);
    assert.equal(door.json().error.code, 'invalid_msisdn');
    assert.equal((await app.receiveMo({ from: `138${NUL}`, to: `1069${NUL}`, text: '你好' }, 'system')).action, 'ignored');
  });
});
