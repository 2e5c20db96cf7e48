/**
 * A batch whose submits wait longer than its lease (a slow or throttled link: docs/SCALING.md, "A
 * lease against a submit still waiting in the SMPP client") keeps its claims: the delivery worker
 * renews the leases while the submits are out, so another process claiming after the first lease's
 * end is not handed, and does not send, a message still waiting in this one's link. On PostgreSQL,
 * where leases are shared by every process. The lease passes by the simulated clock, not by sleeping.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestPgStore, withTwoPgProcesses } from '../../helpers/pg.js';
import type { PostgresStore } from '../../../src/store/postgres/index.js';
import { DeliveryWorker } from '../../../src/app/delivery.js';
import type { Egress, SubmitResult } from '../../../src/ports/egress.js';
import type { OutboundMessage } from '../../../src/ports/store.js';
import { appWithQueuedNotifications } from '../../helpers/queued-notifications.js';
import { until } from '../../helpers/wait.js';

const LEASE = 60_000;

/** An egress whose submits wait until `release()`: a link slower than the lease. */
function slowEgress(): Egress & { submitted: OutboundMessage[]; release(): void } {
  const waiting: (() => void)[] = [];
  const submitted: OutboundMessage[] = [];
  return {
    submitted,
    submit(m) {
      submitted.push(m);
      return new Promise<SubmitResult>((resolve) => waiting.push(() => resolve({ ok: true, upstreamId: `up-${m.id}` })));
    },
    release() { for (const w of waiting.splice(0)) w(); },
    onReceipt() {},
    onMo() {},
    async close() {},
  };
}

type Row = { id: string; leased_until: string | null; status: string; attempts: number };
const rowsOf = async (s: PostgresStore): Promise<Row[]> =>
  (await s.pool.query<Row>('SELECT id, leased_until, status, attempts FROM message_status ORDER BY id')).rows;

test('a batch out longer than its lease renews it: another process claiming after the first lease\'s end gets nothing', { timeout: 60_000 }, async () => {
  await withTwoPgProcesses(async (h, other) => {
    const { app, clock } = await appWithQueuedNotifications(h.store, 2);
    const egress = slowEgress();
    const worker = new DeliveryWorker(app.ctx, egress, { pollMs: 20, leaseMs: LEASE, renewEveryMs: 30 });
    worker.start();
    await until(() => egress.submitted.length === 2);
    const first = (await rowsOf(h.store)).map((r) => Number(r.leased_until));
    assert.deepEqual(first, [clock.now() + LEASE, clock.now() + LEASE]);

    // 40 s on, the submits still wait: the worker renews the leases to 60 s from then
    clock.advance(40_000);
    await until(async () => (await rowsOf(h.store)).every((r) => Number(r.leased_until) === clock.now() + LEASE));
    // past the first lease's end another process claims: nothing is due to it
    clock.advance(21_000);
    assert.deepEqual(await other.outbox.claim(clock.now(), 10, LEASE), [], 'the renewed leases hold');

    // the link answers: recorded as submitted under the renewed claims, once each
    egress.release();
    await until(async () => (await rowsOf(h.store)).every((r) => r.status === 'submitted'));
    assert.deepEqual((await rowsOf(h.store)).map((r) => [r.attempts, r.leased_until]), [[1, null], [1, null]]);
    assert.equal(egress.submitted.length, 2, 'sent once each');
    await worker.stop();
    assert.deepEqual(worker.errors, []);
  });
});

test('a submit that fails temporarily after a renewal is retried under the renewed claim', { timeout: 60_000 }, async () => {
  const h = await openTestPgStore();
  try {
    const { app, clock } = await appWithQueuedNotifications(h.store, 1);
    let answer: ((r: SubmitResult) => void) | null = null;
    const egress: Egress = {
      submit: () => new Promise<SubmitResult>((r) => { answer = r; }),
      onReceipt() {}, onMo() {}, async close() {},
    };
    const worker = new DeliveryWorker(app.ctx, egress, { pollMs: 20, leaseMs: LEASE, renewEveryMs: 30 });
    worker.start();
    await until(() => answer !== null);
    clock.advance(70_000);
    await until(async () => (await rowsOf(h.store)).every((r) => Number(r.leased_until) === clock.now() + LEASE));
    answer!({ ok: false, retry: true, reason: 'throttled' });
    // the retry names the renewed claim: the lease dropped, due again after the backoff
    await until(async () => (await rowsOf(h.store))[0].leased_until === null);
    const due = await h.store.pool.query<{ due_at: string }>('SELECT due_at FROM message_status');
    assert.ok(Number(due.rows[0].due_at) > clock.now(), 'rescheduled');
    await worker.stop();
  } finally {
    await h.dispose();
  }
});

test('a claim lost while its submit waited (its lease ran out unrenewed, another process took it): the egress gives that submit up unwritten, and the other claim stands', { timeout: 60_000 }, async () => {
  await withTwoPgProcesses(async (h, other) => {
    const { app, clock } = await appWithQueuedNotifications(h.store, 1);
    const submitted: string[] = [];
    const cancelled: string[][] = [];
    const waiting = new Map<string, (r: SubmitResult) => void>();
    const egress: Egress = {
      submit(m) {
        submitted.push(m.id);
        return new Promise<SubmitResult>((resolve) => waiting.set(m.id, resolve));
      },
      // as the SMPP client does for a part still waiting in its link's queue (Egress.cancel)
      cancel(ids) {
        cancelled.push([...ids]);
        for (const id of ids) waiting.get(id)?.({ ok: false, retry: true, reason: 'submit given up: not sent', stopped: { written: false } });
      },
      onReceipt() {}, onMo() {}, async close() {},
    };
    // the first renewal comes a second after the claim (wall time): before it, the lease runs out
    // (simulated time) and the other process claims the message, as after a stalled store
    const worker = new DeliveryWorker(app.ctx, egress, { pollMs: 20, leaseMs: LEASE, renewEveryMs: 1000 });
    worker.start();
    await until(() => submitted.length === 1);
    clock.advance(LEASE + 1000);
    const taken = await other.outbox.claim(clock.now(), 10, LEASE);
    assert.equal(taken.length, 1, 'the lease ran out: the other process takes the message');
    await until(() => cancelled.length === 1);
    assert.deepEqual(cancelled, [[taken[0].id]], 'the lost claim\'s submit given up');
    await until(() => worker.errors.some((e) => e.where === 'lease' && /lost/.test(e.message)));
    await worker.stop();
    const [row] = await rowsOf(h.store);
    assert.equal(Number(row.leased_until), taken[0].leasedUntil, 'the other process\'s claim is left as it took it (no release, no submitted)');
    assert.equal(row.status, 'accepted');
    assert.equal(submitted.length, 1, 'nothing more sent from here');
  });
});
