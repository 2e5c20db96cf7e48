/**
 * One smsguard process for the scale benchmark: PostgreSQL store, NATS JetStream bus (role given),
 * SMPP server in front (ingress) and SMPP upstream client behind (egress), the real App and
 * pipeline. The provider and its SMPP credentials are created by the orchestrator beforehand.
 * Usage: node --import tsx bench/scale-gateway.ts JSON — prints `READY <smpp port|0>`.
 */
import { App } from '../src/app/app.js';
import { SystemClock } from '../src/simulator/clock.js';
import { resolveProfile } from '../src/profiles/index.js';
import { PostgresStore } from '../src/store/postgres/index.js';
import { startBusRoles, type Role } from '../src/queue/roles.js';
import { SmppServer, SmppCredentials } from '../src/smpp/server/index.js';
import { SmppUpstream, parseUpstreamUrl } from '../src/smpp/client/index.js';
import { SimulatorSmsc } from '../src/simulator/simulator-smsc.js';
import { buildHttpApp } from '../src/http/app.js';
import { createMetrics } from '../src/http/metrics.js';

const a = JSON.parse(process.argv[2]) as { pg: string; schema: string; nats: string; prefix: string; role: Role; upstream: string; partitions: number; http?: boolean; adminToken?: string };
const store = await PostgresStore.open({ url: a.pg, schema: a.schema, max: 12, migrate: false });
const clock = new SystemClock();
const app = new App({ store, clock, profile: resolveProfile('cn-2015') });
let upstream: SmppUpstream | SimulatorSmsc | null = null;
if (a.upstream === 'simulator') {
  upstream = new SimulatorSmsc(clock);
} else if (a.role !== 'ingress') {
  upstream = new SmppUpstream({ links: [parseUpstreamUrl(a.upstream)] });
  upstream.start();
  if (!(await upstream.waitUp(10_000))) throw new Error('upstream did not bind');
}
const roles = await startBusRoles(app, store, upstream, { role: a.role, url: a.nats, prefix: a.prefix, partitions: a.partitions });
let server: SmppServer | null = null;
let port = 0;
let httpPort = 0;
const http = a.http ? await buildHttpApp({ app, metrics: createMetrics(app, () => store.outbox.pendingCount()), logger: { level: 'error' } }) : null;
if (http) {
  if (a.adminToken) await app.auth.ensureAdminToken(a.adminToken);
  await http.listen({ host: '127.0.0.1', port: 0 });
  httpPort = (http.server.address() as { port: number }).port;
}
if (a.role !== 'egress' && !a.http) {
  const creds = new SmppCredentials({ store: store.smppCredentials, contentProviderExists: async () => true, now: () => Date.now(), newId: () => app.ctx.ids.next('cred') });
  server = new SmppServer({ app, authenticate: (s, p, ip) => creds.authenticate(s, p, ip), portKind: async (n) => (await store.directory.getPort(n))?.kind ?? null, session: { inboundWindow: 1000, windowSize: 1000 } });
  port = await server.listen(0, '127.0.0.1');
}
process.stdout.write(`READY ${port} ${httpPort}\n`);
process.on('SIGTERM', () => {
  void (async () => {
    if (server) await server.close();
    if (http) await http.close();
    await roles.stop();
    if (upstream) await upstream.close();
    await store.close();
    process.exit(0);
  })();
});
