/** An in-memory gateway with its SMPP doors (startSmpp: server and simulator egress), for SMPP integration tests. */
import { SqliteStore } from '../../src/store/sqlite/index.js';
import { SqliteSmppCredentials } from '../../src/store/sqlite/smpp-credentials.js';
import { App } from '../../src/app/app.js';
import { SimulatorSmsc } from '../../src/simulator/simulator-smsc.js';
import { SimulatedClock } from '../../src/simulator/clock.js';
import { resolveProfile } from '../../src/profiles/index.js';
import { startSmpp, type SmppDoors } from '../../src/smpp/compose.js';
import type { SmppLog } from '../../src/smpp/log.js';
import type { SmppCredentialStore } from '../../src/ports/smpp-credentials.js';
import { NOON_SHANGHAI, type TestGateway } from './gateway.js';

/**
 * SQLite in memory, a simulated clock at noon Shanghai, the cn-2015 profile, the SMPP server on a free
 * loopback port and the simulator as upstream; `deliveries`: keep receipts owed to ESMEs in the store;
 * `credentialCheckMs`: the server's credential check period (a revocation here ends its binds through
 * the app's events, as main.ts wires them); `credentials`: wraps the credential
 * store the doors use (to make its reads fail); `log`: the SMPP log.
 */
export async function startSmppDoors(opts: { deliveries?: boolean; credentialCheckMs?: number; credentials?: (s: SmppCredentialStore) => SmppCredentialStore; log?: SmppLog } = {}) {
  const store = new SqliteStore(':memory:');
  const clock = new SimulatedClock(NOON_SHANGHAI);
  const app = new App({ store, clock, profile: resolveProfile('cn-2015') });
  const sim = new SimulatorSmsc(clock);
  const admin = { role: 'admin' as const, actorId: 'a' };
  const smpp = await startSmpp({
    app, credentialStore: (opts.credentials ?? ((c) => c))(new SqliteSmppCredentials(store.db)), credentialCheckMs: opts.credentialCheckMs, log: opts.log,
    contentProviderExists: async (id) => (await store.directory.getContentProvider(id)) !== null,
    portKind: async (n) => (await store.directory.getPort(n))?.kind ?? null, now: () => clock.now(), newId: () => app.ctx.ids.next('cred'),
    smppPort: 0, smppHost: '127.0.0.1', upstream: 'simulator', simulator: sim, appEvents: app.events,
    ...(opts.deliveries ? { deliveries: store.smppDeliveries } : {}),
  });
  return { store, clock, app, sim, admin, smpp };
}

/**
 * The carrier side of a test gateway (startTestGateway) as `smsguard start` composes it by default:
 * the built-in simulator over SMPP with the client on its thread, no SMPP server, bound, and given to
 * the app as its upstream links (as src/main.ts wires them). Stop it with `smpp.stop()`.
 */
export async function startSimulatorEgress(g: Pick<TestGateway, 'app' | 'store' | 'clock' | 'simulator'>): Promise<SmppDoors> {
  const smpp = await startSmpp({
    app: g.app, credentialStore: new SqliteSmppCredentials(g.store.db),
    contentProviderExists: async () => true, portKind: async () => null, now: () => g.clock.now(), newId: () => g.app.ctx.ids.next('cred'),
    smppPort: null, smppHost: '127.0.0.1', upstream: 'simulator', simulator: g.simulator,
  });
  if (!(await smpp.egress!.waitUp(5000))) throw new Error('the simulator link did not bind within 5 s');
  g.app.setUpstreamLinks(smpp.egress);
  return smpp;
}
