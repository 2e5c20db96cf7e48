/**
 * Opening the PostgreSQL store's connection pool: epoch-ms bigints come back as numbers, an optional
 * schema pins the search_path (one schema per deployment, or per test run), and the append-only
 * migrations in ./migrations are applied in order under an advisory lock so that several processes
 * starting at once apply each file exactly once.
 */
import pg from 'pg';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkSchemaName } from './schema-name.js';
import { SchemaTooNewError, unknownMigrations } from '../schema-too-new.js';

export type Pool = pg.Pool;
export type Client = pg.PoolClient;

const HERE = dirname(fileURLToPath(import.meta.url));
const MIGRATIONS_DIR = join(HERE, 'migrations');

export interface PgOptions {
  /** postgres://user@host:port/db (libpq URL). */
  url: string;
  /** Schema to create and use (search_path); default: the URL's own search_path (usually `public`). */
  schema?: string;
  /** Pool size; default 10. */
  max?: number;
}

const INT8 = 20;
const NUMERIC = 1700;


export function createPool(o: PgOptions): Pool {
  const types = {
    getTypeParser: ((oid: number, format?: string) => {
      // Our bigints are epoch milliseconds and sequence numbers, far below 2^53.
      if (oid === INT8 || oid === NUMERIC) return (v: string) => Number(v);
      return pg.types.getTypeParser(oid, format as 'text');
    }) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({
    connectionString: o.url,
    max: o.max ?? 10,
    types,
    options: o.schema ? `-c search_path=${checkSchemaName(o.schema)}` : undefined,
    connectionTimeoutMillis: 10_000,
    // A gateway's load comes in bursts; pg's default (10 s) closed idle connections between them,
    // and each new one is a new backend: a connection set-up on the next burst, and a new shard row
    // of every usage counter it adds to (usage.sql, migration 102) until housekeeping folds the day.
    idleTimeoutMillis: 300_000,
    // ...without an idle connection keeping a process alive that has nothing else to do (a CLI
    // command done with its work): the gateway's servers keep it running.
    allowExitOnIdle: true,
  });
  // An idle client losing its connection (server restart) must not crash the process; the pool
  // replaces it on next use.
  pool.on('error', () => undefined);
  // Nor one checked out: pg-pool listens for an idle client's 'error' only, and a client whose socket
  // ends or resets while it is out (a transaction in flight, or taken from the pool a moment before
  // the pool noticed) emits 'error' with no listener, which Node throws: a PostgreSQL restart or a
  // network blip under load killed the gateway process (every process of a deployment at once). Its
  // queries are rejected all the same (the caller sees the error and rolls back), and the pool drops
  // a client no longer queryable when it is released.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  return pool;
}

/** Runs `fn` in one transaction on one client; rolls back on any error. */
export async function transaction<T>(pool: Pool, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const r = await fn(c);
    await c.query('COMMIT');
    return r;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    c.release();
  }
}

const migrationFiles = (): string[] => readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort();

/**
 * For a process that does not migrate (`PostgresStore.open({migrate: false})`): throws
 * {@link SchemaTooNewError} when the schema holds migrations this version does not know, as
 * {@link migrate} does before it writes. Skipping it with the migrations let an old process write to
 * a schema a newer one had changed. A schema without `schema_migrations` (never migrated) is left to
 * fail on its first query, as before.
 */
export async function refuseNewerSchema(pool: Pool): Promise<void> {
  const exists = (await pool.query<{ t: string | null }>("SELECT to_regclass('schema_migrations')::text AS t")).rows[0]?.t;
  if (!exists) return;
  const done = (await pool.query<{ version: string }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version);
  const newer = unknownMigrations(done, migrationFiles());
  if (newer.length) throw new SchemaTooNewError(newer);
}

/**
 * A migration whose first line is this marker changes a table the gateways keep writing during a
 * rolling upgrade (the queue): run outside a transaction, one statement at a time, so that no lock
 * that stops writers is held longer than its own statement. Its statements must each be safe to run
 * again (IF NOT EXISTS, idempotent updates): a failure leaves the ones before it done, and the next
 * start runs the whole file again. Statements are separated by a `;` at the end of a line. On a
 * schema the same run creates (nothing applied before: nobody writes there yet) it runs in a
 * transaction like the others, without CONCURRENTLY.
 */
const NO_TRANSACTION = /^-- smsguard: no-transaction\b/;
/** How long a statement of such a migration waits for a lock that stops writers before giving way. */
const LIVE_LOCK_TIMEOUT_MS = 1000;
/** How long such a statement keeps trying before the migration fails (a transaction that never ends). */
const LIVE_LOCK_GIVE_UP_MS = 10 * 60_000;

/**
 * Runs a no-transaction migration. A statement that waits for its lock holds up every writer queued
 * behind it (PostgreSQL grants locks in order): an `ALTER TABLE` waiting for a long read would stop
 * every decision meanwhile. So each statement waits for its lock at most a second, then gives way to
 * the writers and tries again (a tenth of a second later), for up to ten minutes. A `CONCURRENTLY`
 * statement takes no lock that stops writers, and its waits for older transactions are part of how
 * it works: it waits as long as it must.
 */
async function migrateLive(c: Client, sql: string): Promise<void> {
  const statements = sql.split('\n').filter((l) => !/^\s*--/.test(l)).join('\n').split(/;\s*(?:\n|$)/).map((t) => t.trim()).filter(Boolean);
  for (const statement of statements) {
    const concurrently = /\bCONCURRENTLY\b/i.test(statement);
    await c.query(`SET lock_timeout = ${concurrently ? 0 : LIVE_LOCK_TIMEOUT_MS}`);
    const started = Date.now();
    for (;;) {
      try {
        await c.query(statement);
        break;
      } catch (e) {
        const lockTimeout = (e as { code?: string }).code === '55P03';
        if (!lockTimeout || Date.now() - started > LIVE_LOCK_GIVE_UP_MS) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
  await c.query('RESET lock_timeout');
}

/** Creates the schema if asked for, then applies every migration not yet applied. Returns the versions applied. */
export async function migrate(pool: Pool, schema?: string): Promise<string[]> {
  const c = await pool.connect();
  try {
    // One migrator at a time per schema, across processes, keyed by the schema's name (the one asked
    // for, else the search_path's): taken before the schema is created, since CREATE SCHEMA IF NOT
    // EXISTS is not safe against a concurrent create (the loser gets a unique violation on
    // pg_namespace; two gateways started at once on a fresh schema, one exited before its banner).
    const lockKey = [schema ? checkSchemaName(schema) : null];
    const lock = "hashtextextended(coalesce($1::text, current_schema()) || '.smsguard_migrate', 0)";
    // Polled rather than waited for: a backend waiting inside pg_advisory_lock holds a snapshot,
    // which a CREATE INDEX CONCURRENTLY of the migrator waits for (111): each would wait for the other.
    while (!(await c.query<{ got: boolean }>(`SELECT pg_try_advisory_lock(${lock}) AS got`, lockKey)).rows[0].got) await new Promise((r) => setTimeout(r, 100));
    try {
      if (schema) await c.query(`CREATE SCHEMA IF NOT EXISTS ${checkSchemaName(schema)}`);
      await c.query('CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at bigint NOT NULL)');
      const done = new Set((await c.query<{ version: string }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
      const files = migrationFiles();
      // a schema a newer smsguard migrated (one process of several left on an old version): refused
      // before anything is written, as SQLite refuses its file (schema-too-new.ts)
      const newer = unknownMigrations(done, files);
      if (newer.length) throw new SchemaTooNewError(newer);
      const applied: string[] = [];
      const fresh = done.size === 0;
      for (const f of files) {
        const version = f.replace(/\.sql$/, '');
        if (done.has(version)) continue;
        let sql = readFileSync(join(MIGRATIONS_DIR, f), 'utf8');
        // A schema this run creates has no writer to spare, and CONCURRENTLY would wait for every
        // older transaction of the whole database (other schemas' too): run it as any other.
        if (NO_TRANSACTION.test(sql) && fresh) sql = sql.replace(/\bCONCURRENTLY\b/g, '');
        else if (NO_TRANSACTION.test(sql)) {
          try {
            await migrateLive(c, sql);
          } catch (e) {
            await c.query('RESET lock_timeout').catch(() => undefined);
            throw new Error(`migration ${f} failed: ${(e as Error).message}`);
          }
          await c.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [version, Date.now()]);
          applied.push(version);
          continue;
        }
        await c.query('BEGIN');
        try {
          await c.query(sql);
          await c.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [version, Date.now()]);
          await c.query('COMMIT');
        } catch (e) {
          await c.query('ROLLBACK').catch(() => undefined);
          throw new Error(`migration ${f} failed: ${(e as Error).message}`);
        }
        applied.push(version);
      }
      return applied;
    } finally {
      await c.query(`SELECT pg_advisory_unlock(${lock})`, lockKey).catch(() => undefined);
    }
  } finally {
    c.release();
  }
}

const cache = new Map<string, Record<string, string>>();

/**
 * Named queries from ./sql/NAME.sql: each query starts with a line `-- name: key`; text up to the
 * next such line is the query. Keeps SQL in .sql files where it can be read and linted as SQL.
 */
export function queries<K extends string>(file: string, keys: readonly K[]): Record<K, string> {
  let q = cache.get(file);
  if (!q) {
    q = {};
    const text = readFileSync(join(HERE, 'sql', `${file}.sql`), 'utf8');
    let name: string | null = null;
    let buf: string[] = [];
    const flush = () => {
      if (name) q![name] = buf.join('\n').trim().replace(/;\s*$/, '');
    };
    for (const line of text.split('\n')) {
      const m = /^--\s*name:\s*(\w+)/.exec(line);
      if (m) {
        flush();
        name = m[1];
        buf = [];
      } else if (name && !/^\s*--/.test(line)) buf.push(line);
    }
    flush();
    cache.set(file, q);
  }
  for (const k of keys) if (!(k in q)) throw new Error(`query ${k} missing from sql/${file}.sql`);
  return q as Record<K, string>;
}

/** Unique-violation (23505) from PostgreSQL. */
export function isUniqueViolation(e: unknown): boolean {
  return (e as { code?: string }).code === '23505';
}

/**
 * A value as JSON text jsonb accepts. JSON.stringify writes a lone UTF-16 surrogate (an MO cut in the
 * middle of an emoji, broken UCS-2 from a handset, a crafted `\ud800` in a request) as a `\udXXX`
 * escape, which jsonb refuses ("invalid input syntax for type json"): a record, and with it the MO or
 * the submission, was lost, and likewise a complaint's evidence. Such escapes become U+FFFD, as the
 * text columns store them. An escape starts at a backslash preceded by an even number of backslashes
 * (in `\\ud800` the first two are a user's backslash, and `ud800` plain text).
 */
export function jsonbText(value: unknown): string {
  const json: string | undefined = JSON.stringify(value);
  // No value at all passes through as before (the driver sends NULL).
  if (json === undefined || !json.includes('\\ud')) return json as string;
  return json.replace(/(?<!\\)((?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/g, '$1\\ufffd');
}
