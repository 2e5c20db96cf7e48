/**
 * A gateway on a fresh PostgreSQL schema for integration tests: the app, the simulator SMSC, the
 * delivery worker and consent sweeper, and the HTTP app, on a simulated clock, as startTestGateway
 * builds them on SQLite (without complaints and callbacks, which these tests do not need). `h` is the
 * store's handle (its schema, for tampering with rows from another connection).
 */
import { openTestPgStore } from './pg.js';
import { ADMIN_TOKEN, NOON_SHANGHAI, type TestGateway } from './gateway.js';
import { App } from '../../src/app/app.js';
import { DeliveryWorker } from '../../src/app/delivery.js';
import { ConsentSweeper } from '../../src/app/consent-sweeper.js';
import { SimulatorSmsc } from '../../src/simulator/simulator-smsc.js';
import { SimulatedClock } from '../../src/simulator/clock.js';
import { buildHttpApp } from '../../src/http/app.js';
import { createMetrics } from '../../src/http/metrics.js';
import { resolveProfile } from '../../src/profiles/index.js';

export type PgHandle = Awaited<ReturnType<typeof openTestPgStore>>;

export async function startPgTestGateway(opts: { now?: number } = {}): Promise<{ g: TestGateway; h: PgHandle }> {
  const h = await openTestPgStore();
  const clock = new SimulatedClock(opts.now ?? NOON_SHANGHAI);
  const app = new App({ store: h.store, clock, profile: resolveProfile('cn-2015') });
  await app.auth.ensureAdminToken(ADMIN_TOKEN);
  const simulator = new SimulatorSmsc(clock);
  const worker = new DeliveryWorker(app.ctx, simulator, { pollMs: 50 }, (m) => app.receiveMo(m, 'system'));
  worker.start();
  const sweeper = new ConsentSweeper(app.ctx);
  sweeper.start();
  const http = await buildHttpApp({ app, simulator, simulatedClock: clock, metrics: createMetrics(app, () => h.store.outbox.pendingCount()) });
  const g = {
    http, app, clock, simulator, worker, sweeper, admin: { authorization: `Bearer ${ADMIN_TOKEN}` },
    async close() {
      await http.close();
      await worker.stop();
      await sweeper.stop();
      await h.dispose();
    },
  } as unknown as TestGateway;
  return { g, h };
}
