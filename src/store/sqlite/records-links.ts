/**
 * The verifier's fast path on SQLite: checks a month's hash-chain links straight from the database's
 * bytes, in batches, on every core.
 *
 * Why it may check links in any order: each row stores its own hash. If every row of a range hashes,
 * with the *stored* hash of the row before it (the genesis for the month's first row), to its own
 * stored hash, then by induction the recomputed chain equals the stored one over the whole range. So
 * a month splits into chunks checked independently; a chunk starting after row k takes row k's stored
 * hash as its `prev`, and the smallest failing seq over all chunks is the first failure of the chain.
 *
 * What this answers is only "rows before seq A are proven"; the caller (src/app/records-verify.ts)
 * re-checks from A the exact, row-by-row way, so the report (which record, which reason) is the same
 * as without this path. Anything unexpected here (a gap, a NULL, a hash of the wrong size, bytes the
 * database renders differently from `canonicalRecord`) just ends the proven prefix.
 *
 * Per batch of rows, SQLite returns one value: each row's canonical bytes followed by its stored
 * hash, concatenated in seq order. That puts row i-1's stored hash right before row i's canonical
 * bytes, so `prev ‖ canonical` is hashed in place, one call per row, no copies; the digest comes back
 * as a latin1 string (a Buffer result costs twice as much) and is compared byte by byte. Reading rows
 * one by one into JS cost more than hashing them (several µs per row, three values each).
 *
 * Where the native extension is built (native-links.ts), each chunk is instead proven by one call of
 * its aggregate inside SQLite, about twice as fast; the batches above are the path without it.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { Db } from './db.js';
import { MMAP_BYTES } from './tuning.js';
import { sha256Binary } from '../../domain/hash-chain.js';
import { workerScript } from '../../runtime/worker-script.js';
import { loadNativeLinks, nativeLinksPath, nativeLinksSql } from './native-links.js';

/** Rows per SQL batch (one value crossing into JS). */
const BATCH = 2_000;
/** Rows per unit of work handed to a thread. */
const CHUNK = 50_000;
/** Below this many rows a range is checked on the calling thread only (a worker costs ~170 ms of CPU under tsx, spawn to exit). */
const PARALLEL_MIN = 150_000;

const sha256 = sha256Binary;

/**
 * The batch statement. Per row: the header line as the verifier builds it (`recordHeader`: a JSON
 * array of the columns, then a newline), the body, the stored hash; the body lengths in bytes come
 * apart as a JSON array. The split is unambiguous: the header never holds a raw newline (json_array
 * escapes it), and the lengths and sizes are SQLite's, not the data's. A NULL anywhere drops that
 * row from the concatenation (but not from the count), and a hash that is not 32 bytes (or NULL) is
 * missing from the count of 32-byte hashes: either way the batch is not proven.
 */
function batchSql(table: string): string {
  return `SELECT count(*), min(seq), max(seq),
      CAST(group_concat(json_array(seq, id, at, kind, content_provider_id, msisdn, ref, port, type, decision, rule) || char(10) || body || hash, '') AS BLOB),
      json_group_array(octet_length(body)), sum(octet_length(hash) = 32)
    FROM ${table} WHERE seq >= ? AND seq <= ?`;
}

type BatchRow = [count: number, min: number | null, max: number | null, bytes: Buffer | null, bodyLengths: string, hashes32: number | null];

/** The native statement, or null (an extension built from older sources may not take these arguments). */
function prepareNative(db: Db, table: string) {
  try {
    return db.prepare(nativeLinksSql(table)).pluck();
  } catch {
    return null;
  }
}

/** Per-connection statements for one table. */
class RangeChecker {
  private readonly batch;
  private readonly hashAt;
  /** The native extension's statement (native-links.ts), when it is loaded on this connection. */
  private readonly native;
  private readonly scratch = Buffer.allocUnsafe(64 * 1024);

  constructor(db: Db, table: string, private readonly firstSeq: number, private readonly genesis: Uint8Array, ext: string | null) {
    this.batch = db.prepare(batchSql(table)).raw();
    this.hashAt = db.prepare(`SELECT hash FROM ${table} WHERE seq = ?`).pluck();
    this.native = loadNativeLinks(db, ext) ? prepareNative(db, table) : null;
  }

  /**
   * Checks rows `from..to` (inclusive). Returns the first seq not proven (every row before it is), or
   * null when the whole range is.
   */
  check(from: number, to: number): number | null {
    let prev: Uint8Array;
    if (from === this.firstSeq) prev = this.genesis;
    else {
      const h = this.hashAt.get(from - 1) as unknown;
      if (!(h instanceof Uint8Array) || h.length !== 32) return from;
      prev = h;
    }
    if (this.native) {
      let r: unknown;
      try {
        r = this.native.get(prev, from, to, from, to);
      } catch {
        return from;
      }
      return r === 0 ? null : typeof r === 'number' ? r : from;
    }
    for (let lo = from; lo <= to; lo += BATCH) {
      const hi = Math.min(to, lo + BATCH - 1);
      const bad = this.checkBatch(lo, hi, prev);
      if (typeof bad === 'number') return bad;
      prev = bad;
    }
    return null;
  }

  /** One batch: the first seq not proven, or the last row's stored hash (the next batch's prev). */
  private checkBatch(lo: number, hi: number, prev: Uint8Array): number | Buffer {
    const want = hi - lo + 1;
    let row: BatchRow;
    try {
      row = this.batch.get(lo, hi) as BatchRow;
    } catch {
      return lo; // e.g. a column turned into a BLOB, which json_array refuses: the exact path reports it
    }
    const [count, min, max, blob, lengthsJson, hashes32] = row;
    if (count !== want || min !== lo || max !== hi || !blob || hashes32 !== want) return lo;
    const lengths = JSON.parse(lengthsJson) as unknown[];
    if (lengths.length !== want) return lo;
    let pos = 0;
    for (let i = 0; i < want; i++) {
      const nl = blob.indexOf(10, pos);
      const bodyLen = lengths[i];
      if (nl < 0 || typeof bodyLen !== 'number') return lo;
      const end = nl + 1 + bodyLen;
      if (end + 32 > blob.length) return lo;
      let digest: string;
      if (i === 0) {
        // The first row's predecessor is not in this value: copy prev and the bytes together.
        const n = 32 + end - pos;
        const buf = n <= this.scratch.length ? this.scratch : Buffer.allocUnsafe(n);
        buf.set(prev, 0);
        blob.copy(buf, 32, pos, end);
        digest = sha256(buf.subarray(0, n));
      } else {
        // The previous row's stored hash sits right before this row's bytes.
        digest = sha256(blob.subarray(pos - 32, end));
      }
      for (let j = 0; j < 32; j++) {
        if (digest.charCodeAt(j) !== blob[end + j]) return lo + i;
      }
      pos = end + 32;
    }
    if (pos !== blob.length) return lo;
    return Buffer.from(blob.subarray(pos - 32, pos));
  }
}

/**
 * Shared between the threads of one check (an Int32Array over a SharedArrayBuffer):
 * [0] next chunk to claim, [1] lowest chunk that failed (chunks above it are skipped),
 * [2] rows done (progress), [3 + w] worker w's state: 0 not started, 1 running, 2 cancelled.
 * `results[i]`: 0 not done, -1 proven, else 1 + the failing seq's offset in chunk i.
 */
export interface LinkJob {
  path: string;
  table: string;
  firstSeq: number;
  genesis: Uint8Array;
  from: number;
  to: number;
  /** Rows per chunk. */
  chunk: number;
  chunks: number;
  ctl: SharedArrayBuffer;
  results: SharedArrayBuffer;
  /** The native extension to load on each connection (native-links.ts), or null for the JavaScript path. */
  ext: string | null;
}

const NEXT = 0, LOWEST_BAD = 1, DONE = 2, STATE = 3;

/**
 * A read-only connection of the verifier's own, which never touches the caller's connection
 * settings. The JavaScript path reads through a memory map (no copy into SQLite's page cache; about a
 * tenth faster here). The native path reads without one: it touches each page once, and a fresh map
 * pays a page fault per page where a read copies it; one thread proved 860–880k records/s without
 * against 760–790k with (300k records, three alternating runs).
 */
export function openReader(path: string, native = false): Db {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  if (!native) db.pragma(`mmap_size = ${MMAP_BYTES}`);
  return db;
}

/** Claims and checks chunks until none are left; what the calling thread and each worker run. */
export function runChunks(db: Db, job: LinkJob, onChunk?: () => void): void {
  const ctl = new Int32Array(job.ctl);
  const results = new Int32Array(job.results);
  const checker = new RangeChecker(db, job.table, job.firstSeq, job.genesis, job.ext);
  for (;;) {
    const i = Atomics.add(ctl, NEXT, 1);
    if (i >= job.chunks || i > Atomics.load(ctl, LOWEST_BAD)) return;
    const from = job.from + i * job.chunk;
    const to = Math.min(job.to, from + job.chunk - 1);
    const bad = checker.check(from, to);
    Atomics.store(results, i, bad === null ? -1 : 1 + bad - from);
    if (bad !== null) {
      let cur = Atomics.load(ctl, LOWEST_BAD);
      while (i < cur) {
        const seen = Atomics.compareExchange(ctl, LOWEST_BAD, cur, i);
        if (seen === cur) break;
        cur = seen;
      }
    }
    Atomics.add(ctl, DONE, to - from + 1);
    onChunk?.();
  }
}

/**
 * The worker's bootstrap when the entry cannot be bundled: TypeScript runs through tsx here as in the main thread.
 * tsx's require hook, not its ESM loader: that one starts a loader thread of its own, and the worker
 * cost ~280 ms of CPU, spawn to exit, instead of ~170.
 */
const BOOT = `
const { workerData, parentPort } = require('node:worker_threads');
try {
  require(workerData.tsx).register();
  require(workerData.entry);
} catch (e) {
  parentPort.postMessage({ error: String((e && e.stack) || e) });
}
`;

export interface LinkOptions {
  /** Threads including the calling one (default SMSGUARD_VERIFY_THREADS, else the machine's cores). */
  threads?: number;
  /** Rows per unit of work (default 50,000). */
  chunk?: number;
  /** Smallest range worth starting workers for (default 150,000 rows). */
  parallelMin?: number;
  /** false: the calling thread only waits while the workers do every chunk (tests use it to be sure the workers ran). */
  callerWorks?: boolean;
  /** false: the JavaScript path even where the native extension is built (tests compare the two). */
  native?: boolean;
  /** The workers' entry module (tests: one that fails to start). */
  workerEntry?: URL;
}

/**
 * Checks rows `from..to` of a month table. `firstSeq` is the month's first seq (its predecessor is
 * the genesis hash). Uses `threads` threads (default: the machine's cores) when the range is large
 * and the database is a file; the calling thread always takes part, so a worker still starting when
 * the work runs out is simply cancelled. Returns the first seq not proven, or null.
 */
export async function checkLinks(db: Db, table: string, firstSeq: number, genesis: Uint8Array, from: number, to: number, opts: LinkOptions & { progress?: (n: number) => void } = {}): Promise<number | null> {
  if (to < from) return null;
  const rows = to - from + 1;
  const chunk = opts.chunk ?? CHUNK;
  const chunks = Math.ceil(rows / chunk);
  const wanted = opts.threads ?? availableParallelism();
  // Other connections can only share a named file (not ':memory:', not '' which is a private temporary file).
  const file = !db.memory && db.name !== '';
  const workers = !file || rows < (opts.parallelMin ?? PARALLEL_MIN) ? 0 : Math.max(0, Math.min(wanted, chunks) - 1);
  const job: LinkJob = {
    path: db.name, table, firstSeq, genesis: Buffer.from(genesis), from, to, chunk, chunks,
    ctl: new SharedArrayBuffer(4 * (STATE + workers)), results: new SharedArrayBuffer(4 * chunks),
    ext: opts.native === false ? null : nativeLinksPath(),
  };
  const ctl = new Int32Array(job.ctl);
  ctl[LOWEST_BAD] = chunks;
  const pool: { worker: Worker; done: Promise<void> }[] = [];
  for (let w = 0; w < workers; w++) {
    const entry = opts.workerEntry ?? new URL('./records-links-worker.ts', import.meta.url);
    // Bundled once per process (src/runtime/worker-script.ts): ~50 ms of CPU to start instead of ~200 under tsx.
    const script = workerScript(entry);
    const worker = script
      ? new Worker(script, { eval: true, workerData: { job, slot: STATE + w } })
      : new Worker(BOOT, { eval: true, workerData: { tsx: createRequire(import.meta.url).resolve('tsx/cjs/api'), entry: fileURLToPath(entry), job, slot: STATE + w } });
    // A worker that fails leaves its chunk unmarked; the calling thread checks such chunks at the end.
    const done = new Promise<void>((resolve) => {
      worker.once('message', () => resolve());
      worker.once('error', () => resolve());
      worker.once('exit', () => resolve());
    });
    pool.push({ worker, done });
  }
  let reported = 0;
  const report = () => {
    if (!opts.progress) return;
    const n = Atomics.load(ctl, DONE);
    if (n > reported) opts.progress(n - reported);
    reported = n;
  };
  // The calling thread reads through its own connection too, where it can.
  let own: Db | null = null;
  if (file) {
    try {
      own = openReader(db.name, job.ext !== null);
    } catch {
      own = null;
    }
  }
  try {
    if (opts.callerWorks !== false || workers === 0) runChunks(own ?? db, job, report);
    for (let w = 0; w < workers; w++) {
      // Not started yet: cancel it rather than wait for it to boot and find nothing left.
      if (opts.callerWorks !== false && Atomics.compareExchange(ctl, STATE + w, 0, 2) === 0) continue;
      await pool[w].done;
    }
    await Promise.all(pool.map((p) => p.worker.terminate()));
    // Chunks left unmarked before the first bad one: a worker died (or never started) holding them.
    // Checked here, so that a failed thread costs time, never a false report of a broken chain.
    const results = new Int32Array(job.results);
    let checker: RangeChecker | null = null;
    for (let i = 0; i < chunks; i++) {
      let r = Atomics.load(results, i);
      const start = from + i * chunk;
      if (r === 0) {
        checker ??= new RangeChecker(own ?? db, table, firstSeq, job.genesis, job.ext);
        const end = Math.min(to, start + chunk - 1);
        const bad = checker.check(start, end);
        r = bad === null ? -1 : 1 + bad - start;
        Atomics.add(ctl, DONE, end - start + 1);
        report();
      }
      if (r !== -1) return start + r - 1;
    }
    return null;
  } finally {
    own?.close();
    await Promise.all(pool.map((p) => p.worker.terminate()));
    report();
  }
}

