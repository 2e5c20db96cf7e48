/**
 * A service's subscriptions within a regulator token's dates (GET /v1/charged-services/{id}/subscriptions,
 * ConsentStore.listChargedSubscriptions) are read by an index walk bounded on both sides: from the page's
 * last row or the window's start to the window's end, on charged_subscriptions_service (SQLite migration
 * 129), in the list's order (no sort). Proven with EXPLAIN QUERY PLAN on the adapter's own statement
 * against a migrated database. Before 2026-12-07 the statement gave the index only the service, so every
 * page walked from the service's first subscription (the dates were filtered by the use case).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { SUBSCRIPTIONS_OF } from '../../../src/store/sqlite/consents.js';

test('a page of a service\'s subscriptions is an index range on both bounds of the start time, never a sort', () => {
  const store = new SqliteStore(':memory:');
  try {
    const args = ['chs_1', Date.parse('2026-11-01T00:00:00Z'), '', Date.parse('2026-12-01T00:00:00Z'), 101];
    const plan = (store.db.prepare(`EXPLAIN QUERY PLAN ${SUBSCRIPTIONS_OF}`).all(...args) as { detail: string }[]).map((r) => r.detail).join(' | ');
    assert.match(plan, /^SEARCH charged_subscriptions USING INDEX charged_subscriptions_service \(service_id=\? AND \(started_at,id\)>\(\?,\?\) AND started_at<\?\)$/);
    assert.doesNotMatch(plan, /TEMP B-TREE/);
  } finally {
    store.close();
  }
});
