/**
 * GET /v1/messages: what a provider sent to a number in a range and whether it arrived (as
 * QuerySendDetails answers it), and a message found by its clientRef after a lost 202; each item the
 * view GET /v1/messages/{id} gives; only a provider's own; regulators within their scope.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite, withGateway, NOON_SHANGHAI, OTHER_PROVIDER, type Provider } from '../helpers/gateway.js';
import { until } from '../helpers/wait.js';
import { decision, item } from '../contract/fixtures.js';
import { SCAN_BUDGET } from '../../src/app/message-list.js';

const DAY = 86_400_000;
/** Yesterday in Shanghai (2026-11-29), from inclusive, to exclusive. */
const YESTERDAY = 'from=2026-11-29T00:00:00%2B08:00&to=2026-11-30T00:00:00%2B08:00';

describe('GET /v1/messages: list by number and range, or by clientRef', () => {
  const { g, cp, other } = gatewaySuite({ now: NOON_SHANGHAI - 2 * DAY, other: OTHER_PROVIDER });
  const ids: Record<string, string> = {};

  const send = async (who: Provider, name: string, payload: Record<string, unknown>, code = 202) => {
    const from = who === cp ? '10690001' : '10698001';
    const sig = who === cp ? '【示例】' : '【别家】';
    const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: who.auth, payload: { from, text: `${sig}您的验证码是123456`, type: 'verification', ...payload } });
    assert.equal(r.statusCode, code, r.body);
    ids[name] = r.json().id;
    g.clock.advance(60_000);
  };
  const status = async (id: string) => (await g.http.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: g.admin })).json().status;
  const delivered = async (...names: string[]) => {
    await g.worker.drain();
    await until(async () => (await Promise.all(names.map((n) => status(ids[n])))).every((s) => s === 'delivered'), 4000, `receipts for ${names.join(', ')}`);
  };
  const list = (qs: string, headers: Record<string, string>) => g.http.inject({ method: 'GET', url: `/v1/messages?${qs}`, headers });
  const ok = async (qs: string, headers: Record<string, string>) => {
    const r = await list(qs, headers);
    assert.equal(r.statusCode, 200, r.body);
    return r.json() as { messages: any[]; nextCursor: string | null };
  };

  before(async () => {
    // The day before yesterday, yesterday (three to the number, one refused, and one to another), today.
    await send(cp, 'older', { to: '13800138000', clientRef: 'ord-1' });
    await delivered('older');
    g.clock.advance(DAY - 120_000);
    await send(cp, 'y1', { to: '13800138000', clientRef: 'ord-2' });
    await send(cp, 'y2', { to: '13800138000', clientRef: 'ord-3', registeredDelivery: true });
    await send(cp, 'yRejected', { to: '13800138000', clientRef: 'ord-4', text: '【未登记】您的验证码是123456' }, 422);
    await send(cp, 'yOtherNumber', { to: '13900139000', clientRef: 'ord-5' });
    // another provider, same number and the same clientRef as one of cp's
    await send(other, 'theirs', { to: '13800138000', clientRef: 'ord-2' });
    await delivered('y1', 'y2', 'yOtherNumber', 'theirs');
    g.clock.advance(DAY);
    await send(cp, 'today', { to: '13800138000' });
    await delivered('today');
  });

  test('a provider sees its own messages to a number in a range, newest first, each the message view with its status', async () => {
    // the number in another accepted form, canonicalised as a submission's `to`
    const page = await ok(`msisdn=${encodeURIComponent('+8613800138000')}&${YESTERDAY}`, cp.auth);
    assert.deepEqual(page.messages.map((m) => m.id), [ids.yRejected, ids.y2, ids.y1]);
    assert.deepEqual(page.messages.map((m) => m.status), ['rejected', 'delivered', 'delivered']);
    assert.equal(page.nextCursor, null);
    for (const m of page.messages) {
      const one = await g.http.inject({ method: 'GET', url: `/v1/messages/${m.id}`, headers: cp.auth });
      assert.deepEqual(m, one.json(), 'the same view as GET /v1/messages/{id}');
    }
    const y2 = page.messages[1];
    assert.equal(y2.clientRef, 'ord-3');
    assert.deepEqual(y2.history.map((h: { status: string }) => h.status), ['accepted', 'submitted', 'delivered']);
    assert.ok(y2.verdicts.length > 0 && y2.verdicts.every((v: { article?: string }) => v.article), 'verdicts with their articles');
    const rej = page.messages[0];
    assert.ok(rej.verdicts.some((v: { outcome: string; article?: string }) => v.outcome === 'fail' && v.article));
    // from inclusive, to exclusive; every time of the number without a range
    assert.deepEqual((await ok('msisdn=8613800138000', cp.auth)).messages.map((m) => m.id), [ids.today, ids.yRejected, ids.y2, ids.y1, ids.older]);
    assert.deepEqual((await ok('msisdn=13800138000&status=delivered&from=2026-11-29T00:00:00%2B08:00', cp.auth)).messages.map((m) => m.id), [ids.today, ids.y2, ids.y1]);
    assert.deepEqual((await ok('msisdn=13800138000&status=rejected', cp.auth)).messages.map((m) => m.id), [ids.yRejected]);
  });

  test('another provider\'s messages are not listed; naming another provider is 403', async () => {
    assert.deepEqual((await ok(`msisdn=13800138000&${YESTERDAY}`, other.auth)).messages.map((m) => m.id), [ids.theirs]);
    const r = await list(`msisdn=13800138000&contentProviderId=${cp.id}`, other.auth);
    assert.equal(r.statusCode, 403, r.body);
    assert.equal(r.json().error.code, 'forbidden');
    // the operator sees both providers', and one provider's when it names it
    assert.deepEqual((await ok(`msisdn=13800138000&${YESTERDAY}`, g.admin)).messages.map((m) => m.id), [ids.theirs, ids.yRejected, ids.y2, ids.y1]);
    assert.deepEqual((await ok(`msisdn=13800138000&${YESTERDAY}&contentProviderId=${other.id}`, g.admin)).messages.map((m) => m.id), [ids.theirs]);
  });

  test('400 without a number, or a clientRef without a range of at most 24 hours; a bad number names its field', async () => {
    for (const qs of ['', YESTERDAY, 'clientRef=ord-2', 'clientRef=ord-2&from=2026-11-29T00:00:00%2B08:00', 'clientRef=ord-2&from=2026-11-29T00:00:00%2B08:00&to=2026-11-30T01:00:00%2B08:00']) {
      const r = await list(qs, cp.auth);
      assert.equal(r.statusCode, 400, `${qs}: ${r.body}`);
      assert.equal(r.json().error.code, 'invalid_request');
      assert.match(r.json().error.message, /msisdn: required, unless clientRef is given with from and to at most 24 hours apart/);
    }
    const bad = await list('msisdn=12345', cp.auth);
    assert.equal(bad.statusCode, 400, bad.body);
    assert.match(bad.json().error.message, /msisdn/);
    assert.equal((await list('msisdn=13800138000&from=yesterday', cp.auth)).statusCode, 400);
    assert.equal((await list('msisdn=13800138000&limit=101', cp.auth)).statusCode, 400);
    assert.equal((await list('msisdn=13800138000&status=lost', cp.auth)).statusCode, 400);
    assert.equal((await list('msisdn=13800138000', {})).statusCode, 401);
  });

  test('a message found by its clientRef within a day: the provider\'s own only', async () => {
    const mine = await ok(`clientRef=ord-2&${YESTERDAY}`, cp.auth);
    assert.deepEqual(mine.messages.map((m) => m.id), [ids.y1]);
    assert.equal(mine.messages[0].status, 'delivered');
    assert.deepEqual((await ok(`clientRef=ord-2&${YESTERDAY}`, other.auth)).messages.map((m) => m.id), [ids.theirs]);
    assert.deepEqual((await ok(`clientRef=ord-5&${YESTERDAY}`, cp.auth)).messages.map((m) => m.id), [ids.yOtherNumber]);
    assert.deepEqual((await ok(`clientRef=ord-1&${YESTERDAY}`, cp.auth)).messages, [], 'ord-1 was sent the day before');
    // with a number too, any range
    assert.deepEqual((await ok('clientRef=ord-1&msisdn=13800138000', cp.auth)).messages.map((m) => m.id), [ids.older]);
  });

  test('pages with a keyset cursor: every message once, newest first', async () => {
    const all = (await ok('msisdn=13800138000&limit=100', g.admin)).messages.map((m) => m.id);
    assert.equal(all.length, 6);
    const seen: string[] = [];
    let cursor = '';
    for (let i = 0; i < 10; i++) {
      const page = await ok(`msisdn=13800138000&limit=2${cursor ? `&cursor=${cursor}` : ''}`, g.admin);
      assert.ok(page.messages.length <= 2);
      seen.push(...page.messages.map((m) => m.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    assert.deepEqual(seen, all);
    // and with a filter applied after the read (status), pages still go on where the last one stopped
    const delivered: string[] = [];
    cursor = '';
    for (let i = 0; i < 10; i++) {
      const page = await ok(`msisdn=13800138000&status=delivered&limit=1${cursor ? `&cursor=${cursor}` : ''}`, cp.auth);
      delivered.push(...page.messages.map((m) => m.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    assert.deepEqual(delivered, [ids.today, ids.y2, ids.y1, ids.older]);
    assert.equal((await list('msisdn=13800138000&cursor=zzz', cp.auth)).statusCode, 400);
  });

  test('a to not after from is refused naming to, as GET /v1/records refuses it, not answered as no messages', async () => {
    const reg = await g.app.auth.createToken('regulator', 'inspector Wu', null, { province: '35' });
    const headersOf = [cp.auth, g.admin, { authorization: `Bearer ${reg.token}` }];
    const ranges = [['2026-11-30T00:00:00%2B08:00', '2026-11-29T00:00:00%2B08:00'], ['2026-11-29T00:00:00%2B08:00', '2026-11-29T00:00:00%2B08:00']];
    for (const [from, to] of ranges) {
      for (const qs of [`msisdn=13800138000&from=${from}&to=${to}`, `clientRef=ord-2&from=${from}&to=${to}`]) {
        for (const headers of headersOf) {
          const r = await list(qs, headers);
          assert.equal(r.statusCode, 400, `${qs}: ${r.body}`);
          assert.equal(r.json().error.code, 'invalid_request');
          assert.equal(r.json().error.field, 'to');
          assert.match(r.json().error.message, /to: must be after from/);
        }
      }
    }
  });

  test('regulators: within their token\'s province, each query recorded', async () => {
    const fujian = await g.app.auth.createToken('regulator', 'inspector Lin', null, { province: '35' });
    const guangdong = await g.app.auth.createToken('regulator', 'inspector Chen', null, { province: '44' });
    const auth = (tok: string) => ({ authorization: `Bearer ${tok}` });
    assert.equal((await ok(`msisdn=13800138000&${YESTERDAY}`, auth(fujian.token))).messages.length, 4);
    assert.deepEqual((await ok(`msisdn=13800138000&${YESTERDAY}`, auth(guangdong.token))).messages, []);
    assert.equal((await list(`msisdn=13800138000&contentProviderId=${cp.id}`, auth(guangdong.token))).statusCode, 403);
    const audit = (await g.http.inject({ method: 'GET', url: '/v1/records?kind=audit&type=messages.list&limit=100', headers: g.admin })).json().records;
    const byActor = (id: string) => audit.filter((r: any) => r.body.actor === id).map((r: any) => [r.body.rows, r.body.refused ?? null]);
    assert.deepEqual(byActor(fujian.id), [[4, null]]);
    assert.deepEqual(byActor(guangdong.id), [[0, 'forbidden'], [0, null]], 'newest first: the refused query, then the empty one');
  });
});

describe('GET /v1/messages by clientRef: a bounded read per request', () => {
  test('a day with more submissions than one request reads: a short page and a cursor, then the message', () => withGateway(async (g, cp) => {
    // Refused submissions (never queued): the oldest of them carries the clientRef sought.
    const now = g.clock.now();
    const items = Array.from({ length: SCAN_BUDGET + 500 }, (_, i) => ({ ...item({ cp: cp.id, from: '10690001', to: '+8613800138000', at: now + i }), clientRef: i === 0 ? 'lost-202' : `other-${i}` }));
    await g.store.messages.decideAndRecord(items, () => decision(false));
    let read = 0;
    const query = g.store.records.queryRecords.bind(g.store.records);
    g.store.records.queryRecords = async (q) => { const r = await query(q); read += r.records.length; return r; };
    const range = `from=${encodeURIComponent(new Date(now - 3_600_000).toISOString())}&to=${encodeURIComponent(new Date(now + 3_600_000).toISOString())}`;
    const first = await g.http.inject({ method: 'GET', url: `/v1/messages?clientRef=lost-202&${range}`, headers: cp.auth });
    assert.equal(first.statusCode, 200, first.body);
    assert.deepEqual(first.json().messages, []);
    assert.ok(first.json().nextCursor, 'a cursor to read on');
    assert.equal(read, SCAN_BUDGET, 'no more submissions read than the budget');
    read = 0;
    const second = await g.http.inject({ method: 'GET', url: `/v1/messages?clientRef=lost-202&${range}&cursor=${first.json().nextCursor}`, headers: cp.auth });
    assert.equal(second.statusCode, 200, second.body);
    assert.deepEqual(second.json().messages.map((m: { id: string }) => m.id), [items[0].id]);
    assert.equal(second.json().messages[0].clientRef, 'lost-202');
    assert.equal(second.json().nextCursor, null);
    assert.equal(read, 500);
  }));
});
