/**
 * The SQLite store's tuning as the validated configuration gives it: what `openStore` passes to the
 * store at open, so that the store modules read no environment (test/unit/architecture.test.ts).
 */
import type { SqliteTuning } from '../store/sqlite/tuning.js';
import type { Config } from './schema.js';

/** The store's SqliteTuning from a loaded configuration. */
export function sqliteTuning(c: Config): SqliteTuning {
  return {
    sync: c.sqliteSync,
    walBuffer: c.walBuffer,
    nativeWrite: c.nativeWrite,
    nativeVerify: c.nativeVerify,
    recordsThread: c.recordsThread,
    recordsThreadTimeoutMs: c.recordsThreadTimeoutMs,
    ...(c.verifyThreads !== undefined ? { verifyThreads: c.verifyThreads } : {}),
  };
}
