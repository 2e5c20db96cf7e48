/**
 * A page of the do-not-disturb list (GET /v1/dnd?cursor=&limit=, ConsentStore.listDnd) is an index
 * walk from the previous page's last entry on dnd_listed (SQLite migration 134), in the list's order
 * (no sort): the primary key (msisdn) alone would sort the whole list for every page. Proven with
 * EXPLAIN QUERY PLAN on the adapter's own statement against a migrated database.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { DND_PAGE } from '../../../src/store/sqlite/consents.js';

test('a page of the do-not-disturb list is an index range from the last entry, never a sort', () => {
  const store = new SqliteStore(':memory:');
  try {
    const plan = (store.db.prepare(`EXPLAIN QUERY PLAN ${DND_PAGE}`).all(Date.parse('2026-11-01T00:00:00Z'), '+8613800138000', 101) as { detail: string }[]).map((r) => r.detail).join(' | ');
    assert.match(plan, /^SEARCH dnd USING INDEX dnd_listed \(\(at,msisdn\)>\(\?,\?\)\)$/);
    assert.doesNotMatch(plan, /TEMP B-TREE/);
  } finally {
    store.close();
  }
});
