/**
 * Migration 119 (message_status.counted_at, consents.withdrawn_by_user) applied while the gateways
 * of the earlier version keep queueing, as migration 111 is (migration-lanes-live-queue.test.ts).
 * Run in one transaction, its first ALTER waited for its lock with no limit (every queue write
 * queued behind it waited as long) and then held `message_status` exclusively until the second ALTER
 * had its lock on `consents`: a long read of either table stopped every decision meanwhile.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { migrateBehindLongRead, type Statement } from '../../helpers/pg-live-migration.js';

const row = (id: string): Statement =>
  ['INSERT INTO message_status (id, content_provider_id, msisdn, from_port, text, registered_delivery, due_at, submitted_at, status, updated_at, category) VALUES ($1, $2, $3, $4, $5, 0, 1, 1, $6, 1, $7)',
    [id, 'cp1', '+8613800138000', '10690001', 'x', 'accepted', 'promo']];

describe('migration 119 on a live queue', { timeout: 60_000 }, () => {
  for (const read of ['message_status', 'consents']) {
    test(`a queue write waits at most about a second while the migration waits for a long read of ${read}; the migration completes once the read ends`, async () => {
      await migrateBehindLongRead({
        version: '119_carried_count_user_withdrawal',
        // the schema as the version before 119 left it
        undo: 'ALTER TABLE message_status DROP COLUMN counted_at; ALTER TABLE consents DROP COLUMN withdrawn_by_user',
        readTable: read,
        write: row('m-during'), written: 'the queue row',
      }, async (pool, schema) => {
        const cols = (await pool.query<{ t: string; c: string }>(
          `SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = $1 AND column_name IN ('counted_at', 'withdrawn_by_user') ORDER BY 1`, [schema])).rows;
        assert.deepEqual(cols, [{ t: 'consents', c: 'withdrawn_by_user' }, { t: 'message_status', c: 'counted_at' }]);
      });
    });
  }
});
