/**
 * A gateway process for the chaos test: the same pieces src/main.ts composes (store from --db,
 * the app, the bus roles or the in-process delivery worker, the HTTP API) with the chaos sink as
 * upstream instead of the in-process simulator, whose outbox would die with the process. Prints
 * `ready` once listening; SIGTERM shuts down gracefully as main.ts does.
 */
import { App } from '../../src/app/app.js';
import { DeliveryWorker } from '../../src/app/delivery.js';
import { SystemClock } from '../../src/simulator/clock.js';
import { resolveProfile } from '../../src/profiles/index.js';
import { buildHttpApp } from '../../src/http/app.js';
import { createMetrics } from '../../src/http/metrics.js';
import { openStore } from '../../src/store/open.js';
import { startBusRoles, isBusStore, type BusRoles, type Role } from '../../src/queue/roles.js';
import { SinkEgress } from './sink-egress.js';

const a = JSON.parse(process.argv[2]) as { db: string; schema?: string; role: Role; queue?: string; prefix?: string; httpPort: number; sink: string; adminToken: string };
const { store } = await openStore(a.db, { schema: a.schema, poolSize: 5 });
const app = new App({ store, clock: new SystemClock(), profile: resolveProfile('cn-2015') });
await app.auth.ensureAdminToken(a.adminToken);
const egress = new SinkEgress(a.sink);
let bus: BusRoles | null = null;
let worker: DeliveryWorker | null = null;
if (a.queue) {
  if (!isBusStore(store)) throw new Error('bus needs PostgreSQL');
  bus = await startBusRoles(app, store, a.role === 'ingress' ? null : egress, {
    role: a.role, url: a.queue, prefix: a.prefix, partitions: 8,
    // The lease outlives what a graceful stop gives the batch in hand (stopWaitMs, 10 s by default), as
    // in production (60 s against 10): with 3 s, a batch slowed past it on a loaded CI machine was
    // claimed again by the other egress while the stopping one finished it: the likeliest reading of
    // one CI run on a slow machine (2026-12-05) that submitted a batch of 50 twice.
    timings: { leaseMs: 10_000, graceMs: 3000, ackWaitMs: 2000, partitionTtlMs: 2000, sweepMs: 200 },
  });
} else {
  worker = new DeliveryWorker(app.ctx, egress, { pollMs: 200, leaseMs: 3000 }, (mo) => app.receiveMo(mo, 'system'));
  worker.start();
}
const http = await buildHttpApp({ app, metrics: createMetrics(app, () => store.outbox.pendingCount()), logger: { level: 'error' } });
if (a.role !== 'egress') await http.listen({ host: '127.0.0.1', port: a.httpPort });
process.stdout.write('ready\n');

let closing = false;
process.on('SIGTERM', async () => {
  if (closing) return;
  closing = true;
  await http.close();
  if (worker) {
    await worker.drain(5000).catch(() => undefined);
    await worker.stop();
  }
  if (bus) await bus.stop();
  await store.close();
  process.exit(0);
});
