/**
 * Diagnostic (not a benchmark, docs/SCALING.md "Usage counters under contention"): do two gateway
 * processes deciding for the same content provider wait for each other on the PostgreSQL usage
 * counter rows (usage_counts, migrations 097 and 102)?
 *
 * Two writer processes (separate Node processes and pools, as two gateways) each keep `--inflight`
 * single-message decisions going (PgMessages.decideAndRecord, the unkeyed HTTP/SMPP path) for
 * `--seconds`, every message to a number of its own (so the per-number advisory locks never meet:
 * any lock wait left is on a shared row). Meanwhile this process samples pg_stat_activity every
 * `--sample-ms` and counts, per writer backend, the samples in which it is running a statement and
 * those in which that statement waits for a lock (wait_event_type 'Lock'), by wait event.
 *
 * `--providers same` (both writers decide for one provider: they share its counter rows) or
 * `distinct` (one provider each: the control, no shared row). Prints one JSON line.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx scripts/usage-lock-waits.ts --providers same
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { PostgresStore } from '../src/store/postgres/index.js';
import { decision, item, msisdn, seedProvider } from '../test/contract/fixtures.js';
import { testSchemaName, dropSchema, TEST_PG_URL } from '../test/helpers/pg.js';

const APP = 'sg-usage-diag';
const SELF = fileURLToPath(import.meta.url);

interface Writer { url: string; schema: string; cp: string; port: string; seconds: number; inflight: number; startAt: number }

/** A writer process: decisions until the deadline; prints {decided, ms} (ms: summed latency). */
async function writer(w: Writer): Promise<void> {
  const store = await PostgresStore.open({ url: `${w.url}?application_name=${APP}`, schema: w.schema, max: w.inflight, migrate: false });
  await new Promise((r) => setTimeout(r, Math.max(0, w.startAt - Date.now())));
  const end = w.startAt + w.seconds * 1000;
  let decided = 0;
  let ms = 0;
  const loop = async () => {
    while (Date.now() < end) {
      const t = performance.now();
      // the real clock: the counter rows are today's, as a gateway's
      await store.messages.decideAndRecord([item({ cp: w.cp, from: w.port, to: msisdn(), at: Date.now() })], () => decision(true));
      ms += performance.now() - t;
      decided++;
    }
  };
  await Promise.all(Array.from({ length: w.inflight }, loop));
  await store.close();
  process.stdout.write(`${JSON.stringify({ decided, ms })}\n`);
}

function runWriter(w: Writer): Promise<{ decided: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', SELF, '--writer', JSON.stringify(w)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`writer exited ${code}: ${err}`))));
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: {
    writer: { type: 'string' }, providers: { type: 'string', default: 'same' }, seconds: { type: 'string', default: '5' },
    inflight: { type: 'string', default: '4' }, 'sample-ms': { type: 'string', default: '2' },
  } });
  if (values.writer) return writer(JSON.parse(values.writer) as Writer);
  const seconds = Number(values.seconds);
  const inflight = Number(values.inflight);
  const schema = testSchemaName();
  const setup = await PostgresStore.open({ url: TEST_PG_URL, schema, max: 2 });
  try {
    const a = await seedProvider(setup);
    const b = values.providers === 'same' ? a : await seedProvider(setup);
    const startAt = Date.now() + 2000;
    const common = { url: TEST_PG_URL, schema, seconds, inflight, startAt };
    const writers = Promise.all([runWriter({ ...common, cp: a.cp.id, port: a.service }), runWriter({ ...common, cp: b.cp.id, port: b.service })]);
    const sampler = new pg.Client({ connectionString: TEST_PG_URL });
    await sampler.connect();
    await new Promise((r) => setTimeout(r, Math.max(0, startAt - Date.now())));
    const counts = { samples: 0, running: 0, waitingLock: 0, byEvent: {} as Record<string, number>, usageStatement: 0, usageStatementWaiting: 0 };
    while (Date.now() < startAt + seconds * 1000) {
      const r = await sampler.query<{ wait_event_type: string | null; wait_event: string | null; query: string }>(
        "SELECT wait_event_type, wait_event, query FROM pg_stat_activity WHERE application_name = $1 AND state = 'active'", [APP]);
      counts.samples++;
      for (const x of r.rows) {
        counts.running++;
        // the decision's write statement is the one that upserts the counters (messages.sql `writes`)
        const usage = x.query.includes('usage_counts');
        if (usage) counts.usageStatement++;
        if (x.wait_event_type === 'Lock') {
          counts.waitingLock++;
          if (usage) counts.usageStatementWaiting++;
          const k = `${x.wait_event}${usage ? ' (usage upsert)' : ''}`;
          counts.byEvent[k] = (counts.byEvent[k] ?? 0) + 1;
        }
      }
      await new Promise((r) => setTimeout(r, Number(values['sample-ms'])));
    }
    await sampler.end();
    const [wa, wb] = await writers;
    const decided = wa.decided + wb.decided;
    process.stdout.write(`${JSON.stringify({
      providers: values.providers, seconds, inflightPerWriter: inflight, decided, perSecond: Math.round(decided / seconds),
      meanLatencyMs: +((wa.ms + wb.ms) / decided).toFixed(2),
      ...counts,
      // the share of running-statement samples spent waiting for a lock: the serialised part
      lockWaitShare: +(counts.waitingLock / Math.max(1, counts.running)).toFixed(3),
    })}\n`);
  } finally {
    await setup.close();
    await dropSchema(schema);
  }
}

await main();
