/**
 * Kept Idempotency-Keys (IdempotencyStore, SQLite 108, PostgreSQL 099): `decideAndRecord` keeps a
 * keyed request's key with the answer it writes from the decisions, in the decisions' transaction:
 * both durable or neither. Run by the store contract for each adapter; call inside a describe; `get`
 * returns the store of the current test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DecidedItem, IdempotencyWrite, Store } from '../../src/ports/store.js';
import { SmsguardError } from '../../src/domain/errors.js';
import { T0, HOUR, DAY, decision, item, msisdn, seedProvider, uid } from './fixtures.js';

/** A write whose answer lists the decided ids and decisions (what the HTTP door would write, in small). */
function keyed(cp: string, key: string, o: { hash?: string; at?: number; status?: number; seen?: DecidedItem[][] } = {}): IdempotencyWrite {
  const at = o.at ?? T0;
  return {
    contentProviderId: cp, key, requestHash: o.hash ?? 'h1', at, expiredBefore: at - DAY,
    answer(decided) {
      o.seen?.push([...decided]);
      return { status: o.status ?? 202, body: JSON.stringify(decided.map((d) => ({ id: d.id, ok: d.decision.accepted }))) };
    },
  };
}

const inUse = (e: unknown) => e instanceof SmsguardError && e.code === 'idempotency_key_in_flight';

export function idempotencyContract(get: () => Store): void {
  test('idempotency: the key is kept in the decision transaction with the answer written from every decision, ids in order', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const items = [item({ cp: cp.id, from: service, to: msisdn() }), item({ cp: cp.id, from: service, to: msisdn() }), item({ cp: cp.id, from: service, to: null })];
    const decisions = [decision(true), decision(false), decision(false)];
    const seen: DecidedItem[][] = [];
    const key = uid('key');
    const out = await s.messages.decideAndRecord(items, (it) => decisions[items.indexOf(it)], keyed(cp.id, key, { seen, hash: 'abc' }));
    assert.equal(seen.length, 1, 'the answer is written once');
    assert.deepEqual(seen[0].map((d) => d.id), items.map((i) => i.id));
    const kept = await s.idempotency.find(cp.id, key, T0 - DAY);
    assert.ok(kept);
    assert.equal(kept.requestHash, 'abc');
    assert.equal(kept.createdAt, T0);
    assert.equal(kept.status, 202);
    assert.equal(kept.body, JSON.stringify(out.map((d) => ({ id: d.id, ok: d.decision.accepted }))));
    assert.deepEqual(kept.messageIds, items.map((i) => i.id));
    // scoped by provider; only found while created after the given instant
    const other = await seedProvider(s);
    assert.equal(await s.idempotency.find(other.cp.id, key, T0 - DAY), null);
    assert.equal(await s.idempotency.find(cp.id, key, T0), null);
    assert.equal(await s.idempotency.find(cp.id, uid('key'), T0 - DAY), null);
  });

  test('idempotency: a decision transaction that fails keeps no key and records nothing', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const items = [item({ cp: cp.id, from: service, to: msisdn() }), item({ cp: cp.id, from: service, to: msisdn() })];
    const key = uid('key');
    // the second decision throws (a bug, a store failure): the first's record goes with it, and the key
    await assert.rejects(s.messages.decideAndRecord(items, (it) => {
      if (it === items[1]) throw new Error('boom');
      return decision(true);
    }, keyed(cp.id, key)), /boom/);
    assert.equal(await s.idempotency.find(cp.id, key, T0 - DAY), null);
    assert.equal(await s.messages.getMessage(items[0].id), null);
    // an answer that throws fails the decisions too
    const again = [item({ cp: cp.id, from: service, to: msisdn() })];
    await assert.rejects(s.messages.decideAndRecord(again, () => decision(true), { ...keyed(cp.id, key), answer: () => { throw new Error('no answer'); } }), /no answer/);
    assert.equal(await s.idempotency.find(cp.id, key, T0 - DAY), null);
    assert.equal(await s.messages.getMessage(again[0].id), null);
    // the key is free afterwards
    const ok = [item({ cp: cp.id, from: service, to: msisdn() })];
    await s.messages.decideAndRecord(ok, () => decision(true), keyed(cp.id, key));
    assert.deepEqual((await s.idempotency.find(cp.id, key, T0 - DAY))?.messageIds, [ok[0].id]);
  });

  test('idempotency: a live key held already fails the transaction (idempotency_key_in_flight) and none of its decisions stays', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const key = uid('key');
    const first = [item({ cp: cp.id, from: service, to: msisdn() })];
    await s.messages.decideAndRecord(first, () => decision(true), keyed(cp.id, key, { hash: 'first' }));
    const second = [item({ cp: cp.id, from: service, to: msisdn(), at: T0 + HOUR })];
    await assert.rejects(s.messages.decideAndRecord(second, () => decision(true), keyed(cp.id, key, { hash: 'second', at: T0 + HOUR })), inUse);
    assert.equal(await s.messages.getMessage(second[0].id), null, 'the loser\'s message is not recorded');
    const kept = await s.idempotency.find(cp.id, key, T0 - DAY);
    assert.equal(kept?.requestHash, 'first');
    assert.deepEqual(kept?.messageIds, [first[0].id]);
    // the same key of another provider is another key
    const other = await seedProvider(s);
    await s.messages.decideAndRecord([item({ cp: other.cp.id, from: other.service, to: msisdn() })], () => decision(true), keyed(other.cp.id, key));
  });

  test('idempotency: two transactions with one key at once: exactly one keeps it, the other records nothing', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const key = uid('key');
    const a = [item({ cp: cp.id, from: service, to: msisdn() })];
    const b = [item({ cp: cp.id, from: service, to: msisdn() })];
    const r = await Promise.allSettled([
      s.messages.decideAndRecord(a, () => decision(true), keyed(cp.id, key, { hash: 'a' })),
      s.messages.decideAndRecord(b, () => decision(true), keyed(cp.id, key, { hash: 'b' })),
    ]);
    const won = r.findIndex((x) => x.status === 'fulfilled');
    assert.equal(r.filter((x) => x.status === 'fulfilled').length, 1, JSON.stringify(r.map((x) => x.status)));
    const lost = r[1 - won];
    assert.ok(lost.status === 'rejected' && inUse(lost.reason), String((lost as PromiseRejectedResult).reason));
    const kept = await s.idempotency.find(cp.id, key, T0 - DAY);
    assert.deepEqual(kept?.messageIds, [[a, b][won][0].id]);
    assert.equal(await s.messages.getMessage([a, b][1 - won][0].id), null);
  });

  test('idempotency: an expired key not yet pruned is replaced; null answers keep nothing; prune takes keys created before the cut', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const key = uid('key');
    await s.messages.decideAndRecord([item({ cp: cp.id, from: service, to: msisdn() })], () => decision(true), keyed(cp.id, key, { hash: 'old' }));
    const later = T0 + DAY + 1;
    const fresh = [item({ cp: cp.id, from: service, to: msisdn(), at: later })];
    await s.messages.decideAndRecord(fresh, () => decision(true), keyed(cp.id, key, { hash: 'new', at: later }));
    const kept = await s.idempotency.find(cp.id, key, later - DAY);
    assert.equal(kept?.requestHash, 'new');
    assert.equal(kept?.createdAt, later);
    assert.deepEqual(kept?.messageIds, [fresh[0].id]);
    // an answer not to keep (a 5xx): decisions recorded, no key
    const none = uid('key');
    const n = [item({ cp: cp.id, from: service, to: msisdn() })];
    await s.messages.decideAndRecord(n, () => decision(true), { ...keyed(cp.id, none), answer: () => null });
    assert.equal(await s.idempotency.find(cp.id, none, T0 - DAY), null);
    assert.ok(await s.messages.getMessage(n[0].id));
    // prune: the key of T0 + DAY + 1 stays at a cut of T0 + DAY, goes after it
    const old = uid('key');
    await s.messages.decideAndRecord([item({ cp: cp.id, from: service, to: msisdn() })], () => decision(true), keyed(cp.id, old));
    assert.ok((await s.idempotency.prune(T0 + DAY, 1000)) >= 1);
    assert.equal(await s.idempotency.find(cp.id, old, 0), null);
    assert.equal((await s.idempotency.find(cp.id, key, 0))?.requestHash, 'new');
    assert.equal(await s.idempotency.prune(later + 1, 1000) >= 1, true);
    assert.equal(await s.idempotency.find(cp.id, key, 0), null);
  });
}
