/**
 * Migration 111 (the delivery lanes' column and index on `message_status`) applied while the
 * gateways of the earlier version keep working: during a rolling upgrade the first new process
 * migrates while the others still decide and record, and every decision inserts a queue row. Run in
 * one transaction, the migration held `message_status` exclusively from its ALTER to its COMMIT
 * (the index built over every status row kept meanwhile): every write of every process waited, and
 * so did any write queued behind an ALTER that was itself waiting for a long read (a records export,
 * a report) to end. Now the ALTER waits at most 1 s at a time for its lock, giving way to the
 * writers between tries, and the index is built CONCURRENTLY, which blocks no writer.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { createPool, migrate } from '../../../src/store/postgres/db.js';
import { TEST_PG_URL, dropSchema, testSchemaName } from '../../helpers/pg.js';

/** The schema as the version before 111 left it, migrated up to 110. */
async function schemaBefore111(pool: ReturnType<typeof createPool>, schema: string): Promise<void> {
  await migrate(pool, schema);
  await pool.query(`DROP INDEX message_status_lane;
    ALTER TABLE message_status DROP COLUMN priority;
    CREATE INDEX message_status_due ON message_status (due_at, enqueued_seq) WHERE status = 'accepted';
    ALTER TABLE queue_members DROP COLUMN IF EXISTS lanes;
    DELETE FROM schema_migrations WHERE version >= '111'`);
}

const row = (id: string, category: string | null): [string, unknown[]] =>
  ['INSERT INTO message_status (id, content_provider_id, msisdn, from_port, text, registered_delivery, due_at, submitted_at, status, updated_at, category) VALUES ($1, $2, $3, $4, $5, 0, 1, 1, $6, 1, $7)',
    [id, 'cp1', '+8613800138000', '10690001', 'x', 'accepted', category]];

describe('migration 111 on a live queue', { timeout: 60_000 }, () => {
  test('a write to the queue waits at most about a second while the migration waits for a long read; the migration completes once the read ends', async () => {
    const schema = testSchemaName();
    const pool = createPool({ url: TEST_PG_URL, schema, max: 2 });
    const reader = new pg.Client({ connectionString: TEST_PG_URL, options: `-c search_path=${schema}` });
    const writer = new pg.Client({ connectionString: TEST_PG_URL, options: `-c search_path=${schema}` });
    try {
      await schemaBefore111(pool, schema);
      await pool.query(...row('m-old-commercial', 'promo'));
      await pool.query(...row('m-old-notice', null));
      await reader.connect();
      await writer.connect();
      // an older gateway's long read (an export, a report) holds the table's shared lock
      await reader.query('BEGIN');
      await reader.query('SELECT count(*) FROM message_status');
      const migrating = migrate(pool, schema).then((v) => v, (e: Error) => e);
      await new Promise((r) => setTimeout(r, 500)); // the migration is now waiting for the read
      // an older gateway's decision queues a message meanwhile
      await writer.query("SET statement_timeout = '5s'");
      const t0 = Date.now();
      const wrote = await writer.query(...row('m-during', 'promo')).then(() => null, (e: Error) => e);
      const waited = Date.now() - t0;
      assert.equal(wrote, null, `the queue row was not written within 5 s while the migration waited for the read: ${wrote?.message}`);
      assert.ok(waited < 2_500, `the queue row waited ${waited} ms behind the migration`);
      await reader.query('COMMIT');
      const applied = await migrating;
      assert.ok(!(applied instanceof Error), `migrate failed: ${(applied as Error).message}`);
      assert.ok((applied as string[]).includes('111_queue_priority'), JSON.stringify(applied));
      const lanes = (await pool.query<{ id: string; priority: number }>('SELECT id, priority FROM message_status ORDER BY id')).rows;
      assert.deepEqual(lanes.map((r) => [r.id, r.priority]), [['m-during', 2], ['m-old-commercial', 2], ['m-old-notice', 1]]);
      const idx = (await pool.query<{ name: string; valid: boolean }>(
        `SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
          WHERE i.indrelid = 'message_status'::regclass AND c.relname IN ('message_status_lane', 'message_status_due')`)).rows;
      assert.deepEqual(idx, [{ name: 'message_status_lane', valid: true }]);
    } finally {
      // a client never connected would wait for ever: end both as they are
      await reader.end().catch(() => undefined);
      await writer.end().catch(() => undefined);
      await pool.end();
      await dropSchema(schema);
    }
  });
});
