/**
 * Opens the store a `--db` value names: a `postgres://` URL opens the PostgreSQL store (migrations
 * applied first; an optional schema pins the search_path), anything else is a SQLite file path.
 */
import { resolve } from 'node:path';
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

export async function openStore(db: string, opts: { schema?: string; poolSize?: number } = {}): Promise<OpenedStore> {
  if (isPostgresUrl(db)) {
    const store = await PostgresStore.open({ url: db, schema: opts.schema, max: opts.poolSize });
    const u = new URL(db);
    u.password = '';
    return { store, kind: 'postgres', description: `PostgreSQL ${u.toString()}${opts.schema ? ` (schema ${opts.schema})` : ''}` };
  }
  // Each month of records is a file beside the main one (src/store/sqlite/month-files.ts).
  return { store: new SqliteStore(db), kind: 'sqlite', description: `SQLite ${resolve(db)} (records by month: ${monthFilePath(resolve(db), 'YYYY-MM')})` };
}
