/**
 * One gateway per SQLite database. The egress queue's leases live in the gateway's memory (outbox.ts:
 * SQLite serves one process), so a second `smsguard start` on the same file would claim and send every
 * queued message again. The lock is SQLite's own: an exclusive transaction held open on a small file
 * beside the database (`smsguard.db` → `smsguard.db-gateway-lock`), which the operating system releases
 * when the process ends, however it ends: a crash leaves no stale lock to clear by hand.
 *
 * Only `start` takes it. The other commands (`records verify|purge`, `inspect export`, `backup`) are
 * made to run beside a gateway and do not. PostgreSQL deployments run several gateways by design.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { SmsguardError } from '../../domain/errors.js';

/** Where the lock of the database at `dbPath` lives. */
export const gatewayLockPath = (dbPath: string): string => `${dbPath}-gateway-lock`;

/** `start` refused: another process runs a gateway on this database (a state, not a configuration error). */
export class GatewayLockedError extends Error {
  constructor(readonly dbPath: string) {
    super(`another smsguard gateway is running on ${dbPath}: the SQLite store serves one gateway process (records, inspect and backup commands may run beside it; several gateways need PostgreSQL)`);
  }
}

/** Held while this process runs a gateway on the database. */
export interface GatewayLock {
  readonly path: string;
  release(): void;
}

/**
 * Takes the database's gateway lock, or returns null when another process holds it (never waits).
 * A file database only: an in-memory one is this process's alone.
 */
export function acquireGatewayLock(dbPath: string): GatewayLock | null {
  const path = gatewayLockPath(dbPath);
  mkdirSync(dirname(path), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: 0 });
  } catch (e) {
    throw lockProblem(e, dbPath, path);
  }
  try {
    db.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code === 'SQLITE_BUSY') return null;
    throw lockProblem(e, dbPath, path);
  }
  let held = true;
  return {
    path,
    release() {
      if (!held) return;
      held = false;
      try {
        db.exec('ROLLBACK');
      } finally {
        db.close();
      }
    },
  };
}

/**
 * SQLite's refusal to create or write the lock file, said in one line naming the folder: the lock is
 * the first file `start` writes beside the database, so a folder smsguard may not write is seen here
 * first (before 2026-12-08 a stack trace, "SqliteError: unable to open database file"). Other errors
 * pass as they are.
 */
function lockProblem(e: unknown, dbPath: string, path: string): unknown {
  const code = (e as { code?: unknown }).code;
  if (code !== 'SQLITE_CANTOPEN' && !(typeof code === 'string' && (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_PERM') || code.startsWith('SQLITE_AUTH')))) return e;
  return new SmsguardError('invalid_request', `cannot write the folder ${dirname(path)} (${code}): smsguard keeps the SQLite database ${basename(dbPath)}, its WAL and its gateway lock ${basename(path)} there; give --db a path in a folder this user may write, or let it write this one`, {}, 'db');
}
