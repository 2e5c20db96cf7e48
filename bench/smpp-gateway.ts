/**
 * smsguard for the SMPP benchmark, in its own process: SQLite file store (records committed), the
 * real App and pipeline, SMPP server in front, delivery worker and SMPP upstream client behind.
 * Usage: node --import tsx bench/smpp-gateway.ts DBFILE UPSTREAM_URL — prints
 * `READY <smpp port> <systemId> <password>` once a provider with SMPP credentials exists.
 */
import { SqliteStore } from '../src/store/sqlite/index.js';
import { BENCH_SQLITE } from './store-tuning.js';
import { SqliteSmppCredentials } from '../src/store/sqlite/smpp-credentials.js';
import { App } from '../src/app/app.js';
import { DeliveryWorker } from '../src/app/delivery.js';
import { SystemClock } from '../src/simulator/clock.js';
import { resolveProfile } from '../src/profiles/index.js';
import { SmppServer, SmppCredentials } from '../src/smpp/server/index.js';
import { SmppUpstream, ThreadedUpstream, parseUpstreamUrl } from '../src/smpp/client/index.js';
import { buildHttpApp } from '../src/http/app.js';

const [db, upstreamUrl] = process.argv.slice(2);
const admin = { role: 'admin' as const, actorId: 'bench' };
const store = new SqliteStore(db, BENCH_SQLITE);
const clock = new SystemClock();
// The ab and Kannel benches (http-mt-cpu.ts, smpp-kannel.ts) send one message to one number over and
// over (ab's one body file, the Kannel ESME's one text): rule content.duplicate (the same text to a
// number at most once per 30 s) would refuse all but the first, so they turn it off
// (SMSGUARD_BENCH_SAME_TEXT=1) and measure the path they always measured; the other loads send
// distinct texts to distinct numbers and run with it on (docs/PERFORMANCE.md).
const sameText = process.env.SMSGUARD_BENCH_SAME_TEXT === '1';
const app = new App({ store, clock, profile: resolveProfile('cn-2015', sameText ? { duplicateContentWindowSeconds: 0 } : {}) });
// SMSGUARD_UPSTREAM_THREAD=off: the client on the event loop, as `start --upstream-thread off`.
const upstream = process.env.SMSGUARD_UPSTREAM_THREAD === 'off' ? new SmppUpstream({ links: [parseUpstreamUrl(upstreamUrl)] }) : new ThreadedUpstream({ links: [parseUpstreamUrl(upstreamUrl)] });
upstream.start();
if (!(await upstream.waitUp(10_000))) throw new Error('upstream did not bind');
// SMSGUARD_BENCH_INFLIGHT=N: the delivery worker's batches out at once (diagnostic; the default otherwise)
const worker = new DeliveryWorker(app.ctx, upstream, process.env.SMSGUARD_BENCH_INFLIGHT ? { inFlight: Number(process.env.SMSGUARD_BENCH_INFLIGHT) } : {}, (mo) => app.receiveMo(mo, 'system'));
worker.start();
const cp = await app.createContentProvider(admin, { name: '压测科技有限公司', creditCode: '91350100M000100Y43' });
await app.addSignature(admin, cp.id, { signature: '【示例】' });
await app.addPort(admin, { number: '10690001', contentProviderId: cp.id, kind: 'service' });
const creds = new SmppCredentials({ store: new SqliteSmppCredentials(store.db), contentProviderExists: async () => true, now: () => Date.now(), newId: () => app.ctx.ids.next('cred') });
await creds.create(admin, cp.id, { systemId: 'bench', password: 'benchpw' });
// SMSGUARD_BENCH_TRACE=1: report submitMessages batch sizes and time spent in them (stderr)
if (process.env.SMSGUARD_BENCH_TRACE) {
  const orig = app.submitMessages.bind(app);
  let calls = 0, msgs = 0, ms = 0;
  app.submitMessages = async (p, inputs, ch) => {
    const t = performance.now();
    try { return await orig(p, inputs, ch); } finally { calls++; msgs += inputs.length; ms += performance.now() - t; }
  };
  setInterval(() => { if (calls) process.stderr.write(`[smpp-gateway] batches=${calls} avg=${(msgs / calls).toFixed(1)} msgs in ${ms.toFixed(0)} ms\n`); calls = msgs = ms = 0; }, 1000).unref();
  // and the transactions that record statuses and receipts: how many, how large, how long (CPU on the event loop)
  const tx = { decisions: { n: 0, items: 0, ms: 0 }, statuses: { n: 0, items: 0, ms: 0 }, receipts: { n: 0, items: 0, ms: 0 } };
  // the group commits: how many submissions each decision transaction carries
  const messages = store.messages as { decideAndRecord: (items: never[], judge: never) => Promise<unknown> };
  const origDecide = messages.decideAndRecord.bind(messages);
  messages.decideAndRecord = async (items: never[], judge: never) => {
    const t = performance.now();
    try { return await origDecide(items, judge); } finally { tx.decisions.n++; tx.decisions.items += items.length; tx.decisions.ms += performance.now() - t; }
  };
  const outbox = store.outbox as { recordStatuses: (u: never[]) => Promise<unknown>; applyReceipts: (r: never[]) => Promise<unknown> };
  for (const [k, name] of [['statuses', 'recordStatuses'], ['receipts', 'applyReceipts']] as const) {
    const orig = outbox[name].bind(outbox);
    outbox[name] = async (xs: never[]) => {
      const t = performance.now();
      try { return await orig(xs); } finally { tx[k].n++; tx[k].items += xs.length; tx[k].ms += performance.now() - t; }
    };
  }
  setInterval(() => {
    for (const [k, v] of Object.entries(tx)) if (v.n) process.stderr.write(`[smpp-gateway] ${k}: ${v.n} transactions, avg ${(v.items / v.n).toFixed(1)} items, ${(1000 * v.ms / v.items).toFixed(1)} µs per item\n`);
    for (const v of Object.values(tx)) v.n = v.items = v.ms = 0;
  }, 1000).unref();
}
const server = new SmppServer({ app, authenticate: (s, p, ip) => creds.authenticate(s, p, ip), portKind: async (n) => (await store.directory.getPort(n))?.kind ?? null, session: { inboundWindow: 1000, windowSize: 1000 } });
const port = await server.listen(Number(process.env.SMPP_PORT ?? 0), '127.0.0.1');
// HTTP_PORT set: the HTTP API too (same app, same upstream), for the HTTP → SMPP side-by-side
let http: Awaited<ReturnType<typeof buildHttpApp>> | null = null;
if (process.env.HTTP_PORT) {
  http = await buildHttpApp({ app });
  await http.listen({ host: '127.0.0.1', port: Number(process.env.HTTP_PORT) });
  process.stdout.write(`HTTP ${(http.server.address() as { port: number }).port} ${cp.apiKey}\n`);
}
process.stdout.write(`READY ${port} bench benchpw\n`);
process.on('SIGTERM', () => {
  void (async () => {
    await server.close();
    await http?.close();
    await worker.stop();
    await upstream.close();
    await store.close();
    process.exit(0);
  })();
});
