/**
 * Shutdown with the upstream unreachable: the delivery worker stops within its bound instead of
 * waiting out every queued message's submit budget, and what it had claimed stays queued.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, onboard } from '../../helpers/gateway.js';
import { DeliveryWorker } from '../../../src/app/delivery.js';
import type { Egress } from '../../../src/ports/egress.js';

test('stop() is bounded while submits hang, claims no new batch, and leaves the messages queued', { timeout: 20_000 }, async () => {
  const g = await startTestGateway();
  try {
    await g.worker.stop();
    const cp = await onboard(g);
    let submits = 0;
    let calledBack: () => void = () => undefined;
    const called = new Promise<void>((r) => (calledBack = r));
    // An upstream whose link never comes up: submit never settles.
    const hanging: Egress = {
      submit: () => { submits++; calledBack(); return new Promise(() => undefined); },
      onReceipt: () => undefined, onMo: () => undefined, close: async () => undefined,
    };
    const worker = new DeliveryWorker(g.app.ctx, hanging, { batch: 2, pollMs: 10, inFlight: 1 });
    for (let i = 0; i < 5; i++) {
      const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: `1390000000${i}`, text: '【示例】您的账单已出', type: 'notification' } });
      assert.equal(r.statusCode, 202, r.body);
    }
    worker.start();
    await called;
    await worker.drain(50);
    await worker.stop(100);
    assert.equal(submits, 2, 'only the first batch (2) was handed to the egress; none claimed after stop');
    assert.equal(await g.store.outbox.pendingCount(), 5, 'every message is still queued for the next start');
  } finally {
    await g.close();
  }
});

test('several batches go out at once (inFlight), each recorded when its own answers are in', { timeout: 20_000 }, async () => {
  const g = await startTestGateway();
  try {
    await g.worker.stop();
    const cp = await onboard(g);
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
    for (let i = 0; i < 4; i++) {
      const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: `1390000001${i}`, text: '【示例】您的账单已出', type: 'notification' } });
      assert.equal(r.statusCode, 202, r.body);
    }
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
  } finally {
    await g.close();
  }
});

test('a batch whose statuses cannot be recorded is reported and stays queued; the next batches go on', { timeout: 20_000 }, async () => {
  const g = await startTestGateway();
  try {
    await g.worker.stop();
    const cp = await onboard(g);
    const egress: Egress = {
      submit: (m) => Promise.resolve({ ok: true as const, upstreamId: `UP_${m.id}` }),
      onReceipt: () => undefined, onMo: () => undefined, close: async () => undefined,
    };
    const outbox = g.store.outbox as { recordStatuses: (u: unknown[]) => Promise<unknown[]> };
    const record = outbox.recordStatuses.bind(outbox);
    let failures = 1;
    outbox.recordStatuses = (u) => (failures-- > 0 ? Promise.reject(new Error('disk full')) : record(u));
    const worker = new DeliveryWorker(g.app.ctx, egress, { batch: 2, pollMs: 10, leaseMs: 60_000 });
    for (let i = 0; i < 4; i++) {
      const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: `1390000002${i}`, text: '【示例】您的账单已出', type: 'notification' } });
      assert.equal(r.statusCode, 202, r.body);
    }
    worker.start();
    for (let i = 0; i < 200 && (await g.store.outbox.pendingCount()) > 2; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(worker.errors.map((e) => [e.where, e.message]), [['pump', 'disk full']]);
    assert.equal(await g.store.outbox.pendingCount(), 2, 'the failed batch still queued (leased), the other recorded');
    await worker.stop(1_000);
  } finally {
    await g.close();
  }
});
