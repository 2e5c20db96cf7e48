/**
 * A SQLite store's files as the benches size and remove them: the main file and each month of
 * records beside it (src/store/sqlite/month-files.ts), each with its WAL and shared memory if any.
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import type { SqliteStore } from '../src/store/sqlite/index.js';
import { monthFilesBeside } from '../src/store/sqlite/month-files.js';

export function dbFiles(path: string): string[] {
  const files = existsSync(path) ? [path, ...monthFilesBeside(path).values()] : [];
  return files.flatMap((f) => ['', '-wal', '-shm'].map((x) => f + x)).filter((f) => existsSync(f));
}

/** Bytes of every file of the database at `path` (checkpoint first for the data's size alone: `checkpointAll`). */
export const dbBytes = (path: string): number => dbFiles(path).reduce((a, f) => a + statSync(f).size, 0);

export const removeDb = (path: string): void => {
  for (const f of dbFiles(path)) rmSync(f, { force: true });
};

/** Checkpoints and truncates the WAL of the main file and of every live month. */
export function checkpointAll(store: SqliteStore): void {
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  const w = store.records.writer;
  for (const m of w.liveMonths()) w.on(m).db.pragma('wal_checkpoint(TRUNCATE)');
}
