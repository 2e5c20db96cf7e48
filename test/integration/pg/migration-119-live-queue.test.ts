/**
 * Migration 119 (message_status.counted_at, consents.withdrawn_by_user) applied while the gateways
 * of the earlier version keep queueing, as migration 111 is (migration-lanes-live-queue.test.ts).
 * Run in one transaction, its first ALTER waited for its lock with no limit (every queue write
 * queued behind it waited as long) and then held `message_status` exclusively until the second ALTER
 * had its lock on `consents`: a long read of either table stopped every decision meanwhile.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { createPool, migrate } from '../../../src/store/postgres/db.js';
import { TEST_PG_URL, dropSchema, testSchemaName } from '../../helpers/pg.js';

/** The schema as the version before 119 left it. */
async function schemaBefore119(pool: ReturnType<typeof createPool>, schema: string): Promise<void> {
  await migrate(pool, schema);
  await pool.query(`ALTER TABLE message_status DROP COLUMN counted_at;
    ALTER TABLE consents DROP COLUMN withdrawn_by_user;
    DELETE FROM schema_migrations WHERE version >= '119'`);
}

const row = (id: string): [string, unknown[]] =>
  ['INSERT INTO message_status (id, content_provider_id, msisdn, from_port, text, registered_delivery, due_at, submitted_at, status, updated_at, category) VALUES ($1, $2, $3, $4, $5, 0, 1, 1, $6, 1, $7)',
    [id, 'cp1', '+8613800138000', '10690001', 'x', 'accepted', 'promo']];

describe('migration 119 on a live queue', { timeout: 60_000 }, () => {
  for (const read of ['message_status', 'consents']) {
    test(`a queue write waits at most about a second while the migration waits for a long read of ${read}; the migration completes once the read ends`, async () => {
      const schema = testSchemaName();
      const pool = createPool({ url: TEST_PG_URL, schema, max: 2 });
      const reader = new pg.Client({ connectionString: TEST_PG_URL, options: `-c search_path=${schema}` });
      const writer = new pg.Client({ connectionString: TEST_PG_URL, options: `-c search_path=${schema}` });
      try {
        await schemaBefore119(pool, schema);
        await reader.connect();
        await writer.connect();
        await reader.query('BEGIN');
        await reader.query(`SELECT count(*) FROM ${read}`);
        const migrating = migrate(pool, schema).then((v) => v, (e: Error) => e);
        await new Promise((r) => setTimeout(r, 500)); // the migration now waits for the read
        await writer.query("SET statement_timeout = '5s'");
        const t0 = Date.now();
        const wrote = await writer.query(...row('m-during')).then(() => null, (e: Error) => e);
        const waited = Date.now() - t0;
        assert.equal(wrote, null, `the queue row was not written within 5 s while the migration waited: ${wrote?.message}`);
        assert.ok(waited < 2_500, `the queue row waited ${waited} ms behind the migration`);
        await reader.query('COMMIT');
        const applied = await migrating;
        assert.ok(!(applied instanceof Error), `migrate failed: ${(applied as Error).message}`);
        assert.ok((applied as string[]).includes('119_carried_count_user_withdrawal'), JSON.stringify(applied));
        const cols = (await pool.query<{ t: string; c: string }>(
          `SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = $1 AND column_name IN ('counted_at', 'withdrawn_by_user') ORDER BY 1`, [schema])).rows;
        assert.deepEqual(cols, [{ t: 'consents', c: 'withdrawn_by_user' }, { t: 'message_status', c: 'counted_at' }]);
      } finally {
        await reader.end().catch(() => undefined);
        await writer.end().catch(() => undefined);
        await pool.end();
        await dropSchema(schema);
      }
    });
  }
});
