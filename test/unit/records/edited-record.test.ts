/**
 * A record whose stored body was edited so it is still a JSON object but a field has the wrong type
 * (`segments: "x"`, a status that is a number, verdicts that are a string, evidence that is text)
 * must be shown as damaged, not crash the read: the message view lists it in `unreadable` with the
 * body as stored and leaves out what it would have given, so the response always fits its schema
 * (before: the response serializer threw and GET /v1/messages/{id} answered 500); a subscription
 * record so edited is the event `unreadable`, as the records page shows the body.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startTestGateway, onboard, ADMIN_TOKEN, type TestGateway, type Provider } from '../../helpers/gateway.js';
import { asJson } from '../../helpers/schema-coverage.js';
import { messageViewOf, type ViewRecord } from '../../../src/store/message-view.js';
import { toEvent } from '../../../src/store/consent-rows.js';
import { SqliteContentStore } from '../../../src/store/sqlite/content.js';
import { installContentGovernance } from '../../../src/app/content-install.js';
import type { ActionRecord } from '../../../src/content/actions.js';

type Json = Record<string, any>;

test('messageViewOf: a field of the wrong type makes the record unreadable, never a wrong-typed view', async () => {
  const mt = (body: Json): ViewRecord => ({ id: 'msg_1', kind: 'mt', at: 1000, contentProviderId: 'cp_1', body });
  const good = { from: '10690001', to: '+8613800138000', type: 'notification', category: null, text: '【示例】您好', finalText: null, segments: 1, decision: 'accepted', code: null, profile: 'cn-2015', verdicts: [{ rule: 'sender.active', outcome: 'pass' }], clientRef: 'r1', registeredDelivery: true };
  const delivered: ViewRecord = { id: 'rec_s1', kind: 'status', at: 2000, contentProviderId: 'cp_1', body: { status: 'delivered' } };
  const rules = () => null;
  const ok = await messageViewOf('msg_1', [mt(good), delivered], rules);
  assert.equal(ok?.unreadable, undefined);
  assert.equal(ok?.segments, 1);
  assert.deepEqual(ok?.history.map((h) => h.status), ['accepted', 'delivered']);

  const edits: Json[] = [
    { segments: 'x' }, { segments: 1.5 }, { from: 10690001 }, { to: null }, { type: 'spam' }, { category: 3 }, { text: ['x'] }, { finalText: {} },
    { decision: 'maybe' }, { clientRef: 7 }, { profile: false }, { code: 1 }, { registeredDelivery: 'yes' }, { clientPartIds: 'c1' }, { clientPartIds: [1] },
    { verdicts: 'x' }, { verdicts: [{ rule: 1, outcome: 'pass' }] }, { verdicts: [{ rule: 'a', outcome: 'maybe' }] }, { verdicts: [{ rule: 'a', outcome: 'pass', note: 5 }] },
    { verdicts: { pipeline: 'pl_1', outcomes: 'PX' } }, { verdicts: { pipeline: 'pl_1', outcomes: 'PF', notes: { 0: 1 } } }, { verdicts: { pipeline: 1, outcomes: 'P' } },
  ];
  for (const edit of edits) {
    const body = { ...good, ...edit };
    const v = await messageViewOf('msg_1', [mt(body), delivered], rules);
    assert.deepEqual(v?.unreadable, [{ id: 'msg_1', body: JSON.stringify(body) }], JSON.stringify(edit));
    for (const k of ['from', 'to', 'type', 'category', 'text', 'decision', 'segments', 'clientRef', 'clientPartIds', 'profile']) assert.equal(k in v!, false, `${JSON.stringify(edit)}: ${k} left out`);
    assert.deepEqual(v?.verdicts, []);
    assert.equal(v?.registeredDelivery, false);
    assert.equal(v?.status, 'delivered', 'the latest status recorded');
    assert.deepEqual(v?.history, [{ status: 'delivered', at: 2000 }]);
  }

  // a damaged status record is left out of the history and listed; the submission still shows
  for (const body of [{ status: 5 }, { status: 'gone' }, { status: 'delivered', detail: 3 }, { unreadable: '{broken' }]) {
    const v = await messageViewOf('msg_1', [mt(good), { ...delivered, body }], rules);
    assert.deepEqual(v?.unreadable, [{ id: 'rec_s1', body: 'unreadable' in body ? '{broken' : JSON.stringify(body) }]);
    assert.equal(v?.text, '【示例】您好');
    assert.equal(v?.status, 'accepted');
    assert.deepEqual(v?.history, [{ status: 'accepted', at: 1000 }]);
  }
});

test('toEvent: a subscription record of the wrong shape is the event unreadable', () => {
  const r = { id: 'rec_1', at: 1, contentProviderId: 'cp_1', msisdn: '+8613800138000' };
  assert.deepEqual(toEvent({ ...r, body: { event: 'opt_out', channel: 'sms', evidence: { text: 'TD' } } }).kind, 'opt_out');
  for (const body of [{ event: 'opt_out', channel: 'sms', evidence: 'TD' }, { event: 'opt_out', channel: 5, evidence: {} }, { event: 'nope', channel: 'sms', evidence: {} }, { event: 'opt_out', channel: 'sms', evidence: [1] }, { unreadable: '{x' }]) {
    const e = toEvent({ ...r, body });
    assert.equal(e.kind, 'unreadable', JSON.stringify(body));
    assert.equal(typeof e.channel, 'string');
    assert.deepEqual(e.evidence, { unreadable: 'unreadable' in body ? '{x' : JSON.stringify(body) });
  }
});

describe('reads over records edited in the database file', () => {
  let dir: string;
  let g: TestGateway;
  let cp: Provider;
  let heldOf: Provider;
  const ids: string[] = [];
  let heldId: string;
  let statusRecords: string[];
  let subscriptionRecord: string;
  const user = '13800138700';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'smsguard-edited-'));
    const db = join(dir, 'g.db');
    g = await startTestGateway({ db });
    cp = await onboard(g);
    heldOf = await onboard(g, { signature: '【别家】', ports: { service: '10690101' } });
    const consent = await g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn: user, category: 'promo', frequency: { count: 10, per: 'month' }, expiresAt: '2027-06-01T00:00:00Z', proof: { channel: 'web', reference: 'form-9', capturedAt: '2026-11-01T00:00:00Z' } } });
    assert.equal(consent.statusCode, 201, consent.body);
    for (let i = 0; i < 4; i++) {
      const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: `1380013870${i}`, text: '【示例】您的验证码是123456', type: 'verification', registeredDelivery: true } });
      assert.equal(r.statusCode, 202, r.body);
      ids.push(r.json().id);
    }
    // a message parked for review: a hold in force for its provider, as the early-warning monitor places it
    const contentStore = new SqliteContentStore(g.store.db);
    const gov = await installContentGovernance(g.app, contentStore);
    const hold: ActionRecord = { id: 'alert_hold_1', scope: 'provider', key: heldOf.id, contentProviderId: heldOf.id, action: { kind: 'hold' }, rule: 'volume_spike', figures: { volume: 120, baseline: 6 }, at: g.clock.now() };
    await contentStore.addAction(hold);
    gov.actions.restore(hold);
    const h = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: heldOf.auth, payload: { from: '10690101', to: '13800138799', text: '【别家】您的快递已到达小区驿站，请凭取件码4001取件。', type: 'notification' } });
    assert.equal(h.json().error?.code, 'held_for_review', h.body);
    heldId = h.json().id;
    await g.worker.drain();
    await g.close();

    const file = readdirSync(dir).find((f) => /\.records-\d{4}-\d{2}\.db$/.test(f))!;
    const table = `records_${/(\d{4})-(\d{2})/.exec(file)!.slice(1).join('_')}`;
    const m = new Database(join(dir, file));
    statusRecords = (m.prepare(`SELECT id FROM ${table} WHERE kind = 'status' AND ref = ? ORDER BY seq`).all(ids[2]) as { id: string }[]).map((r) => r.id);
    assert.ok(statusRecords.length >= 2, 'submitted and delivered');
    subscriptionRecord = (m.prepare(`SELECT id FROM ${table} WHERE kind = 'subscription' ORDER BY seq LIMIT 1`).get() as { id: string }).id;
    m.exec(`DROP TRIGGER ${table}_no_update`);
    const edit = m.prepare(`UPDATE ${table} SET body = json_set(body, ?, json(?)) WHERE id = ?`);
    edit.run('$.segments', '"x"', ids[0]);
    edit.run('$.verdicts', '"x"', ids[1]);
    edit.run('$.status', '5', statusRecords[0]);
    for (const id of statusRecords.slice(1)) m.prepare(`UPDATE ${table} SET body = '{broken' WHERE id = ?`).run(id);
    edit.run('$.evidence', '"x"', subscriptionRecord);
    edit.run('$.segments', '"x"', heldId);
    m.close();
    g = await startTestGateway({ db });
  });
  after(async () => {
    await g.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the message view answers 200, lists the edited records and loses nothing to the serializer', async () => {
    const admin = await g.app.auth.principalFor(ADMIN_TOKEN);
    const views: Json[] = [];
    for (const id of ids) {
      const r = await g.http.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: cp.auth });
      assert.equal(r.statusCode, 200, `${id}: ${r.body}`);
      assert.deepEqual(r.json(), asJson(await g.app.getMessage(admin, id)), `${id}: as the use case built it`);
      views.push(r.json());
    }
    const [seg, ver, st, fine] = views;
    assert.deepEqual(seg.unreadable.map((u: Json) => u.id), [ids[0]]);
    assert.equal(JSON.parse(seg.unreadable[0].body).segments, 'x');
    for (const k of ['from', 'to', 'text', 'segments', 'decision']) assert.equal(k in seg, false, k);
    assert.equal(seg.status, 'delivered', 'the latest status recorded');
    assert.equal(JSON.parse(ver.unreadable[0].body).verdicts, 'x');
    assert.deepEqual(ver.verdicts, []);
    assert.equal(st.text, '【示例】您的验证码是123456', 'a damaged status record leaves the submission readable');
    assert.deepEqual(st.unreadable.map((u: Json) => u.id), statusRecords);
    assert.deepEqual(st.unreadable.slice(1).map((u: Json) => u.body), statusRecords.slice(1).map(() => '{broken'));
    assert.deepEqual(st.history, [{ status: 'accepted', at: st.receivedAt }]);
    assert.equal(fine.unreadable, undefined);
    assert.deepEqual(fine.history.map((h: Json) => h.status), ['accepted', 'submitted', 'delivered']);
  });

  test('a held message whose submission record is damaged can be rejected, not released unjudged', async () => {
    const release = await g.http.inject({ method: 'POST', url: `/v1/review-queue/${heldId}/release`, headers: g.admin, payload: {} });
    assert.equal(release.statusCode, 409, release.body);
    assert.equal(release.json().error.code, 'conflict');
    assert.match(release.json().error.message, /damaged/);
    const reject = await g.http.inject({ method: 'POST', url: `/v1/review-queue/${heldId}/reject`, headers: g.admin, payload: { reason: 'record damaged' } });
    assert.equal(reject.statusCode, 200, reject.body);
    await g.worker.drain();
    assert.equal((await g.http.inject({ method: 'GET', url: '/v1/simulator/outbox?to=13800138799' })).json().messages.length, 0, 'never sent');
  });

  test('the subscriber views show the edited subscription record as unreadable', async () => {
    for (const [url, h] of [[`/v1/subscribers/${user}`, g.admin], [`/v1/subscribers/${user}/consents`, cp.auth]] as const) {
      const r = await g.http.inject({ method: 'GET', url, headers: h });
      assert.equal(r.statusCode, 200, r.body);
      const e = (r.json().events as Json[]).find((x) => x.id === subscriptionRecord);
      assert.equal(e?.event, 'unreadable', r.body);
      assert.equal(JSON.parse(e.evidence.unreadable).evidence, 'x');
    }
  });
});
