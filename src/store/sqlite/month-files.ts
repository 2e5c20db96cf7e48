/**
 * One SQLite file per month of statutory records, beside the main database: `var/smsguard.db` keeps
 * November 2026 in `var/smsguard.records-2026-11.db`. Purging a month past retention is unlinking its
 * file and closing its connection; what that costs is the filesystem freeing the blocks (a DROP TABLE of ten million records in the main file read and
 * freed ~1M pages: 3.4–5.5 s measured, holding the write lock, and the file never shrank).
 *
 * Each month file holds one table, `records_YYYY_MM`, its indexes and its append-only triggers: the
 * same names the month tables had in the main file, so `sqlite3 var/smsguard.records-2026-11.db`
 * shows them as before. A main database in memory (tests) keeps each month in memory too.
 */
import Database from 'better-sqlite3';
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './db.js';
import { PAGE_CACHE_KIB, syncPragma, type SqliteSync } from './tuning.js';
import { Checkpointer } from './checkpointer.js';

/**
 * Page size of a new month file. Records are appended in seq order with bodies of a few hundred
 * bytes, and every commit writes each page it dirtied to the WAL as one frame (two write calls) that
 * the checkpoint then reads and writes again: per-frame costs, not bytes, dominate. 16 KiB pages
 * wrote 300k records with 15 % less CPU than 4 KiB (medians of six alternating runs, 18.6 against
 * 22.0 µs per record), 8 % less at 3M records with numbers in random order, and the files are 5–8 %
 * smaller (tables pack fuller; docs/PERFORMANCE.md).
 */
export const MONTH_PAGE_SIZE = 16_384;

/** WAL size at which the written month's connection checkpoints by itself (the checkpointer thread usually does first). */
const WAL_AUTOCHECKPOINT_BYTES = 50_000 * 4096;

/** Table name of a month inside its file (and of the retained chain in the main file). */
export const monthTable = (month: string): string => `records_${month.replace('-', '_')}`;

/** Where a month's file lives for a main database at `mainPath` (null: the main database is in memory). */
export function monthFilePath(mainPath: string | null, month: string): string | null {
  if (mainPath === null) return null;
  const base = basename(mainPath).replace(/\.(db|sqlite3?)$/, '');
  return join(dirname(mainPath), `${base}.records-${month}.db`);
}

/** Month files present beside a main database, by month (for sweeping files of purged months). */
export function monthFilesBeside(mainPath: string): Map<string, string> {
  const base = basename(mainPath).replace(/\.(db|sqlite3?)$/, '');
  const re = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.records-(\\d{4}-\\d{2})\\.db$`);
  const out = new Map<string, string>();
  for (const f of readdirSync(dirname(mainPath))) {
    const m = re.exec(f);
    if (m) out.set(m[1], join(dirname(mainPath), f));
  }
  return out;
}

/** An open month: its connection, its table, its file (null in memory). */
export interface MonthDb {
  readonly month: string;
  readonly db: Db;
  readonly table: string;
  readonly path: string | null;
  /** WAL checkpoints of this file off the writing thread, started at its first write. */
  checkpointer: Checkpointer | null;
}

/** log2 of the records per bucket of the facet indexes (provider, port, rule): 16,384. */
export const FACET_BUCKET_BITS = 14;
/** A record's facet bucket in SQL: the leading key of the facet indexes, and how a page names one. */
export const FACET_BUCKET_SQL = `seq >> ${FACET_BUCKET_BITS}`;
/** The same in JavaScript (seq may pass 2^31, where `>>` would wrap). */
export const facetBucket = (seq: number): number => Math.floor(seq / 2 ** FACET_BUCKET_BITS);

/**
 * log2 of the records per bucket of the number index of a month being written (`NumberIndex`):
 * 65,536, 153 buckets in a month of 10M records. Coarser than the facets' because a page by number
 * visits every month and, in the written month, probes every bucket when the number is absent:
 * 611 buckets of 16,384 made that month 13.8 ms of a 19 ms median page at 100M records. Appends
 * with random numbers cost about the same (CPU µs per record through 3M: 8.3–9.4 at 2^14, 8.9–9.4
 * at 2^16, 12.2–12.8 at 2^17, where each commit rewrites a bucket's few hundred leaf pages; PERFORMANCE.md).
 */
export const NUMBER_BUCKET_BITS = 16;
/** A record's number bucket in SQL: the leading key of a written month's number index. */
export const NUMBER_BUCKET_SQL = `seq >> ${NUMBER_BUCKET_BITS}`;
/** The same in JavaScript. */
export const numberBucket = (seq: number): number => Math.floor(seq / 2 ** NUMBER_BUCKET_BITS);

/**
 * log2 of the records per chunk in which a written month's numbers reach its `batched` number table:
 * 4,096. A chunk's numbers go in when the first record of the next chunk is appended (in that
 * record's transaction), sorted; until then a page by number scans the newest chunk by seq (at most
 * 4,095 rows, ~1 ms). A chunk in random number order dirties each of its bucket's ~80 leaf pages at
 * most once, where a commit of a few dozen records dirtied a page per record (PERFORMANCE.md).
 */
export const NUMBER_CHUNK_BITS = 12;
/** First seq of the chunk `seq` is in. */
export const numberChunkStart = (seq: number): number => Math.floor(seq / 2 ** NUMBER_CHUNK_BITS) * 2 ** NUMBER_CHUNK_BITS;

/**
 * How a month indexes its numbers.
 *
 * `batched` while the month is written (months made since 2026-12-05): a table of its own,
 * `<table>_numbers (bucket, msisdn, seq)` with bucket = `seq >> 16`, filled a chunk at a time
 * (`NUMBER_CHUNK_BITS`): every record below the newest chunk's first seq is in it, and none of the
 * newest chunk, which readers scan by seq. Not an index on the month table: SQLite updates an index
 * in every transaction, and keyed by the number alone, recipients in random order put each append on
 * a leaf page of its own, so each commit rewrote one 16 KiB page per record to the WAL (and again at
 * the checkpoint), more the fuller the month grew (measured: 18 µs of CPU per record in the first
 * 500k records of a month with random numbers, 30 µs by 3M, against 12 µs with numbers in order).
 *
 * `bucketed` (months made 2026-12-04 to 12-05): the index `(seq >> 16, msisdn)`, which still rewrote
 * up to a bucket's ~80 leaf pages per commit. Such a month keeps it until it is sealed.
 *
 * `flat` once the month is no longer written (`sealNumbers`): one index probe per page of a number's records.
 */
export type NumberIndex = 'batched' | 'bucketed' | 'flat';

/** The `batched` number table of a month table. */
export const numbersTable = (t: string): string => `${t}_numbers`;

function numberIndexSql(t: string, s: string, numbers: NumberIndex): string {
  if (numbers === 'flat') return `CREATE INDEX IF NOT EXISTS ${s}${t}_msisdn ON ${t} (msisdn) WHERE msisdn IS NOT NULL`;
  if (numbers === 'bucketed') return `CREATE INDEX IF NOT EXISTS ${s}${t}_msisdnb ON ${t} (${NUMBER_BUCKET_SQL}, msisdn) WHERE msisdn IS NOT NULL`;
  const n = numbersTable(t);
  // Append-only like the records it indexes (a sealing drops it whole).
  return `CREATE TABLE IF NOT EXISTS ${s}${n} (bucket INTEGER NOT NULL, msisdn TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (bucket, msisdn, seq)) WITHOUT ROWID;
    CREATE TRIGGER IF NOT EXISTS ${s}${n}_no_update BEFORE UPDATE ON ${n} BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
    CREATE TRIGGER IF NOT EXISTS ${s}${n}_no_delete BEFORE DELETE ON ${n} BEGIN SELECT RAISE(ABORT, 'records are append-only; a month is purged whole'); END`;
}

/**
 * The condition that picks a `batched` month's records of one number in one bucket below a seq, from
 * its number table: parameters bucket, msisdn, the seq bound (exclusive) and, with `lower`, a seq
 * from which on (inclusive).
 */
export const numberProbeSql = (t: string, lower = false): string =>
  `seq IN (SELECT seq FROM ${numbersTable(t)} WHERE bucket = ? AND msisdn = ? AND seq < ?${lower ? ' AND seq >= ?' : ''})`;

/**
 * Puts the numbers of records with `lo <= seq < hi` into a `batched` month's number table, sorted (SQL
 * with those two parameters): run by the writer in the transaction whose append starts a new chunk.
 */
export const addNumbersSql = (t: string): string =>
  `INSERT INTO ${numbersTable(t)} (bucket, msisdn, seq) SELECT ${NUMBER_BUCKET_SQL}, msisdn, seq FROM ${t} WHERE seq >= ? AND seq < ? AND msisdn IS NOT NULL ORDER BY 1, 2, 3`;

/**
 * Turns a month's number index (bucketed or batched) into the flat one, in one transaction (SQL for
 * `sealNumbers`). Dropped first: the new index then reuses the freed pages, and the file does not grow
 * by an index that nothing would ever use again (a month no longer written never fills its free pages).
 */
export const sealNumbersSql = (t: string): string =>
  `BEGIN IMMEDIATE; DROP INDEX IF EXISTS ${t}_msisdnb; DROP TABLE IF EXISTS ${numbersTable(t)}; ${numberIndexSql(t, '', 'flat')}; COMMIT;`;

/**
 * The month table, its indexes and triggers. Every index entry ends with the rowid, which is seq:
 * `(msisdn)` of a sealed month is ordered by (msisdn, seq) and serves keyset pages without storing
 * seq twice; while the month is written its numbers are kept in a table by bucket (`NumberIndex` above).
 *
 * Provider, port and rule are facets with few values, each spread over the whole month: keyed by
 * the value alone, every append lands in the middle of the index, at the end of its value's run, and
 * a transaction of 1,000 records dirties hundreds of leaf pages there, each rewritten whole to the WAL
 * and again at the checkpoint. Keyed by (seq bucket, value) instead, appends land in the newest
 * bucket's few pages: in C against this schema, 1M records with 200 providers and 5,000 ports cost
 * 4.5–5.8 µs of CPU each with facet buckets against 9.0–9.9 µs with value-only keys (docs/PERFORMANCE.md).
 * A page by a facet reads one bucket after another from its cursor down (records-query.ts), each an
 * index probe in seq order; a month of 10M records has 611 buckets.
 *
 * Months written before facet buckets keep their value-only indexes (`_cp`, `_port`, `_rule`) and
 * are read through them: a month's facet indexes never change after it is made.
 */
export function monthSchema(t: string, schema = '', numbers: NumberIndex = 'batched'): string {
  const s = schema ? `${schema}.` : '';
  return `
    CREATE TABLE IF NOT EXISTS ${s}${t} (
      seq INTEGER PRIMARY KEY, id TEXT NOT NULL, at INTEGER NOT NULL, kind TEXT NOT NULL,
      content_provider_id TEXT, msisdn TEXT, ref TEXT, port TEXT, type TEXT, decision TEXT, rule TEXT,
      body TEXT NOT NULL, hash BLOB NOT NULL);
    ${numberIndexSql(t, s, numbers)};
    CREATE INDEX IF NOT EXISTS ${s}${t}_cpb ON ${t} (${FACET_BUCKET_SQL}, content_provider_id) WHERE content_provider_id IS NOT NULL;
    CREATE INDEX IF NOT EXISTS ${s}${t}_ref ON ${t} (ref) WHERE ref IS NOT NULL;
    CREATE INDEX IF NOT EXISTS ${s}${t}_at ON ${t} (at);
    CREATE INDEX IF NOT EXISTS ${s}${t}_portb ON ${t} (${FACET_BUCKET_SQL}, port) WHERE port IS NOT NULL;
    CREATE INDEX IF NOT EXISTS ${s}${t}_ruleb ON ${t} (${FACET_BUCKET_SQL}, rule) WHERE rule IS NOT NULL;
    CREATE INDEX IF NOT EXISTS ${s}${t}_sub ON ${t} (content_provider_id, msisdn) WHERE kind = 'subscription';
    CREATE TRIGGER IF NOT EXISTS ${s}${t}_no_update BEFORE UPDATE ON ${t} BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
    CREATE TRIGGER IF NOT EXISTS ${s}${t}_no_delete BEFORE DELETE ON ${t} BEGIN SELECT RAISE(ABORT, 'records are append-only; a month is purged whole'); END;
  `;
}

function configure(db: Db, sync: SqliteSync): void {
  db.pragma('journal_mode = WAL');
  // As the main file (db.ts): NORMAL survives a process crash; the records commit before the main file does.
  db.pragma(syncPragma(sync));
  db.pragma('busy_timeout = 5000');
  // Months only read keep a modest cache (the OS page cache does the rest; read-only connections
  // never commit, so the walk in tuning.ts does not concern them). The month being written gets a
  // smaller one when its writes start (startWriting).
  db.pragma('cache_size = -32768');
  db.pragma('temp_store = MEMORY');
}

/**
 * A registered month whose file is gone or is not its records (removed, emptied, overwritten): the
 * store does not open, for a month of records gone is an incident to look into, not an empty month.
 * Said in one line naming the month and the file (src/cli/error-output.ts; `records verify` reports
 * it as a failed month, exit 2).
 */
export class MonthFileError extends Error {
  override readonly name = 'MonthFileError';
  constructor(readonly month: string, readonly path: string, problem: string) {
    super(`records of ${month} are ${problem === 'missing' ? `missing: ${path} does not exist` : `damaged: ${path} ${problem}`} (the month is registered and not purged): restore its file from a backup (smsguard backup), or look into what removed it`);
  }
}

/**
 * Opens a month. `create`: make the file and its schema when missing (only the writer does, for a
 * month it registers); otherwise a missing file is an error, never silently an empty month. `sync`:
 * the store's `PRAGMA synchronous` level (SqliteTuning), as the main file's.
 */
export function openMonth(mainPath: string | null, month: string, create: boolean, sync: SqliteSync = 'NORMAL'): MonthDb {
  const path = monthFilePath(mainPath, month);
  const table = monthTable(month);
  if (path === null) {
    const db = new Database(':memory:');
    db.pragma(`page_size = ${MONTH_PAGE_SIZE}`);
    db.exec(monthSchema(table));
    return { month, db, table, path, checkpointer: null };
  }
  if (!create && !existsSync(path)) throw new MonthFileError(month, path, 'missing');
  const db = new Database(path);
  try {
    // Only a new file takes it (an existing file keeps the page size it was made with).
    if (create) db.pragma(`page_size = ${MONTH_PAGE_SIZE}`);
    configure(db, sync);
    // A file made earlier (adopted) keeps the number index it has.
    if (create) db.exec(monthSchema(table, '', numberIndexOf(db, table) ?? 'batched'));
    else if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table)) throw new MonthFileError(month, path, `holds no table ${table}`);
  } catch (e) {
    db.close();
    const code = (e as { code?: unknown }).code;
    // An existing month that SQLite cannot read as a database: its file, not --db, is what is wrong.
    if (!create && (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT')) throw new MonthFileError(month, path, `is not a SQLite database (${code})`);
    throw e;
  }
  return { month, db, table, path, checkpointer: null };
}

/** Readies a month file to be written: its page cache and background checkpoints (once; not in memory). */
export function startWriting(m: MonthDb): void {
  if (m.path === null || m.checkpointer) return;
  // The main file's size: a larger cache costs a walk of it at every commit while the file is under
  // 1 GiB (tuning.ts); the insert path's hot pages (the right edges of the table and of each index's
  // current bucket) fit (records_write_per_s 99,608–100,351 with 8 MiB, 100,228–102,083 with 32).
  m.db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
  // The WAL may grow to ~200 MB between checkpoints, whatever the file's page size (a month made before
  // 16 KiB pages has 4 KiB ones): counted in pages, 50,000 would let a 16 KiB month's WAL reach 800 MB.
  m.db.pragma(`wal_autocheckpoint = ${Math.round(WAL_AUTOCHECKPOINT_BYTES / (m.db.pragma('page_size', { simple: true }) as number))}`);
  m.checkpointer = new Checkpointer(m.path);
}

/** Stops a month's background checkpoints (a newer month is now the one written). */
export async function stopWriting(m: MonthDb): Promise<void> {
  const c = m.checkpointer;
  m.checkpointer = null;
  await c?.stop();
}

export async function closeMonth(m: MonthDb): Promise<void> {
  await stopWriting(m);
  if (m.db.open) m.db.close();
}

/** Removes a month's file and its WAL and shared-memory files. */
export function removeMonthFile(path: string): void {
  for (const s of ['', '-wal', '-shm']) rmSync(path + s, { force: true });
}

/**
 * The same, off the event loop (libuv's thread pool): unlinking a month's ~4 GB file is the
 * filesystem freeing every block of it, 0.75-1.1 s on this machine's disk, which the gateway should
 * not spend frozen.
 */
export async function removeMonthFileAsync(path: string): Promise<void> {
  for (const s of ['-shm', '-wal', '']) await rm(path + s, { force: true });
}

/**
 * Moves a month table out of the main file into its own file (databases written before month files):
 * the rows are copied by SQLite under a temporary name, which is renamed once complete, so a crash
 * never leaves a partial file under the month's name. The caller then drops the table.
 */
export function copyMonthTableToFile(main: Db, table: string, columns: string, path: string): void {
  const tmp = `${path}.partial`;
  removeMonthFile(tmp);
  main.prepare('ATTACH ? AS month_move').run(tmp);
  try {
    main.pragma(`month_move.page_size = ${MONTH_PAGE_SIZE}`);
    main.pragma('month_move.journal_mode = WAL');
    // A month moved out of the main file is no longer written: its numbers are indexed flat at once.
    main.exec(monthSchema(table, 'month_move', 'flat'));
    main.exec(`INSERT INTO month_move.${table} (${columns}) SELECT ${columns} FROM main.${table} ORDER BY seq`);
  } finally {
    main.exec('DETACH month_move');
  }
  removeMonthFile(path);
  renameSync(tmp, path);
  for (const s of ['-wal', '-shm']) if (existsSync(tmp + s)) renameSync(tmp + s, path + s);
}

/** The number index a month's file holds now (read from its schema: a sealing may have just committed). */
export function numberIndexOf(db: Db, table: string, prepare: (sql: string) => ReturnType<Db['prepare']> = (sql) => db.prepare(sql)): NumberIndex | null {
  const names = prepare("SELECT name FROM sqlite_master WHERE type IN ('index', 'table') AND name IN (?, ?, ?)").pluck().all(`${table}_msisdn`, `${table}_msisdnb`, numbersTable(table)) as string[];
  // Never flat and another for another connection: a sealing drops the others and builds flat in one transaction.
  if (names.includes(`${table}_msisdn`)) return 'flat';
  if (names.includes(`${table}_msisdnb`)) return 'bucketed';
  return names.length ? 'batched' : null;
}

const SEALER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
try {
  const db = new Database(workerData.path, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 60000');
    db.exec(workerData.sql);
  } finally { db.close(); }
  parentPort.postMessage({ ok: true });
} catch (e) { parentPort.postMessage({ ok: false, message: String(e && e.message || e) }); }
`;

/**
 * A month's number index being sealed: `done` settles when it is (or failed). `abandon` stops
 * waiting for it: the thread ends once its statement returns (SQLite's work cannot be interrupted
 * from JavaScript), and if the process exits first the transaction never commits.
 */
export interface Sealing {
  readonly done: Promise<void>;
  abandon(): void;
}

/**
 * Seals a month no longer written: builds its flat number index and drops the bucketed one, in one
 * transaction, on a thread of its own (ten million records take seconds of sorting; the gateway's
 * thread must not stall). Readers go on meanwhile (WAL); if the process stops first, the transaction
 * rolls back and the next process that starts writing seals it again. The thread is unref'd: it never
 * holds the process up. In memory (tests): at once.
 */
export function sealNumbers(m: MonthDb): Sealing {
  const sql = sealNumbersSql(m.table);
  if (m.path === null) {
    m.db.exec(sql);
    return { done: Promise.resolve(), abandon: () => undefined };
  }
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(SEALER_SOURCE, { eval: true, workerData: { path: m.path, sql, driver } });
  worker.unref();
  const done = new Promise<void>((resolve, reject) => {
    worker.once('message', (r: { ok: boolean; message?: string }) => (r.ok ? resolve() : reject(new Error(`sealing ${m.month}: ${r.message}`))));
    worker.once('error', reject);
    worker.once('exit', () => reject(new Error(`sealing ${m.month}: stopped`)));
  });
  done.catch(() => undefined);
  return { done, abandon: () => void worker.terminate().catch(() => undefined) };
}
