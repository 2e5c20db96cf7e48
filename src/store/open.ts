/**
 * Opens the store a `--db` value names: a `postgres://` URL opens the PostgreSQL store (migrations
 * applied first; an optional schema pins the search_path), anything else is a SQLite file path.
 */
import { accessSync, constants as fsConstants, existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { SmsguardError } from '../domain/errors.js';
import type { Store } from '../ports/store.js';
import { SqliteStore } from './sqlite/index.js';
import type { SqliteTuning } from './sqlite/tuning.js';
import { MonthFileError, monthFilePath } from './sqlite/month-files.js';
import { SchemaTooNewError } from './schema-too-new.js';
import { PostgresStore, isPostgresUrl } from './postgres/index.js';
import { checkSchemaName } from './postgres/schema-name.js';
import pg from 'pg';
import { withoutPassword } from '../runtime/without-password.js';

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
 * {@link requireExistingDatabase}, and for PostgreSQL with a schema: throws `not_found` (`no schema
 * NAME in URL`) when the database has no such schema. Opening the PostgreSQL store creates a missing
 * schema and migrates it, which a first `start` (or `migrate`) wants; a mistyped `--db-schema` given
 * to `token create` or `records verify` would otherwise get a new, empty install: a token no gateway
 * reads, or an empty database reported intact. Asks on a connection of its own, before the store
 * (and its pool, and the migrations) exists.
 */
export async function requireExistingInstall(db: string, schema?: string): Promise<void> {
  requireExistingDatabase(db);
  if (!isPostgresUrl(db) || !schema) return;
  const client = new pg.Client({ connectionString: db, connectionTimeoutMillis: 10_000 });
  await client.connect().catch((e: unknown) => {
    throw connectProblem(e, db);
  });
  try {
    const r = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [checkSchemaName(schema)]);
    if (r.rowCount === 0) throw new SmsguardError('not_found', `no schema ${schema} in ${withoutPassword(db)}`, {}, 'db-schema');
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The PostgreSQL server of a `--db` URL cannot be reached or refused its user: the operator's to fix, said in one line. */
export class DatabaseUnreachableError extends Error {
  override readonly name = 'DatabaseUnreachableError';
}

/**
 * A PostgreSQL server's refusal that the person at the terminal can act on, said in one line: the
 * database in the URL does not exist (README's `smsguard migrate --db postgres://…/smsguard` on a
 * fresh server: `migrate` creates tables and a schema, not the database), the server is not there,
 * or it refused the user. Anything else is passed on as it is (with its stack: not expected).
 */
export function connectProblem(e: unknown, url: string): unknown {
  const err = e as { code?: string; message?: string };
  const u = new URL(url);
  const where = withoutPassword(url);
  const name = decodeURIComponent(u.pathname.replace(/^\//, '')) || u.username || 'postgres';
  if (err.code === '3D000') {
    return new SmsguardError('not_found', `no database ${name} in ${where}: create it first (createdb ${name}, or CREATE DATABASE ${name}), then smsguard migrate creates its tables`, {}, 'db');
  }
  if (err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN' || err.code === 'EHOSTUNREACH') {
    return new DatabaseUnreachableError(`cannot reach PostgreSQL at ${u.hostname || 'localhost'}:${u.port || '5432'} (${err.code}): is it running, and is --db right?`);
  }
  if (err.code === '28P01' || err.code === '28000') {
    return new DatabaseUnreachableError(`PostgreSQL at ${u.hostname || 'localhost'}:${u.port || '5432'} refused user ${u.username || '(none)'}: ${err.message}`);
  }
  return e;
}

/**
 * SQLite's refusals to open the file a `--db` path names, said in one line with the path: a folder,
 * a file that is not a database, a file or folder it may not write, a database a newer smsguard
 * migrated (db.ts, `schema_too_new`). Anything else is passed on as it is (with its stack).
 */
export function sqliteOpenProblem(e: unknown, path: string): unknown {
  const code = (e as { code?: unknown }).code;
  if (e instanceof SchemaTooNewError) return new SmsguardError(e.code, `${path}: ${e.message}`, {}, 'db');
  // A month's file (beside --db) is named by the error itself; --db is fine.
  if (e instanceof MonthFileError) return e;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return e;
  if (code === 'SQLITE_CANTOPEN') {
    const folder = existsSync(path) && statSync(path).isDirectory();
    return new SmsguardError('invalid_request', `cannot open the SQLite database at ${path}: ${folder ? 'it is a folder; give a file path (such as ./var/smsguard.db)' : 'check that its folder exists and may be written'}`, {}, 'db');
  }
  if (code === 'SQLITE_NOTADB') return new SmsguardError('invalid_request', `${path} is not a SQLite database: is --db right?`, {}, 'db');
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_PERM') || code.startsWith('SQLITE_AUTH')) {
    return new SmsguardError('invalid_request', `cannot write the SQLite database at ${path} (${code}): smsguard needs to write the file and its folder (its WAL beside it)`, {}, 'db');
  }
  return e;
}

/**
 * `start` and `migrate` write the database: a file this user may only read is refused in one line
 * before it is opened. SQLite opens such a file read-only without a word, and the first write
 * (`start`'s admin token, a migration) failed with a stack trace. The other commands read an
 * existing install (a copy may well be read-only) and are not asked this.
 */
function requireWritableFile(path: string): void {
  if (!existsSync(path) || !statSync(path).isFile()) return;
  try {
    accessSync(path, fsConstants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'EACCES';
    throw new SmsguardError('invalid_request', `cannot write the SQLite database at ${path} (${code}): smsguard needs to write the file and its folder (its WAL beside it); give this user write permission on them, or --db a copy it may write`, {}, 'db');
  }
}

/**
 * Opens the store. `existing: true` for the commands that work on an install someone already made
 * (token create, records, inspect, backup): a SQLite path or a PostgreSQL schema that is not there is
 * refused ({@link requireExistingInstall}) instead of created. Only `start` and `migrate` create.
 * `sqlite`: the SQLite store's tuning (src/config/sqlite-tuning.ts gives it from the configuration).
 */
export async function openStore(db: string, opts: { schema?: string; poolSize?: number; existing?: boolean; sqlite?: Partial<SqliteTuning> } = {}): Promise<OpenedStore> {
  if (opts.existing) await requireExistingInstall(db, opts.schema);
  if (isPostgresUrl(db)) {
    const store = await PostgresStore.open({ url: db, schema: opts.schema, max: opts.poolSize }).catch((e: unknown) => {
      if (e instanceof SchemaTooNewError) throw new SmsguardError(e.code, `${withoutPassword(db)}${opts.schema ? ` (schema ${opts.schema})` : ''}: ${e.message}`, {}, 'db');
      throw connectProblem(e, db);
    });
    return { store, kind: 'postgres', description: `PostgreSQL ${withoutPassword(db)}${opts.schema ? ` (schema ${opts.schema})` : ''}` };
  }
  // Each month of records is a file beside the main one (src/store/sqlite/month-files.ts).
  if (!opts.existing && db !== ':memory:') requireWritableFile(resolve(db));
  let store: SqliteStore;
  try {
    store = new SqliteStore(db, opts.sqlite);
  } catch (e) {
    throw sqliteOpenProblem(e, resolve(db));
  }
  return { store, kind: 'sqlite', description: `SQLite ${resolve(db)} (records by month: ${monthFilePath(resolve(db), 'YYYY-MM')})` };
}
