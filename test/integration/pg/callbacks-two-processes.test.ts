/**
 * HTTP callbacks with two gateway processes on one PostgreSQL schema: both hear every status event
 * (as the NATS bus fans them out), both queue it and both workers claim; the receiver still gets
 * each event once (one row per event id, leased claims). A slow receiver keeps the first claims out
 * while the other process claims.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { App } from '../../../src/app/app.js';
import { CallbackWorker } from '../../../src/app/callback-worker.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import type { AppEvents } from '../../../src/app/types.js';
import { withTwoPgProcesses } from '../../helpers/pg.js';
import { NOON_SHANGHAI, validCreditCode } from '../../helpers/gateway.js';
import { startCallbackReceiver } from '../../helpers/callback-receiver.js';
import { until } from '../../helpers/wait.js';

const admin = { role: 'admin' as const, actorId: 'admin' };

test('two processes hearing the same status events send each to the receiver once', async () => {
  const rx = await startCallbackReceiver({ delayMs: 100 });
  try {
    await withTwoPgProcesses(async (h, otherStore) => {
      const clock = new SimulatedClock(NOON_SHANGHAI);
      const a = new App({ store: h.store, clock, profile: resolveProfile('cn-2015') });
      const b = new App({ store: otherStore, clock, profile: resolveProfile('cn-2015') });
      const wa = new CallbackWorker(a.ctx, a.callbacks, { batch: 4 });
      const wb = new CallbackWorker(b.ctx, b.callbacks, { batch: 4 });
      await wa.start();
      await wb.start();
      try {
        const { id: cp } = await a.createContentProvider(admin, { name: '示例科技有限公司', creditCode: await validCreditCode() });
        const set = await a.setCallbacks(admin, cp, { statusUrl: rx.url('/status') });
        // Process b learns of the URL at its next reload (every 30 s; here at once).
        await wb.reload();
        const events: AppEvents['messageStatus'][] = Array.from({ length: 20 }, (_, i) => ({
          id: `msg_two_${i}`, contentProviderId: cp, status: 'delivered', at: clock.now(), from: '10690001', to: '+8613800138000',
          submittedAt: clock.now(), registeredDelivery: false, text: 'x',
        }));
        for (const e of events) {
          a.events.emit('messageStatus', e);
          b.events.emit('messageStatus', e);
        }
        await until(() => rx.got.length >= 20, 15_000, '20 callbacks');
        await wa.idle();
        await wb.idle();
        await new Promise((r) => setTimeout(r, 300));
        const ids = rx.got.map((c) => String(c.headers['x-smsguard-event-id'])).sort();
        assert.deepEqual(ids, events.map((e) => `${e.id}:delivered`).sort());
        assert.equal(await h.store.callbacks.pendingCount(), 0);
        assert.ok(set.secret);
      } finally {
        await wa.stop();
        await wb.stop();
      }
    });
  } finally {
    await rx.close();
  }
});
