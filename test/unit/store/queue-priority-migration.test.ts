/**
 * SQLite migration 115 on a queue that holds messages from before it: a queued or held commercial
 * message (known by its category, migration 101) goes to the last lane, every other one to the middle,
 * and the claim then takes them lane by lane.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { migrate } from '../../../src/store/sqlite/db.js';
import { withSqliteBefore } from '../../helpers/sqlite-before-migration.js';

test('migration 115: queued commercial rows go to the last lane, the others to the middle; the due index is the lane one', () => {
  withSqliteBefore('115_queue_priority', `DROP INDEX message_status_lane; ALTER TABLE message_status DROP COLUMN priority;
    CREATE INDEX message_status_due ON message_status (due_at) WHERE status = 'accepted';`, (db) => {
    const ins = db.prepare(`INSERT INTO message_status (id, content_provider_id, msisdn, from_port, text, registered_delivery, due_at, submitted_at, status, updated_at, category)
      VALUES (?, 'cp', '+8613800138000', '1069', 'x', 0, ?, 1, ?, 1, ?)`);
    ins.run('ad', 1, 'accepted', 'promo');
    ins.run('code', 2, 'accepted', null);
    ins.run('held_ad', 3, 'held', 'promo');
    ins.run('sent_ad', 4, 'submitted', 'promo');
    assert.deepEqual(migrate(db), ['115_queue_priority']);
    const lanes = Object.fromEntries((db.prepare('SELECT id, priority FROM message_status').all() as { id: string; priority: number }[]).map((r) => [r.id, r.priority]));
    assert.deepEqual(lanes, { ad: 2, code: 1, held_ad: 2, sent_ad: 1 });
    const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'message_status'").all() as { name: string }[]).map((r) => r.name);
    assert.ok(indexes.includes('message_status_lane') && !indexes.includes('message_status_due'), indexes.join());
  });
});
