/**
 * Opens the store a `--db` value names: a `postgres://` URL opens the PostgreSQL store (migrations
 * applied first; an optional schema pins the search_path), anything else is a SQLite file path.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { SmsguardError } from '../domain/errors.js';
import type { Store } from '../ports/store.js';
import { SqliteStore } from './sqlite/index.js';
import { monthFilePath } from './sqlite/month-files.js';
import { PostgresStore, isPostgresUrl } from './postgres/index.js';

export interface OpenedStore {
  store: Store;
  kind: 'sqlite' | 'postgres';
  /** For the start banner: where the data lives (no password). */
  description: string;
}

/**
 * Throws `not_found` (`no database at PATH`) when `db` names a SQLite file that is not there. Opening
 * a SQLite path creates and migrates the file, which is what a first `start` wants and what a command
 * that inspects an existing database must never do: `records verify` on a mistyped path would
 * otherwise report a new, empty database as intact. A PostgreSQL URL and `:memory:` pass (a wrong
 * PostgreSQL database fails to connect on its own).
 */
export function requireExistingDatabase(db: string): void {
  if (isPostgresUrl(db) || db === ':memory:') return;
  if (!existsSync(resolve(db))) throw new SmsguardError('not_found', `no database at ${resolve(db)}`, {}, 'db');
}

/**
 * Opens the store. `existing: true` for the commands that inspect or maintain a database someone
 * already made (records, inspect, backup): a SQLite path that is not there is refused
 * ({@link requireExistingDatabase}) instead of created.
 */
export async function openStore(db: string, opts: { schema?: string; poolSize?: number; existing?: boolean } = {}): Promise<OpenedStore> {
  if (opts.existing) requireExistingDatabase(db);
  if (isPostgresUrl(db)) {
    const store = await PostgresStore.open({ url: db, schema: opts.schema, max: opts.poolSize });
    const u = new URL(db);
    u.password = '';
    return { store, kind: 'postgres', description: `PostgreSQL ${u.toString()}${opts.schema ? ` (schema ${opts.schema})` : ''}` };
  }
  // Each month of records is a file beside the main one (src/store/sqlite/month-files.ts).
  return { store: new SqliteStore(db), kind: 'sqlite', description: `SQLite ${resolve(db)} (records by month: ${monthFilePath(resolve(db), 'YYYY-MM')})` };
}
