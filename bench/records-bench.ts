/**
 * Records figures (issue 6):
 * - `records_write_per_s`: records appended through the RecordsWriter (canonical JSON, SHA-256 chain,
 *   month routing, 7 indexes), 1000 per transaction, one core, WAL on a file; per CPU-second of the
 *   process less what building the input records costs alone.
 * SMSGUARD_BENCH_KEYSET=0 skips the two figures below (they need the large data set).
 * - `records_verify_per_s`: `records verify` recomputing the chain over those records, on every core
 *   (wall rate), and again on one thread for the ratio.
 * - `keyset_query_p99_ms_100m`: p99 latency of filtered keyset pages (by number, provider, port,
 *   time range, rule; random cursors) on a large database kept outside the repository
 *   (SMSGUARD_BENCH_DATA, default /work/bench-data; size SMSGUARD_BENCH_KEYSET_ROWS, default what
 *   40% of the free disk holds, at most 100 million). Its size is in the figure's conditions.
 * - `purge_month_10m_s`: purging the oldest month of that database, 10,000,000 records (registry
 *   update, then its file unlinked). The next run appends a month, as production does, so the data
 *   set is built once and then rolls.
 */
import { mkdirSync, statfsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/store/sqlite/index.js';
import { BENCH_SQLITE } from './store-tuning.js';
import type { RecordsWriter, NewRecord } from '../src/store/sqlite/records-writer.js';
import { verifyChains } from '../src/app/records-verify.js';
import { nativeForgePath, nativeLinksPath } from '../src/store/sqlite/native-links.js';
import { addMonths, monthStart } from '../src/domain/hash-chain.js';
import { encodeCursor } from '../src/domain/page-cursor.js';
import { checkpointAll, dbBytes, removeDb } from './sqlite-files.js';
import { machine, note, type BenchOptions, type Figure } from './figure.js';
import { recipient } from './load/recipient.js';

const DATA = process.env.SMSGUARD_BENCH_DATA ?? '/work/bench-data';
const NOV = Date.parse('2026-11-01T00:00:00+08:00');

/**
 * Message `i`'s id as the gateway makes them (src/app/ids.ts): `msg_`, nine base-36 characters of
 * time, twelve hex characters; ids sort by time, so the ref index is appended to. The time part here
 * counts messages, not milliseconds, so a message's status records can name it without its time.
 */
const messageId = (i: number): string => `msg_${(1_790_000_000_000 + i).toString(36).padStart(9, '0')}${((i * 40_503 + 12_345) % 2 ** 48).toString(16).padStart(12, '0')}`;

/**
 * A realistic MT record (what the spine stores for a verification code: src/store/sqlite/messages.ts
 * `persist`): the record's id and ref are the message id, and `finalText` is null because no stage
 * changed the text.
 */
function mt(i: number, at: number): NewRecord {
  const msisdn = `+86138${recipient(i)}`;
  const rejected = i % 20 === 0;
  const id = messageId(i);
  return {
    id, at, kind: 'mt', contentProviderId: `cp_${i % 200}`, msisdn, ref: id,
    body: {
      from: `1069${String(i % 5000).padStart(4, '0')}`, to: msisdn, type: 'verification', category: null,
      text: `【示例】您的验证码是${String(i % 1_000_000).padStart(6, '0')}，5分钟内有效，请勿泄露。`,
      finalText: null,
      segments: 1, decision: rejected ? 'rejected' : 'accepted', code: rejected ? 'frequency_exceeded' : null, profile: 'cn-2015',
      verdicts: { pipeline: 'pl_0123456789ab', outcomes: rejected ? 'PPPPPPPF' : 'PPPPPPPSSSP' },
      channel: 'http', clientRef: null, registeredDelivery: false, consentId: null,
    },
  };
}

/** The message whose records row `i` of the keyset data set belongs to. */
const messageOf = (i: number): number => Math.floor(i / 58) * 20 + (i % 58 === 0 ? 0 : 1 + Math.floor(((i % 58) - 1) / 3));

/**
 * Row `i` of the keyset data set: records as the gateway writes them, per block of 20 messages
 * (58 rows): one rejected decision (no status follows it), then 19 accepted decisions, each followed
 * by its `submitted` and `delivered` status records (same number, provider and ref).
 */
function mixed(i: number, at: number): NewRecord {
  const o = i % 58;
  const m = messageOf(i);
  const d = mt(m, at);
  // row 0 of a block is the rejected decision; then per accepted message: decision, submitted, delivered
  const s = o === 0 ? 0 : (o - 1) % 3;
  if (s === 0) return d;
  const status = s === 1 ? 'submitted' : 'delivered';
  const body = s === 1 ? { status, upstreamId: (m * 2_654_435_761 % 2 ** 32).toString(16) } : { status };
  return { id: `${d.ref}:${status}`, at, kind: 'status', contentProviderId: d.contentProviderId, msisdn: d.msisdn, ref: d.ref, body };
}

function fresh(name: string): { path: string; store: SqliteStore; w: RecordsWriter } {
  mkdirSync(DATA, { recursive: true });
  const path = join(DATA, name);
  removeDb(path);
  const store = new SqliteStore(path, BENCH_SQLITE);
  return { path, store, w: store.records.writer };
}

/** CPU seconds this process used (user + system): the machine is shared, so wall time overstates cost. */
const cpuS = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

/** Appends `n` records spread over `[start, start + spanMs)` in transactions of 1000. Returns wall seconds. */
function fill(store: SqliteStore, w: RecordsWriter, n: number, start: number, spanMs: number, from = 0, log = false, make = mt): number {
  const t0 = process.hrtime.bigint();
  const step = spanMs / n;
  const tx = store.db.transaction((a: number, b: number) => {
    for (let i = a; i < b; i++) w.append(make(i, Math.floor(start + (i - from) * step)));
  });
  for (let i = from; i < from + n; i += 1000) {
    tx(i, Math.min(i + 1000, from + n));
    if (log && i % 1_000_000 === 0 && i > from) note(`records: ${(i - from) / 1e6}M rows`);
  }
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function writeAndVerify(quick: boolean): Promise<Figure[]> {
  const n = quick ? 100_000 : 1_000_000;
  const { path, store, w } = fresh('records-write.db');
  fill(store, w, 20_000, NOV - 86_400_000 * 3, 1000, 0); // warm the statements and the month
  const c0 = cpuS();
  const s = fill(store, w, n, NOV, 20 * 86_400_000, 20_000);
  const withInput = cpuS() - c0;
  // What making the input cost (the same records built, not written): the harness's work, not the writer's.
  const g0 = cpuS();
  let sink = 0;
  for (let i = 20_000; i < 20_000 + n; i++) sink += mt(i, NOV + i).id.length;
  const inputCpuS = cpuS() - g0;
  if (sink === 0) throw new Error('unreachable');
  const wc = withInput - inputCpuS;
  const arch = store.records.archive;
  const load = loadavg()[0];
  // Verify twice in this run: on every core (the figure), then on the calling thread alone (the ratio).
  const threads = availableParallelism();
  // the store's own link options (SMSGUARD_NATIVE_VERIFY=0: native: false), kept under each setting below
  const base = { ...arch.linkOptions };
  const timedVerify = async (t: number): Promise<{ wall: number; cpu: number }> => {
    arch.linkOptions = { ...base, threads: t };
    const c1 = cpuS();
    const t0 = process.hrtime.bigint();
    const r = await verifyChains(arch, { month: '2026-11' });
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = cpuS() - c1;
    if (!r.ok || r.checked !== n) throw new Error(`verify: ${JSON.stringify(r).slice(0, 300)}`);
    return { wall, cpu };
  };
  // Warm the code paths on the 20k records written above, the parallel ones too (small chunks so a
  // worker starts): the worker entry is bundled once per process, which the first verify would pay.
  arch.linkOptions = { ...base, threads, parallelMin: 0, chunk: 5_000 };
  const cw0 = process.hrtime.bigint();
  await verifyChains(arch, { month: '2026-10' });
  const warmUpS = Number(process.hrtime.bigint() - cw0) / 1e9;
  const all = await timedVerify(threads);
  const one = await timedVerify(1);
  const loadAfter = loadavg()[0];
  await store.close();
  const bytes = dbBytes(path);
  removeDb(path);
  const cond = { ...machine(), loadAvg1m: Number(load.toFixed(1)), records: n, bodyBytes: JSON.stringify(mt(1, NOV).body).length, indexes: 'ref, at, subscription; number, provider, port and rule by facet bucket (7)', numbers: 'distinct, scrambled order (bench/load/recipient.ts)', transaction: 1000, sync: BENCH_SQLITE.sync, bytesPerRecord: Math.round(bytes / (n + 20_000)) };
  return [
    {
      figure: 'records_write_per_s', value: Math.round(n / wc), unit: 'records per CPU-second',
      conditions: {
        ...cond, wallPerS: Math.round(n / s), withInputPerCpuS: Math.round(n / withInput), inputCpuS: Number(inputCpuS.toFixed(3)),
        chain: 'SHA-256 per record, chain tip in memory', forge: nativeForgePath(BENCH_SQLITE.nativeWrite) ? 'native (smsguard_chain_append: one call per batch)' : 'javascript',
        note: 'value = records / CPU seconds of this process (every thread: the writer, the WAL checkpointer, V8\'s) less the CPU seconds building the same input records took alone (inputCpuS); withInputPerCpuS counts that too; wallPerS is what the shared machine gave',
      },
    },
    {
      figure: 'records_verify_per_s', value: Math.round(n / all.wall), unit: `records per second (wall, ${threads} threads)`,
      conditions: {
        ...cond, loadAvg1mAfter: Number(loadAfter.toFixed(1)), threads, perCpuS: Math.round(n / all.cpu), warmUpS: Number(warmUpS.toFixed(3)),
        oneThreadWallPerS: Math.round(n / one.wall), oneThreadPerCpuS: Math.round(n / one.cpu),
        path: nativeLinksPath(BENCH_SQLITE.nativeVerify) ? 'native' : 'javascript',
        what: nativeLinksPath(BENCH_SQLITE.nativeVerify)
          ? 'records verify of the month: links proven in chunks of 50k on worker threads (own read-only, memory-mapped connections), each chunk by one call of the native SQLite extension (native/chain-links.c: header rendered and SHA-256 per record inside SQLite)'
          : 'records verify of the month: links proven in chunks of 50k on worker threads (own read-only, memory-mapped connections), 2,000 rows per SQLite value (canonical bytes + stored hash), SHA-256 per record in JavaScript, compare (the native extension is not built or SMSGUARD_NATIVE_VERIFY=0)',
        note: 'value = wall rate on every core of this shared machine (see the load average); perCpuS = records / CPU seconds of the process (all threads, worker start-up included); oneThread* = the same verify on the calling thread alone, same run',
      },
    },
  ];
}

/**
 * The mixed data set takes ~425 B per record with its indexes (an mt decision ~790 B, a status record
 * much less), so 100 million rows are ~43 GB: take what 60% of the free disk holds, at most that.
 */
function fittingRows(existing: number): number {
  mkdirSync(DATA, { recursive: true });
  const st = statfsSync(DATA);
  const free = Number(st.bavail) * Number(st.bsize);
  // The rows already built count too: the free space is what is left beside them.
  return Math.min(100_000_000, existing + Math.floor((free * 0.6) / 450 / 1e6) * 1e6);
}

/**
 * The large data set, kept in DATA between runs and rolled like production: months of `monthRows`
 * records each; a run tops it up to `target` rows by appending whole months after the newest (the
 * first run builds everything), measures keyset pages over all of it, then purges its oldest month
 * (the purge figure), leaving it one month short for the next run.
 */
async function keysetAndPurge(quick: boolean): Promise<Figure[]> {
  const path = join(DATA, `records-keyset-mixed-${quick ? 'quick' : 'full'}.db`);
  mkdirSync(DATA, { recursive: true });
  const store = new SqliteStore(path, BENCH_SQLITE);
  const w = store.records.writer;
  const arch = store.records.archive;
  let chains = (await arch.chains()).filter((c) => c.chain !== 'retained');
  let rows = chains.reduce((a, c) => a + c.count, 0);
  const target = quick ? 200_000 : Number(process.env.SMSGUARD_BENCH_KEYSET_ROWS ?? fittingRows(rows));
  const monthRows = quick ? 100_000 : Math.min(10_000_000, Math.floor(target / 2));
  let base = chains.length ? chains[chains.length - 1].lastSeq : 0;
  let next = chains.length ? addMonths(chains[chains.length - 1].chain, 1) : '2026-01';
  while (rows < target) {
    note(`records: appending month ${next} (${monthRows} records) to ${path}; ${rows} rows so far, target ${target}`);
    fill(store, w, monthRows, monthStart(next), 27 * 86_400_000, base, true, mixed);
    base += monthRows;
    rows += monthRows;
    next = addMonths(next, 1);
  }
  // Months no longer written get their flat number index on a thread of their own (month-files.ts
  // NumberIndex): pages are measured in that steady state, the newest month still bucketed.
  const s0 = Date.now();
  await w.sealed();
  if (Date.now() - s0 > 1000) note(`records: waited ${((Date.now() - s0) / 1000).toFixed(1)} s for older months' number indexes`);
  // The months' WALs too, so that the size below is the data's (the written month's WAL can hold ~200 MB).
  checkpointAll(store);
  chains = (await arch.chains()).filter((c) => c.chain !== 'retained');
  const fileBytes = dbBytes(path);
  const fileGiB = Number((fileBytes / 2 ** 30).toFixed(1));

  // Keyset pages: a mix of filters, half with a random cursor.
  const lat: number[] = [];
  const byKind: Record<string, number[]> = {};
  let rnd = 12345;
  const rand = () => (rnd = (rnd * 1103515245 + 12345) % 2 ** 31);
  const kinds = ['msisdn', 'cp', 'port', 'time', 'rule', 'none'] as const;
  const q = quick ? 600 : 3000;
  const firstSeq = chains[0].firstSeq;
  const lastSeq = chains[chains.length - 1].lastSeq;
  const t0 = chains[0].minAt;
  const t1 = chains[chains.length - 1].maxAt;
  for (let i = 0; i < q; i++) {
    const k = kinds[i % kinds.length];
    const sample = mt(messageOf(firstSeq - 1 + (rand() % (lastSeq - firstSeq))), 0);
    const filter: Record<string, unknown> = {};
    if (k === 'msisdn') filter.msisdn = sample.msisdn;
    if (k === 'cp') filter.contentProviderId = sample.contentProviderId;
    if (k === 'port') filter.port = (sample.body as { from: string }).from;
    if (k === 'rule') filter.rule = 'frequency_exceeded';
    if (k === 'time') { const t = Math.floor(t0 + (rand() / 2 ** 31) * (t1 - t0)); filter.from = t; filter.to = t + 3_600_000; }
    const cursor = rand() % 2 ? encodeCursor(firstSeq + (rand() % (lastSeq - firstSeq))) : undefined;
    const s0 = process.hrtime.bigint();
    w.query({ ...filter, limit: 100, cursor });
    const ms = Number(process.hrtime.bigint() - s0) / 1e6;
    lat.push(ms);
    (byKind[k] ??= []).push(ms);
  }
  // Which filters make the tail (a number or a port page reads scattered rows: cold pages cost most).
  const p99ByFilter = Object.fromEntries(Object.entries(byKind).map(([k, v]) => {
    v.sort((a, b) => a - b);
    return [k, Number(v[Math.min(v.length - 1, Math.floor(v.length * 0.99))].toFixed(2))];
  }));
  lat.sort((a, b) => a - b);
  const p = (x: number) => lat[Math.min(lat.length - 1, Math.floor(lat.length * x))];
  const keyset: Figure = {
    figure: 'keyset_query_p99_ms_100m', value: Number(p(0.99).toFixed(2)), unit: 'ms',
    conditions: {
      ...machine(), loadAvg1m: Number(loadavg()[0].toFixed(1)), rows, targetRows: 100_000_000, atTarget: rows >= 100_000_000, months: chains.length,
      queries: q, page: 100, p50: Number(p(0.5).toFixed(3)), max: Number(lat[lat.length - 1].toFixed(2)), p99ByFilter,
      filters: 'number, provider, port, 1-hour window, rule, none; half with a random cursor', fileGiB, dataset: path,
      mix: 'as the gateway writes them: per 20 messages one rejected decision and 19 accepted decisions each followed by its submitted and delivered status records (58 rows)',
      // main file and month files
      bytesPerRecord: Math.round(fileBytes / rows),
      note: rows >= 100_000_000 ? 'at the target size' : quick ? `--quick: ${rows} rows` : `measured at ${rows} rows, not 100 million: what the free disk and the time allowed (SMSGUARD_BENCH_KEYSET_ROWS)`,
    },
  };

  // Purge the oldest month (sealed first, as the daily job does once a month has ended).
  const oldest = chains[0];
  await arch.seal([oldest.chain]);
  const c0 = process.hrtime.bigint();
  const r = await arch.purgeMonth(oldest.chain, [], Date.now());
  const secs = Number(process.hrtime.bigint() - c0) / 1e9;
  if (Object.values(r.removed).reduce((a, b) => a + (b ?? 0), 0) !== oldest.count) throw new Error(`purge removed ${JSON.stringify(r.removed)} of ${oldest.count}`);
  await store.close();
  const purge: Figure = {
    // The name, always; how many records the month held is in the conditions (as for the keyset figure).
    figure: 'purge_month_10m_s', value: Number(secs.toFixed(3)), unit: 's',
    conditions: { ...machine(), loadAvg1m: Number(loadavg()[0].toFixed(1)), records: oldest.count,
      note: oldest.count >= 10_000_000 ? 'at the target size' : `measured on a month of ${oldest.count} records, not 10 million${quick ? ' (--quick)' : ''}`, databaseRows: rows, databaseGiB: fileGiB, how: 'one transaction of the main file (registry; nothing to keep), then the month\'s file closed and unlinked; wall time' },
  };
  return [keyset, purge];
}

export async function run(opts: BenchOptions): Promise<Figure[]> {
  const out: Figure[] = [];
  out.push(...(await writeAndVerify(opts.quick)));
  // The keyset and purge figures need the large data set in DATA (hours to build): skippable.
  if (process.env.SMSGUARD_BENCH_KEYSET !== '0') out.push(...(await keysetAndPurge(opts.quick)));
  else note('records: keyset and purge figures skipped (SMSGUARD_BENCH_KEYSET=0)');
  return out;
}
