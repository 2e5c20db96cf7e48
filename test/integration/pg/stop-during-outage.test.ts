/**
 * A graceful stop while the upstream is down (PostgreSQL, where leases are in the table): the
 * delivery worker stops at once instead of waiting for a link that is not there, the messages it had
 * claimed stay queued with their claim given back (no attempt counted), and the next process sends
 * them straight away, at the same instant, without waiting out the 60 s lease.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestPgStore, TEST_PG_URL } from '../../helpers/pg.js';
import { PostgresStore } from '../../../src/store/postgres/index.js';
import { App } from '../../../src/app/app.js';
import { DeliveryWorker } from '../../../src/app/delivery.js';
import { SimulatorSmsc } from '../../../src/simulator/simulator-smsc.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { SmppUpstream } from '../../../src/smpp/client/upstream.js';
import { ThreadedUpstream } from '../../../src/smpp/client/threaded-upstream.js';
import { appWithQueuedNotifications, workerWithUpstreamDown } from '../../helpers/queued-notifications.js';

for (const [name, makeUpstream] of [['in process', SmppUpstream], ['on its own thread', ThreadedUpstream]] as const) {
  test(`${name}: stop during an outage is prompt, gives the claims back, and a restart sends at once`, { timeout: 60_000 }, async () => {
    const h = await openTestPgStore();
    try {
      const { app: app1, clock } = await appWithQueuedNotifications(h.store, 3);
      const rows = async () => (await h.store.pool.query<{ leased: boolean; attempts: number; status: string }>('SELECT leased_until IS NOT NULL AS leased, attempts, status FROM message_status ORDER BY id')).rows;

      // Process 1: the upstream is unreachable; the worker claims the batch, which waits for a link.
      const { worker: worker1, upstream } = await workerWithUpstreamDown(app1, async () => (await rows()).every((r) => r.leased), { makeUpstream });
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(upstream.bound(), false);
      const t0 = Date.now();
      await worker1.stop();
      const took = Date.now() - t0;
      await upstream.close();
      assert.ok(took < 2000, `stop took ${took} ms with the link down`);
      assert.deepEqual(await rows(), [0, 1, 2].map(() => ({ leased: false, attempts: 0, status: 'accepted' })), 'still queued, claim given back, no attempt counted');

      // Process 2, at the same instant (the lease would have held them for 60 s): sends them now.
      const store2 = await PostgresStore.open({ url: TEST_PG_URL, schema: h.schema, max: 4 });
      const app2 = new App({ store: store2, clock, profile: resolveProfile('cn-2015') });
      const sim = new SimulatorSmsc(clock);
      const worker2 = new DeliveryWorker(app2.ctx, sim, { pollMs: 20 });
      worker2.start();
      try {
        await worker2.drain(5_000);
        assert.equal(sim.outbox().length, 3, 'all three sent without the clock moving');
        assert.equal(await store2.outbox.pendingCount(), 0);
      } finally {
        await worker2.stop();
        await store2.close();
      }
    } finally {
      await h.dispose();
    }
  });
}
