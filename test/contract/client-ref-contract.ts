/**
 * A queued or held message carries its sender's clientRef (message_status.client_ref, SQLite 105,
 * PostgreSQL 096), so its status events, and the HTTP status callback, repeat it without reading the
 * submission record (src/app/callback-worker.ts). Run by the store contract for each adapter; call
 * inside a describe; `get` returns the store of the current test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../src/ports/store.js';
import type { Decision } from '../../src/pipeline/types.js';
import { T0, MIN, decision, item, msisdn, seedProvider, heldDecision } from './fixtures.js';

export function clientRefContract(get: () => Store): void {
  test('client ref: a claim carries the sender\'s clientRef, null when it gave none, also read back from the table after a retry', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const named = { ...item({ cp: cp.id, from: service, to: msisdn() }), clientRef: 'order-42' };
    const bare = item({ cp: cp.id, from: service, to: msisdn() });
    await s.messages.decideAndRecord([named, bare], () => decision(true));
    const first = new Map((await s.outbox.claim(T0 + 1, 10, MIN)).map((m) => [m.id, m]));
    assert.equal(first.get(named.id)?.clientRef, 'order-42');
    assert.equal(first.get(bare.id)?.clientRef, null);
    for (const m of first.values()) await s.outbox.retryLater(m, T0 + 2 * MIN, 'throttled');
    const again = new Map((await s.outbox.claim(T0 + 2 * MIN, 10, MIN)).map((m) => [m.id, m]));
    assert.equal(again.get(named.id)?.clientRef, 'order-42');
    assert.equal(again.get(bare.id)?.clientRef, null);
  });

  test('client ref: a held message keeps it, listed and resolved, and claimed once released', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const text = '【示例】您的订单已发货';
    const hold = heldDecision(text);
    const kept = { ...item({ cp: cp.id, from: service, to: msisdn(), text }), clientRef: 'held-7' };
    const gone = { ...item({ cp: cp.id, from: service, to: msisdn(), text }), clientRef: 'held-8' };
    await s.messages.decideAndRecord([kept, gone], () => hold);
    const listed = new Map((await s.messages.listHeld({ contentProviderId: cp.id, limit: 10 })).map((h) => [h.id, h]));
    assert.equal(listed.get(kept.id)?.clientRef, 'held-7');
    assert.equal((await s.messages.resolveHeld(gone.id, { action: 'reject', at: T0 + MIN, actor: 'admin_1', reason: 'no' }))?.clientRef, 'held-8');
    await s.messages.resolveHeld(kept.id, { action: 'release', at: T0 + MIN, actor: 'admin_1', reason: 'fine' });
    const [m] = await s.outbox.claim(T0 + 2 * MIN, 10, MIN);
    assert.equal(m?.id, kept.id);
    assert.equal(m.clientRef, 'held-7');
  });
}
