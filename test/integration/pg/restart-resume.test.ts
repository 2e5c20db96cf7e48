/**
 * A restart resumes what the last process left: on PostgreSQL, a consent request opened by one
 * process (its carrying SMS still queued, its reply window open) is carried on by a fresh process
 * after the first one vanished without any shutdown — the queued SMS goes out, and the window that
 * closed while nobody ran is settled at its deadline by the new process's sweeper.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestPgStore, TEST_PG_URL } from '../../helpers/pg.js';
import { PostgresStore } from '../../../src/store/postgres/index.js';
import { App } from '../../../src/app/app.js';
import { DeliveryWorker } from '../../../src/app/delivery.js';
import { ConsentSweeper } from '../../../src/app/consent-sweeper.js';
import { requestConsent } from '../../../src/app/consent-requests.js';
import { SimulatorSmsc } from '../../../src/simulator/simulator-smsc.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { NOON_SHANGHAI } from '../../helpers/gateway.js';

test('a fresh process sends what was queued and settles consent windows that closed while nothing ran', async () => {
  const h = await openTestPgStore();
  try {
    // Process 1: onboard, open a consent request, then vanish (no worker, no sweeper, no shutdown).
    const clock1 = new SimulatedClock(NOON_SHANGHAI);
    const app1 = new App({ store: h.store, clock: clock1, profile: resolveProfile('cn-2015') });
    const admin = { role: 'admin' as const, actorId: 't' };
    const { id: cpId } = await app1.createContentProvider(admin, { name: '示例科技有限公司', creditCode: '91350100M000100Y43' });
    await app1.addSignature(admin, cpId, { signature: '【示例】' });
    await app1.addPort(admin, { number: '10690002', contentProviderId: cpId, kind: 'commercial' });
    const created = await requestConsent(app1.ctx, { role: 'content-provider', contentProviderId: cpId, actorId: 't' }, {
      from: '10690002', to: '13800138000', category: 'promo', frequency: { count: 4, per: 'month' }, durationDays: 180,
    });
    const before = await h.store.consents.getConsentRequest(created.id);
    assert.equal(before?.request.status, 'pending');
    assert.equal(await h.store.outbox.pendingCount(), 1);

    // Process 2, three days later: its own pool, worker and sweeper.
    const store2 = await PostgresStore.open({ url: TEST_PG_URL, schema: h.schema, max: 4 });
    const clock2 = new SimulatedClock(NOON_SHANGHAI + 3 * 86_400_000);
    const app2 = new App({ store: store2, clock: clock2, profile: resolveProfile('cn-2015') });
    const sim = new SimulatorSmsc(clock2);
    const worker = new DeliveryWorker(app2.ctx, sim, { pollMs: 50 });
    const sweeper = new ConsentSweeper(app2.ctx, { intervalMs: 100 });
    worker.start();
    sweeper.start();
    try {
      await worker.drain(10_000);
      await sweeper.idle();
      await sweeper.sweep();
      assert.deepEqual(sim.outbox().map((d) => d.messageId), [before!.request.messageId]);
      const after = await store2.consents.getConsentRequest(created.id);
      assert.ok(after && after.request.status !== 'pending', `still ${after?.request.status}`);
      assert.equal(after.request.resolvedAt, before!.request.deadlineAt, 'recorded at the deadline, not at the sweep');
    } finally {
      await sweeper.stop();
      await worker.stop();
      await store2.close();
    }
  } finally {
    await h.dispose();
  }
});
