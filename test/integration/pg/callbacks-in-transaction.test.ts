/**
 * Callback rows queued in the status transaction, with two processes on one PostgreSQL schema: each
 * process's store queues the callbacks of the statuses it records. Which providers want callbacks
 * is each store's memory (src/store/callback-targets.ts): a URL set through one process is seen by
 * the other at its next listSettings (the callback worker's reload, every 30 s), not before; until
 * then that process's statuses of the provider queue nothing (README "HTTP callbacks").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withTwoPgProcesses } from '../../helpers/pg.js';
import { T0, MIN, decision, item, msisdn, seedProvider } from '../../contract/fixtures.js';

test('a URL set through one process: the other queues its statuses\' callbacks from its next reload on', async () => {
  await withTwoPgProcesses(async (h, other) => {
    const a = h.store;
    const { cp, service } = await seedProvider(a);
    const first = item({ cp: cp.id, from: service, to: msisdn() });
    const second = item({ cp: cp.id, from: service, to: msisdn() });
    await a.messages.decideAndRecord([first, second], () => decision(true));
    await a.callbacks.putSettings({ contentProviderId: cp.id, statusUrl: 'https://cp.example/status', moUrl: null, secret: 'sgw_t', updatedAt: T0 });
    // Process b has not reloaded: its status of the provider queues nothing (the documented lag).
    const claimed = await other.outbox.claim(T0 + 1, 10, MIN);
    assert.equal(claimed.length, 2);
    await other.outbox.recordStatuses([{ id: first.id, status: 'submitted', at: T0 + 2, upstreamId: `up_${first.id}` }]);
    assert.equal(await a.callbacks.pendingCount(cp.id), 0);
    // After its reload it does, in the status's transaction.
    await other.callbacks.listSettings();
    await other.outbox.recordStatuses([{ id: second.id, status: 'submitted', at: T0 + 2, upstreamId: `up_${second.id}` }]);
    const rows = await a.callbacks.claim({ owner: 't', now: T0 + MIN, leaseMs: MIN, limit: 10 });
    assert.deepEqual(rows.map((r) => r.eventId), [`${second.id}:submitted`]);
    // And the process that set the URL queues its own at once.
    await a.outbox.applyReceipts([{ upstreamId: `up_${first.id}`, status: 'delivered', at: T0 + 3 }]);
    assert.equal(await a.callbacks.pendingCount(cp.id), 2);
  });
});
