/**
 * The WAL-buffering VFS (native/wal-buffer.c, in the native library that scripts/build-native.mjs
 * builds): made SQLite's default for this process, once, before the store opens its first file, so
 * every file connection after it (the main file, the month files, the checkpointer and verifier
 * threads' connections) writes a commit's WAL frames in one pwrite instead of two per frame. The
 * files are the same either way; only the number of system calls changes (docs/PERFORMANCE.md).
 *
 * Off when the store is opened with `walBuffer: false` (SMSGUARD_WAL_BUFFER=0, src/config/schema.ts), and when the library is not built or does not load (SQLite's own
 * VFS then).
 */
import Database from 'better-sqlite3';
import { nativeLibraryPath } from './native-links.js';

let state: boolean | null = null;

/**
 * Registers the VFS as the default (once per process: the first call decides, `enabled` false
 * leaving SQLite's own; later calls say whether it is in use).
 */
export function useWalBuffer(enabled = true): boolean {
  if (state !== null) return state;
  state = false;
  if (!enabled) return state;
  const path = nativeLibraryPath();
  if (path === null) return state;
  // The loading connection may close: the entry point asks SQLite to keep the library loaded.
  const db = new Database(':memory:');
  try {
    // better-sqlite3 takes an entry point as a second argument; its type declaration does not say so
    (db.loadExtension as (file: string, entryPoint: string) => Database.Database)(path, 'sqlite3_walbuffer_init');
    state = true;
  } catch {
    state = false;
  } finally {
    db.close();
  }
  return state;
}
