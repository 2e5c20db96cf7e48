/**
 * A status change, a held message's rejection by review, a replacement and a forwarded MO of a provider that wants
 * HTTP callbacks queue the callback row in the transaction that records them (src/store/
 * callback-targets.ts): once the store call returned, the row is there, whether or not anyone heard
 * the app event after it (a crash between the two lost the callback before). A provider without
 * callbacks queues nothing. Run by the store contract for each adapter, with no callback worker and
 * no event listener; call inside a describe; `get` returns the store of the current test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CallbackEvent, QueuedReplacement, Store, SubmissionItem } from '../../src/ports/store.js';
import { T0, MIN, DAY, decision, heldDecision, item, msisdn, seedProvider } from './fixtures.js';

const iso = (t: number) => new Date(t).toISOString();

let looks = 0;
/** Every queued callback row of `cp` (claimed far ahead: all are due), by event id. */
async function queued(s: Store, cp: string): Promise<Map<string, CallbackEvent>> {
  // leased for 1 ms, and each look a minute after the last: the next look claims them again
  const rows = await s.callbacks.claim({ owner: `t_${cp}`, now: T0 + 30 * DAY + ++looks * MIN, leaseMs: 1, limit: 1000 });
  return new Map(rows.filter((r) => r.contentProviderId === cp).map((r) => [r.eventId, r]));
}

const body = (r: CallbackEvent | undefined) => (r ? JSON.parse(r.body) as Record<string, unknown> : undefined);

export function callbackQueueingContract(get: () => Store): void {
  test('callbacks in the transaction: submitted and receipts of a provider with a statusUrl are queued as they commit; another provider queues none', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const { cp: quiet, service: quietPort } = await seedProvider(s);
    await s.callbacks.putSettings({ contentProviderId: cp.id, statusUrl: 'https://cp.example/status', moUrl: null, secret: 'sgw_t', updatedAt: T0 });
    const to = msisdn();
    const named = { ...item({ cp: cp.id, from: service, to }), clientRef: 'order-1' };
    const bare = item({ cp: cp.id, from: service, to: msisdn() });
    const other = item({ cp: quiet.id, from: quietPort, to: msisdn() });
    await s.messages.decideAndRecord([named, bare, other], () => decision(true));
    const claimed = await s.outbox.claim(T0 + 1, 10, MIN);
    assert.equal(claimed.length, 3);
    const at = T0 + 2;
    const changed = await s.outbox.recordStatuses(claimed.map((m) => ({ id: m.id, status: 'submitted' as const, at, upstreamId: `up_${m.id}` })));
    assert.equal(changed.length, 3);
    let rows = await queued(s, cp.id);
    assert.deepEqual([...rows.keys()].sort(), [`${bare.id}:submitted`, `${named.id}:submitted`].sort());
    const sub = rows.get(`${named.id}:submitted`)!;
    assert.equal(sub.kind, 'status');
    assert.equal(sub.createdAt, at);
    assert.equal(sub.attempts, 0);
    assert.deepEqual(body(sub), { event: 'message.status', eventId: `${named.id}:submitted`, id: named.id, clientRef: 'order-1', status: 'submitted', at: iso(at), from: service, to });
    assert.equal(body(rows.get(`${bare.id}:submitted`))?.clientRef, undefined, 'no clientRef given, none sent');
    // Receipts: one delivered, one undeliverable with the carrier's detail (the body's error).
    const { changed: moved } = await s.outbox.applyReceipts([
      { upstreamId: `up_${named.id}`, status: 'delivered', at: at + 1 },
      { upstreamId: `up_${bare.id}`, status: 'undeliverable', at: at + 1, detail: 'err:001' },
      { upstreamId: `up_${other.id}`, status: 'delivered', at: at + 1 },
    ]);
    assert.equal(moved.length, 3);
    rows = await queued(s, cp.id);
    assert.equal(rows.size, 4);
    assert.deepEqual(body(rows.get(`${named.id}:delivered`)), { event: 'message.status', eventId: `${named.id}:delivered`, id: named.id, clientRef: 'order-1', status: 'delivered', at: iso(at + 1), from: service, to });
    assert.equal(body(rows.get(`${bare.id}:undeliverable`))?.error, 'err:001');
    // A repeated receipt changes nothing, and queues nothing.
    await s.outbox.applyReceipts([{ upstreamId: `up_${named.id}`, status: 'delivered', at: at + 2 }]);
    assert.equal(await s.callbacks.pendingCount(cp.id), 4);
    assert.equal(await s.callbacks.pendingCount(quiet.id), 0, 'a provider without callbacks queues none');
  });

  test('callbacks in the transaction: a queued message stopped before it was sent carries the rule\'s code; the URL removed, nothing more is queued', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    await s.callbacks.putSettings({ contentProviderId: cp.id, statusUrl: 'https://cp.example/status', moUrl: null, secret: 'sgw_t', updatedAt: T0 });
    const a = item({ cp: cp.id, from: service, to: msisdn() });
    const b = item({ cp: cp.id, from: service, to: msisdn() });
    await s.messages.decideAndRecord([a, b], () => decision(true));
    await s.outbox.claim(T0 + 1, 10, MIN);
    const rejection = { code: 'opted_out', rule: 'commercial.opt-out', article: 'art. 19', profile: 'cn-2015' };
    await s.outbox.recordStatuses([{ id: a.id, status: 'rejected', at: T0 + 2, detail: 'opted out since', rejection }]);
    const r = body((await queued(s, cp.id)).get(`${a.id}:rejected`));
    assert.equal(r?.code, 'opted_out');
    assert.equal(r?.error, 'opted out since');
    await s.callbacks.putSettings({ contentProviderId: cp.id, statusUrl: null, moUrl: null, secret: 'sgw_t', updatedAt: T0 + 3 });
    await s.outbox.recordStatuses([{ id: b.id, status: 'failed', at: T0 + 4, detail: 'no route' }]);
    assert.deepEqual([...(await queued(s, cp.id)).keys()], [`${a.id}:rejected`]);
  });

  test('callbacks in the transaction: a submitted and the early receipt recorded with it in one call each queue their own', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    await s.callbacks.putSettings({ contentProviderId: cp.id, statusUrl: 'https://cp.example/status', moUrl: null, secret: 'sgw_t', updatedAt: T0 });
    const m = item({ cp: cp.id, from: service, to: msisdn() });
    await s.messages.decideAndRecord([m], () => decision(true));
    await s.outbox.claim(T0 + 1, 10, MIN);
    // as sendBatch records a batch with the receipts that overtook it (one UPDATE in SQLite)
    await s.outbox.recordStatuses([{ id: m.id, status: 'submitted', at: T0 + 2, upstreamId: `up_${m.id}` }, { id: m.id, status: 'delivered', at: T0 + 2 }]);
    const rows = await queued(s, cp.id);
    assert.deepEqual([...rows.keys()].sort(), [`${m.id}:delivered`, `${m.id}:submitted`]);
    assert.equal(body(rows.get(`${m.id}:delivered`))?.to, m.candidate.to);
  });

  test('callbacks in the transaction: a cancel and a held message\'s rejection are queued; a release is not a callback', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    await s.callbacks.putSettings({ contentProviderId: cp.id, statusUrl: 'https://cp.example/status', moUrl: null, secret: 'sgw_t', updatedAt: T0 });
    const waiting = { ...item({ cp: cp.id, from: service, to: msisdn() }), clientRef: 'c-1' };
    await s.messages.decideAndRecord([waiting], () => decision(true));
    assert.equal(await s.outbox.cancel(waiting.id, cp.id, T0 + MIN, 'cancelled by cp_x'), 'cancelled');
    const text = '【示例】您的订单已发货';
    const toHeld = msisdn();
    const held = { ...item({ cp: cp.id, from: service, to: toHeld, text }), clientRef: 'h-1' };
    const freed = item({ cp: cp.id, from: service, to: msisdn(), text });
    await s.messages.decideAndRecord([held, freed], () => heldDecision(text));
    await s.messages.resolveHeld(held.id, { action: 'reject', at: T0 + 2 * MIN, actor: 'admin_1', reason: 'no' });
    await s.messages.resolveHeld(freed.id, { action: 'release', at: T0 + 2 * MIN, actor: 'admin_1', reason: 'fine' });
    const rows = await queued(s, cp.id);
    assert.deepEqual([...rows.keys()].sort(), [`${held.id}:rejected`, `${waiting.id}:cancelled`].sort());
    assert.deepEqual(body(rows.get(`${waiting.id}:cancelled`)), { event: 'message.status', eventId: `${waiting.id}:cancelled`, id: waiting.id, clientRef: 'c-1', status: 'cancelled', at: iso(T0 + MIN), from: service, to: waiting.candidate.to });
    assert.deepEqual(body(rows.get(`${held.id}:rejected`)), { event: 'message.status', eventId: `${held.id}:rejected`, id: held.id, clientRef: 'h-1', status: 'rejected', at: iso(T0 + 2 * MIN), from: service, to: toHeld, code: 'held_for_review' });
  });

  test('callbacks in the transaction: each replacement of a waiting message queues its own message.replaced with the new text; a refused one and another provider\'s queue none', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const { cp: quiet, service: quietPort } = await seedProvider(s);
    await s.callbacks.putSettings({ contentProviderId: cp.id, statusUrl: 'https://cp.example/status', moUrl: null, secret: 'sgw_t', updatedAt: T0 });
    const to = msisdn();
    const waiting = { ...item({ cp: cp.id, from: service, to }), clientRef: 'r-1' };
    const other = item({ cp: quiet.id, from: quietPort, to: msisdn() });
    await s.messages.decideAndRecord([waiting, other], () => decision(true));
    const replace = (it: SubmissionItem, text: string, at: number, n: string): QueuedReplacement => ({
      item: { ...it, candidate: { ...it.candidate, text } }, previousText: it.candidate.text, at, detail: 'text replaced by tok_t', recordId: `${it.id}:replaced:${n}`,
    });
    const NEW = '【示例】您的验证码是654321';
    const HELD = '【示例】请复核';
    const r1 = await s.messages.replaceQueued(replace(waiting, NEW, T0 + MIN, 'a'), () => decision(true, NEW));
    assert.ok(typeof r1 === 'object' && r1.outcome === 'replaced');
    const r2 = await s.messages.replaceQueued(replace(waiting, HELD, T0 + 2 * MIN, 'b'), () => heldDecision(HELD));
    assert.ok(typeof r2 === 'object' && r2.outcome === 'replaced');
    const r3 = await s.messages.replaceQueued(replace(waiting, '【示例】bad', T0 + 3 * MIN, 'c'), () => decision(false, '【示例】bad'));
    assert.ok(typeof r3 === 'object' && r3.outcome === 'refused');
    await s.messages.replaceQueued(replace(other, NEW, T0 + MIN, 'a'), () => decision(true, NEW));
    const rows = await queued(s, cp.id);
    assert.deepEqual([...rows.keys()].sort(), [`${waiting.id}:replaced:a`, `${waiting.id}:replaced:b`]);
    const a = rows.get(`${waiting.id}:replaced:a`)!;
    assert.equal(a.kind, 'status', 'sent to the statusUrl');
    assert.equal(a.createdAt, T0 + MIN);
    assert.deepEqual(body(a), { event: 'message.replaced', eventId: `${waiting.id}:replaced:a`, id: waiting.id, clientRef: 'r-1', status: 'accepted', at: iso(T0 + MIN), from: service, to, text: NEW, segments: 1 });
    assert.deepEqual([body(rows.get(`${waiting.id}:replaced:b`))?.status, body(rows.get(`${waiting.id}:replaced:b`))?.text], ['held', HELD]);
    assert.equal(await s.callbacks.pendingCount(quiet.id), 0, 'a provider without callbacks queues none');
  });

  test('callbacks in the transaction: a forwarded MO of a provider with a moUrl is queued with its record; other MO and other providers\' are not', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const { cp: statusOnly, service: port2 } = await seedProvider(s);
    await s.callbacks.putSettings({ contentProviderId: cp.id, statusUrl: null, moUrl: 'https://cp.example/mo', secret: 'sgw_t', updatedAt: T0 });
    await s.callbacks.putSettings({ contentProviderId: statusOnly.id, statusUrl: 'https://b.example/status', moUrl: null, secret: 'sgw_u', updatedAt: T0 });
    const from = msisdn();
    await s.records.recordMo({ id: 'mo_fwd_' + cp.id, at: T0 + MIN, from, to: `${service}88`, text: '你好', contentProviderId: cp.id, action: 'forwarded' });
    await s.records.recordMo({ id: 'mo_oo_' + cp.id, at: T0 + MIN, from, to: service, text: 'TD', contentProviderId: cp.id, action: 'opt_out' });
    await s.records.recordMo({ id: 'mo_b_' + cp.id, at: T0 + MIN, from, to: port2, text: '你好', contentProviderId: statusOnly.id, action: 'forwarded' });
    const rows = await queued(s, cp.id);
    assert.deepEqual([...rows.keys()], [`mo:mo_fwd_${cp.id}`]);
    const r = rows.get(`mo:mo_fwd_${cp.id}`)!;
    assert.equal(r.kind, 'mo');
    assert.deepEqual(body(r), { event: 'mo', eventId: `mo:mo_fwd_${cp.id}`, id: `mo_fwd_${cp.id}`, from, to: `${service}88`, text: '你好', at: iso(T0 + MIN) });
    assert.equal(await s.callbacks.pendingCount(statusOnly.id), 0);
    // and the MO's record is there as before
    const recs = await s.records.queryRecords({ kind: 'mo', contentProviderId: cp.id, limit: 10 });
    assert.equal(recs.records.length, 2);
  });
  test('an opt-out by reply is one transaction: the opt-out, the reply\'s record and its callback (optOut `mo`)', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    await s.callbacks.putSettings({ contentProviderId: cp.id, statusUrl: null, moUrl: 'https://cp.example/mo', secret: 'sgw_t', updatedAt: T0 });
    const from = msisdn();
    const mo = { id: 'mo_r_' + cp.id, at: T0 + MIN, from, to: service, text: 'R', contentProviderId: cp.id, action: 'opt_out', notice: { action: 'opted_out' as const } };
    await s.consents.optOut(cp.id, from, T0 + MIN, 'sms', { moId: mo.id }, { mo });
    assert.equal(await s.consents.isOptedOut(cp.id, from), true);
    assert.deepEqual([...(await queued(s, cp.id)).keys()], [`mo:${mo.id}`]);
    const recs = (await s.records.queryRecords({ contentProviderId: cp.id, msisdn: from, limit: 10 })).records.reverse();
    assert.deepEqual(recs.map((r) => r.kind === 'mo' ? `mo:${String(r.body.action)}` : `${r.kind}:${String(r.body.event)}`).slice(0, 2), ['mo:opt_out', 'subscription:opt_out'], 'the reply\'s record, then the opt-out\'s');
  });
  test('callbacks in the transaction: a reply the gateway acted on (an opt-out, a lift by reply) is queued with its record and its notice, for its own provider only', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const { cp: quiet, service: port2 } = await seedProvider(s);
    await s.callbacks.putSettings({ contentProviderId: cp.id, statusUrl: null, moUrl: 'https://cp.example/mo', secret: 'sgw_t', updatedAt: T0 });
    const from = msisdn();
    const optOut = { id: 'mo_td_' + cp.id, at: T0 + MIN, from, to: service, text: 'TD', contentProviderId: cp.id, action: 'opt_out', notice: { action: 'opted_out' as const, signature: '【示例】' } };
    await s.records.recordMo(optOut);
    await s.consents.optOut(cp.id, from, T0 + MIN, 'sms', { moId: optOut.id });
    await s.records.recordMo({ id: 'mo_td_' + quiet.id, at: T0 + MIN, from, to: port2, text: 'TD', contentProviderId: quiet.id, action: 'opt_out', notice: { action: 'opted_out' } });
    const sub = { id: 'mo_sub_' + cp.id, at: T0 + 2 * MIN, from, to: service, text: '订阅', contentProviderId: cp.id, action: 'opt_in', notice: { action: 'resubscribed' as const } };
    assert.equal(await s.consents.liftOptOut(cp.id, from, T0 + 2 * MIN, 'sms', { reason: 'resubscribe_reply' }, sub), true);
    const rows = await queued(s, cp.id);
    assert.deepEqual([...rows.keys()].sort(), [`mo:${optOut.id}`, `mo:${sub.id}`].sort());
    assert.deepEqual(body(rows.get(`mo:${optOut.id}`)), { event: 'mo', eventId: `mo:${optOut.id}`, id: optOut.id, from, to: service, text: 'TD', at: iso(T0 + MIN), action: 'opted_out', signature: '【示例】' });
    assert.deepEqual(body(rows.get(`mo:${sub.id}`)), { event: 'mo', eventId: `mo:${sub.id}`, id: sub.id, from, to: service, text: '订阅', at: iso(T0 + 2 * MIN), action: 'resubscribed' });
    assert.equal(await s.callbacks.pendingCount(quiet.id), 0, 'a provider without a moUrl queues none');
  });
}
