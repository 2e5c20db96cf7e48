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
import { migrateBehindLongRead, type Statement } from '../../helpers/pg-live-migration.js';

const row = (id: string, category: string | null): Statement =>
  ['INSERT INTO message_status (id, content_provider_id, msisdn, from_port, text, registered_delivery, due_at, submitted_at, status, updated_at, category) VALUES ($1, $2, $3, $4, $5, 0, 1, 1, $6, 1, $7)',
    [id, 'cp1', '+8613800138000', '10690001', 'x', 'accepted', category]];

describe('migration 111 on a live queue', { timeout: 60_000 }, () => {
  test('a write to the queue waits at most about a second while the migration waits for a long read; the migration completes once the read ends', async () => {
    await migrateBehindLongRead({
      version: '111_queue_priority',
      // the schema as the version before 111 left it
      undo: `DROP INDEX message_status_lane;
        ALTER TABLE message_status DROP COLUMN priority;
        CREATE INDEX message_status_due ON message_status (due_at, enqueued_seq) WHERE status = 'accepted';
        ALTER TABLE queue_members DROP COLUMN IF EXISTS lanes`,
      seed: [row('m-old-commercial', 'promo'), row('m-old-notice', null)],
      readTable: 'message_status',
      write: row('m-during', 'promo'), written: 'the queue row',
    }, async (pool) => {
      const lanes = (await pool.query<{ id: string; priority: number }>('SELECT id, priority FROM message_status ORDER BY id')).rows;
      assert.deepEqual(lanes.map((r) => [r.id, r.priority]), [['m-during', 2], ['m-old-commercial', 2], ['m-old-notice', 1]]);
      const idx = (await pool.query<{ name: string; valid: boolean }>(
        `SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
          WHERE i.indrelid = 'message_status'::regclass AND c.relname IN ('message_status_lane', 'message_status_due')`)).rows;
      assert.deepEqual(idx, [{ name: 'message_status_lane', valid: true }]);
    });
  });
});
