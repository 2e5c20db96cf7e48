/**
 * A thread that writes a large transaction's records to their month file while the transaction is
 * still deciding (RecordsWriter, "Writing on a thread of its own"). The month append (the native
 * batch append, its indexes and commit) was ~a fifth of the event loop on the HTTP batch path; on
 * this thread it overlaps the decisions of the same transaction, and the event loop waits only for
 * the last chunk and the commit.
 *
 * The thread has its own connection to each month file it writes (same pragmas as the writer's,
 * the native extension loaded) and runs only what the main thread sends, in order: `append` (a
 * packed batch, as `smsguard_chain_append` takes it; the first of a transaction also carries the
 * chain tip the main thread read under the main file's write lock, and opens the month's write
 * transaction), then `commit` or `rollback`. The main thread waits for those two on a shared word
 * (Atomics.wait: it holds the main file's transaction meanwhile and has nothing else to do with it).
 * A failure on the thread (a batch the extension refuses, a constraint, a busy file) rolls the
 * month back there and is answered as such at `commit`: the writer then writes the whole
 * transaction's records on its own connection as it always did, which fails with SQLite's own
 * message if the failure was real.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const word = new Int32Array(workerData.shared, 0, 2);
const seqOut = new Float64Array(workerData.shared, 8, 1);
const conns = new Map();
let tx = null;
function conn(m) {
  let c = conns.get(m.path);
  if (c) return c;
  const db = new Database(m.path, { fileMustExist: true });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = ' + workerData.synchronous);
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -' + workerData.cacheKib);
  db.pragma('temp_store = MEMORY');
  db.pragma('wal_autocheckpoint = ' + Math.round(workerData.walBytes / db.pragma('page_size', { simple: true })));
  db.loadExtension(workerData.extension);
  c = { db, begin: db.prepare('BEGIN IMMEDIATE'), commit: db.prepare('COMMIT'), rollback: db.prepare('ROLLBACK'), stmts: new Map() };
  conns.set(m.path, c);
  return c;
}
function stmt(c, sql) {
  let s = c.stmts.get(sql);
  if (!s) { s = c.db.prepare(sql); c.stmts.set(sql, s); }
  return s;
}
function answer(ok, seq) {
  seqOut[0] = seq;
  Atomics.store(word, 1, ok ? 1 : 0);
  Atomics.add(word, 0, 1);
  Atomics.notify(word, 0);
}
function abandon() {
  if (tx && tx.c.db.inTransaction) { try { tx.c.rollback.run(); } catch {} }
}
const chunkStart = (seq) => Math.floor(seq / ${2 ** 12}) * ${2 ** 12};
parentPort.on('message', (m) => {
  switch (m.op) {
    case 'append': {
      if (tx && tx.failed) return;
      try {
        if (!tx) {
          const c = conn(m);
          tx = { c, failed: false, table: m.table, next: m.seq, start: m.seq - 1, hash: Buffer.from(m.hash), numbers: m.numbers };
          c.begin.run();
        }
        const forge = stmt(tx.c, 'SELECT smsguard_chain_append(?, ?, ?, ?)').pluck();
        tx.hash = Buffer.from(forge.get(tx.table, tx.next, tx.hash, Buffer.from(m.batch.buffer, m.batch.byteOffset, m.batch.byteLength)));
        tx.next += m.count;
      } catch (e) {
        abandon();
        if (tx) tx.failed = true; else tx = { c: null, failed: true };
      }
      return;
    }
    case 'commit': {
      let ok = false, last = 0;
      if (tx && !tx.failed) {
        try {
          last = tx.next - 1;
          const lo = chunkStart(tx.start), hi = chunkStart(last);
          if (tx.numbers && hi > lo) stmt(tx.c, tx.numbers).run(lo, hi);
          tx.c.commit.run();
          ok = true;
        } catch (e) {
          abandon();
        }
      }
      tx = null;
      answer(ok, last);
      return;
    }
    case 'rollback':
      if (tx && tx.c) abandon();
      tx = null;
      answer(true, 0);
      return;
    case 'forget': {
      const c = conns.get(m.path);
      if (c) { conns.delete(m.path); try { c.db.close(); } catch {} }
      return;
    }
    case 'close':
      for (const c of conns.values()) { try { c.db.close(); } catch {} }
      conns.clear();
      answer(true, 0);
      return;
  }
});
`;

/** What the thread needs to open a month file as the writer does (month-files.ts). */
export interface RecordsThreadOptions {
  /** The native extension (native-links.ts `nativeForgePath`): the thread only appends through it. */
  extension: string;
  synchronous: string;
  cacheKib: number;
  walBytes: number;
}

/** The longest the event loop waits for the thread's commit or rollback before failing its transaction. */
const WAIT_MS = 60_000;

export class RecordsThread {
  private readonly worker: Worker;
  private readonly word: Int32Array;
  private readonly seqOut: Float64Array;
  /** Set when the thread did not answer in time: its state is unknown, so it is used no more. */
  broken = false;

  constructor(o: RecordsThreadOptions) {
    const shared = new SharedArrayBuffer(16);
    this.word = new Int32Array(shared, 0, 2);
    this.seqOut = new Float64Array(shared, 8, 1);
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    // Not the parent's flags: a loader the parent was started with (`--import tsx`) would run in the
    // thread's start-up, which then waits on the parent's event loop, and the parent may be waiting on
    // the thread (the first commit) before that loop turns again.
    this.worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { ...o, driver, shared } });
    this.worker.unref();
    this.worker.on('error', () => { this.broken = true; });
  }

  /**
   * Sends a packed batch (copied: the writer reuses its pack buffer). The first of a transaction
   * carries the month's tip (`seq` is the first new record's, `hash` the tip's) and opens its write
   * transaction on the thread.
   */
  append(m: { path: string; table: string; seq: number; hash: Buffer; numbers: string | null }, batch: Buffer, count: number): void {
    const copy = new Uint8Array(batch.length);
    copy.set(batch);
    this.worker.postMessage({ op: 'append', path: m.path, table: m.table, seq: m.seq, hash: m.hash, numbers: m.numbers, batch: copy, count }, [copy.buffer]);
  }

  /** Commits what was appended: the last seq written, or null when the thread failed (its month rolled back). */
  commit(): number | null {
    return this.ask({ op: 'commit' }) ? this.seqOut[0] : null;
  }

  /** Drops what was appended (the main transaction failed before its records were committed). */
  rollback(): void {
    this.ask({ op: 'rollback' });
  }

  /** Closes the thread's connection to a month file (purged, or no longer open here). */
  forget(path: string): void {
    this.worker.postMessage({ op: 'forget', path });
  }

  async close(): Promise<void> {
    if (!this.broken) this.ask({ op: 'close' });
    await this.worker.terminate();
  }

  /** Posts `msg` and waits for the thread's answer on the shared word. */
  private ask(msg: { op: string }): boolean {
    const before = Atomics.load(this.word, 0);
    this.worker.postMessage(msg);
    const deadline = Date.now() + WAIT_MS;
    while (Atomics.load(this.word, 0) === before) {
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(this.word, 0, before, left) === 'timed-out') {
        if (Atomics.load(this.word, 0) !== before) break;
        this.broken = true;
        throw new Error(`the records thread did not answer ${msg.op} within ${WAIT_MS} ms`);
      }
    }
    return Atomics.load(this.word, 1) === 1;
  }
}
