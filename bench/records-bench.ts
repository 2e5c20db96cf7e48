/**
 * Records figures (issue 6):
 * - `records_write_per_s`: records appended through the RecordsWriter (canonical JSON, SHA-256 chain,
 *   month routing, 7 indexes), 1000 per transaction, one core, WAL on a file.
 * - `records_verify_per_s`: `records verify` recomputing the chain over those records.
 * - `purge_month_10m_s`: purging one sealed month of 10,000,000 records (DROP of its table and
 *   indexes, registry update, `records` view rebuilt).
 * - `keyset_query_p99_ms_100m`: p99 latency of filtered keyset pages (by number, provider, port,
 *   time range, rule; random cursors) on a large database built once outside the repository
 *   (SMSGUARD_BENCH_DATA, default /work/bench-data). Its size is in the figure's conditions: the
 *   target is 100 million rows; a machine without the disk or time builds fewer and says so.
 */
import { existsSync, mkdirSync, rmSync, statSync, statfsSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/store/sqlite/index.js';
import type { RecordsWriter, NewRecord } from '../src/store/sqlite/records-writer.js';
import { verifyChains } from '../src/app/records-verify.js';
import { machine, note, type BenchOptions, type Figure } from './figure.js';

const DATA = process.env.SMSGUARD_BENCH_DATA ?? '/work/bench-data';
const NOV = Date.parse('2026-11-01T00:00:00+08:00');

/** A realistic MT record body (what the spine stores for an accepted verification code). */
function mt(i: number, at: number): NewRecord {
  const n = 13_000_000_000 + ((i * 7_919) % 1_000_000_000);
  const msisdn = `+86${n}`;
  const rejected = i % 20 === 0;
  return {
    id: `msg_${at.toString(36)}${i.toString(16).padStart(12, '0')}`, at, kind: 'mt', contentProviderId: `cp_${i % 200}`, msisdn, ref: `msg_${i}`,
    body: {
      from: `1069${String(i % 5000).padStart(4, '0')}`, to: msisdn, type: 'verification', category: null,
      text: `【示例】您的验证码是${String(i % 1_000_000).padStart(6, '0')}，5分钟内有效，请勿泄露。`,
      finalText: `【示例】您的验证码是${String(i % 1_000_000).padStart(6, '0')}，5分钟内有效，请勿泄露。`,
      segments: 1, decision: rejected ? 'rejected' : 'accepted', code: rejected ? 'frequency_exceeded' : null, profile: 'cn-2015',
      verdicts: { pipeline: 'pl_0123456789ab', outcomes: rejected ? 'PPPPPPPF' : 'PPPPPPPSSSP' },
      channel: 'http', clientRef: null, registeredDelivery: false, consentId: null,
    },
  };
}

function fresh(name: string): { path: string; store: SqliteStore; w: RecordsWriter } {
  mkdirSync(DATA, { recursive: true });
  const path = join(DATA, name);
  for (const s of ['', '-wal', '-shm']) rmSync(path + s, { force: true });
  const store = new SqliteStore(path);
  return { path, store, w: store.records.writer };
}

/** CPU seconds this process used (user + system): the machine is shared, so wall time overstates cost. */
const cpuS = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

/** Appends `n` records spread over `[start, start + spanMs)` in transactions of 1000. Returns wall seconds. */
function fill(store: SqliteStore, w: RecordsWriter, n: number, start: number, spanMs: number, from = 0, log = false): number {
  const t0 = process.hrtime.bigint();
  const step = spanMs / n;
  const tx = store.db.transaction((a: number, b: number) => {
    for (let i = a; i < b; i++) w.append(mt(i, Math.floor(start + i * step)));
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
  const wc = cpuS() - c0;
  const arch = store.records.archive;
  const load = loadavg()[0];
  const c1 = cpuS();
  const t0 = process.hrtime.bigint();
  const r = await verifyChains(arch, { month: '2026-11' });
  const vs = Number(process.hrtime.bigint() - t0) / 1e9;
  const vc = cpuS() - c1;
  if (!r.ok || r.checked !== n) throw new Error(`verify: ${JSON.stringify(r).slice(0, 300)}`);
  await store.close();
  const bytes = statSync(path).size;
  for (const x of ['', '-wal', '-shm']) rmSync(path + x, { force: true });
  const cond = { ...machine(), loadAvg1m: Number(load.toFixed(1)), records: n, bodyBytes: JSON.stringify(mt(1, NOV).body).length, indexes: 7, transaction: 1000, sync: process.env.SMSGUARD_SQLITE_SYNC ?? 'NORMAL', bytesPerRecord: Math.round(bytes / (n + 20_000)) };
  return [
    { figure: 'records_write_per_s', value: Math.round(n / wc), unit: 'records per CPU-second', conditions: { ...cond, wallPerS: Math.round(n / s), chain: 'SHA-256 per record, chain tip in memory', note: 'value = records / CPU seconds of this process (one thread does the work); wallPerS is what the shared machine gave' } },
    { figure: 'records_verify_per_s', value: Math.round(n / vc), unit: 'records per CPU-second', conditions: { ...cond, wallPerS: Math.round(n / vs), what: 'canonical bytes built by SQLite, 20k per batch, SHA-256, compare; one thread', note: 'value = records / CPU seconds of this process' } },
  ];
}

async function purgeMonth(quick: boolean): Promise<Figure> {
  const n = quick ? 1_000_000 : 10_000_000;
  const { path, store, w } = fresh('records-purge.db');
  note(`records: building one month of ${n} records for the purge`);
  fill(store, w, n, Date.parse('2026-05-01T00:00:00+08:00'), 30 * 86_400_000, 0, true);
  fill(store, w, 1000, NOV, 1000, n);
  const arch = store.records.archive;
  await arch.seal(['2026-05']); // the daily job seals a month once it ended, long before it is purged
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  const bytes = statSync(path).size;
  const t0 = process.hrtime.bigint();
  const r = await arch.purgeMonth('2026-05', [], Date.now());
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.removed.mt !== n) throw new Error(`purge removed ${JSON.stringify(r.removed)}`);
  await store.close();
  for (const x of ['', '-wal', '-shm']) rmSync(path + x, { force: true });
  return { figure: quick ? 'purge_month_1m_s' : 'purge_month_10m_s', value: Number(s.toFixed(3)), unit: 's', conditions: { ...machine(), loadAvg1m: Number(loadavg()[0].toFixed(1)), records: n, fileGiB: Number((bytes / 2 ** 30).toFixed(2)), how: 'DROP TABLE of the sealed month (7 indexes) in one transaction, wall time; page cache warm from the build' } };
}

/** 100 million rows need ~80 GB here (~800 B per record with its indexes): take what 40% of the free disk holds. */
function fittingRows(): number {
  mkdirSync(DATA, { recursive: true });
  const st = statfsSync(DATA);
  const free = Number(st.bavail) * Number(st.bsize);
  return Math.min(100_000_000, Math.floor((free * 0.4) / 850 / 1e6) * 1e6);
}

/** Builds (once) or reuses the large data set; returns its path and row count. */
function bigDataset(target: number): { path: string; rows: number } {
  const path = join(DATA, `records-keyset-${target}.db`);
  if (existsSync(path) && !existsSync(`${path}.building`)) {
    const store = new SqliteStore(path);
    const rows = (store.db.prepare("SELECT value FROM settings WHERE key = 'bench.rows'").pluck().get() as string | undefined);
    void store.close();
    if (rows) return { path, rows: Number(rows) };
  }
  mkdirSync(DATA, { recursive: true });
  for (const s of ['', '-wal', '-shm']) rmSync(path + s, { force: true });
  rmSync(`${path}.building`, { force: true });
  writeFileSync(`${path}.building`, '');
  const store = new SqliteStore(path);
  const writer = store.records.writer;
  note(`records: building ${target} rows at ${path} (once; kept for later runs)`);
  // Six months, as the profile keeps them.
  const months = 6;
  const per = Math.ceil(target / months);
  for (let m = 0; m < months; m++) {
    const start = Date.parse(`2026-${String(6 + m).padStart(2, '0')}-01T00:00:00+08:00`);
    fill(store, writer, per, start, 28 * 86_400_000, m * per, true);
    note(`records: month ${m + 1}/${months} built`);
  }
  store.db.prepare("INSERT INTO settings (key, value) VALUES ('bench.rows', ?) ON CONFLICT DO UPDATE SET value = excluded.value").run(String(per * months));
  void store.close();
  rmSync(`${path}.building`, { force: true });
  return { path, rows: per * months };
}

async function keyset(quick: boolean): Promise<Figure> {
  const target = quick ? 2_000_000 : Number(process.env.SMSGUARD_BENCH_KEYSET_ROWS ?? fittingRows());
  const { path, rows } = bigDataset(target);
  const store = new SqliteStore(path);
  const w = store.records.writer;
  const lat: number[] = [];
  let rnd = 12345;
  const next = () => (rnd = (rnd * 1103515245 + 12345) % 2 ** 31);
  const kinds = ['msisdn', 'cp', 'port', 'time', 'rule', 'none'] as const;
  const q = quick ? 600 : 3000;
  for (let i = 0; i < q; i++) {
    const k = kinds[i % kinds.length];
    const j = next() % rows;
    const base = mt(j, 0);
    const filter: Record<string, unknown> = {};
    if (k === 'msisdn') filter.msisdn = base.msisdn;
    if (k === 'cp') filter.contentProviderId = base.contentProviderId;
    if (k === 'port') filter.port = (base.body as { from: string }).from;
    if (k === 'rule') filter.rule = 'frequency_exceeded';
    if (k === 'time') { const t = Date.parse('2026-06-01T00:00:00+08:00') + (next() % (150 * 86_400_000)); filter.from = t; filter.to = t + 3_600_000; }
    const cursor = next() % 2 ? (1 + (next() % rows)).toString(36) : undefined;
    const t0 = process.hrtime.bigint();
    w.query({ ...filter, limit: 100, cursor });
    lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  await store.close();
  lat.sort((a, b) => a - b);
  const p = (x: number) => lat[Math.min(lat.length - 1, Math.floor(lat.length * x))];
  return {
    figure: 'keyset_query_p99_ms_100m', value: Number(p(0.99).toFixed(2)), unit: 'ms',
    conditions: { ...machine(), loadAvg1m: Number(loadavg()[0].toFixed(1)), rows, targetRows: 100_000_000, atTarget: rows >= 100_000_000, queries: q, page: 100, p50: Number(p(0.5).toFixed(3)), max: Number(lat[lat.length - 1].toFixed(2)), filters: 'number, provider, port, 1-hour window, rule, none; half with a random cursor', fileGiB: Number((statSync(path).size / 2 ** 30).toFixed(1)), dataset: path },
  };
}

export async function run(opts: BenchOptions): Promise<Figure[]> {
  const out: Figure[] = [];
  out.push(...(await writeAndVerify(opts.quick)));
  out.push(await purgeMonth(opts.quick));
  out.push(await keyset(opts.quick));
  return out;
}
