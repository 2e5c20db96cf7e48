/**
 * A stop that takes longer than the lease (PostgreSQL, where leases are shared by every process): by
 * the time process A gives back the claims it holds but never wrote to the upstream, process B may
 * have claimed those messages (A's lease ran out). A's release must leave B's claim standing:
 * otherwise the message is queued and unleased while B sends it, and a third claim sends it again.
 * The same for a retry: a submit that fails temporarily after A's lease ran out must not reschedule
 * the message B claimed since. The lease passes by the time the stores are given (now + lease), not
 * by sleeping 60 s.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withTwoPgProcesses } from '../../helpers/pg.js';
import { seedProvider, item, msisdn, decision, T0 } from '../../contract/fixtures.js';
import type { PostgresStore } from '../../../src/store/postgres/index.js';
import type { Claim } from '../../../src/ports/store.js';
import { appWithQueuedNotifications, workerWithUpstreamDown } from '../../helpers/queued-notifications.js';
import { until } from '../../helpers/wait.js';

const LEASE = 60_000;

type Row = { id: string; leased_until: number | null; attempts: number; published_at: number | null };
const rowsOf = async (s: PostgresStore): Promise<Row[]> =>
  (await s.pool.query<Row>('SELECT id, leased_until, attempts, published_at FROM message_status ORDER BY id')).rows;

test('claimIds (the bus egress) and claim: A releases after its lease ran out and B claimed; B\'s claim stands, the relay hands nothing over', async () => {
  await withTwoPgProcesses(async (h, b) => {
    const a = h.store;
    const { cp, service } = await seedProvider(a);
    const items = Array.from({ length: 3 }, (_, i) => item({ cp: cp.id, from: service, to: msisdn(), at: T0 + i }));
    await a.messages.decideAndRecord(items, () => decision(true));
    const ids = items.map((i) => i.id).sort();

    // A claims two as the bus egress does, one as the delivery worker does
    const byA = [...await a.outbox.claimIds(ids.slice(0, 2), T0 + 10, LEASE), ...await a.outbox.claim(T0 + 10, 10, LEASE)];
    assert.deepEqual(byA.map((m) => [m.id, m.attempts, m.leasedUntil]).sort(), ids.map((id) => [id, 1, T0 + 10 + LEASE]));
    // A's lease ran out; B claims them (one each way again)
    const at = T0 + 10 + LEASE;
    const byB = [...await b.outbox.claimIds(ids.slice(1), at, LEASE), ...await b.outbox.claim(at, 10, LEASE)];
    assert.deepEqual(byB.map((m) => [m.id, m.attempts]).sort(), ids.map((id) => [id, 2]));

    // A's stop gives back what it claimed and never wrote
    await a.outbox.release(byA);
    assert.deepEqual(await rowsOf(a), ids.map((id) => ({ id, leased_until: at + LEASE, attempts: 2, published_at: null })), 'B\'s claims untouched');
    assert.deepEqual(await a.outbox.relay(at + 1, 10, 0), [], 'not handed to the bus again while B holds them');
    assert.deepEqual(await a.outbox.claim(at + 1, 10, LEASE), [], 'nor claimed by anyone else');

    // B's own release gives them back
    await b.outbox.release(byB);
    assert.deepEqual(await rowsOf(a), ids.map((id) => ({ id, leased_until: null, attempts: 1, published_at: null })));
  });
});

test('a delivery worker stopped during an outage after its lease ran out leaves the claims another process took since', { timeout: 60_000 }, async () => {
  await withTwoPgProcesses(async (h, store2) => {
    const { app: app1, clock } = await appWithQueuedNotifications(h.store, 2);

    // Process A: the upstream is unreachable; its worker claims both, and they wait for a link.
    const { worker: worker1, upstream } = await workerWithUpstreamDown(app1, async () => (await rowsOf(h.store)).every((r) => r.leased_until !== null), { leaseMs: LEASE });
    // Process B, once A's lease has run out (its clock a lease on), claims them.
    const byB = await store2.outbox.claim(clock.now() + LEASE, 10, LEASE);
    assert.equal(byB.length, 2);
    const standing = byB.map((m) => ({ id: m.id, leased_until: m.leasedUntil!, attempts: 2, published_at: null })).sort((x, y) => x.id.localeCompare(y.id));

    // A stops (no link bound: its submits end unwritten, and it gives its claims back)
    await worker1.stop();
    await upstream.close();
    assert.deepEqual(await rowsOf(h.store), standing, 'B\'s claims stand: lease and attempt as B wrote them');
  });
});

test('a delivery worker whose submits fail after its lease ran out schedules no retry over the claims another process took since', { timeout: 60_000 }, async () => {
  await withTwoPgProcesses(async (h, store2) => {
    const { app: app1, clock } = await appWithQueuedNotifications(h.store, 2);
    // A's retries, counted as they are asked for
    const retried: Claim[] = [];
    const retryLater = h.store.outbox.retryLater.bind(h.store.outbox);
    h.store.outbox.retryLater = (c, ...rest) => { retried.push(c); return retryLater(c, ...rest); };

    // Process A: the upstream is unreachable; its worker claims both, and their submits give up
    // after the budget (a temporary failure: a retry)
    const { worker: worker1, upstream } = await workerWithUpstreamDown(app1, async () => (await rowsOf(h.store)).every((r) => r.leased_until !== null), { leaseMs: LEASE, submitBudgetMs: 1500 });
    // Process B, once A's lease has run out (its clock a lease on), claims them before A's submits end.
    const byB = await store2.outbox.claim(clock.now() + LEASE, 10, LEASE);
    assert.equal(byB.length, 2);
    assert.equal(retried.length, 0, 'A\'s submits still under way');
    const standing = byB.map((m) => ({ id: m.id, leased_until: m.leasedUntil!, attempts: 2, published_at: null })).sort((x, y) => x.id.localeCompare(y.id));

    // A's submits fail; its retries name its own claims, which no longer stand
    await until(async () => retried.length === 2, 10_000);
    assert.deepEqual(retried.map((c) => c.attempts), [1, 1]);
    await worker1.stop();
    await upstream.close();
    assert.deepEqual(await rowsOf(h.store), standing, 'B\'s claims stand: neither rescheduled nor unleased');
    const due = await h.store.pool.query<{ due_at: number }>('SELECT due_at FROM message_status');
    assert.ok(due.rows.every((r) => Number(r.due_at) <= clock.now()), 'due as they were');
  });
});
