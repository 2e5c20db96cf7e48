/**
 * The one place rows enter and leave the statutory records, so that tamper evidence (hash chains)
 * and the month layout live in one spot. Other adapters never touch the record tables directly.
 *
 * Layout: one SQLite file per Asia/Shanghai calendar month beside the main database, each holding
 * one table `records_YYYY_MM` (month-files.ts); `records_months` in the main file registers them.
 * Purging a month is unlinking its file.
 *
 * Commit order. A submission's record must never be missing when its decision took effect (the
 * decision, counters and outbox row commit in the main file, in the caller's transaction). SQLite
 * does not commit two files atomically in WAL mode, so the order is fixed instead: records appended
 * inside a transaction of the main connection are held until the end of its outermost transaction
 * function and committed to their month file *before* the main file commits. A crash between the two
 * leaves records of a decision that took no effect (the caller got no answer), never a decision
 * without its records. A rolled-back transaction (or savepoint) drops what it held. The month's
 * commit mark (`records_months.committed_seq`) moves in the main transaction, so records above it
 * are exactly those whose main commit never happened: `reconcile` says so in an audit record.
 *
 * Before writing a month file the writer takes the main file's write lock (a no-op UPDATE in the
 * caller's transaction), so appends from several processes (the gateway, a CLI purge or export
 * writing its audit record) are serialised by one lock, always taken in the same order (main, then
 * month): one chain per month, one global seq, no deadlock.
 *
 * seq is one global keyset cursor: each month holds a contiguous seq range, later months higher
 * seqs (a record whose `at` falls in an older month than the newest goes to the newest, so retention
 * errs towards keeping). Each month's chain tip is cached in memory and revalidated at every flush
 * through `PRAGMA data_version` of the month's connection (which moves only when another connection
 * committed to that file).
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';
import type { RecordChainRow, RecordQuery, RecordRow } from '../../ports/store.js';
import { derivedColumns, readBody, type NewRecord, type StoredRecord } from '../record-columns.js';
import { genesisHash, monthEnd, monthOf, monthStart, recordHeader, sha256Binary } from '../../domain/hash-chain.js';
import { pageSql, queryPage, type PageSql } from './records-query.js';
import { wellFormed } from './well-formed.js';
import { isForgeRefusal, loadNativeLinks, nativeForgePath } from './native-links.js';
import { NUMBER_BUCKET_SQL, addNumbersSql, facetBucket, numberBucket, numberChunkStart, numberIndexOf, numberProbeSql, sealNumbers, type Sealing } from './month-files.js';
import { RecordsThread } from './records-thread.js';
import { DEFAULT_SQLITE_TUNING, PAGE_CACHE_KIB, type SqliteTuning } from './tuning.js';
import { closeMonth, copyMonthTableToFile, monthFilePath, monthFilesBeside, monthTable, openMonth, removeMonthFile, removeMonthFileAsync, startWriting, stopWriting, type MonthDb } from './month-files.js';
import type { AuditAction } from '../../domain/audit-actions.js';

export type { NewRecord, StoredRecord };

/** Column order of every record table (the chained columns, then the hash). */
export const RECORD_COLUMNS = 'seq, id, at, kind, content_provider_id, msisdn, ref, port, type, decision, rule, body, hash';
/** One `?` per column of RECORD_COLUMNS, for INSERTs that copy whole rows. */
export const RECORD_PLACEHOLDERS = RECORD_COLUMNS.split(',').map(() => '?').join(', ');
type RawRow = [number, string, number, RecordRow['kind'], string | null, string | null, string | null, string | null, string | null, string | null, string | null, string, Buffer];

export const RETAINED = 'retained';

const toStored = (r: RawRow): StoredRecord => ({ seq: r[0], id: r[1], at: r[2], kind: r[3], contentProviderId: r[4], msisdn: r[5], ref: r[6], body: readBody(r[11]) });
export const toChainRow = (r: RawRow): RecordChainRow => ({ seq: r[0], id: r[1], at: r[2], kind: r[3], contentProviderId: r[4], msisdn: r[5], ref: r[6], port: r[7], type: r[8], decision: r[9], rule: r[10], body: r[11], hash: r[12] });

/** A month's chain tip (hash: its own 32 bytes), valid while the file's data_version is `dv`. */
interface Tip { seq: number; at: number; hash: Buffer; dv: number }

/**
 * A record waiting for its transaction's end, taken apart at append time: the body is serialised
 * then (a caller may reuse or change the object afterwards; what was appended is what is chained),
 * and anything its INSERT would refuse is refused by `append` itself.
 */
interface Pending { r: NewRecord; body: string; cols: ReturnType<typeof derivedColumns> }


/** Size of the native path's pack buffer kept between batches (~1,500 decision records). */
const PACK_KEEP = 1 << 20;
/**
 * Records a transaction appends before the first chunk goes to the records thread: a smaller
 * transaction (a few concurrent single submits, a handful of statuses) overlaps too little with the
 * thread's work to pay for handing it over and waiting for it, and is written by the loop itself.
 */
const THREAD_START = 256;
/**
 * Records per chunk after the first. Chunks of 32, 64 and 128 measured alike on the HTTP batch path,
 * but each costs the thread a native call (which prepares its INSERT) and a wake-up: in the records
 * bench (1000 per transaction, CPU per record counting every thread) chunks of 64 cost 7–24 % more
 * CPU than no thread, chunks of 256 4–10 % (docs/PERFORMANCE.md).
 */
const THREAD_CHUNK = 256;

/** One writer per connection: two would each hold their own pending records and tips. */
const writers = new WeakMap<Db, RecordsWriter>();

/**
 * The records writer of connection `db` (opened with its store), for an adapter that writes an audit
 * record in its own transaction on that connection. Throws when the connection has none.
 */
export function recordsWriterOf(db: Db): RecordsWriter {
  const w = writers.get(db);
  if (!w) throw new Error('no RecordsWriter on this connection: open the store (SqliteStore) first');
  return w;
}

interface MonthStmts {
  insert: { run(...a: unknown[]): unknown };
  /** The native path (the extension loaded into the month's connection): a whole batch appended, links forged, in one call. */
  forge: { get(...a: unknown[]): unknown } | null;
  tip: { get(): unknown };
  /** A `batched` month's chunk of numbers into its number table (`addNumbersSql`); null for other number indexes. */
  numbers: { run(lo: number, hi: number): unknown } | null;
  dataVersion: { get(): unknown };
  begin: { run(): unknown };
  commit: { run(): unknown };
  rollback: { run(): unknown };
}

/** Where a chain's rows are read: its connection and table. */
export interface ChainTable { db: Db; table: string }

export class RecordsWriter {
  /** Live months, ascending, each open. Refreshed when the registry may have changed. */
  private months: string[] = [];
  private readonly open = new Map<string, MonthDb>();
  private readonly stmts = new Map<string, MonthStmts>();
  private readonly sqlCache = new Map<Db, Map<string, Statement<unknown[], unknown>>>();
  private readonly mainPath: string | null;
  private readonly dataVersion;
  private seenVersion = -1;
  private registryDirty = true;
  private readonly lockStmt;

  private readonly tips = new Map<string, Tip>();
  /** Records appended in the current transaction of the main connection, written at its end. */
  private pending: Pending[] = [];
  /** Depth of `db.transaction` functions running, and `pending.length` at the start of each. */
  private depth = 0;
  private readonly marks: number[] = [];
  /** The records thread (records-thread.ts): undefined until first wanted, null when not used. */
  private thread: RecordsThread | null | undefined;
  private readonly threadWanted: boolean;
  /** The store's tuning (sync level, native append, records thread), as the writer was opened with it. */
  private readonly tuning: SqliteTuning;
  /**
   * The month transaction open on the records thread for the running outermost transaction: its
   * month, the tip as the chunks sent move it (its hash known only at the end), the seq before the
   * first, and how many of `pending` (from the start) went there.
   */
  private inflight: { m: MonthDb; st: MonthStmts; tip: Tip; before: number; sent: number } | null = null;
  /** The records thread takes no more of the running transaction (a memory month, a second month, no extension). */
  private threadDone = false;
  /**
   * Set when the records thread did not answer: it may still commit what it held, so no record is
   * written (every transaction with records fails) until it has exited and a reconcile has looked
   * for records above the commit marks.
   */
  private threadStuck: string | null = null;

  constructor(readonly db: Db, tuning: SqliteTuning = DEFAULT_SQLITE_TUNING) {
    // A writer keeps what it was opened with.
    this.tuning = tuning;
    this.threadWanted = tuning.recordsThread;
    if (writers.has(db)) throw new Error('one RecordsWriter per connection (use store.records.writer)');
    writers.set(db, this);
    this.mainPath = db.memory || db.name === '' ? null : db.name;
    this.dataVersion = db.prepare('PRAGMA data_version').pluck();
    // Takes the main file's write lock (no row changes): see "Before writing a month file" above.
    this.lockStmt = db.prepare('UPDATE records_months SET month = month WHERE 0');
    this.watchTransactions();
    this.moveMonthsOutOfMain();
    this.adoptAndSweep();
    this.refresh();
    this.moveLegacy();
    if (this.aboveMarks()) this.reconcile();
  }

  /**
   * Wraps this connection's `transaction()` so records appended inside are committed to their month
   * files at the end of the outermost transaction function (before the main file commits), and a
   * throw out of any level drops the records appended at that level (its savepoint rolled back).
   */
  private watchTransactions(): void {
    const db = this.db as Db & { transaction: Db['transaction'] };
    const orig = db.transaction.bind(db);
    const self = this;
    db.transaction = ((fn: (...a: unknown[]) => unknown) => {
      const body = function (this: unknown, ...args: unknown[]) {
        const r = fn.apply(this, args);
        if (self.depth === 1) self.flush();
        return r;
      };
      const t = orig(body) as unknown as Record<string, (...a: unknown[]) => unknown> & ((...a: unknown[]) => unknown);
      const wrap = (variant: (...a: unknown[]) => unknown) => function (this: unknown, ...args: unknown[]) {
        if (self.depth === 0) {
          self.flushed = false;
          self.threadDone = false;
          // Owed since a failed transaction whose reconcile failed too: before any write could carry
          // a commit mark past those records. If it fails again, this transaction fails with it.
          if (self.reconcileOwed) {
            self.reconcileOwed = false;
            try {
              self.reconcile();
            } catch (e) {
              self.reconcileOwed = true;
              throw e;
            }
          }
        }
        self.marks.push(self.pending.length);
        self.depth++;
        let uncommitted = false;
        try {
          return variant.apply(this, args);
        } catch (e) {
          self.pending.length = self.marks[self.marks.length - 1];
          if (self.depth === 1) {
            // What the thread holds of this transaction is rolled back there before anything else.
            if (self.inflight) self.abandonThread();
            // The registry may have lost a month opened in this transaction; tips are re-read.
            self.tips.clear();
            // a mark this transaction made is gone with it
            self.markedNotMonotonic.clear();
            self.registryDirty = true;
            // Records were committed to a month file and the main file then did not commit.
            uncommitted = self.flushed;
          }
          throw e;
        } finally {
          self.depth--;
          self.marks.pop();
          // Said at once, before any later write could carry the commit mark past them. If this
          // fails too (the original error is the one thrown), the next transaction does it first.
          if (uncommitted) {
            try {
              self.reconcile();
            } catch {
              self.reconcileOwed = true;
            }
          }
        }
      };
      const w = wrap(t) as unknown as Record<string, unknown>;
      for (const k of ['deferred', 'immediate', 'exclusive'] as const) w[k] = wrap(t[k]);
      return w;
    }) as unknown as Db['transaction'];
  }

  /** Live months, ascending. */
  liveMonths(): string[] {
    this.refresh();
    return [...this.months];
  }

  /** Read from the table each time: another append (or process) may have just cleared it. */
  isMonotonic(month: string): boolean {
    return this.cached('SELECT at_monotonic FROM records_months WHERE month = ?').pluck().get(month) === 1;
  }

  /** Re-reads the month registry (another process may have opened or purged a month). */
  ensureFresh(): void {
    this.registryDirty = true;
    this.refresh();
  }

  /** Re-reads the registry when this process changed it or another connection committed to the main file. */
  private refresh(): void {
    const v = this.dataVersion.get() as number;
    if (v === this.seenVersion && !this.registryDirty) return;
    // Runs whenever another connection committed to the main file (a CLI beside the gateway): cached.
    const live = this.cached('SELECT month FROM records_months WHERE purged_at IS NULL ORDER BY month').pluck().all() as string[];
    for (const [m, x] of this.open) {
      if (!live.includes(m)) this.forget(m, x);
    }
    for (const m of live) if (!this.open.has(m)) this.open.set(m, openMonth(this.mainPath, m, false, this.tuning.sync));
    this.months = live;
    this.seenVersion = v;
    this.registryDirty = false;
  }

  private forget(month: string, x: MonthDb): void {
    this.abandonSealing(month);
    this.open.delete(month);
    this.stmts.delete(month);
    this.tips.delete(month);
    this.sqlCache.delete(x.db);
    this.inBackground(closeMonth(x));
  }

  /** Closings and checkpoint stops still running; `close()` waits for them (their threads may still touch the files). */
  private readonly background = new Set<Promise<void>>();
  private inBackground(p: Promise<void>): void {
    const q = p.catch(() => undefined).finally(() => this.background.delete(q));
    this.background.add(q);
  }

  /** The connection and table a chain is read from (the retained chain lives in the main file). */
  on(chain: string): ChainTable {
    this.refresh();
    return this.tableOf(chain);
  }

  private readonly facetBuckets = new WeakMap<Db, boolean>();

  /**
   * The seq buckets a month's records span when it indexes numbers by bucket (the month being
   * written, month-files.ts `NumberIndex`), or null when it has the flat number index (or is the
   * retained chain); `empty` when it holds no record. For a `batched` month also `tail`, the first seq
   * of its newest chunk: the number table holds every record below it and none from it on. Read from
   * the schema each time: a sealing in another thread may have just committed (read both in one
   * transaction, `consistently`, to use them together).
   */
  numberBucketRange(chain: string): { lo: number; hi: number; tail?: number } | 'empty' | null {
    if (chain === RETAINED) return null;
    const ct = this.on(chain);
    const kind = numberIndexOf(ct.db, ct.table, (sql) => this.cachedOn(ct.db, sql));
    if (kind !== 'bucketed' && kind !== 'batched') return null;
    const span = this.bucketSpan(ct, numberBucket);
    if (span === 'empty') return span;
    return kind === 'bucketed' ? { lo: span.lo, hi: span.hi } : { lo: span.lo, hi: span.hi, tail: numberChunkStart(span.max) };
  }

  /** The buckets (by `bucketOf`) a table's seqs span, and its highest seq, or `empty`: two index probes. */
  private bucketSpan(ct: ChainTable, bucketOf: (seq: number) => number): { lo: number; hi: number; max: number } | 'empty' {
    const min = this.cachedOn(ct.db, `SELECT min(seq) FROM ${ct.table}`).pluck().get() as number | null;
    const max = this.cachedOn(ct.db, `SELECT max(seq) FROM ${ct.table}`).pluck().get() as number | null;
    return min === null || max === null ? 'empty' : { lo: bucketOf(min), hi: bucketOf(max), max };
  }

  private readonly readTxs = new WeakMap<Db, (fn: () => unknown) => unknown>();

  /**
   * Runs `fn` in one read transaction of `db` (a snapshot): what a chain's schema says about its number
   * index and the statements that use it then agree, though a sealing on another connection drops a
   * `batched` month's number table meanwhile. Inside a running transaction, just runs it.
   */
  consistently<T>(db: Db, fn: () => T): T {
    if (db.inTransaction) return fn();
    let tx = this.readTxs.get(db);
    if (!tx) this.readTxs.set(db, (tx = db.transaction((f: () => unknown) => f()) as unknown as (fn: () => unknown) => unknown));
    return tx(fn) as T;
  }

  /**
   * `SELECT <what> FROM <chain's table> WHERE msisdn = ? <more>` (raw rows), through the number index
   * the chain has: one probe, or one per seq bucket (newest first) in a month still written (a
   * `batched` one's newest chunk first, by seq). `more` follows the conditions (`AND …`, `ORDER BY …`).
   */
  byNumber(chain: string, what: string, more: string, msisdn: string, args: unknown[] = []): unknown[][] {
    const { db, table } = this.on(chain);
    const read = (): unknown[][] => {
      const range = this.numberBucketRange(chain);
      if (range === 'empty') return [];
      if (range === null) return this.cachedOn(db, `SELECT ${what} FROM ${table} WHERE msisdn = ? ${more}`).raw().all(msisdn, ...args) as unknown[][];
      const out: unknown[][] = [];
      let st;
      if (range.tail !== undefined) {
        for (const r of this.cachedOn(db, `SELECT ${what} FROM ${table} WHERE seq >= ? AND msisdn = ? ${more}`).raw().all(range.tail, msisdn, ...args) as unknown[][]) out.push(r);
        st = this.cachedOn(db, `SELECT ${what} FROM ${table} WHERE ${numberProbeSql(table)} ${more}`).raw();
        for (let b = range.hi; b >= range.lo; b--) for (const r of st.all(b, msisdn, range.tail, ...args) as unknown[][]) out.push(r);
        return out;
      }
      st = this.cachedOn(db, `SELECT ${what} FROM ${table} WHERE ${NUMBER_BUCKET_SQL} = ? AND msisdn = ? ${more}`).raw();
      for (let b = range.hi; b >= range.lo; b--) for (const r of st.all(b, msisdn, ...args) as unknown[][]) out.push(r);
      return out;
    };
    // The retained chain (the main file) has the flat index and no sealing: no snapshot needed.
    return chain === RETAINED ? read() : this.consistently(db, read);
  }

  /** Number indexes being sealed, by month (see `sealOlderThan`). */
  private readonly sealing = new Map<string, Sealing>();
  /** Months this process has written to (sealing runs once, at the first write of a month). */
  private readonly written = new Set<string>();
  /** Why the last sealing failed, if one did (it is tried again by the next process that writes). */
  lastSealError: string | null = null;

  /**
   * Seals the number index of every open month older than `month`, each on a thread of its own: the
   * process writes `month` now, and records are never routed to an older month (createMonth).
   */
  private sealOlderThan(month: string): void {
    for (const x of this.open.values()) {
      if (x.month >= month || this.sealing.has(x.month)) continue;
      const numbers = numberIndexOf(x.db, x.table);
      if (numbers !== 'bucketed' && numbers !== 'batched') continue;
      const s = sealNumbers(x);
      this.sealing.set(x.month, s);
      // Not one of the `background` tasks close() waits for: a shutdown must not wait out a sort.
      void s.done.catch((e: Error) => { this.lastSealError = e.message; }).finally(() => { if (this.sealing.get(x.month) === s) this.sealing.delete(x.month); });
    }
  }

  /** Stops waiting for a month's sealing, if one runs (see `Sealing.abandon`). */
  private abandonSealing(month: string): void {
    this.sealing.get(month)?.abandon();
    this.sealing.delete(month);
  }

  /** Waits for every sealing under way (tests, benchmarks). */
  async sealed(): Promise<void> {
    await Promise.all([...this.sealing.values()].map((s) => s.done.catch(() => undefined)));
  }

  /**
   * Whether a chain's table has the facet-bucket indexes (month-files.ts): months made since they
   * exist. Older months and the retained chain have value-only ones. A table's facet indexes never change.
   */
  hasFacetBuckets(chain: string): boolean {
    return chain !== RETAINED && this.bucketed(this.on(chain));
  }

  private bucketed({ db, table }: ChainTable): boolean {
    let b = this.facetBuckets.get(db);
    if (b === undefined) {
      b = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?").get(`${table}_portb`) !== undefined;
      this.facetBuckets.set(db, b);
    }
    return b;
  }

  /**
   * The facet buckets a chain's records span (lo..hi), or null when the table has no facet-bucket
   * indexes (`hasFacetBuckets`); `empty` when it holds no record. Reads the registry once.
   */
  facetBucketRange(chain: string): { lo: number; hi: number } | 'empty' | null {
    if (chain === RETAINED) return null;
    const ct = this.on(chain);
    if (!this.bucketed(ct)) return null;
    const span = this.bucketSpan(ct, facetBucket);
    return span === 'empty' ? span : { lo: span.lo, hi: span.hi };
  }

  /** `on` without re-reading the registry (the caller just did). */
  private tableOf(chain: string): ChainTable {
    if (chain === RETAINED) return { db: this.db, table: 'records_retained' };
    const m = this.open.get(chain);
    if (!m) throw new Error(`no live records month ${chain}`);
    return { db: m.db, table: m.table };
  }

  private monthStmts(m: MonthDb): MonthStmts {
    let s = this.stmts.get(m.month);
    if (!s) {
      const t = m.table;
      s = {
        // The body arrives as the UTF-8 bytes that were hashed; CAST stores them as the same TEXT a string would be.
        insert: m.db.prepare(`INSERT INTO ${t} (${RECORD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS TEXT), ?)`),
        forge: this.forgeStmts(m),
        tip: m.db.prepare(`SELECT seq, at, hash FROM ${t} ORDER BY seq DESC LIMIT 1`).raw(),
        // A written month's number index never changes (only months no longer written are sealed).
        numbers: numberIndexOf(m.db, t) === 'batched' ? m.db.prepare(addNumbersSql(t)) : null,
        dataVersion: m.db.prepare('PRAGMA data_version').pluck(),
        begin: m.db.prepare('BEGIN IMMEDIATE'),
        commit: m.db.prepare('COMMIT'),
        rollback: m.db.prepare('ROLLBACK'),
      };
      this.stmts.set(m.month, s);
    }
    return s;
  }

  /**
   * The native extension's batch append on a month's connection, or null (not built, turned off, not
   * loadable): `smsguard_chain_append` renders each header, forges each link and inserts each row
   * inside SQLite, so nothing per record is bound from JavaScript (chain-links.c).
   */
  private forgeStmts(m: MonthDb): MonthStmts['forge'] {
    if (!loadNativeLinks(m.db, nativeForgePath(this.tuning.nativeWrite))) return null;
    return m.db.prepare('SELECT smsguard_chain_append(?, ?, ?, ?)').pluck();
  }

  /**
   * Opens a new month (its file and schema) and registers it in the caller's transaction. If that
   * transaction rolls back, the file stays and is adopted at the next open (it may hold records
   * already committed: records commit first).
   */
  private createMonth(month: string, at: number): void {
    // Older months are no longer written here (records routed to them go to the newest): stop their checkpoints.
    for (const x of this.open.values()) if (x.checkpointer) this.inBackground(stopWriting(x));
    if (!this.open.has(month)) this.open.set(month, openMonth(this.mainPath, month, true, this.tuning.sync));
    // committed_seq 0: every record of the month is above the mark until a main commit carries it.
    this.db.prepare('INSERT INTO records_months (month, created_at, committed_seq) VALUES (?, ?, 0) ON CONFLICT (month) DO UPDATE SET purged_at = NULL').run(month, at);
    this.months = [...new Set([...this.months, month])].sort();
  }

  /**
   * The highest seq ever issued (live months, retained records, purged months, and the commit marks,
   * which stay where they were when records are deleted from a month file by hand).
   */
  private floorSeq(): number {
    let max = (this.db.prepare('SELECT max(m) FROM (SELECT max(seq) AS m FROM records_retained UNION ALL SELECT max(last_seq) FROM records_months UNION ALL SELECT max(committed_seq) FROM records_months)').pluck().get() as number | null) ?? 0;
    for (const m of this.months) {
      const x = this.open.get(m);
      const s = x ? (this.cachedOn(x.db, `SELECT max(seq) FROM ${x.table}`).pluck().get() as number | null) : null;
      if (s !== null && s > max) max = s;
    }
    return max;
  }

  /**
   * Appends one record (chained into its month). Inside a transaction of the main connection it is
   * committed just before that transaction commits; alone, in a transaction of its own.
   */
  append(r: NewRecord): void {
    if (typeof r.id !== 'string' || !Number.isSafeInteger(r.at) || typeof r.kind !== 'string' || r.body === null || typeof r.body !== 'object') {
      throw new TypeError(`record ${String(r.id)}: id, kind (strings), at (integer) and body (object) are required`);
    }
    // Header columns as SQLite will store them (a lone surrogate becomes U+FFFD there), so the chain
    // hashes what verify reads back; the body needs nothing: JSON.stringify escapes lone surrogates.
    const cols = derivedColumns(r.kind, r.body, this.rulesOf);
    for (let i = 0; i < cols.length; i++) cols[i] = wellFormed(cols[i]); // a fresh array per call: changed in place
    const p: Pending = { r: { ...r, id: wellFormed(r.id), kind: wellFormed(r.kind) as NewRecord['kind'], contentProviderId: wellFormed(r.contentProviderId), msisdn: wellFormed(r.msisdn), ref: wellFormed(r.ref) }, body: JSON.stringify(r.body), cols };
    if (this.depth > 0) {
      this.pending.push(p);
      // Only at the outermost level: a nested one's records may still roll back with its savepoint.
      if (this.depth === 1 && !this.threadDone && this.pending.length - (this.inflight?.sent ?? 0) >= (this.inflight ? THREAD_CHUNK : THREAD_START)) this.sendToThread();
      return;
    }
    if (this.db.inTransaction) throw new Error('records can only be appended inside db.transaction() (the writer commits them before the main file)');
    (this.txFn ??= this.db.transaction((x: Pending) => { this.pending.push(x); })).immediate(p);
  }
  private txFn: ReturnType<Db['transaction']> | undefined;

  /**
   * The records thread, created when first wanted: for a database in files with the native
   * extension, when the store was opened with `recordsThread` (SMSGUARD_RECORDS_THREAD=1) (off by default: docs/RECORDS.md).
   */
  private threadFor(): RecordsThread | null {
    if (this.thread === undefined) {
      const native = nativeForgePath(this.tuning.nativeWrite);
      this.thread = this.threadWanted && this.mainPath !== null && native !== null ? new RecordsThread({ native, cacheKib: PAGE_CACHE_KIB, sync: this.tuning.sync, endTimeoutMs: this.tuning.recordsThreadTimeoutMs }) : null;
    }
    if (this.thread && !this.thread.usable) {
      // It failed once (it never answered, or exited): the loop writes every month itself from now on.
      void this.thread.close().catch(() => undefined);
      this.thread = null;
    }
    return this.thread;
  }

  /**
   * Sends the records of the running outermost transaction not yet sent, up to the first of another
   * month, to the records thread, opening its month transaction first (after the main file's write
   * lock, as flush does: main, then month, in every process).
   */
  private sendToThread(): void {
    let f = this.inflight;
    if (!f) {
      if (this.threadStuck) throw new Error(`${this.threadStuck}: records are not written until it has stopped`);
      const thread = this.threadFor();
      if (!thread) {
        this.threadDone = true;
        return;
      }
      this.lockStmt.run();
      this.refresh();
      const m = this.open.get(this.route(this.pending[0].r.at))!;
      const st = m.path === null ? null : this.monthStmts(m);
      if (m.path === null || !st?.forge) {
        this.threadDone = true;
        return;
      }
      if (!this.written.has(m.month)) {
        this.written.add(m.month);
        this.sealOlderThan(m.month);
      }
      startWriting(m);
      const tip = this.tipOf(m, st);
      // A tip that is not 32 bytes (an edited file) goes the loop's JavaScript path (writeBatch).
      if (tip.hash.length !== 32) {
        this.threadDone = true;
        return;
      }
      const autocheckpoint = m.db.pragma('wal_autocheckpoint', { simple: true }) as number;
      thread.begin({ path: m.path, table: m.table, numbersSql: st.numbers ? addNumbersSql(m.table) : null, autocheckpoint }, tip.seq + 1, tip.hash);
      f = this.inflight = { m, st, tip, before: tip.seq, sent: 0 };
    }
    let j = f.sent;
    while (j < this.pending.length && this.route(this.pending[j].r.at) === f.m.month) j++;
    if (j < this.pending.length) this.threadDone = true;
    if (j === f.sent) return;
    const batch = this.packBatch(f.m, this.pending, f.sent, j, f.tip);
    // A copy of its own (the pack buffer is reused), moved to the thread rather than cloned.
    const bytes = new Uint8Array(batch.length);
    bytes.set(batch);
    this.thread!.append(bytes, j - f.sent);
    f.tip.seq += j - f.sent;
    f.sent = j;
  }

  /** Rolls back what the records thread holds of the running transaction, and waits for it. */
  private abandonThread(): void {
    const f = this.inflight;
    this.inflight = null;
    if (!f) return;
    this.tips.delete(f.m.month);
    this.thread?.end(false);
  }

  /** Writes the pending records to their month files (called at the end of the outermost transaction function). */
  private flush(): void {
    if (this.pending.length === 0) return;
    if (this.threadStuck) throw new Error(`${this.threadStuck}: records are not written until it has stopped`);
    let i = 0;
    const f = this.inflight;
    if (f) {
      // The rest of the thread's month goes there too; then its month commits (the loop waits).
      this.sendToThread();
      i = f.sent;
      const recs = this.pending;
      this.inflight = null;
      // From here the month may hold this transaction's records, whatever the main file does.
      this.flushed = true;
      const thread = this.thread!;
      const end = thread.end(true, numberChunkStart(f.before), numberChunkStart(f.tip.seq));
      if (!end.ok && end.stuck) {
        this.tips.delete(f.m.month);
        this.thread = null;
        this.threadStuck = end.message;
        void thread.exited.then(() => {
          this.threadStuck = null;
          this.reconcileOwed = true;
        });
        throw new Error(`${end.message}: records are not written until it has stopped`);
      }
      if (end.ok) {
        this.threadBatches++;
        f.tip.hash = end.hash;
        // The thread's commit moved the month's data_version here: the tip is still the one cached.
        f.tip.dv = f.st.dataVersion.get() as number;
      } else {
        // Rolled back there, nothing written: the loop writes them itself, as without the thread
        // (a record the extension refused goes its JavaScript path there).
        this.tips.delete(f.m.month);
        this.writeBatch(f.m, recs, 0, i);
      }
      this.flushed = true;
      this.cached('UPDATE records_months SET committed_seq = ? WHERE month = ?').run(this.tips.get(f.m.month)!.seq, f.m.month);
    } else {
      this.lockStmt.run();
      this.refresh();
    }
    const recs = this.pending;
    this.pending = [];
    while (i < recs.length) {
      const month = this.route(recs[i].r.at);
      let j = i + 1;
      while (j < recs.length && this.route(recs[j].r.at) === month) j++;
      this.writeBatch(this.open.get(month)!, recs, i, j);
      this.flushed = true;
      // The commit mark moves in the main file's transaction: it holds only if that commits.
      this.cached('UPDATE records_months SET committed_seq = ? WHERE month = ?').run(this.tips.get(month)!.seq, month);
      i = j;
    }
  }

  /** Whether a live month holds records above its commit mark, or has no mark yet (read without the lock: a hint). */
  private aboveMarks(): boolean {
    for (const { month, mark } of this.liveMarks()) {
      const m = this.open.get(month);
      if (!m) continue;
      if (mark === null || mark < 0) return true;
      if (this.cachedOn(m.db, `SELECT 1 FROM ${m.table} WHERE seq > ? LIMIT 1`).get(mark) !== undefined) return true;
    }
    return false;
  }

  /** The record `seq` was found above its month's commit mark: what it decided took no effect. */
  tookNoEffect(seq: number): boolean {
    return this.cached('SELECT 1 FROM records_uncommitted WHERE from_seq <= ? AND to_seq >= ? LIMIT 1').get(seq, seq) !== undefined;
  }

  /**
   * {@link tookNoEffect} for several seqs in one statement (a page of the message list): those of
   * them that took no effect.
   */
  tookNoEffectOf(seqs: readonly number[]): Set<number> {
    const out = new Set<number>();
    if (seqs.length === 0) return out;
    const ranges = this.cached('SELECT from_seq, to_seq FROM records_uncommitted WHERE to_seq >= ? AND from_seq <= ?').raw().all(Math.min(...seqs), Math.max(...seqs)) as [number, number][];
    for (const seq of seqs) if (ranges.some(([lo, hi]) => lo <= seq && seq <= hi)) out.add(seq);
    return out;
  }

  /** Records were written to a month file in the current outermost transaction. */
  private flushed = false;
  /** A reconcile after a failed transaction failed too: the next outermost transaction runs it first. */
  private reconcileOwed = false;

  /** Each live month's commit mark. */
  private liveMarks(): { month: string; mark: number | null }[] {
    return this.cached('SELECT month, committed_seq AS mark FROM records_months WHERE purged_at IS NULL').all() as { month: string; mark: number | null }[];
  }

  /**
   * Finds records above their month's commit mark (written by a transaction whose main commit never
   * happened: a crash or a failed commit between the two, see "Commit order") and appends one audit
   * record per month saying which seqs took no effect. Holds the main write lock, so a transaction
   * of another process between its two commits is waited for, never mistaken for a dead one.
   */
  private reconcile(): void {
    this.db.transaction(() => {
      // A month opened by the failed transaction lost its registry row with it: adopt it first.
      this.adoptAndSweep();
      this.ensureFresh();
      for (const { month, mark } of this.liveMarks()) {
        const m = this.open.get(month);
        if (!m) continue;
        if (mark === null || mark < 0) {
          // Written before commit marks (migration 090): nothing to compare with.
          const tip = this.cachedOn(m.db, `SELECT max(seq) FROM ${m.table}`).pluck().get() as number | null;
          this.cached('UPDATE records_months SET committed_seq = ? WHERE month = ?').run(tip ?? 0, month);
          continue;
        }
        const [top, count, from] = this.cachedOn(m.db, `SELECT max(seq), count(*), min(seq) FROM ${m.table} WHERE seq > ?`).raw().get(mark) as [number | null, number, number | null];
        if (top === null) continue;
        this.cached('UPDATE records_months SET committed_seq = ? WHERE month = ?').run(top, month);
        this.cached('INSERT INTO records_uncommitted (month, from_seq, to_seq) VALUES (?, ?, ?)').run(month, from, top);
        const at = Date.now();
        this.append({
          id: `aud_uncommitted_${month}_${from}_${top}`, at, kind: 'audit', contentProviderId: null, msisdn: null, ref: null,
          body: {
            action: 'records.uncommitted' satisfies AuditAction, actor: 'system', month, fromSeq: from, toSeq: top, count,
            reason: 'written just before a main-file commit this database does not have (the process stopped, the commit failed, or the database is a backup taken between the two): it holds no queue entry, counter or answer for what these records decided',
          },
        });
      }
    }).immediate();
  }

  /** The month of the last routing and its bounds, so most appends skip the calendar arithmetic. */
  private monthCache = { month: '', from: 0, to: -Infinity };

  /** The month a record goes to: its own, or the newest if that is later; opens a new month when needed. */
  private route(at: number): string {
    const mc = this.monthCache;
    let month: string;
    if (at >= mc.from && at < mc.to) month = mc.month;
    else {
      month = monthOf(at);
      this.monthCache = { month, from: monthStart(month), to: monthEnd(month) };
    }
    const newest = this.months[this.months.length - 1];
    if (newest !== undefined && month < newest) return newest;
    if (newest === undefined || month > newest) this.createMonth(month, at);
    return month;
  }

  /** Appends `recs[from..to)` to one month in one transaction of its file. */
  private writeBatch(m: MonthDb, recs: Pending[], from: number, to: number): void {
    if (!this.written.has(m.month)) {
      this.written.add(m.month);
      this.sealOlderThan(m.month);
    }
    const st = this.monthStmts(m);
    startWriting(m);
    let forge = st.forge;
    let retried = false;
    for (;;) {
      st.begin.run();
      try {
        const tip = this.tipOf(m, st);
        const before = tip.seq;
        // A tip that is not 32 bytes (an edited file) is hashed as stored: only the JavaScript path does.
        if (forge && tip.hash.length === 32) {
          const batch = this.packBatch(m, recs, from, to, tip);
          tip.hash = Buffer.from(forge.get(m.table, tip.seq + 1, tip.hash, batch) as Buffer);
          tip.seq += to - from;
          this.nativeBatches++;
          // One very large batch must not keep its pack buffer for the writer's lifetime (ordinary
          // batches above PACK_KEEP keep theirs: reallocating every batch would cost more).
          if (this.packed.length > 16 * PACK_KEEP) this.packed = Buffer.allocUnsafe(PACK_KEEP);
        } else {
          for (let k = from; k < to; k++) this.appendOne(m, st, tip, recs[k]);
        }
        // The batch began a chunk: the numbers of every chunk before it go into the number table
        // (month-files.ts `NumberIndex`), so all below the newest chunk are there once this commits.
        const lo = numberChunkStart(before), hi = numberChunkStart(tip.seq);
        if (st.numbers && hi > lo) st.numbers.run(lo, hi);
        st.commit.run();
        break;
      } catch (e) {
        if (m.db.inTransaction) st.rollback.run();
        this.tips.delete(m.month);
        // A record the extension cannot render with certainty: the whole batch again, in JavaScript.
        if (forge && isForgeRefusal(e)) { forge = null; continue; }
        // Another writer not holding the main lock (should not happen): re-read the tip and retry once.
        if ((e as { code?: string }).code !== 'SQLITE_CONSTRAINT_PRIMARYKEY' || retried) throw e;
        retried = true;
      }
    }
  }

  /** The month's tip, re-read when another connection committed to its file since we cached it. */
  private tipOf(m: MonthDb, st: MonthStmts): Tip {
    const dv = st.dataVersion.get() as number;
    let tip = this.tips.get(m.month);
    if (tip && tip.dv === dv) return tip;
    const row = st.tip.get() as [number, number, Buffer] | undefined;
    // Records cut off the month's end by hand leave its commit mark above its last row: the next seq
    // follows the mark, never a removed record's, so the cut stays a gap `verify` reports (`missing`)
    // instead of being filled by new records that chain on as if nothing had been removed.
    const mark = row ? (this.cached('SELECT committed_seq FROM records_months WHERE month = ?').pluck().get(m.month) as number | null) ?? 0 : 0;
    tip = row ? { seq: Math.max(row[0], mark), at: row[1], hash: Buffer.from(row[2]), dv } : { seq: this.floorSeq(), at: -Infinity, hash: genesisHash(m.month), dv };
    this.tips.set(m.month, tip);
    return tip;
  }

  /** `prev ‖ header ‖ body` of the record being appended, as UTF-8; grown for a larger record. */
  private scratch = Buffer.allocUnsafe(16 * 1024);
  /** The new record's hash, bound from here; copied into the tip only once the INSERT succeeded. */
  private readonly next = Buffer.alloc(32);

  private appendOne(m: MonthDb, st: MonthStmts, tip: Tip, p: Pending): void {
    const { r, body } = p;
    const seq = tip.seq + 1;
    if (r.at < tip.at) this.notMonotonic(m.month);
    const [port, type, decision, rule] = p.cols;
    // The stored text is what the chain covers, byte for byte (see canonicalRecord): the body is
    // encoded to UTF-8 once, hashed after the previous hash and the header, and bound as those bytes.
    const header = recordHeader({ seq, id: r.id, at: r.at, kind: r.kind, contentProviderId: r.contentProviderId, msisdn: r.msisdn, ref: r.ref, port, type, decision, rule });
    // prev is the tip's stored hash as it is (32 bytes unless someone edited the file: still hashed as stored).
    const prev = tip.hash;
    const need = prev.length + 3 * (header.length + body.length);
    if (need > this.scratch.length) this.scratch = Buffer.allocUnsafe(need);
    const buf = this.scratch;
    buf.set(prev, 0);
    const bodyAt = prev.length + buf.write(header, prev.length, 'utf8');
    const end = bodyAt + buf.write(body, bodyAt, 'utf8');
    this.next.write(sha256Binary(buf.subarray(0, end)), 0, 'latin1');
    st.insert.run(seq, r.id, r.at, r.kind, r.contentProviderId, r.msisdn, r.ref, port, type, decision, rule, buf.subarray(bodyAt, end), this.next);
    tip.seq = seq;
    if (r.at > tip.at) tip.at = r.at;
    if (prev.length === 32) prev.set(this.next);
    else tip.hash = Buffer.from(this.next);
  }

  /**
   * Months this writer marked not monotonic (the mark only ever goes from 1 to 0, and is forgotten
   * here when a transaction fails: its mark may have rolled back with it).
   */
  private readonly markedNotMonotonic = new Set<string>();

  /** A record older than its month's tip: time windows on that month can no longer become seq ranges. */
  private notMonotonic(month: string): void {
    // Once per month and writer: on the SMPP path most records of a month come after a later one (a
    // status commits between the decision groups), and the UPDATE ran for each of them.
    if (this.markedNotMonotonic.has(month)) return;
    this.cached('UPDATE records_months SET at_monotonic = 0 WHERE month = ? AND at_monotonic = 1').run(month);
    this.markedNotMonotonic.add(month);
  }

  /** Month transactions the records thread committed since this writer opened. */
  threadBatches = 0;

  /** Batches appended through the native extension since this writer opened (the rest went through JavaScript). */
  nativeBatches = 0;

  /** The batch `smsguard_chain_append` takes (its layout is described in chain-links.c); grown as needed. */
  private packed = Buffer.allocUnsafe(PACK_KEEP);

  /**
   * Packs `recs[from..to)` for the native append: per record `at`, a null mask, the text's length, and
   * one string of the nine header text fields and the body, NUL-separated (one UTF-8 encoding per
   * record). Moves the tip's `at` and clears the month's at_monotonic as appendOne does.
   */
  private packBatch(m: MonthDb, recs: Pending[], from: number, to: number, tip: Tip): Buffer {
    let off = 0;
    for (let k = from; k < to; k++) {
      const { r, body, cols } = recs[k];
      if (r.at < tip.at) this.notMonotonic(m.month);
      else tip.at = r.at;
      const [port, type, decision, rule] = cols;
      const mask = (r.contentProviderId === null ? 4 : 0) | (r.msisdn === null ? 8 : 0) | (r.ref === null ? 16 : 0) | (port === null ? 32 : 0)
        | (type === null ? 64 : 0) | (decision === null ? 128 : 0) | (rule === null ? 256 : 0);
      // The header and the body are written separately: the body is usually a two-byte string (Chinese
      // text), and one template string of both was flattened into a fresh two-byte copy per record
      // (~1 KB each, the largest allocation on the message path).
      const head = `${r.id}\x00${r.kind}\x00${r.contentProviderId ?? ''}\x00${r.msisdn ?? ''}\x00${r.ref ?? ''}\x00${port ?? ''}\x00${type ?? ''}\x00${decision ?? ''}\x00${rule ?? ''}\x00`;
      const need = off + 14 + 3 * (head.length + body.length);
      if (need > this.packed.length) {
        const bigger = Buffer.allocUnsafe(Math.max(need, 2 * this.packed.length));
        this.packed.copy(bigger, 0, 0, off);
        this.packed = bigger;
      }
      const b = this.packed;
      b.writeDoubleLE(r.at, off);
      b.writeUInt16LE(mask, off + 8);
      const h = b.write(head, off + 14, 'utf8');
      const n = h + b.write(body, off + 14 + h, 'utf8');
      b.writeUInt32LE(n, off + 10);
      off += 14 + n;
    }
    return this.packed.subarray(0, off);
  }

  private readonly pipelineRules = new Map<string, readonly string[] | null>();
  private rulesOf = (pipeline: string): readonly string[] | null => {
    let r = this.pipelineRules.get(pipeline);
    if (r === undefined) {
      // Not cached while unknown (it may be registered later), so the statement itself is.
      const row = this.cached('SELECT rules FROM pipelines WHERE id = ?').pluck().get(pipeline) as string | undefined;
      r = row ? (JSON.parse(row) as string[]) : null;
      if (r) this.pipelineRules.set(pipeline, r);
    }
    return r;
  };

  /**
   * Databases written before month files kept each month as a table in the main file: each live one
   * moves to its own file (copied under a temporary name, renamed, then dropped from the main file).
   * Also drops the `records` view those versions kept over the month tables.
   */
  private moveMonthsOutOfMain(): void {
    const tables = new Set(this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'records_[0-9]*'").pluck().all() as string[]);
    if (this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'view' AND name = 'records'").get()) this.db.exec('DROP VIEW records');
    if (tables.size === 0) return;
    const live = this.db.prepare('SELECT month FROM records_months WHERE purged_at IS NULL ORDER BY month').pluck().all() as string[];
    for (const month of live) {
      const t = monthTable(month);
      if (!tables.has(t)) continue;
      const path = monthFilePath(this.mainPath, month);
      if (path) copyMonthTableToFile(this.db, t, RECORD_COLUMNS, path);
      else {
        // In memory: copy through JS into the month's own in-memory connection.
        const m = openMonth(null, month, true);
        const ins = m.db.prepare(`INSERT INTO ${t} (${RECORD_COLUMNS}) VALUES (${RECORD_PLACEHOLDERS})`);
        m.db.transaction(() => {
          for (const row of this.db.prepare(`SELECT ${RECORD_COLUMNS} FROM ${t} ORDER BY seq`).raw().iterate()) ins.run(...(row as unknown[]));
          // Its number table holds every record below the newest chunk, as the writer keeps it.
          const max = m.db.prepare(`SELECT max(seq) FROM ${t}`).pluck().get() as number | null;
          if (max !== null) m.db.prepare(addNumbersSql(t)).run(0, numberChunkStart(max));
        })();
        this.open.set(month, m);
      }
      this.db.exec(`DROP TABLE ${t}`);
    }
  }

  /**
   * Month files beside the main file that the registry does not list are adopted (a month opened in a
   * transaction that then rolled back: its records may have been committed first); files of purged
   * months (a crash between the purge's commit and the unlink) are removed.
   */
  private adoptAndSweep(): void {
    if (this.mainPath === null) return;
    const reg = new Map((this.db.prepare('SELECT month, purged_at FROM records_months').raw().all() as [string, number | null][]));
    for (const [month, path] of monthFilesBeside(this.mainPath)) {
      // Mark 0: whatever such a file holds was never carried by a main commit (reconcile says so).
      if (!reg.has(month)) this.db.prepare('INSERT INTO records_months (month, created_at, committed_seq) VALUES (?, ?, 0)').run(month, Date.now());
      else if (reg.get(month) !== null) removeMonthFile(path);
    }
  }

  /** Moves rows of the pre-month `records` table (migration 040) into month files, chaining them. */
  private moveLegacy(): void {
    const has = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'records_legacy'").get();
    if (!has) return;
    this.db.transaction(() => {
      const rows = this.db.prepare('SELECT id, at, kind, content_provider_id, msisdn, ref, body FROM records_legacy ORDER BY seq').all() as { id: string; at: number; kind: RecordRow['kind']; content_provider_id: string | null; msisdn: string | null; ref: string | null; body: string }[];
      for (const x of rows) this.append({ id: x.id, at: x.at, kind: x.kind, contentProviderId: x.content_provider_id, msisdn: x.msisdn, ref: x.ref, body: JSON.parse(x.body) });
      this.db.exec('DROP TABLE records_legacy');
    })();
  }

  /**
   * Removes a purged month's file (after the purge's transaction committed the registry): other
   * connections still reading it keep their open handle until they next look at the registry.
   */
  async dropMonthFile(month: string): Promise<void> {
    const x = this.open.get(month);
    const path = x?.path ?? monthFilePath(this.mainPath, month);
    this.abandonSealing(month);
    if (x) {
      this.open.delete(month);
      this.stmts.delete(month);
      this.tips.delete(month);
      this.sqlCache.delete(x.db);
      await stopWriting(x);
    }
    this.registryDirty = true;
    // Unlinked before the connection closes: closing first would checkpoint the month's WAL into a
    // file about to go (a 64 MB WAL: 330 ms against 12 ms measured).
    if (path) await removeMonthFileAsync(path);
    if (x?.db.open) x.db.close();
  }

  /** Closes every month (the store's close). */
  async close(): Promise<void> {
    await this.thread?.close();
    this.thread = undefined;
    // A sealing not finished is abandoned: it commits if its statement ends before the process
    // does, else it rolls back and the next process that writes seals again.
    for (const m of [...this.sealing.keys()]) this.abandonSealing(m);
    const all = [...this.open.values()];
    this.open.clear();
    this.stmts.clear();
    this.tips.clear();
    await Promise.all([...all.map(closeMonth), ...this.background]);
  }

  /** Every table that can hold records, oldest first (retained first: it holds the oldest seqs). */
  private tablesOldestFirst(): ChainTable[] {
    // One registry check for the whole list, not one per month.
    return [RETAINED, ...this.liveMonths()].map((c) => this.tableOf(c));
  }

  /** A prepared statement on the main connection, cached per SQL text. */
  cached(sql: string) {
    return this.cachedOn(this.db, sql);
  }

  /** A prepared statement on one connection (main or a month's), cached per SQL text. */
  cachedOn(db: Db, sql: string): Statement<unknown[], unknown> {
    let c = this.sqlCache.get(db);
    if (!c) this.sqlCache.set(db, (c = new Map()));
    let s = c.get(sql);
    if (!s) {
      if (c.size > 500) c.clear();
      s = db.prepare<unknown[], unknown>(sql);
      c.set(sql, s);
    }
    return s;
  }

  /** Records appended in the running transaction and not yet written, with provisional seqs after every stored one. */
  private pendingWhere(match: (r: NewRecord) => boolean): StoredRecord[] {
    return this.pending.flatMap(({ r, body }, i) => (match(r) ? [{ ...r, body: JSON.parse(body) as Record<string, unknown>, seq: Number.MAX_SAFE_INTEGER - this.pending.length + i }] : []));
  }

  /** Every record about one message or consent, oldest first (including this transaction's own). */
  byRef(ref: string): StoredRecord[] {
    const out: StoredRecord[] = [];
    for (const { db, table } of this.tablesOldestFirst()) out.push(...(this.cachedOn(db, `SELECT ${RECORD_COLUMNS} FROM ${table} WHERE ref = ? ORDER BY seq`).raw().all(ref) as RawRow[]).map(toStored));
    return out.sort((a, b) => a.seq - b.seq).concat(this.pendingWhere((r) => r.ref === ref));
  }

  /**
   * {@link byRef} for several refs at once: every record about any of them, oldest first, one
   * statement per table through its ref index (at most 100 refs: a page of the message list).
   */
  byRefs(refs: readonly string[]): StoredRecord[] {
    if (refs.length === 0) return [];
    const marks = refs.map(() => '?').join(', ');
    const out: StoredRecord[] = [];
    for (const { db, table } of this.tablesOldestFirst()) out.push(...(this.cachedOn(db, `SELECT ${RECORD_COLUMNS} FROM ${table} WHERE ref IN (${marks}) ORDER BY seq`).raw().all(...refs) as RawRow[]).map(toStored));
    const wanted = new Set(refs);
    return out.sort((a, b) => a.seq - b.seq).concat(this.pendingWhere((r) => r.ref !== null && r.ref !== undefined && wanted.has(r.ref)));
  }

  /** Every record of one kind about one number, oldest first (including this transaction's own). */
  byMsisdn(msisdn: string, kind: RecordRow['kind']): StoredRecord[] {
    const out: StoredRecord[] = [];
    out.push(...(this.cached(`SELECT ${RECORD_COLUMNS} FROM records_retained WHERE msisdn = ? AND kind = ?`).raw().all(msisdn, kind) as RawRow[]).map(toStored));
    for (const chain of this.liveMonths()) out.push(...(this.byNumber(chain, RECORD_COLUMNS, 'AND kind = ?', msisdn, [kind]) as RawRow[]).map(toStored));
    return out.sort((a, b) => a.seq - b.seq).concat(this.pendingWhere((r) => r.msisdn === msisdn && r.kind === kind));
  }

  /**
   * Subscription records about one number, of one provider and of the platform (provider null), oldest
   * first, this transaction's own included: through each month's subscription index, one probe per
   * month and provider whatever the month's number index (a number alone probes each bucket of the
   * month being written).
   */
  subscriptionRecords(msisdn: string, contentProviderId: string): StoredRecord[] {
    const out: StoredRecord[] = [];
    const mine = (cp: string | null) => cp === contentProviderId || cp === null;
    out.push(...(this.cached(`SELECT ${RECORD_COLUMNS} FROM records_retained WHERE msisdn = ? AND kind = 'subscription'`).raw().all(msisdn) as RawRow[]).map(toStored).filter((r) => mine(r.contentProviderId)));
    for (const chain of this.liveMonths()) {
      const { db, table } = this.on(chain);
      const sql = `SELECT ${RECORD_COLUMNS} FROM ${table} INDEXED BY ${table}_sub WHERE kind = 'subscription' AND content_provider_id`;
      out.push(...(this.cachedOn(db, `${sql} = ? AND msisdn = ?`).raw().all(contentProviderId, msisdn) as RawRow[]).map(toStored));
      out.push(...(this.cachedOn(db, `${sql} IS NULL AND msisdn = ?`).raw().all(msisdn) as RawRow[]).map(toStored));
    }
    return out.sort((a, b) => a.seq - b.seq).concat(this.pendingWhere((r) => r.msisdn === msisdn && r.kind === 'subscription' && mine(r.contentProviderId)));
  }

  /** The SQL one table's page runs (see records-query.ts). Exposed for EXPLAIN tests. */
  pageSql(chain: string, q: RecordQuery, cursorSeq: number | null): PageSql | null {
    return pageSql(this, chain, q, cursorSeq);
  }

  /** Newest first, keyset-paginated on seq across months. */
  query(q: RecordQuery): { records: RecordRow[]; nextCursor: string | null } {
    return queryPage(this, q);
  }

  /** Up to `limit` rows of one chain after `afterSeq`, seq order. */
  scan(chain: string, afterSeq: number, limit: number): RecordChainRow[] {
    if (chain !== RETAINED && !this.liveMonths().includes(chain)) return [];
    if (chain === RETAINED) {
      return (this.cached(`SELECT ${RECORD_COLUMNS}, month, orig_hash FROM records_retained WHERE seq > ? ORDER BY seq LIMIT ?`).raw().all(afterSeq, limit) as (RawRow | [...RawRow, string, Buffer])[]).map((r) => ({ ...toChainRow(r as RawRow), month: r[13] as string, origHash: r[14] as Buffer }));
    }
    const { db, table } = this.on(chain);
    return (this.cachedOn(db, `SELECT ${RECORD_COLUMNS} FROM ${table} WHERE seq > ? ORDER BY seq LIMIT ?`).raw().all(afterSeq, limit) as RawRow[]).map(toChainRow);
  }

  /**
   * Month rows as `[seq, canonical bytes, hash]`, the canonical bytes built by SQLite (json_array of
   * the header columns, newline, body): one value crossing into JS per record instead of thirteen.
   */
  scanCanonical(chain: string, afterSeq: number, limit: number): { seq: number; canonical: Uint8Array; hash: Uint8Array }[] {
    if (chain === RETAINED || !this.liveMonths().includes(chain)) return [];
    const { db, table } = this.on(chain);
    const rows = this.cachedOn(db, `SELECT seq, CAST(json_array(seq, id, at, kind, content_provider_id, msisdn, ref, port, type, decision, rule) || char(10) || body AS BLOB), hash FROM ${table} WHERE seq > ? ORDER BY seq LIMIT ?`).raw().all(afterSeq, limit) as [number, Buffer, Buffer][];
    return rows.map((r) => ({ seq: r[0], canonical: r[1], hash: r[2] }));
  }

  /** One provider's records in a time range, seq order, every table (for inspection exports). */
  scanProvider(contentProviderId: string, from: number, to: number, afterSeq: number, limit: number): RecordChainRow[] {
    const out: RawRow[] = [];
    for (const { db, table } of this.tablesOldestFirst()) {
      out.push(...(this.cachedOn(db, `SELECT ${RECORD_COLUMNS} FROM ${table} WHERE content_provider_id = ? AND seq > ? AND +at >= ? AND +at < ? ORDER BY seq LIMIT ?`).raw().all(contentProviderId, afterSeq, from, to, limit) as RawRow[]));
    }
    return out.sort((a, b) => a[0] - b[0]).slice(0, limit).map(toChainRow);
  }
}
