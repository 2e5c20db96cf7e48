/**
 * A whole gateway with SMPP on both sides, for integration tests and peer interop: in-memory
 * SQLite, the real App and pipeline, smsguard's SMPP server in front (one onboarded content
 * provider with SMPP credentials), the delivery worker and the SMPP upstream client behind, bound
 * to the simulator SMSC over SMPP (or to `upstreamUrl`).
 */
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { SqliteSmppCredentials } from '../../../src/store/sqlite/smpp-credentials.js';
import { App } from '../../../src/app/app.js';
import { DeliveryWorker } from '../../../src/app/delivery.js';
import { SimulatorSmsc } from '../../../src/simulator/simulator-smsc.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { SystemClock } from '../../../src/simulator/clock.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { SmppServer, SmppCredentials } from '../../../src/smpp/server/index.js';
import { SmppSimulatorServer } from '../../../src/smpp/simulator/index.js';
import { SmppUpstream, parseUpstreamUrl } from '../../../src/smpp/client/index.js';
import type { SessionOptions } from '../../../src/smpp/session/session.js';
import { validCreditCode, NOON_SHANGHAI } from '../../helpers/gateway.js';

export interface SmppGateway {
  store: SqliteStore;
  app: App;
  sim: SimulatorSmsc;
  simServer: SmppSimulatorServer | null;
  upstream: SmppUpstream;
  worker: DeliveryWorker;
  server: SmppServer;
  /** smsguard's SMPP server port. */
  port: number;
  cpId: string;
  /** cp's API key (an HTTP app built over `app` takes it as `Bearer`). */
  apiKey: string;
  systemId: string;
  password: string;
  close(): Promise<void>;
}

export const ADMIN = { role: 'admin' as const, actorId: 'admin' };

/**
 * `holdMs`: the simulator holds each message that long before delivering it (SimulatorOptions.holdMs).
 * `linkThroughput`: the upstream link's cap (messages a second), as a carrier caps a bind.
 * `session`: the SMPP server's session options (its enquire_link interval, windows, timeouts).
 */
export async function startSmppGateway(opts: { upstreamUrl?: string; db?: string; realClock?: boolean; throughput?: number; window?: number; defaultCategory?: string; holdMs?: number; linkThroughput?: number; session?: Partial<SessionOptions> } = {}): Promise<SmppGateway> {
  const store = new SqliteStore(opts.db ?? ':memory:');
  const clock = opts.realClock ? new SystemClock() : new SimulatedClock(NOON_SHANGHAI);
  const app = new App({ store, clock, profile: resolveProfile('cn-2015') });
  const sim = new SimulatorSmsc(clock, { holdMs: opts.holdMs ?? 0 });
  let simServer: SmppSimulatorServer | null = null;
  let url = opts.upstreamUrl;
  if (!url) {
    simServer = new SmppSimulatorServer({ sim });
    const simPort = await simServer.listen(0);
    url = `smpp://smsguard:pw@127.0.0.1:${simPort}?name=sim&window=${opts.window ?? 100}${opts.linkThroughput ? `&throughput=${opts.linkThroughput}` : ''}`;
  }
  const upstream = new SmppUpstream({ links: [parseUpstreamUrl(url)] });
  upstream.start();
  if (!(await upstream.waitUp(5000))) throw new Error(`upstream ${url} did not bind`);
  const worker = new DeliveryWorker(app.ctx, upstream, { pollMs: 50 }, (mo) => app.receiveMo(mo, 'system'));
  worker.start();

  const cp = await app.createContentProvider(ADMIN, { name: '示例科技有限公司', creditCode: await validCreditCode() });
  await app.addSignature(ADMIN, cp.id, { signature: '【示例】' });
  await app.addPort(ADMIN, { number: '10690001', contentProviderId: cp.id, kind: 'service' });
  await app.addPort(ADMIN, { number: '10690002', contentProviderId: cp.id, kind: 'commercial' });
  const creds = new SmppCredentials({
    store: new SqliteSmppCredentials(store.db),
    contentProviderExists: async (id) => (await store.directory.getContentProvider(id)) !== null,
    now: () => clock.now(),
    newId: () => app.ctx.ids.next('cred'),
  });
  const systemId = 'shili';
  const password = 'pw123';
  await creds.create(ADMIN, cp.id, { systemId, password, throughput: opts.throughput, defaultCategory: opts.defaultCategory });
  // the messages' clock as src/smpp/compose.ts gives it (the sessions keep the real one)
  const server = new SmppServer({ app, authenticate: (s, p, ip) => creds.authenticate(s, p, ip), portKind: async (n) => (await store.directory.getPort(n))?.kind ?? null, messageNow: () => clock.now(), ...(opts.session ? { session: opts.session } : {}) });
  const port = await server.listen(0, '127.0.0.1');
  return {
    store, app, sim, simServer, upstream, worker, server, port, cpId: cp.id, apiKey: cp.apiKey, systemId, password,
    async close() {
      await server.close();
      await worker.stop();
      await upstream.close();
      await simServer?.close();
      await store.close();
    },
  };
}

/**
 * The ids of what the delivery worker hands the gateway's SMPP client from now on (a message in it
 * has been taken by a batch), for tests that act on a message while a batch holds it.
 */
export function handedIds(g: SmppGateway): Set<string> {
  const handed = new Set<string>();
  const submit = g.upstream.submit.bind(g.upstream);
  g.upstream.submit = (m) => {
    handed.add(m.id);
    return submit(m);
  };
  return handed;
}

/**
 * Takes the gateway's carrier away (its simulator SMSC stops listening) and waits until its link is
 * down; `up()` brings a simulator on the same port back. What is submitted meanwhile is taken by a
 * batch and waits, unwritten, in the SMPP client's link queue.
 */
export async function carrierDown(g: SmppGateway): Promise<{ up(): Promise<void>; close(): Promise<void> }> {
  const port = g.upstream.opts.links[0].port;
  await g.simServer!.close();
  while (g.upstream.bound()) await new Promise((r) => setTimeout(r, 10));
  let back: SmppSimulatorServer | null = null;
  return {
    async up() {
      back = new SmppSimulatorServer({ sim: g.sim });
      await back.listen(port);
    },
    close: async () => back?.close(),
  };
}

/** cp's principal and a consent of `to` to its `promo` messages, given yesterday for 30 days. */
export async function promoConsent(g: SmppGateway, to: string): Promise<{ role: 'content-provider'; contentProviderId: string; actorId: string }> {
  const cp = { role: 'content-provider' as const, contentProviderId: g.cpId, actorId: 'test' };
  const now = g.app.ctx.clock.now();
  await g.app.grantConsent(cp, { msisdn: to, category: 'promo', frequency: { count: 10, per: 'week' }, expiresAt: new Date(now + 30 * 86_400_000).toISOString(), proof: { channel: 'web', reference: 'form-1', capturedAt: new Date(now - 86_400_000).toISOString() } });
  return cp;
}
