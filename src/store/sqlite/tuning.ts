/**
 * Memory settings shared by the SQLite connections (a module of its own, with no imports, so that
 * the records verifier's worker bundle can take it without the store's migrations).
 */

/**
 * SQLite's own page cache per connection that writes on the message path (main file, month being
 * written), in KiB: kept small on purpose. A B-tree page split (balance_nonroot) parks a page under
 * the lock page's number for a moment (page 262,145 with 4 KiB pages, 65,537 with 16 KiB), which
 * leaves that number as the cache's largest key; at every commit SQLite then truncates the cache to
 * the database's size and, while the file is under 1 GiB, walks every cached page to do it. With
 * the 256 MiB cache the main file used to ask for, that walk cost ~0.3 ms per commit once the cache had
 * filled (`bench/sqlite-commit-cache.ts`); 8 MiB bounds it at 2,048 pages of 4 KiB (512 of a month
 * file's 16 KiB). Measured in the benchmarks (docs/PERFORMANCE.md): 8 MiB gave `http_batch_msgs_per_s`
 * 21,570–23,366 against 19,413–19,546 with 32 MiB; with 2 MiB commercial decisions were slower
 * (one run, 22,100/s against 25,000–28,800/s with 8 MiB).
 */
export const PAGE_CACHE_KIB = 8_192;
/**
 * The main file is read through a memory map instead (SQLite's largest by default, 0x7fff0000): a
 * clean page costs neither a read call nor a copy into the cache, so the consent look-up index
 * (~100 MB per million consents, docs/CONSENT.md) reads as fast as when a big cache held it.
 */
export const MMAP_BYTES = 2_147_418_112;

/** SQLite's `PRAGMA synchronous` levels the store may be opened with. */
export const SQLITE_SYNCS = ['OFF', 'NORMAL', 'FULL', 'EXTRA'] as const;
export type SqliteSync = (typeof SQLITE_SYNCS)[number];

/**
 * Tuning and benchmark switches of the SQLite store, passed in when it opens (SqliteStore, openStore).
 * The store reads no environment: the configuration (src/config/schema.ts, `SMSGUARD_SQLITE_SYNC` and
 * the others, validated there) gives these, so a bad value is refused at start naming its variable
 * instead of going into a PRAGMA or being read as "off".
 */
export interface SqliteTuning {
  /**
   * `PRAGMA synchronous` of the main file, the month files and the records thread. NORMAL (default)
   * in WAL mode survives a process crash; FULL/EXTRA also an OS crash, at an fsync per commit; OFF
   * survives neither (benchmarks only).
   */
  readonly sync: SqliteSync;
  /** The WAL-buffering VFS (wal-buffer.ts) where the native library is built; process-wide, decided by the first store opened. */
  readonly walBuffer: boolean;
  /** The records writer appends batches through the native extension where built (native-links.ts). */
  readonly nativeWrite: boolean;
  /** `records verify` proves links through the native extension where built (records-links.ts). */
  readonly nativeVerify: boolean;
  /** The records thread (records-thread.ts): off by default (docs/RECORDS.md). */
  readonly recordsThread: boolean;
  /** How long the loop waits for the records thread to commit before giving the transaction up, ms. */
  readonly recordsThreadTimeoutMs: number;
  /** Threads `records verify` uses; undefined: the machine's cores. */
  readonly verifyThreads?: number;
}

/** What the store opens with when nothing is said (the configuration's defaults are these). */
export const DEFAULT_SQLITE_TUNING: SqliteTuning = Object.freeze({
  sync: 'NORMAL', walBuffer: true, nativeWrite: true, nativeVerify: true, recordsThread: false, recordsThreadTimeoutMs: 60_000,
});

/**
 * The `synchronous` pragma text for a level, checked again here: a PRAGMA cannot take a bound
 * parameter, and a store built in code (tests, benchmarks) bypasses the configuration's check.
 */
export function syncPragma(sync: SqliteSync): string {
  if (!(SQLITE_SYNCS as readonly string[]).includes(sync)) throw new Error(`SQLite synchronous level ${JSON.stringify(sync)} is not one of ${SQLITE_SYNCS.join(', ')}`);
  return `synchronous = ${sync}`;
}
