/**
 * A whole gateway for tests: in-memory SQLite, simulated clock (fixed at a weekday noon in
 * Shanghai unless told otherwise), simulator SMSC, delivery worker and the HTTP app (inject only).
 */
import { after, before } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import { App, type AppDeps } from '../../src/app/app.js';
import { DeliveryWorker } from '../../src/app/delivery.js';
import { ConsentSweeper } from '../../src/app/consent-sweeper.js';
import { CallbackWorker } from '../../src/app/callback-worker.js';
import { SimulatorSmsc } from '../../src/simulator/simulator-smsc.js';
import { SimulatedClock } from '../../src/simulator/clock.js';
import { buildHttpApp } from '../../src/http/app.js';
import { createMetrics } from '../../src/http/metrics.js';
import { resolveProfile, type ParamOverrides, type ProfileId } from '../../src/profiles/index.js';
import { installComplaints, type ComplaintService } from '../../src/app/complaint-service.js';
import { documentedAnswers } from './schema-coverage.js';

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

/** How a test gateway starts: the profile and its overrides, the clock's first reading, the database file. */
export interface GatewayOptions {
  profile?: ProfileId;
  overrides?: ParamOverrides;
  /** The simulated clock's start, ms since the epoch (NOON_SHANGHAI unless given). */
  now?: number;
  /** A SQLite file, for tests that restart on the same data (in memory unless given). */
  db?: string;
  /** The review queue's maximum hold (`--review-hold-max-hours`), 72 h unless given. */
  reviewHoldMaxMs?: number;
  /** The web sign-ins' lifetimes and clock (src/app/web-sessions.ts): 8 h idle, 7 days, wall clock unless given. */
  webSessions?: AppDeps['webSessions'];
}

export async function startTestGateway(opts: GatewayOptions = {}): Promise<TestGateway> {
  const store = new SqliteStore(opts.db ?? ':memory:');
  const clock = new SimulatedClock(opts.now ?? NOON_SHANGHAI);
  const app = new App({ store, clock, profile: resolveProfile(opts.profile ?? 'cn-2015', opts.overrides), ...(opts.reviewHoldMaxMs !== undefined ? { reviewHoldMaxMs: opts.reviewHoldMaxMs } : {}), ...(opts.webSessions ? { webSessions: opts.webSessions } : {}) });
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
  // SMSGUARD_TEST_CHECK_ANSWERS=1: every JSON answer checked against the OpenAPI document (schema-coverage.ts)
  const answers = process.env.SMSGUARD_TEST_CHECK_ANSWERS === '1' ? documentedAnswers() : undefined;
  const http = await buildHttpApp({ app, simulator, simulatedClock: clock, metrics: createMetrics(app, () => store.outbox.pendingCount()), ...(answers ? { plugins: [answers.plugin] } : {}) });
  return {
    http, app, store, clock, simulator, worker, sweeper, callbacks, complaints,
    admin: { authorization: `Bearer ${ADMIN_TOKEN}` },
    async close() {
      await http.close();
      await app.webSessions.close();
      await complaints.stop();
      await worker.stop();
      await sweeper.stop();
      await callbacks.stop();
      await store.close();
      // after everything is closed, so a violation leaves nothing running
      if (answers?.violations.length) throw new Error(`answers the OpenAPI document does not allow:\n${[...new Set(answers.violations)].join('\n')}`);
    },
  };
}

/**
 * Sends what the queue holds through a delivery worker of its own and stops it: for a test that
 * stopped the gateway's worker (`g.worker.stop()`) to act on queued messages first.
 */
export async function deliverQueued(g: TestGateway): Promise<void> {
  const w = new DeliveryWorker(g.app.ctx, g.simulator, { pollMs: 50 });
  w.start();
  await w.drain();
  await w.stop();
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

/** What `onboard` takes: the provider's name, signature, province and ports. */
export type OnboardOptions = NonNullable<Parameters<typeof onboard>[1]>;

/** The second provider of the "not its own" cases: its own signature and service port. */
export const OTHER_PROVIDER: OnboardOptions = { signature: '【别家】', ports: { service: '10698001' } };

/** How `gatewaySuite` sets up: the gateway's options, and how to onboard the usual provider (`cp`). */
export interface SuiteOptions extends GatewayOptions {
  provider?: OnboardOptions;
}

/** The gateway and providers of a suite: empty until the suite's first `before` has run, then filled in. */
export interface GatewaySuite {
  g: TestGateway;
  cp: Provider;
}

/**
 * A test gateway for the enclosing suite (or file): registers a `before` that starts it and onboards the
 * usual provider (`cp`; with `other`, a second one as well), and an `after` that closes it.
 *
 * The objects come back at once, empty, and are filled in place when the gateway is up, so a suite
 * destructures them where it used to declare `let g; let cp` and its tests and helpers read them as
 * before: `const { g, cp } = gatewaySuite();`. Set-up of its own goes in a `before` registered after
 * this call (node runs a suite's hooks in the order they were registered, so the gateway is up by then).
 */
export function gatewaySuite(opts?: SuiteOptions): GatewaySuite;
export function gatewaySuite(opts: SuiteOptions & { other: OnboardOptions }): GatewaySuite & { other: Provider };
export function gatewaySuite(opts: SuiteOptions & { other?: OnboardOptions } = {}): GatewaySuite & { other?: Provider } {
  const { provider, other, ...start } = opts;
  const g = {} as TestGateway;
  const cp = {} as Provider;
  const second = {} as Provider;
  let started: TestGateway | undefined;
  before(async () => {
    started = await startTestGateway(start);
    Object.assign(g, started);
    Object.assign(cp, await onboard(g, provider));
    if (other) Object.assign(second, await onboard(g, other));
  });
  // Closes what was started, so a failed start reports its own error rather than one from here.
  after(async () => started?.close());
  return other ? { g, cp, other: second } : { g, cp };
}

/**
 * Runs `fn` on a gateway of its own (started with `opts`) with the usual provider onboarded, and closes
 * the gateway however `fn` ends: the set-up of a test that needs a fresh gateway (its own profile,
 * clock or counters, untouched by the other tests of its file).
 */
export async function withGateway<T>(fn: (g: TestGateway, cp: Provider) => Promise<T>): Promise<T>;
export async function withGateway<T>(opts: GatewayOptions, fn: (g: TestGateway, cp: Provider) => Promise<T>): Promise<T>;
export async function withGateway<T>(
  a: GatewayOptions | ((g: TestGateway, cp: Provider) => Promise<T>),
  b?: (g: TestGateway, cp: Provider) => Promise<T>,
): Promise<T> {
  const [opts, fn] = typeof a === 'function' ? [{}, a] : [a, b!];
  const g = await startTestGateway(opts);
  try {
    return await fn(g, await onboard(g));
  } finally {
    await g.close();
  }
}

/**
 * A promotion `user` agreed to: `user` consents to `promo` (10 a month) and gets `text` from the
 * provider's commercial port 10690002, delivered. Returns the message's id.
 */
export async function sendPromotion(g: TestGateway, cp: Provider, user: string, text = '【示例】年终大促全场五折'): Promise<string> {
  const c = await g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn: user, category: 'promo', frequency: { count: 10, per: 'month' }, expiresAt: '2027-06-01T00:00:00Z', proof: { channel: 'web', reference: 'form-1', capturedAt: '2026-11-01T00:00:00Z' } } });
  if (c.statusCode !== 201) throw new Error(`consent: ${c.body}`);
  const m = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690002', to: user, text, type: 'commercial', category: 'promo' } });
  if (m.statusCode !== 202) throw new Error(`promotion: ${m.body}`);
  await g.worker.drain();
  return m.json().id as string;
}

/**
 * The complaint scenario of a user who replied 退订: `user` gets the provider's promotion
 * (sendPromotion), and a minute on replies `T`, so the gateway's opt-out confirmation is the latest
 * message from that port. Returns the promotion's id.
 */
export async function promotionThenOptOut(g: TestGateway, cp: Provider, user: string): Promise<string> {
  const id = await sendPromotion(g, cp, user);
  g.clock.advance(60_000);
  const mo = await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: user, to: '10690002', text: 'T' } });
  if (mo.json().action !== 'opt_out') throw new Error(`the reply T: ${mo.body}`);
  await g.worker.drain();
  return id;
}

/**
 * A case about a promotion: `user` gets `text` (sendPromotion) and files a complaint naming the port
 * 10690002 and the text without its signature. Returns the complaint as filed, matched to the promotion.
 */
export async function complaintOnPromotion(g: TestGateway, cp: Provider, user: string, text: string): Promise<{ id: string; matchedMessageId: string }> {
  await sendPromotion(g, cp, user, text);
  const f = (await g.http.inject({ method: 'POST', url: '/v1/complaints', payload: { msisdn: user, sender: '10690002', text: text.replace(/^【[^】]*】/, '') } })).json();
  if (!f.matchedMessageId) throw new Error(`the complaint matched no message: ${JSON.stringify(f)}`);
  return f;
}
