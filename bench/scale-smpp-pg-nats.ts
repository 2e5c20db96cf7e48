/**
 * `smpp_e2e_pg_nats_msgs_per_s_1proc` and `…_2proc`: the SMPP end-to-end path of bench/smpp-e2e.ts
 * (ESME load process → smsguard SMPP server → pipeline + records → egress → SMPP client → sink
 * process, receipts back to the ESME), with the scale-out parts: PostgreSQL store and NATS
 * JetStream between ingress and egress (bench/scale-gateway.ts). 1proc: one gateway process
 * (role all). 2proc: two gateway processes (role all each: both take binds, partitions split
 * between them), one load generator per process. Everything — PostgreSQL, NATS, the sink, the load
 * generators and the gateways — shares this machine's two cores, so the 2proc/1proc ratio measures
 * contention here, not the scaling a second machine would give (docs/SCALING.md).
 */
import { readdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { procStat, SERVER_NODE_FLAGS, startProc, stopProc, type Proc } from './proc.js';
import { machine, note, type BenchOptions, type Figure } from './figure.js';
import { runLoad, type LoadResult } from './smpp-e2e.js';
import { PostgresStore } from '../src/store/postgres/index.js';
import { App } from '../src/app/app.js';
import { SystemClock } from '../src/simulator/clock.js';
import { resolveProfile } from '../src/profiles/index.js';
import { SmppCredentials } from '../src/smpp/server/index.js';
import { openBus, deleteStream } from '../src/queue/nats.js';
import { queueNames } from '../src/queue/subjects.js';

const PG = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const NATS = process.env.SMSGUARD_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const PARTITIONS = 16;



/**
 * CPU time (ms) of processes by command name or pid, from /proc (Linux): the basis of the per-message
 * CPU cost per component in docs/SCALING.md. PostgreSQL and NATS serve the whole machine, so other
 * work running at the same time inflates their share (the figure's conditions say so).
 */
function cpuMs(match: (pid: number, comm: string) => boolean): number {
  let ms = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const s = procStat(d);
      if (match(Number(d), s.comm)) ms += s.cpuMs;
    } catch {
      /* gone */
    }
  }
  return ms;
}

/** A fresh schema with one provider, its ports and SMPP credentials `bench`/`benchpw`; returns its API key. */
async function prepare(schema: string): Promise<string> {
  const store = await PostgresStore.open({ url: PG, schema });
  const app = new App({ store, clock: new SystemClock(), profile: resolveProfile('cn-2015') });
  const admin = { role: 'admin' as const, actorId: 'bench' };
  const cp = await app.createContentProvider(admin, { name: '压测科技有限公司', creditCode: '91350100M000100Y43' });
  await app.addSignature(admin, cp.id, { signature: '【示例】' });
  await app.addPort(admin, { number: '10690001', contentProviderId: cp.id, kind: 'service' });
  const creds = new SmppCredentials({ store: store.smppCredentials, contentProviderExists: async () => true, now: () => Date.now(), newId: () => app.ctx.ids.next('cred') });
  await creds.create(admin, cp.id, { systemId: 'bench', password: 'benchpw' });
  await store.close();
  return cp.apiKey;
}

/** Drops what a run left behind: its JetStream stream (when the bus answers) and its PostgreSQL schema. */
async function dropRun(prefix: string, schema: string): Promise<void> {
  const bus = await openBus({ url: NATS, names: queueNames(prefix), partitions: 0, ackWaitMs: 1000 }).catch(() => null);
  if (bus) { await deleteStream(bus); await bus.close(); }
  const c = new pg.Client({ connectionString: PG });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await c.end();
}

/**
 * `http_batch_pg_nats_msgs_per_s_1proc`: POST /v1/messages/batch (1,000 per batch, 4 in flight, load
 * from its own process) against one gateway process on PostgreSQL + NATS (role all, in-process
 * simulator upstream): messages accepted and durably recorded per second. The store and bus with
 * large batches, without the SMPP layer; delivery runs in the same process meanwhile.
 */
async function httpScenario(total: number): Promise<Figure> {
  const schema = `sg_bench_${randomBytes(4).toString('hex')}`;
  const prefix = `b${randomBytes(4).toString('hex')}`;
  const apiKey = await prepare(schema);
  let gw: Proc | null = null;
  try {
    gw = startProc(['bench/scale-gateway.ts', JSON.stringify({ pg: PG, schema, nats: NATS, prefix, role: 'all', upstream: 'simulator', partitions: PARTITIONS, http: true })], { nodeFlags: SERVER_NODE_FLAGS });
    const httpPort = Number((await gw.line(/READY \d+ (\d+)/, 60_000))[1]);
    const url = `http://127.0.0.1:${httpPort}`;
    const load = (n: number, offset: number) => {
      const l = startProc(['bench/load/http-batch-client.ts', url, apiKey, String(n), '1000', '4', String(offset)]);
      return l.line(/(\{.*"accepted".*\})\n/, 600_000).then((m) => JSON.parse(m[1]) as { accepted: number; rejected: number; errors: number; seconds: number });
    };
    note('scale http: warm-up');
    await load(Math.min(10_000, Math.ceil(total / 2)), 50_000_000);
    note(`scale http: ${total} messages`);
    const t0 = Date.now();
    const r = await load(total, 60_000_000);
    if (r.errors || r.rejected) throw new Error(`http load: ${JSON.stringify(r)}`);
    const c = new pg.Client({ connectionString: PG });
    await c.connect();
    let pending = Infinity;
    while (pending > 0 && Date.now() - t0 < 600_000) {
      pending = (await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.message_status WHERE status = 'accepted'`)).rows[0].n;
      if (pending > 0) await new Promise((res) => setTimeout(res, 100));
    }
    await c.end();
    const deliveredSeconds = (Date.now() - t0) / 1000;
    return {
      figure: 'http_batch_pg_nats_msgs_per_s_1proc',
      value: Math.round(r.accepted / r.seconds),
      unit: 'msgs/s',
      conditions: {
        ...machine(), messages: r.accepted, batch: 1000, inFlight: 4, gatewayProcesses: 1, role: 'all', partitions: PARTITIONS,
        store: 'PostgreSQL 15 (same machine), every decision recorded before the response', bus: 'NATS JetStream 2.9 (same machine)',
        upstream: 'in-process simulator (receipts on)', path: 'load process → HTTP batch → pipeline + records (PG) → relay → JetStream → egress → simulator',
        allSubmittedUpstreamMsgsPerS: Math.round(r.accepted / deliveredSeconds),
      },
    };
  } finally {
    // Figures taken, schema dropped next: no graceful drain needed (and it costs seconds per run).
    if (gw) await stopProc(gw.p, 0);
    await dropRun(prefix, schema);
  }
}

async function scenario(processes: number, total: number, quick: boolean): Promise<{ result: LoadResult & { perProcess: LoadResult[]; cpuUsPerMsg: Record<string, number>; walBytesPerMsg: number }; schema: string }> {
  const schema = `sg_bench_${randomBytes(4).toString('hex')}`;
  const prefix = `b${randomBytes(4).toString('hex')}`;
  await prepare(schema);
  const sink = startProc(['bench/smpp-sink.ts', '0']);
  const gws: Proc[] = [];
  try {
    const sinkPort = Number((await sink.line(/READY (\d+)/, 30_000))[1]);
    const window = 200;
    // The gateway processes start together (SMSGUARD_BENCH_PROFILE=DIR: a CPU profile of each).
    for (let i = 0; i < processes; i++) {
      gws.push(startProc(['bench/scale-gateway.ts', JSON.stringify({ pg: PG, schema, nats: NATS, prefix, role: 'all', upstream: `smpp://smsguard:pw@127.0.0.1:${sinkPort}?name=sink&window=${window * 2}`, partitions: PARTITIONS })], { nodeFlags: SERVER_NODE_FLAGS }));
    }
    const ports = await Promise.all(gws.map(async (gw) => Number((await gw.line(/READY (\d+) \d+/, 60_000))[1])));
    // Let the partition leases settle (each process owns its share) before measuring. A single
    // process has no one to share with: it takes every partition as it starts, and the warm-up below
    // runs through it anyway.
    if (processes > 1) await new Promise((r) => setTimeout(r, quick ? 1000 : 4000));
    const binds = 4 / processes;
    note(`scale ${processes}proc: warm-up`);
    await Promise.all(ports.map((p, i) => runLoad(p, 'bench', 'benchpw', quick ? 300 : 5000, binds, window, 10_000_000 * (i + 1))));
    note(`scale ${processes}proc: ${total} messages over ${processes} process(es)`);
    const gwPids = new Set(gws.map((g) => g.p.pid!));
    const sample = () => ({ gateway: cpuMs((pid) => gwPids.has(pid)), postgres: cpuMs((_, c) => c === 'postgres'), nats: cpuMs((_, c) => c === 'nats-server'), sink: cpuMs((pid) => pid === sink.p.pid) });
    const cpu0 = sample();
    const walClient = new pg.Client({ connectionString: PG });
    await walClient.connect();
    const wal0 = (await walClient.query<{ l: string }>('SELECT pg_current_wal_lsn()::text AS l')).rows[0].l;
    const per = await Promise.all(ports.map((p, i) => runLoad(p, 'bench', 'benchpw', Math.floor(total / processes), binds, window, 1_000_000 + 10_000_000 * (i + 1))));
    const ok = per.reduce((n, r) => n + r.ok, 0);
    const cpu1 = sample();
    const walBytes = Number((await walClient.query<{ d: string }>('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::text AS d', [wal0])).rows[0].d);
    await walClient.end();
    const perMsg = (k: keyof typeof cpu0) => Number(((cpu1[k] - cpu0[k]) * 1000 / Math.max(1, ok)).toFixed(1));
    const cpuUsPerMsg = { gateway: perMsg('gateway'), postgres: perMsg('postgres'), nats: perMsg('nats'), sink: perMsg('sink') };
    const result = {
      cpuUsPerMsg,
      walBytesPerMsg: Math.round(walBytes / Math.max(1, ok)),
      ok, rejected: per.reduce((n, r) => n + r.rejected, 0), errors: per.reduce((n, r) => n + r.errors, 0), receipts: per.reduce((n, r) => n + r.receipts, 0),
      seconds: Math.max(...per.map((r) => r.seconds)), submitSeconds: Math.max(...per.map((r) => r.submitSeconds)), perProcess: per,
    };
    if (result.errors || result.rejected || result.receipts < result.ok) throw new Error(`scale load: ${JSON.stringify(result)}`);
    return { result, schema };
  } finally {
    await Promise.all(gws.map((g) => stopProc(g.p, 0)));
    await stopProc(sink.p);
    await dropRun(prefix, schema);
  }
}

export async function run(opts: BenchOptions): Promise<Figure[]> {
  const total = opts.quick ? 1_500 : 40_000;
  const figures: Figure[] = [];
  const rates: number[] = [];
  for (const processes of [1, 2]) {
    const { result: r } = await scenario(processes, total, opts.quick);
    const rate = Math.round(r.ok / r.seconds);
    rates.push(rate);
    figures.push({
      figure: `smpp_e2e_pg_nats_msgs_per_s_${processes}proc`,
      value: rate,
      unit: 'msgs/s',
      conditions: {
        ...machine(), messages: r.ok, gatewayProcesses: processes, role: 'all', binds: 4, windowPerBind: 200, partitions: PARTITIONS,
        store: 'PostgreSQL 15 (same machine), every decision recorded, advisory lock per (provider, number)',
        bus: 'NATS JetStream 2.9 (same machine), file storage, work-queue stream, explicit acks',
        path: 'ESME process(es) → smsguard SMPP server → pipeline + records (PG) → relay → JetStream → egress → SMPP client → sink process; receipts back to the ESME via NATS when bound elsewhere',
        submitOnlyMsgsPerS: Math.round(r.ok / r.submitSeconds),
        cpuMicrosecondsPerMessage: r.cpuUsPerMsg,
        postgresWalBytesPerMessage: r.walBytesPerMsg,
        measurementNote: 'CPU from /proc over the measured run; PostgreSQL and NATS serve the whole machine, so concurrent work elsewhere inflates their share',
        ...(processes === 2 ? { ratioTo1proc: Number((rate / rates[0]).toFixed(2)), note: 'all processes, PostgreSQL, NATS, sink and load share 2 cores' } : {}),
      },
    });
  }
  figures.push(await httpScenario(opts.quick ? 2_000 : 60_000));
  return figures;
}
