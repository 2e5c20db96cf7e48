/**
 * A consistent copy of a SQLite store while the gateway runs: the main file and every live month of
 * records (src/store/sqlite/month-files.ts), through SQLite's online backup API, into a folder that
 * `smsguard start --db <folder>/<name>.db` opens as it is.
 *
 * Why not copy the files: with WAL, a file copied while a process writes may miss committed pages
 * (still in the -wal) or catch a half-written checkpoint. And since records live in a file per
 * month, copying the main file alone (`sqlite3 smsguard.db .backup`) leaves every record behind.
 *
 * Order, for the same guarantee as a crash: records commit to their month before the main file
 * commits (records-writer.ts), so the main file is copied first and the months after it. A month
 * copied later may hold records of decisions the copied main file does not have yet (as after a crash
 * between the two commits); never a decision without its records. The month files are opened before
 * the main file is copied, so a purge running meanwhile (an unlink) cannot take a month the copy
 * still lists: the open handle keeps its bytes readable until closed.
 */
import Database from 'better-sqlite3';
import { chmodSync, copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Db } from './db.js';
import { SmsguardError } from '../../domain/errors.js';
import { monthFilePath, monthFilesBeside } from './month-files.js';

export interface BackupFile {
  /** Absolute path of the copy. */
  path: string;
  bytes: number;
  /** `main`, a month `YYYY-MM`, or `signing key`. */
  what: string;
}

export interface BackupReport {
  dir: string;
  main: string;
  files: BackupFile[];
  /** Live months copied, ascending. */
  months: string[];
  seconds: number;
}

/** Copies one database through its connection in a single step: one read transaction, so one consistent state. */
async function copyDb(db: Db, dest: string): Promise<void> {
  // better-sqlite3 steps with 0 pages first (opening the backup), then with what progress returns:
  // everything at once, so no step sees a later state than another.
  await db.backup(dest, { progress: () => 0x7fffffff });
}

/**
 * Copies the store whose main connection is `main` (a file, not `:memory:`) into `dir`, which must not
 * hold a database of the same name already. `signingKey`: a key file to copy beside it (the records'
 * head-signing key lives beside the database by default); `trustedKeys`: the retired keys' public
 * keys kept beside it after a rotation, copied too when present.
 */
export async function backupSqlite(main: Db, dir: string, opts: { signingKey?: string | null; trustedKeys?: string | null; progress?: (what: string) => void } = {}): Promise<BackupReport> {
  if (main.memory || main.name === '') throw new SmsguardError('invalid_request', 'backup: the database is in memory; there is no file to copy');
  const t0 = Date.now();
  const mainPath = resolve(main.name);
  const outDir = resolve(dir);
  if (outDir === dirname(mainPath)) throw new SmsguardError('invalid_request', `backup: ${outDir} is the database's own folder; choose another`);
  mkdirSync(outDir, { recursive: true });
  const destMain = join(outDir, basename(mainPath));
  const key = opts.signingKey && existsSync(opts.signingKey) ? opts.signingKey : null;
  const destKey = key ? join(outDir, basename(key)) : null;
  const trusted = opts.trustedKeys && existsSync(opts.trustedKeys) ? opts.trustedKeys : null;
  const destTrusted = trusted ? join(outDir, basename(trusted)) : null;
  // Never over another copy, nor over a key (another deployment's folder may hold its own).
  const taken = [destMain, ...monthFilesBeside(destMain).values(), ...(destKey ? [destKey] : []), ...(destTrusted ? [destTrusted] : [])].filter((f) => existsSync(f));
  if (taken.length > 0) throw new SmsguardError('conflict', `backup: ${outDir} already holds a copy (${basename(taken[0])}); choose an empty folder`);

  // Every month file now present, open before the main copy (see the header: a purge may unlink one meanwhile).
  const sources = new Map<string, Db>();
  try {
    for (const [month, path] of monthFilesBeside(mainPath)) {
      let db: Db | null = null;
      try {
        db = new Database(path, { fileMustExist: true });
        // A first read opens the -wal and -shm too: all three must be held before a purge can unlink them.
        db.prepare('SELECT count(*) FROM sqlite_master').get();
        sources.set(month, db);
      } catch (e) {
        db?.close();
        // Removed between the listing and the open: a purged month's leftover, not listed as live below.
        if (existsSync(path)) throw e;
      }
    }
    const files: BackupFile[] = [];
    opts.progress?.('main');
    await copyDb(main, destMain);
    files.push({ path: destMain, bytes: statSync(destMain).size, what: 'main' });

    // The months the copied main file lists as live, and only those.
    // Read-write, though it only reads: the copy is in WAL mode, and a read-only connection leaves its
    // -wal and -shm behind on close (an empty WAL beside a backup reads as pages not copied).
    const copy = new Database(destMain, { fileMustExist: true });
    let months: string[];
    try {
      months = copy.prepare('SELECT month FROM records_months WHERE purged_at IS NULL ORDER BY month').pluck().all() as string[];
    } finally {
      copy.close();
    }
    for (const month of months) {
      // A month created after the listing above exists now (it is live in the copy).
      let src = sources.get(month);
      if (!src) {
        src = new Database(monthFilePath(mainPath, month)!, { fileMustExist: true });
        sources.set(month, src);
      }
      opts.progress?.(month);
      const dest = monthFilePath(destMain, month)!;
      await copyDb(src, dest);
      files.push({ path: dest, bytes: statSync(dest).size, what: month });
    }
    if (key && destKey) {
      copyFileSync(key, destKey);
      chmodSync(destKey, 0o600); // a private key
      files.push({ path: destKey, bytes: statSync(destKey).size, what: 'signing key' });
    }
    if (trusted && destTrusted) {
      copyFileSync(trusted, destTrusted);
      files.push({ path: destTrusted, bytes: statSync(destTrusted).size, what: 'trusted keys' });
    }
    return { dir: outDir, main: destMain, files, months, seconds: (Date.now() - t0) / 1000 };
  } finally {
    for (const db of sources.values()) db.close();
  }
}
