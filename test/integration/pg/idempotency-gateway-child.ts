/**
 * One gateway process for idempotency-http-two-processes.test.ts: the pieces src/main.ts composes
 * for the HTTP door (PostgreSQL store on the given schema, the app on the system clock, the HTTP
 * API), no delivery worker (the test counts what was decided and queued, not what was sent).
 * Prints {"port": N} once listening; SIGTERM closes it.
 */
import { App } from '../../../src/app/app.js';
import { SystemClock } from '../../../src/simulator/clock.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { buildHttpApp } from '../../../src/http/app.js';
import { createMetrics } from '../../../src/http/metrics.js';
import { PostgresStore } from '../../../src/store/postgres/index.js';

const a = JSON.parse(process.argv[2]) as { url: string; schema: string; adminToken: string };
const store = await PostgresStore.open({ url: a.url, schema: a.schema, max: 5, migrate: false });
const app = new App({ store, clock: new SystemClock(), profile: resolveProfile('cn-2015') });
await app.auth.ensureAdminToken(a.adminToken);
const http = await buildHttpApp({ app, metrics: createMetrics(app, () => store.outbox.pendingCount()), logger: { level: 'error' } });
await http.listen({ host: '127.0.0.1', port: 0 });
const addr = http.server.address();
process.stdout.write(`${JSON.stringify({ port: typeof addr === 'object' && addr ? addr.port : 0 })}\n`);
process.on('SIGTERM', async () => {
  await http.close();
  await store.close();
  process.exit(0);
});
