/**
 * Shutdown with the upstream unreachable: the delivery worker stops within its bound instead of
 * waiting out every queued message's submit budget, and what it had claimed stays queued.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, onboard } from '../../helpers/gateway.js';
import { DeliveryWorker } from '../../../src/app/delivery.js';
import type { Egress } from '../../../src/ports/egress.js';

type Gateway = Awaited<ReturnType<typeof startTestGateway>>;

/** A test gateway whose own delivery worker is stopped (the test runs its own) and a provider on it. */
async function withGateway(fn: (g: Gateway, cp: Awaited<ReturnType<typeof onboard>>) => Promise<void>): Promise<void> {
  const g = await startTestGateway();
  try {
    await g.worker.stop();
    await fn(g, await onboard(g));
  } finally {
    await g.close();
  }
}

/** `n` notifications accepted over HTTP, to numbers `prefix` + 0…n-1. */
async function queue(g: Gateway, cp: Awaited<ReturnType<typeof onboard>>, n: number, prefix: string): Promise<void> {
  for (let i = 0; i < n; i++) {
    const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: `${prefix}${i}`, text: '【示例】您的账单已出', type: 'notification' } });
    assert.equal(r.statusCode, 202, r.body);
  }
}

test('stop() is bounded while submits hang, claims no new batch, and leaves the messages queued', { timeout: 20_000 }, async () => {
  await withGateway(async (g, cp) => {
    let submits = 0;
    let calledBack: () => void = () => undefined;
    const called = new Promise<void>((r) => (calledBack = r));
    // An upstream whose link never comes up: submit never settles.
    const hanging: Egress = {
      submit: () => { submits++; calledBack(); return new Promise(() => undefined); },
      onReceipt: () => undefined, onMo: () => undefined, close: async () => undefined,
    };
    const worker = new DeliveryWorker(g.app.ctx, hanging, { batch: 2, pollMs: 10, inFlight: 1 });
    await queue(g, cp, 5, '1390000000');
    worker.start();
    await called;
    await worker.drain(50);
    await worker.stop(100);
    assert.equal(submits, 2, 'only the first batch (2) was handed to the egress; none claimed after stop');
    assert.equal(await g.store.outbox.pendingCount(), 5, 'every message is still queued for the next start');
  });
});

test('several batches go out at once (inFlight), each recorded when its own answers are in', { timeout: 20_000 }, async () => {
  await withGateway(async (g, cp) => {
    // An upstream that answers only when told: the first message's submit is held back.
    const held: ((r: { ok: true; upstreamId: string }) => void)[] = [];
    let submits = 0;
    let third: () => void = () => undefined;
    const thirdSeen = new Promise<void>((r) => (third = r));
    const egress: Egress = {
      submit: (m) => {
        submits++;
        if (submits === 3) third();
        if (submits === 1) return new Promise((r) => held.push(r));
        return Promise.resolve({ ok: true as const, upstreamId: `UP_${m.id}` });
      },
      onReceipt: () => undefined, onMo: () => undefined, close: async () => undefined,
    };
    const worker = new DeliveryWorker(g.app.ctx, egress, { batch: 2, pollMs: 10, inFlight: 2 });
    await queue(g, cp, 4, '1390000001');
    worker.start();
    // the second batch goes out while the first waits for its held answer, and is recorded
    await thirdSeen;
    for (let i = 0; i < 100 && (await g.store.outbox.pendingCount()) > 2; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(await g.store.outbox.pendingCount(), 2, 'the second batch recorded as submitted; the first still out');
    assert.equal(submits, 4);
    held[0]({ ok: true, upstreamId: 'UP_first' });
    await worker.drain(2_000);
    assert.equal(await g.store.outbox.pendingCount(), 0);
    await worker.stop(1_000);
  });
});

test('a batch whose statuses cannot be recorded is reported and stays queued; the next batches go on', { timeout: 20_000 }, async () => {
  await withGateway(async (g, cp) => {
    const egress: Egress = {
      submit: (m) => Promise.resolve({ ok: true as const, upstreamId: `UP_${m.id}` }),
      onReceipt: () => undefined, onMo: () => undefined, close: async () => undefined,
    };
    const outbox = g.store.outbox as { recordStatuses: (u: unknown[]) => Promise<unknown[]> };
    const record = outbox.recordStatuses.bind(outbox);
    let failures = 1;
    outbox.recordStatuses = (u) => (failures-- > 0 ? Promise.reject(new Error('disk full')) : record(u));
    const worker = new DeliveryWorker(g.app.ctx, egress, { batch: 2, pollMs: 10, leaseMs: 60_000 });
    await queue(g, cp, 4, '1390000002');
    worker.start();
    for (let i = 0; i < 200 && (await g.store.outbox.pendingCount()) > 2; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(worker.errors.map((e) => [e.where, e.message]), [['pump', 'disk full']]);
    assert.equal(await g.store.outbox.pendingCount(), 2, 'the failed batch still queued (leased), the other recorded');
    await worker.stop(1_000);
  });
});
