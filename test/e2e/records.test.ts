/**
 * Records through HTTP: filters and keyset pages, regulator scope and its audit trail, legal holds
 * that survive a purge, subscription records kept while the relationship lives, signed heads.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite, type TestGateway, type Provider } from '../helpers/gateway.js';
import { assertMarchPurged } from '../helpers/records.js';
import { purgeRecords, RetentionJob, formatPurgeReport, type PurgeReport } from '../../src/app/retention.js';
import { recordsFor } from '../../src/app/records-service.js';
import { verifyHeadSignature } from '../../src/app/records-signing.js';
import { monthOf } from '../../src/domain/hash-chain.js';

const MARCH = Date.parse('2026-03-10T04:00:00Z');
const fieldsOf = (r: any) => ({ ref: r.ref, clientRef: r.clientRef, port: r.port, type: r.type, decision: r.decision, rule: r.rule, code: r.code, article: r.article });
const NOV = Date.parse('2026-11-30T04:00:00Z');

async function send(g: TestGateway, cp: Provider, to: string, text = '【示例】您的验证码是123456', type = 'verification', from = '10690001') {
  return g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from, to, text, type } });
}

describe('records over HTTP', () => {
  const { g, cp, other } = gatewaySuite({ now: MARCH, other: { name: '另一家公司', signature: '【另一家】', ports: { service: '10691111' } } });
  before(async () => {
    // March: messages to two numbers; a held number; a consent that stays live.
    for (let i = 0; i < 3; i++) { assert.equal((await send(g, cp, '13800138000')).statusCode, 202); g.clock.advance(120_000); }
    assert.equal((await send(g, cp, '13900139000')).statusCode, 202);
    assert.equal((await send(g, cp, '13800138000', '【示例】会员日全场五折，点击领取优惠券', 'notification')).statusCode, 422);
    assert.equal((await send(g, other, '13700137000', '【另一家】您的验证码是654321', 'verification', '10691111')).statusCode, 202);
    const c = await g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn: '13600136000', category: 'promo', frequency: { count: 4, per: 'month' }, expiresAt: '2027-12-31T00:00:00Z', proof: { channel: 'web', reference: 'form-1', capturedAt: '2026-03-10T04:00:00Z' } } });
    assert.equal(c.statusCode, 201, c.body);
    const c2 = await g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn: '13500135000', category: 'promo', frequency: { count: 4, per: 'month' }, expiresAt: '2026-04-01T00:00:00Z', proof: { channel: 'web', reference: 'form-2', capturedAt: '2026-03-10T04:00:00Z' } } });
    assert.equal(c2.statusCode, 201, c2.body);
    g.clock.set(NOV);
    assert.equal((await send(g, cp, '13800138000')).statusCode, 202);
  });

  test('a from or to that is no instant is refused naming it, never read as another (a day the month lacks, no offset, a date alone)', async () => {
    const cpId = cp.id;
    const ask = (url: string) => g.http.inject({ method: 'GET', url, headers: g.admin });
    const bad = [
      // 30 February: Date.parse rolled it over to 2 March and the query ran from there.
      ['from', '2026-02-30T00:00:00Z'], ['to', '2026-11-31T00:00:00%2B08:00'],
      // A date alone was UTC midnight (8 hours into the Shanghai day); no offset, the server's own zone.
      ['from', '2026-03-01'], ['to', '2026-04-01T00:00:00'], ['from', 'Mar 1 2026'], ['from', '1'],
    ] as const;
    for (const [field, v] of bad) {
      for (const url of [`/v1/records?${field}=${v}`, `/v1/messages?msisdn=13800138000&${field}=${v}`,
        `/v1/records/export?contentProviderId=${cpId}&from=${field === 'from' ? v : '2026-03-01T00:00:00Z'}&to=${field === 'to' ? v : '2026-12-01T00:00:00Z'}`]) {
        const r = await ask(url);
        assert.equal(r.statusCode, 400, `${url}: ${r.body}`);
        assert.equal(r.json().error.code, 'invalid_request');
        assert.equal(r.json().error.field, field, url);
      }
    }
  });

  test('a + of an offset typed unencoded in the query (a URL reads it as a space) is taken as meant, not refused asking for the offset it has', async () => {
    // Before: `from=2026-03-01T00:00:00+08:00` arrived as `…00:00:00 08:00` and was refused "must be
    // an ISO-8601 date-time with its offset (2026-11-30T12:00:00+08:00 …)", the very form typed.
    const ask = async (q: string) => g.http.inject({ method: 'GET', url: `/v1/messages?msisdn=13800138000&${q}`, headers: g.admin });
    const typed = await ask('from=2026-03-01T00:00:00+08:00&to=2026-04-01T00:00:00+08:00');
    assert.equal(typed.statusCode, 200, typed.body);
    const encoded = await ask('from=2026-03-01T00:00:00%2B08:00&to=2026-04-01T00:00:00%2B08:00');
    assert.deepEqual(typed.json(), encoded.json());
    assert.equal(typed.json().messages.length, 4); // March's three codes and the refused notification
    const records = await g.http.inject({ method: 'GET', url: '/v1/records?msisdn=13800138000&from=2026-03-01T00:00:00+08:00&to=2026-04-01T00:00:00.000+08:00', headers: g.admin });
    assert.equal(records.statusCode, 200, records.body);
    // a space anywhere else is still no date-time
    for (const v of ['2026-03-01 08:00', '2026-03-01T00:00 08:00', '2026-03-01T00:00:00  08:00']) {
      const r = await ask(`from=${encodeURIComponent(v)}`);
      assert.equal(r.statusCode, 400, `${v}: ${r.body}`);
    }
  });

  test('a to not after from is refused naming to, as the export refuses it, not answered as no records (found by the records audit)', async () => {
    const t = await g.app.auth.createToken('regulator', 'inspector Zhou', null, { from: Date.parse('2026-03-01T00:00:00+08:00'), to: Date.parse('2026-04-01T00:00:00+08:00') });
    const reg = { authorization: `Bearer ${t.token}` };
    for (const [from, to] of [['2026-12-01T00:00:00Z', '2026-11-01T00:00:00Z'], ['2026-03-10T00:00:00Z', '2026-03-10T00:00:00Z']]) {
      for (const headers of [g.admin, reg]) {
        const r = await g.http.inject({ method: 'GET', url: `/v1/records?from=${from}&to=${to}`, headers });
        assert.equal(r.statusCode, 400, r.body);
        assert.equal(r.json().error.code, 'invalid_request');
        assert.equal(r.json().error.field, 'to');
      }
    }
    // A range the token's dates clamp to nothing is still an empty answer: the request itself was sound.
    const clamped = await g.http.inject({ method: 'GET', url: '/v1/records?from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z', headers: reg });
    assert.equal(clamped.statusCode, 200, clamped.body);
    assert.deepEqual(clamped.json().records, []);
  });

  test('filters: number, type, decision, rule, port, time range; keyset pages never repeat', async () => {
    const get = async (qs: string, headers = g.admin) => { const r = await g.http.inject({ method: 'GET', url: `/v1/records?${qs}`, headers }); assert.equal(r.statusCode, 200, r.body); return r.json(); };
    const byNumber = await get('msisdn=13800138000&kind=mt');
    assert.equal(byNumber.records.length, 5);
    assert.ok(byNumber.records.every((r: any, i: number, a: any[]) => i === 0 || a[i - 1].seq > r.seq), 'newest first');
    assert.equal((await get('decision=rejected')).records.length, 1);
    const rej = (await get('decision=rejected')).records[0];
    const msg = (await g.http.inject({ method: 'GET', url: `/v1/messages/${rej.id}`, headers: g.admin })).json();
    const failed = msg.verdicts.find((v: any) => v.outcome === 'fail').rule;
    assert.equal((await get(`rule=${encodeURIComponent(failed)}`)).records.length, 1);
    // a rule of the profiles that rejected nothing here: an empty page (an unknown one is 400, below)
    assert.equal((await get('rule=commercial.quiet-hours')).records.length, 0);
    assert.equal((await get('port=10691111')).records.length, 1);
    assert.equal((await get(`contentProviderId=${other.id}&kind=mt`)).records.length, 1);
    assert.equal((await get('type=verification&kind=mt&from=2026-11-01T00:00:00Z')).records.length, 1);
    assert.equal((await get('kind=mt&from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z')).records.length, 6);
    const seen = new Set<number>();
    let cursor = '';
    for (let i = 0; i < 50; i++) {
      const page = await get(`limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      for (const r of page.records) { assert.ok(!seen.has(r.seq)); seen.add(r.seq); }
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    const all = await get('limit=1000');
    assert.equal(seen.size, all.records.length);
    assert.ok(all.records.every((r: any) => typeof r.hash === 'string' && r.hash.length === 64));
  });

  test('a content provider reads only its own records', async () => {
    const r = await g.http.inject({ method: 'GET', url: '/v1/records?limit=1000', headers: other.auth });
    assert.equal(r.statusCode, 200);
    assert.ok(r.json().records.length > 0);
    assert.ok(r.json().records.every((x: any) => x.contentProviderId === other.id));
    assert.equal((await g.http.inject({ method: 'GET', url: `/v1/records?contentProviderId=${cp.id}`, headers: other.auth })).statusCode, 403);
  });

  test('regulator tokens: province and date range limits, and every query recorded', async () => {
    const fujian = await g.app.auth.createToken('regulator', 'inspector Lin', null, { province: '35' });
    const guangdong = await g.app.auth.createToken('regulator', 'inspector Chen', null, { province: '44' });
    const march = await g.app.auth.createToken('regulator', 'inspector Wu', null, { from: Date.parse('2026-03-01T00:00:00+08:00'), to: Date.parse('2026-04-01T00:00:00+08:00') });
    const q = (tok: string, qs = 'kind=mt&limit=1000') => g.http.inject({ method: 'GET', url: `/v1/records?${qs}`, headers: { authorization: `Bearer ${tok}` } });
    // onboard() registers providers with Fujian (35) credit codes.
    assert.equal((await q(fujian.token)).json().records.length, 7);
    assert.equal((await q(guangdong.token)).json().records.length, 0);
    assert.equal((await q(guangdong.token, `contentProviderId=${cp.id}`)).statusCode, 403);
    assert.equal((await q(march.token)).json().records.length, 6);
    assert.equal((await q(march.token, 'kind=mt&from=2026-11-01T00:00:00Z')).json().records.length, 0);
    const audit = (await g.http.inject({ method: 'GET', url: '/v1/records?kind=audit&type=records.query&limit=1000', headers: g.admin })).json().records;
    const mine = audit.filter((r: any) => r.body.actor === fujian.id);
    assert.equal(mine.length, 1);
    assert.equal(mine[0].body.rows, 7);
    assert.deepEqual(mine[0].body.filter, { kind: 'mt', limit: 1000 });
    assert.equal(audit.filter((r: any) => r.body.actor === march.id).length, 2);
    assert.equal((await g.http.inject({ method: 'POST', url: '/v1/holds', headers: { authorization: `Bearer ${fujian.token}` }, payload: { msisdn: '13900139000', reason: 'case 2026-041 (regulator)' } })).statusCode, 201);
    assert.equal((await g.http.inject({ method: 'POST', url: '/v1/holds', headers: cp.auth, payload: { msisdn: '13900139000', reason: 'x' } })).statusCode, 403);
    assert.equal((await g.http.inject({ method: 'POST', url: '/v1/holds', headers: { authorization: `Bearer ${guangdong.token}` }, payload: { contentProviderId: cp.id, reason: 'outside' } })).statusCode, 403);
    assert.equal((await g.http.inject({ method: 'POST', url: '/v1/holds', headers: g.admin, payload: { msisdn: '13900139000', contentProviderId: cp.id, reason: 'both' } })).statusCode, 400);
  });

  test('a regulator query refused for its scope is recorded too, as an out-of-scope message read is (found by QA)', async () => {
    // GET /v1/messages/{id} outside the scope is recorded (rows 0) and answers 404; GET /v1/records
    // for another province's provider answered 403 and left no trace of the attempt.
    const hainan = await g.app.auth.createToken('regulator', 'inspector Fu', null, { province: '46' });
    const r = await g.http.inject({ method: 'GET', url: `/v1/records?contentProviderId=${cp.id}&kind=mt`, headers: { authorization: `Bearer ${hainan.token}` } });
    assert.equal(r.statusCode, 403, r.body);
    const audit = (await g.http.inject({ method: 'GET', url: '/v1/records?kind=audit&type=records.query&limit=1000', headers: g.admin })).json().records;
    const mine = audit.filter((x: any) => x.body.actor === hainan.id);
    assert.equal(mine.length, 1);
    assert.deepEqual(mine[0].body.filter, { contentProviderId: cp.id, kind: 'mt' });
    assert.equal(mine[0].body.rows, 0);
    assert.equal(mine[0].body.refused, 'forbidden');
  });

  test('heads: one signed head per month, verifiable', async () => {
    const r = await g.http.inject({ method: 'GET', url: '/v1/records/heads', headers: cp.auth });
    assert.equal(r.statusCode, 200);
    const body = r.json();
    assert.ok(body.heads.length >= 2);
    assert.deepEqual([body.heads[0].chain, body.heads.at(-1).chain], ['2026-03', '2026-11']);
    for (const h of body.heads) assert.equal(verifyHeadSignature(h, body.publicKey), true);
  });

  test('purge: a month past retention goes; holds and live relationships stay and are said', async () => {
    const hold = await g.http.inject({ method: 'POST', url: '/v1/holds', headers: g.admin, payload: { msisdn: '+8613800138000', reason: 'court order 42' } });
    assert.equal(hold.statusCode, 201, hold.body);
    const marchOfHeld = (await g.http.inject({ method: 'GET', url: '/v1/records?msisdn=13800138000&to=2026-04-01T00:00:00Z&limit=1000', headers: g.admin })).json().records.length;
    assert.ok(marchOfHeld >= 4);
    const dry = await purgeRecords(g.app.ctx, { dryRun: true, actor: 'test' });
    assert.equal(dry.months[0].chain, '2026-03');
    assert.ok(dry.months[0].keptFor.holds.length >= 1);
    assert.equal((await recordsFor(g.app.ctx).archive.chains()).some((c) => c.chain === '2026-03'), true, 'dry run drops nothing');
    const r = await purgeRecords(g.app.ctx, { dryRun: false, actor: 'test' });
    const m = r.months[0];
    assert.ok(r.months.every((x) => x.chain < '2026-07'), 'only months whose records are all 5 months old');
    const held = m.keptFor.holds.find((h) => h.reason === 'court order 42')!;
    assert.equal(held.records, marchOfHeld, 'every March record about the held number (MT, rejected MT, status, MO)');
    assert.equal(m.keptFor.subscription, 1, 'the live consent of 13600136000; the expired one of 13500135000 ended in April, over 5 months ago');
    assert.ok((m.removed.mt ?? 0) >= 1, 'the unheld March MT of 13700137000 went');
    const chains = (await recordsFor(g.app.ctx).archive.chains()).map((c) => c.chain);
    assert.deepEqual([chains[0], chains.at(-1)], ['retained', '2026-11']);
    assert.ok(!chains.includes('2026-03'));
    const get = async (qs: string) => (await g.http.inject({ method: 'GET', url: `/v1/records?${qs}`, headers: g.admin })).json().records;
    await assertMarchPurged(g);
    // Release the hold: the next purge removes what only it kept.
    const holds = (await g.http.inject({ method: 'GET', url: '/v1/holds', headers: g.admin })).json().holds;
    for (const h of holds) assert.equal((await g.http.inject({ method: 'POST', url: `/v1/holds/${h.id}/release`, headers: g.admin })).statusCode, 200);
    const r2 = await purgeRecords(g.app.ctx, { dryRun: false, actor: 'test' });
    assert.ok((r2.retained?.removed.mt ?? 0) >= 4);
    assert.equal((await get('msisdn=13800138000&kind=mt')).length, 1);
    assert.equal((await get('msisdn=13600136000&kind=subscription')).length, 1, 'live relationship still kept');
    assert.equal((await recordsFor(g.app.ctx).verify()).ok, true);
    assert.equal(monthOf(g.clock.now()), '2026-11');
  });

  test('the daily job records only a purge that did something; an operator asking records every run', async () => {
    const get = async () => (await g.http.inject({ method: 'GET', url: '/v1/records?kind=audit&type=records.purge&limit=100', headers: g.admin })).json().records.length;
    const before = await get();
    const reports: PurgeReport[] = [];
    const job = new RetentionJob(g.app.ctx, (r) => reports.push(r), (e) => assert.fail(e));
    await job.runOnce();
    await job.runOnce();
    assert.equal(reports.length, 2);
    assert.deepEqual(reports.map((r) => r.months.length), [0, 0], 'nothing is past retention any more');
    // The operational rows of March (status rows of delivered messages, frequency counters) go with
    // the first run; the second finds nothing. The November message keeps its status.
    assert.ok(reports[0].operational!.statuses >= 4, JSON.stringify(reports[0].operational));
    assert.ok(reports[0].operational!.sends >= 4, JSON.stringify(reports[0].operational));
    assert.deepEqual(reports[1].operational, { statuses: 0, sends: 0, callbacks: 0, usage: 0, idempotencyKeys: 0 });
    assert.ok(formatPurgeReport(reports[0]).some((l) => /operational: \d+ message status rows/.test(l)));
    assert.equal(await get(), before, 'no empty audit entries from the daily job');
    await purgeRecords(g.app.ctx, { dryRun: false, actor: 'cli' });
    assert.equal(await get(), before + 1, 'a purge someone ran by hand is recorded even when it removed nothing');
  });
});

describe('records over HTTP: what an item says, and filters that name nothing', () => {
  const { g, cp } = gatewaySuite({ now: NOV });
  const get = (qs: string, headers = g.admin) => g.http.inject({ method: 'GET', url: `/v1/records?${qs}`, headers });

  test('each item has its ref, clientRef, port, type, decision and the rule, code and article of a rejection (null where none applies)', async () => {
    // An inspector had these only by reading each kind's body (and a submission's verdicts are stored
    // compactly: the failing rule is not in the body at all, only in the record's rule column).
    const ok = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: '13800138000', text: '【示例】您的验证码是123456', type: 'verification', clientRef: 'order-1' } });
    assert.equal(ok.statusCode, 202, ok.body);
    const no = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: '13800138000', text: '【示例】会员日全场五折，点击领取优惠券', type: 'notification', clientRef: 'order-2' } });
    assert.equal(no.statusCode, 422, no.body);
    const mo = await g.app.receiveMo({ from: '13800138000', to: '10690001', text: '你好' }, 'system');
    const c = await g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn: '13600136000', category: 'promo', frequency: { count: 4, per: 'month' }, expiresAt: '2027-12-31T00:00:00Z', proof: { channel: 'web', reference: 'form-1', capturedAt: '2026-11-30T04:00:00Z' } } });
    assert.equal(c.statusCode, 201, c.body);
    const r = await get('limit=1000');
    assert.equal(r.statusCode, 200, r.body);
    const records = r.json().records;
    const mt = records.filter((x: any) => x.kind === 'mt');
    const accepted = mt.find((x: any) => x.body.clientRef === 'order-1');
    const rejected = mt.find((x: any) => x.body.clientRef === 'order-2');
    assert.ok(accepted && rejected, JSON.stringify(mt));
    assert.equal(accepted.id, ok.json().id);
    assert.equal(rejected.id, no.json().id);
    assert.deepEqual(fieldsOf(accepted), { ref: accepted.id, clientRef: 'order-1', port: '10690001', type: 'verification', decision: 'accepted', rule: null, code: null, article: null });
    const view = (await g.http.inject({ method: 'GET', url: `/v1/messages/${rejected.id}`, headers: g.admin })).json();
    const failed = view.verdicts.find((v: any) => v.outcome === 'fail');
    assert.ok(failed.article, 'the profile names an article for the rule');
    assert.deepEqual(fieldsOf(rejected), { ref: rejected.id, clientRef: 'order-2', port: '10690001', type: 'notification', decision: 'rejected', rule: failed.rule, code: no.json().error.code, article: failed.article });
    const moItem = records.find((x: any) => x.kind === 'mo');
    assert.ok(moItem, 'the MO is recorded');
    assert.deepEqual(fieldsOf(moItem), { ref: moItem.id, clientRef: null, port: '10690001', type: null, decision: null, rule: null, code: null, article: null });
    assert.equal(moItem.id, mo.id);
    const granted = records.find((x: any) => x.kind === 'subscription' && x.type === 'consent_granted');
    assert.ok(granted, JSON.stringify(records.map((x: any) => [x.kind, x.type])));
    assert.deepEqual({ ...fieldsOf(granted), ref: undefined }, { ref: undefined, clientRef: null, port: null, type: 'consent_granted', decision: null, rule: null, code: null, article: null });
    // the rule shown is the one ?rule= finds
    const byRule = (await get(`rule=${encodeURIComponent(failed.rule)}`)).json().records;
    assert.deepEqual(byRule.map((x: any) => x.id), [rejected.id]);
  });

  test('a status record that stopped a message names the rule, code and article it was stopped under', async () => {
    // A queued message a send-time check stops (send-time-check.ts) gets a status record keeping the
    // rejection (status-body.ts); the item reads it from there, since ?rule= matches submissions only.
    const sent = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: '13900139000', text: '【示例】您的验证码是654321', type: 'verification' } });
    assert.equal(sent.statusCode, 202, sent.body);
    const id = sent.json().id;
    const rejection = { code: 'quiet_hours' as const, rule: 'commercial.quiet-hours', article: 'art. 9', profile: 'cn-2026' };
    await g.app.ctx.store.outbox.recordStatuses([{ id, status: 'rejected', at: g.clock.now(), detail: 'stopped at send time', rejection }]);
    const status = (await get('kind=status&limit=1000')).json().records;
    const s = status.find((x: any) => x.id === `${id}:rejected`);
    assert.ok(s, JSON.stringify(status.map((x: any) => x.id)));
    assert.deepEqual(fieldsOf(s), { ref: id, clientRef: null, port: null, type: null, decision: null, rule: 'commercial.quiet-hours', code: 'quiet_hours', article: 'art. 9' });
    assert.equal((await get('rule=commercial.quiet-hours')).json().records.some((x: any) => x.id === s.id), false, 'the rule filter matches submissions only');
  });

  test('a rule, type, kind or decision that names nothing is 400 naming the field and what it may be, not an empty page', async () => {
    // A mistyped rule (commercial.concent) answered 200 with no records: read as "never rejected under it".
    for (const [qs, field, names] of [
      ['rule=commercial.concent', 'rule', ['commercial.consent', 'commercial.quiet-hours', 'content.no-advertising']],
      ['rule=consent_missing', 'rule', ['commercial.consent']],
      ['type=verfication', 'type', ['verification', 'commercial', 'consent_granted', 'opt_out', 'records.query']],
      ['type=Verification', 'type', ['verification']],
      // an audit action must be one the gateway records (src/domain/audit-actions.ts), not merely of the area.action form
      ['type=records.qurey', 'type', ['(did you mean records.query?)', 'records.query', 'records.uncommitted']],
      ['type=area.action', 'type', ['records.query', 'content_provider.create']],
      ['rule=commercial.concent', 'rule', ['(did you mean commercial.consent?)']],
      ['kind=sms', 'kind', ['mt', 'subscription']],
      ['decision=refused', 'decision', ['accepted', 'rejected']],
    ] as const) {
      const r = await get(qs);
      assert.equal(r.statusCode, 400, `${qs}: ${r.body}`);
      const e = r.json().error;
      assert.equal(e.code, 'invalid_request', qs);
      assert.equal(e.field, field, qs);
      for (const n of names) assert.ok(e.message.includes(n), `${qs}: ${e.message} should name ${n}`);
    }
    // The values it does know, each a sound request (empty or not).
    for (const qs of ['rule=commercial.quiet-hours', 'rule=supervision.province-scope', 'type=public_welfare', 'type=consent_withdrawn', 'type=records.query', 'type=upstream_link.stop', 'kind=audit&type=records.rotate-key', 'type=review_queue.release', 'type=records.uncommitted', 'type=signature.submit', 'decision=held']) {
      const r = await get(qs);
      assert.equal(r.statusCode, 200, `${qs}: ${r.body}`);
    }
    // A regulator's mistyped query is refused before it runs: no rows to record.
    const t = await g.app.auth.createToken('regulator', 'inspector Qian', null, {});
    const r = await get('rule=commercial.concent', { authorization: `Bearer ${t.token}` });
    assert.equal(r.statusCode, 400);
  });
});
