/**
 * The records writer's month appends on a thread of their own, overlapping the transaction that
 * makes them. Without it the month file is written at the end of the main transaction, on the event
 * loop, after the decisions (records-writer.ts, "Commit order"): on the HTTP batch path that was a
 * quarter to a third of the loop's time (docs/PERFORMANCE.md). Here the writer hands each chunk of a
 * transaction's records to this thread as soon as they are appended, and the thread appends them to
 * the month inside one month transaction (the native `smsguard_chain_append`, the same bytes and
 * links) while the loop goes on deciding. At the end of the main transaction the loop waits (a
 * blocking `Atomics.wait`, so the main transaction stays one synchronous better-sqlite3 transaction,
 * as before) for the thread to commit the month, then the main file commits: the commit order is
 * unchanged, and so is everything a crash can leave (records without their decision, never the
 * reverse).
 *
 * Only for month files (a month in memory cannot be shared between threads) and only with the native
 * extension; anything the thread cannot do (a record the extension refuses, an error) is rolled back
 * there and written again by the loop's own path, so the thread never decides what is recorded.
 * Off unless SMSGUARD_RECORDS_THREAD=1: on this project's two-core machine it took a sixth to a fifth
 * off the event loop's time per message on the HTTP batch path but added CPU in all (a second
 * connection, hand-overs, wake-ups): the batch figure gained ~8 % when the machine was quiet and
 * nothing when it was contended, and the records writer's CPU per record rose 5–11 %
 * (docs/PERFORMANCE.md). It is for a machine with cores to spare, where the event loop is the limit.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { syncPragma, type SqliteSync } from './tuning.js';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const ctrl = new Int32Array(workerData.ctrl);
const hashOut = new Uint8Array(workerData.hash);
const errOut = new Uint8Array(workerData.err);
const conns = new Map();
let cur = null;
Atomics.store(ctrl, 3, 1);
function conn(m) {
  let c = conns.get(m.path);
  if (c && c.table === m.table) return c;
  if (c) { try { c.db.close(); } catch {} conns.delete(m.path); }
  const db = new Database(m.path, { fileMustExist: true });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = ' + workerData.sync);
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -' + workerData.cacheKib);
  db.pragma('wal_autocheckpoint = ' + m.autocheckpoint);
  db.loadExtension(workerData.native);
  c = {
    db, table: m.table,
    forge: db.prepare('SELECT smsguard_chain_append(?, ?, ?, ?)').pluck(),
    numbers: m.numbersSql ? db.prepare(m.numbersSql) : null,
    begin: db.prepare('BEGIN IMMEDIATE'), commit: db.prepare('COMMIT'), rollback: db.prepare('ROLLBACK'),
  };
  conns.set(m.path, c);
  return c;
}
function done(status, message) {
  if (message) {
    const b = Buffer.from(String(message).slice(0, 1000));
    errOut.set(b.subarray(0, errOut.length));
    Atomics.store(ctrl, 2, Math.min(b.length, errOut.length));
  } else Atomics.store(ctrl, 2, 0);
  Atomics.store(ctrl, 1, status);
  Atomics.add(ctrl, 0, 1);
  Atomics.notify(ctrl, 0);
}
parentPort.on('message', (m) => {
  if (m.op === 'begin') {
    cur = { c: null, seq: m.seq, hash: Buffer.from(m.hash), err: null };
    try { cur.c = conn(m); cur.c.begin.run(); } catch (e) { cur.err = e; }
  } else if (m.op === 'append') {
    if (!cur || cur.err) return;
    try {
      cur.hash = cur.c.forge.get(cur.c.table, cur.seq, cur.hash, m.bytes);
      cur.seq += m.count;
    } catch (e) { cur.err = e; }
  } else if (m.op === 'end') {
    const x = cur;
    cur = null;
    if (!x) return done(2, 'no month transaction open');
    if (!x.err && m.commit) {
      try {
        if (x.c.numbers && m.hi > m.lo) x.c.numbers.run(m.lo, m.hi);
        x.c.commit.run();
        hashOut.set(x.hash);
        return done(0, null);
      } catch (e) { x.err = e; }
    }
    try { if (x.c && x.c.db.inTransaction) x.c.rollback.run(); } catch {}
    if (!m.commit && !x.err) return done(3, null);
    const msg = x.err && x.err.message || 'rolled back';
    done(msg.startsWith('smsguard_chain_append:') ? 1 : 2, msg);
  } else if (m.op === 'close') {
    for (const c of conns.values()) { try { c.db.close(); } catch {} }
    conns.clear();
    parentPort.postMessage('closed');
  }
});
`;

/** What the thread says at the end of a month transaction. */
export type ThreadEnd =
  | { ok: true; hash: Buffer }
  /** Nothing was written (rolled back): `refused` when the extension refused a record, as the loop's own native path can. */
  | { ok: false; refused: boolean; message: string; stuck?: false }
  /**
   * It did not answer in time: it may still commit what it holds. It is being stopped; `exited`
   * settles once it has, and only then is the month's content final.
   */
  | { ok: false; refused: false; message: string; stuck: true };

/** The month a transaction's records go to, as the thread opens it. */
export interface ThreadMonth {
  path: string;
  table: string;
  /** `addNumbersSql(table)` for a `batched` number index, else null. */
  numbersSql: string | null;
  autocheckpoint: number;
}

/** How long it may take the thread to start (it starts when first wanted, inside a transaction). */
const START_TIMEOUT_MS = 10_000;

export class RecordsThread {
  private readonly worker: Worker;
  /** [0] ends answered, [1] the last end's status, [2] its message's length, [3] 1 once the thread runs. */
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(16));
  private readonly hash = new Uint8Array(new SharedArrayBuffer(32));
  private readonly err = new Uint8Array(new SharedArrayBuffer(1000));
  private ends = 0;
  private dead: Error | null = null;
  /**
   * How long the loop waits for the thread to commit before giving the transaction up (the store's
   * `recordsThreadTimeoutMs`, 60 s by default; SMSGUARD_RECORDS_THREAD_TIMEOUT_MS).
   */
  private readonly endTimeoutMs: number;
  /** Settles when the thread has exited (stopped, failed or closed). */
  readonly exited: Promise<void>;

  constructor(o: { native: string; cacheKib: number; sync: SqliteSync; endTimeoutMs: number }) {
    this.endTimeoutMs = o.endTimeoutMs;
    syncPragma(o.sync); // checked before it goes into the thread's PRAGMA
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      // Not this process's flags: `--input-type=module` (node -e) would read the source as a module.
      execArgv: [],
      workerData: { driver, native: o.native, cacheKib: o.cacheKib, sync: o.sync, ctrl: this.ctrl.buffer, hash: this.hash.buffer, err: this.err.buffer },
    });
    this.worker.unref();
    this.worker.on('error', (e) => { this.dead = e; });
    this.exited = new Promise((resolve) => this.worker.once('exit', () => {
      this.dead ??= new Error('records thread exited');
      resolve();
    }));
  }

  /** Whether the thread can take a transaction (it has not failed). */
  get usable(): boolean {
    return this.dead === null;
  }

  /** Opens a month transaction there; `seq` is the first seq to append, `hash` the month's tip hash (32 bytes). */
  begin(m: ThreadMonth, seq: number, hash: Buffer): void {
    this.worker.postMessage({ op: 'begin', path: m.path, table: m.table, numbersSql: m.numbersSql, autocheckpoint: m.autocheckpoint, seq, hash });
  }

  /** Appends a packed batch (records-writer.ts packBatch) of `count` records; its buffer moves to the thread (unusable here after). */
  append(bytes: Uint8Array<ArrayBuffer>, count: number): void {
    this.worker.postMessage({ op: 'append', bytes, count }, [bytes.buffer]);
  }

  /**
   * Ends the month transaction, committing it (with the number table's chunks `[lo, hi)`) or rolling
   * it back, and waits for the thread to say so.
   */
  end(commit: boolean, lo = 0, hi = 0): ThreadEnd {
    const seen = this.ends;
    this.worker.postMessage({ op: 'end', commit, lo, hi });
    const started = Date.now();
    const deadline = started + this.endTimeoutMs;
    while (Atomics.load(this.ctrl, 0) === seen) {
      // A thread that never started (its 'exit' cannot be heard while the loop waits here) is given up sooner.
      if (Atomics.load(this.ctrl, 3) === 0 && Date.now() - started > START_TIMEOUT_MS) this.dead ??= new Error(`records thread did not start in ${START_TIMEOUT_MS / 1000} s`);
      const left = deadline - Date.now();
      if (left <= 0 || this.dead) {
        // It may still commit what it holds (a disk that hung): stopped, and the writer writes
        // nothing more until it has exited (records-writer.ts threadStuck).
        this.dead ??= new Error(`records thread did not answer in ${this.endTimeoutMs / 1000} s`);
        void this.worker.terminate().catch(() => undefined);
        return { ok: false, refused: false, message: this.dead.message, stuck: true };
      }
      Atomics.wait(this.ctrl, 0, seen, Math.min(left, 1000));
    }
    this.ends = seen + 1;
    const status = Atomics.load(this.ctrl, 1);
    if (status === 0) return { ok: true, hash: Buffer.from(this.hash) };
    const n = Atomics.load(this.ctrl, 2);
    return { ok: false, refused: status === 1, message: Buffer.from(this.err.subarray(0, n)).toString() };
  }

  async close(): Promise<void> {
    if (this.dead) {
      await this.worker.terminate();
      return;
    }
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 2000);
      this.worker.once('message', () => {
        clearTimeout(t);
        resolve();
      });
      this.worker.postMessage({ op: 'close' });
    });
    await this.worker.terminate();
  }
}
