/**
 * The SQLite store's tuning for the benchmarks that open a store in their own process: the
 * environment's SMSGUARD_SQLITE_SYNC, SMSGUARD_RECORDS_THREAD, SMSGUARD_NATIVE_WRITE and the others,
 * read and validated through the configuration exactly as `smsguard start` reads them (the store
 * itself reads no environment), so `SMSGUARD_SQLITE_SYNC=FULL npm run bench` measures FULL and a
 * misspelt value is refused naming its variable instead of measuring the default.
 */
import { loadConfig } from '../src/config/schema.js';
import { sqliteTuning } from '../src/config/sqlite-tuning.js';
import { useWorkerBundles } from '../src/runtime/worker-script.js';

const config = loadConfig({});
useWorkerBundles(config.workerBundle === 'on');

/** What `new SqliteStore(path, BENCH_SQLITE)` opens with. */
export const BENCH_SQLITE = sqliteTuning(config);
