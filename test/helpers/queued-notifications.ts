/**
 * An App on a given store with one provider (signature 【示例】, service port 10690001) whose `n`
 * notifications are accepted and queued, at noon Shanghai on a simulated clock: the starting point
 * of the tests of what a stop or a late retry does to the queue's claims.
 */
import assert from 'node:assert/strict';
import { App } from '../../src/app/app.js';
import { DeliveryWorker } from '../../src/app/delivery.js';
import { SmppUpstream } from '../../src/smpp/client/upstream.js';
import type { ThreadedUpstream } from '../../src/smpp/client/threaded-upstream.js';
import { parseUpstreamUrl } from '../../src/smpp/client/config.js';
import type { Store } from '../../src/ports/store.js';
import { SimulatedClock } from '../../src/simulator/clock.js';
import { resolveProfile } from '../../src/profiles/index.js';
import { NOON_SHANGHAI, validCreditCode } from './gateway.js';
import { closedPort } from './closed-port.js';
import { until } from './wait.js';

export async function appWithQueuedNotifications(store: Store, n: number): Promise<{ app: App; clock: SimulatedClock }> {
  const clock = new SimulatedClock(NOON_SHANGHAI);
  const app = new App({ store, clock, profile: resolveProfile('cn-2015') });
  const admin = { role: 'admin' as const, actorId: 't' };
  const { id: cpId } = await app.createContentProvider(admin, { name: '示例科技有限公司', creditCode: await validCreditCode() });
  await app.addSignature(admin, cpId, { signature: '【示例】' });
  await app.addPort(admin, { number: '10690001', contentProviderId: cpId, kind: 'service' });
  const cp = { role: 'content-provider' as const, contentProviderId: cpId, actorId: 't' };
  for (let i = 0; i < n; i++) {
    const r = await app.submitMessage(cp, { from: '10690001', to: `1390000000${i}`, text: '【示例】您的账单已出', type: 'notification' }, 'http');
    assert.equal((r as { status?: string }).status, 'accepted', JSON.stringify(r));
  }
  return { app, clock };
}

/**
 * A started delivery worker of `app` during an outage: its upstream (an SmppUpstream unless given)
 * points at a closed port, so it never binds. Resolves once `claimed` is true (the worker has claimed
 * what the test waits for, and its submits wait for a link); the caller stops the worker, then closes the upstream.
 */
export async function workerWithUpstreamDown(
  app: App,
  claimed: () => Promise<boolean>,
  o: { makeUpstream?: typeof SmppUpstream | typeof ThreadedUpstream; leaseMs?: number; submitBudgetMs?: number } = {},
): Promise<{ worker: DeliveryWorker; upstream: SmppUpstream | ThreadedUpstream }> {
  const Upstream = o.makeUpstream ?? SmppUpstream;
  const upstream = new Upstream({ links: [parseUpstreamUrl(`smpp://u:p@127.0.0.1:${await closedPort()}`)], ...(o.submitBudgetMs === undefined ? {} : { submitBudgetMs: o.submitBudgetMs }) });
  upstream.start();
  const worker = new DeliveryWorker(app.ctx, upstream, { pollMs: 20, ...(o.leaseMs === undefined ? {} : { leaseMs: o.leaseMs }) });
  worker.start();
  await until(claimed, 10_000, 'the worker\'s claims');
  return { worker, upstream };
}
