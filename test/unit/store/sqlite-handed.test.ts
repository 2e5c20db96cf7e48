/**
 * The SQLite outbox's claim from the messages a decision just committed (src/store/sqlite/
 * handed-messages.ts): the same messages a read of the queue would return, never one twice, never
 * one whose transaction did not commit, and never at the cost of a row it was not handed. The store
 * contract suite (test/contract) runs every other claim case through this path as well.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { seedProvider, item, decision, uid, T0 } from '../../contract/fixtures.js';
import type { SubmissionItem } from '../../../src/ports/store.js';

const LEASE = 60_000;

async function setup() {
  const store = new SqliteStore(':memory:');
  const { cp, service } = await seedProvider(store as never);
  const items = (n: number, at: number, over: Partial<SubmissionItem> = {}): SubmissionItem[] =>
    Array.from({ length: n }, (_, i) => ({ ...item({ cp: cp.id, from: service, to: `+86138${String(at % 1e6).padStart(6, '0')}${String(i).padStart(2, '0')}`, at, type: 'notification', text: `【示例】第${i}条` }), ...over }));
  const decide = (its: SubmissionItem[]) => store.messages.decideAndRecord(its, (it) => decision(true, it.candidate.text));
  return { store, cp, service, items, decide };
}

describe('SQLite outbox: the claim from what a decision handed over', () => {
  test('gives what reading the queue gives, and does not read it', async () => {
    const { store, items, decide } = await setup();
    const odd = items(1, T0)[0];
    // a lone surrogate in the text: SQLite keeps U+FFFD, and so must the handed message
    odd.candidate = { ...odd.candidate, text: '【示例】\ud800半个字符' };
    const its = [...items(2, T0), ...items(1, T0, { registeredDelivery: true }), ...items(1, T0, { registeredDelivery: 'failure' }), odd];
    await decide(its);
    const before = store.outbox.claimsFromHanded;
    const handed = await store.outbox.claim(T0 + 10, 10, LEASE);
    assert.equal(store.outbox.claimsFromHanded, before + 1, 'answered from the handed messages');
    assert.deepEqual(handed.map((m) => m.id), its.map((it) => it.id));
    // the leases run out: the same messages, read back from the table this time
    const read = await store.outbox.claim(T0 + 10 + LEASE + 1, 10, LEASE);
    assert.equal(store.outbox.claimsFromHanded, before + 1);
    // the same but for the lease end, each claim's own (it names the claim: OutboxStore.release)
    const unleased = (ms: typeof read) => ms.map(({ leasedUntil: _, ...m }) => m);
    assert.deepEqual(unleased(read), unleased(handed));
    assert.deepEqual([...new Set(handed.map((m) => m.leasedUntil))], [T0 + 10 + LEASE]);
    assert.deepEqual([...new Set(read.map((m) => m.leasedUntil))], [T0 + 10 + LEASE + 1 + LEASE]);
    assert.equal(read[4].text, '【示例】\ufffd半个字符', 'one U+FFFD for the lone surrogate, as counted');
    await store.close();
  });

  test('a decision whose transaction did not commit is never claimed', async () => {
    const { store, items, decide } = await setup();
    const lost = items(3, T0);
    assert.throws(() => store.db.transaction(() => {
      void decide(lost);
      throw new Error('the caller gives up');
    })());
    assert.deepEqual(await store.outbox.claim(T0 + 10, 10, LEASE), []);
    // inside a caller's transaction that commits: claimed, from the table
    const kept = items(2, T0 + 1);
    store.db.transaction(() => void decide(kept))();
    const before = store.outbox.claimsFromHanded;
    assert.deepEqual((await store.outbox.claim(T0 + 10, 10, LEASE)).map((m) => m.id), kept.map((it) => it.id));
    assert.equal(store.outbox.claimsFromHanded, before, 'read from the table');
    await store.close();
  });

  test('a due row it was not handed comes first, in due order, and nothing is claimed twice', async () => {
    const { store, cp, service, items, decide } = await setup();
    // a system message (a refusal's confirmation) is queued without being handed over
    const sys = uid('msg');
    await store.messages.recordSystemMessage({ id: sys, contentProviderId: cp.id, from: service, to: '+8613800138000', text: '【示例】您已退订', type: 'notification', purpose: 'opt_out_confirmation', at: T0, charged: false });
    const its = items(3, T0 + 1);
    await decide(its);
    const got = await store.outbox.claim(T0 + 10, 10, LEASE);
    assert.deepEqual(got.map((m) => m.id), [sys, ...its.map((it) => it.id)]);
    assert.deepEqual(await store.outbox.claim(T0 + 11, 10, LEASE), []);
    await store.close();
  });

  test('a claim stops at its limit; the next takes the rest, in due order', async () => {
    const { store, items, decide } = await setup();
    const its = [...items(3, T0), ...items(2, T0 + 1)];
    await decide(its);
    const before = store.outbox.claimsFromHanded;
    const got: string[] = [];
    for (let i = 0; i < 3; i++) got.push(...(await store.outbox.claim(T0 + 10, 2, LEASE)).map((m) => m.id));
    assert.deepEqual(got, its.map((it) => it.id));
    assert.equal(store.outbox.claimsFromHanded, before + 3);
    assert.deepEqual(await store.outbox.claim(T0 + 10, 2, LEASE), []);
    await store.close();
  });

  test('a retry come due before the handed messages is claimed with them', async () => {
    const { store, items, decide } = await setup();
    const [a] = items(1, T0);
    await decide([a]);
    const claimed = await store.outbox.claim(T0 + 1, 10, LEASE);
    assert.deepEqual(claimed.map((m) => m.id), [a.id]);
    await store.outbox.retryLater(claimed[0], T0 + 5, 'throttled');
    const b = items(2, T0 + 10);
    await decide(b);
    const got = await store.outbox.claim(T0 + 10, 10, LEASE);
    assert.deepEqual(got.map((m) => [m.id, m.attempts]), [[a.id, 2], ...b.map((it) => [it.id, 1])]);
    await store.close();
  });

  test('submitted messages are not claimed again; a lease that runs out frees the others', async () => {
    const { store, items, decide } = await setup();
    const its = items(3, T0);
    await decide(its);
    const first = await store.outbox.claim(T0 + 1, 10, LEASE);
    assert.equal(first.length, 3);
    await store.outbox.recordStatuses([{ id: its[0].id, status: 'submitted', at: T0 + 2, upstreamId: 'A1' }]);
    // more decided while two are still out: handed, claimed without the two
    const more = items(2, T0 + 3);
    await decide(more);
    assert.deepEqual((await store.outbox.claim(T0 + 4, 10, LEASE)).map((m) => m.id), more.map((it) => it.id));
    const again = await store.outbox.claim(T0 + 1 + LEASE + 1, 10, LEASE);
    assert.deepEqual(again.map((m) => m.id).sort(), [its[1].id, its[2].id].sort());
    await store.close();
  });
  test('lanes: a code handed after a commercial backlog is claimed first, from the handed messages; each once', async () => {
    const { store, items, decide } = await setup();
    const ads = items(30, T0).map((it) => ({ ...it, candidate: { ...it.candidate, type: 'commercial' as const, category: 'promo' } }));
    await decide(ads);
    const notes = items(2, T0 + 1);
    const code = items(1, T0 + 2).map((it) => ({ ...it, candidate: { ...it.candidate, type: 'verification' as const } }));
    await decide([...notes, ...code]);
    const before = store.outbox.claimsFromHanded;
    const first = await store.outbox.claim(T0 + 10, 5, LEASE);
    assert.equal(store.outbox.claimsFromHanded, before + 1, 'answered from the handed messages');
    assert.deepEqual(first.map((m) => m.id), [code[0].id, notes[0].id, notes[1].id, ads[0].id, ads[1].id]);
    // with that batch out the handed messages are dropped (a cancel): the next claim reads the table
    // past where the commercial lane stopped; a code arriving now is read in its own lane at once
    assert.equal(await store.outbox.cancel(ads[29].id, null, T0 + 11, 'test'), 'cancelled');
    const late = items(1, T0 + 12).map((it) => ({ ...it, candidate: { ...it.candidate, type: 'verification' as const } }));
    store.db.transaction(() => void decide(late))(); // inside a caller's transaction: not handed
    const second = await store.outbox.claim(T0 + 13, 3, LEASE);
    assert.equal(store.outbox.claimsFromHanded, before + 1);
    assert.deepEqual(second.map((m) => m.id), [late[0].id, ads[2].id, ads[3].id]);
    const rest: string[] = [];
    for (let b = await store.outbox.claim(T0 + 14, 7, LEASE); b.length; b = await store.outbox.claim(T0 + 14, 7, LEASE)) rest.push(...b.map((m) => m.id));
    assert.deepEqual(rest, ads.slice(4, 29).map((m) => m.id));
    await store.close();
  });
});
