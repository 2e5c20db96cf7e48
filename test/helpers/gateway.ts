/**
 * A whole gateway for tests: in-memory SQLite, simulated clock (fixed at a weekday noon in
 * Shanghai unless told otherwise), simulator SMSC, delivery worker and the HTTP app (inject only).
 */
import type { FastifyInstance } from 'fastify';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import { App } from '../../src/app/app.js';
import { DeliveryWorker } from '../../src/app/delivery.js';
import { ConsentSweeper } from '../../src/app/consent-sweeper.js';
import { CallbackWorker } from '../../src/app/callback-worker.js';
import { SimulatorSmsc } from '../../src/simulator/simulator-smsc.js';
import { SimulatedClock } from '../../src/simulator/clock.js';
import { buildHttpApp } from '../../src/http/app.js';
import { createMetrics } from '../../src/http/metrics.js';
import { resolveProfile, type ParamOverrides, type ProfileId } from '../../src/profiles/index.js';
import { installComplaints, type ComplaintService } from '../../src/app/complaint-service.js';

/** 2026-11-30 (Monday) 12:00 Asia/Shanghai. */
export const NOON_SHANGHAI = Date.parse('2026-11-30T04:00:00Z');
export const ADMIN_TOKEN = 'sga_test_admin_token_0123456789';

export interface TestGateway {
  http: FastifyInstance;
  app: App;
  store: SqliteStore;
  clock: SimulatedClock;
  simulator: SimulatorSmsc;
  worker: DeliveryWorker;
  sweeper: ConsentSweeper;
  /** HTTP callbacks to providers (kicked when the clock moves, as in src/main.ts). */
  callbacks: CallbackWorker;
  complaints: ComplaintService;
  admin: Record<string, string>;
  close(): Promise<void>;
}

export async function startTestGateway(opts: { profile?: ProfileId; overrides?: ParamOverrides; now?: number; db?: string } = {}): Promise<TestGateway> {
  const store = new SqliteStore(opts.db ?? ':memory:');
  const clock = new SimulatedClock(opts.now ?? NOON_SHANGHAI);
  const app = new App({ store, clock, profile: resolveProfile(opts.profile ?? 'cn-2015', opts.overrides) });
  await app.auth.ensureAdminToken(ADMIN_TOKEN);
  const complaints = installComplaints(app, { reportPort: '12321', sweeper: { intervalMs: 3_600_000 }, publicPerMinute: 0 });
  clock.onChange(() => complaints.sweeper.kick());
  const simulator = new SimulatorSmsc(clock);
  const worker = new DeliveryWorker(app.ctx, simulator, { pollMs: 50 }, (mo) => app.receiveMo(mo, 'system'));
  worker.start();
  const sweeper = new ConsentSweeper(app.ctx);
  sweeper.start();
  const callbacks = new CallbackWorker(app.ctx, app.callbacks);
  await callbacks.start();
  clock.onChange(() => callbacks.kick());
  const http = await buildHttpApp({ app, simulator, simulatedClock: clock, metrics: createMetrics(app, () => store.outbox.pendingCount()) });
  return {
    http, app, store, clock, simulator, worker, sweeper, callbacks, complaints,
    admin: { authorization: `Bearer ${ADMIN_TOKEN}` },
    async close() {
      await http.close();
      await complaints.stop();
      await worker.stop();
      await sweeper.stop();
      await callbacks.stop();
      await store.close();
    },
  };
}

export interface Provider {
  id: string;
  apiKey: string;
  auth: Record<string, string>;
}

let codeSeq = 0;
/**
 * A valid unified social credit code (GB 32100 check character computed), different each call,
 * registered in `province` (GB/T 2260 code, characters 3–4; Fujian by default).
 */
export async function validCreditCode(province = '35'): Promise<string> {
  const { creditCodeCheckChar } = await import('../../src/domain/credit-code.js');
  const body = `91${province}0100M${String(100000 + codeSeq++).padStart(8, '0')}`.slice(0, 17);
  return body + creditCodeCheckChar(body);
}

/** Onboards a provider with a signature and a service, a commercial and a public-welfare port. */
export async function onboard(g: TestGateway, opts: { name?: string; signature?: string; province?: string; ports?: { service?: string; commercial?: string; public_welfare?: string } } = {}): Promise<Provider> {
  const r = await g.http.inject({ method: 'POST', url: '/v1/content-providers', headers: g.admin, payload: { name: opts.name ?? '示例科技有限公司', creditCode: await validCreditCode(opts.province) } });
  if (r.statusCode !== 201) throw new Error(`onboard: ${r.statusCode} ${r.body}`);
  const { id, apiKey } = r.json();
  const sig = opts.signature ?? '【示例】';
  const s = await g.http.inject({ method: 'POST', url: `/v1/content-providers/${id}/signatures`, headers: g.admin, payload: { signature: sig } });
  if (s.statusCode !== 201) throw new Error(`signature: ${s.statusCode} ${s.body}`);
  const ports = opts.ports ?? { service: '10690001', commercial: '10690002', public_welfare: '10690003' };
  for (const [kind, number] of Object.entries(ports)) {
    if (!number) continue;
    const p = await g.http.inject({ method: 'POST', url: '/v1/ports', headers: g.admin, payload: { number, contentProviderId: id, kind } });
    if (p.statusCode !== 201) throw new Error(`port: ${p.statusCode} ${p.body}`);
  }
  return { id, apiKey, auth: { authorization: `Bearer ${apiKey}` } };
}

type OnboardOptions = NonNullable<Parameters<typeof onboard>[1]>;

/**
 * A test gateway with two providers: the usual one (`cp`) and another (`other`, its own signature
 * and service port), for the "not its own" cases: `before(async () => ({ g, cp, other } = await startWithTwoProviders()))`.
 */
export async function startWithTwoProviders(other: OnboardOptions = { signature: '【别家】', ports: { service: '10698001' } }): Promise<{ g: TestGateway; cp: Provider; other: Provider }> {
  const g = await startTestGateway();
  return { g, cp: await onboard(g), other: await onboard(g, other) };
}

/**
 * The complaint scenario of a user who replied 退订: `user` consents to `promo`, gets the provider's
 * promotion from its commercial port 10690002, and a minute on replies `T`, so the gateway's opt-out
 * confirmation is the latest message from that port. Returns the promotion's id.
 */
export async function promotionThenOptOut(g: TestGateway, cp: Provider, user: string): Promise<string> {
  const c = await g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn: user, category: 'promo', frequency: { count: 10, per: 'month' }, expiresAt: '2027-06-01T00:00:00Z', proof: { channel: 'web', reference: 'form-1', capturedAt: '2026-11-01T00:00:00Z' } } });
  if (c.statusCode !== 201) throw new Error(`consent: ${c.body}`);
  const m = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690002', to: user, text: '【示例】年终大促全场五折', type: 'commercial', category: 'promo' } });
  if (m.statusCode !== 202) throw new Error(`promotion: ${m.body}`);
  await g.worker.drain();
  g.clock.advance(60_000);
  const mo = await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: user, to: '10690002', text: 'T' } });
  if (mo.json().action !== 'opt_out') throw new Error(`the reply T: ${mo.body}`);
  await g.worker.drain();
  return m.json().id as string;
}
