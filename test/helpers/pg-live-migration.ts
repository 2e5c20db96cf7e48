/**
 * A PostgreSQL migration applied while gateways of the earlier version keep writing, as during a
 * rolling upgrade (the first new process migrates while the others still decide and record): the
 * scenario of test/integration/pg/migration-*.test.ts. A schema of its own is migrated to today and
 * put back as the earlier version left it; an earlier gateway's long read (an export, a report)
 * holds the table's shared lock while the migration starts; an earlier gateway's write meanwhile must
 * not wait more than about a second (a migration waits for its locks a second at a time, giving way
 * to writers between tries, or runs outside a transaction); once the read ends the migration
 * completes. What the migration did is then the test's own to check.
 */
import assert from 'node:assert/strict';
import pg from 'pg';
import { createPool, migrate } from '../../src/store/postgres/db.js';
import { TEST_PG_URL, dropSchema, testSchemaName } from './pg.js';

/** A statement and its parameters (`$1`…), as `pg` takes them. */
export type Statement = [string, unknown[]];

export interface LiveMigration {
  /** The migration, as `migrate` reports it applied (`119_carried_count_user_withdrawal`). */
  readonly version: string;
  /**
   * SQL that undoes the migration's schema change on a schema migrated to today. The migration and
   * every later one are then unrecorded here, so the later ones run again after it (they must be
   * re-runnable).
   */
  readonly undo: string;
  /** The earlier version's rows, written before the long read starts. */
  readonly seed?: readonly Statement[];
  /** The table the long read holds. */
  readonly readTable: string;
  /** The earlier version's write while the migration waits for the read, and what it is in a message (`the queue row`). */
  readonly write: Statement;
  readonly written: string;
}

/**
 * Runs the scenario (see the file's head) and asserts its common part: the write waited under 2.5 s,
 * `migrate` succeeded and applied `version`. `check` then sees the migrated schema, through `pool`
 * (search_path set to `schema`); the clients are ended and the schema dropped whatever happens.
 */
export async function migrateBehindLongRead(m: LiveMigration, check: (pool: pg.Pool, schema: string) => Promise<void>): Promise<void> {
  const schema = testSchemaName();
  const pool = createPool({ url: TEST_PG_URL, schema, max: 2 });
  const reader = new pg.Client({ connectionString: TEST_PG_URL, options: `-c search_path=${schema}` });
  const writer = new pg.Client({ connectionString: TEST_PG_URL, options: `-c search_path=${schema}` });
  try {
    await migrate(pool, schema);
    await pool.query(m.undo);
    await pool.query('DELETE FROM schema_migrations WHERE version >= $1', [m.version]);
    for (const s of m.seed ?? []) await pool.query(...s);
    await reader.connect();
    await writer.connect();
    await reader.query('BEGIN');
    await reader.query(`SELECT count(*) FROM ${m.readTable}`);
    const migrating = migrate(pool, schema).then((v) => v, (e: Error) => e);
    await new Promise((r) => setTimeout(r, 500)); // the migration now waits for the read
    await writer.query("SET statement_timeout = '5s'");
    const t0 = Date.now();
    const wrote = await writer.query(...m.write).then(() => null, (e: Error) => e);
    const waited = Date.now() - t0;
    assert.equal(wrote, null, `${m.written} was not written within 5 s while the migration waited for the read: ${wrote?.message}`);
    assert.ok(waited < 2_500, `${m.written} waited ${waited} ms behind the migration`);
    await reader.query('COMMIT');
    const applied = await migrating;
    assert.ok(!(applied instanceof Error), `migrate failed: ${(applied as Error).message}`);
    assert.ok(applied.includes(m.version), JSON.stringify(applied));
    await check(pool, schema);
  } finally {
    // a client never connected would wait for ever: end both as they are
    await reader.end().catch(() => undefined);
    await writer.end().catch(() => undefined);
    await pool.end();
    await dropSchema(schema);
  }
}
