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
import { dirname } from 'node:path';

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
  const db = new Database(path, { timeout: 0 });
  try {
    db.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code === 'SQLITE_BUSY') return null;
    throw e;
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
