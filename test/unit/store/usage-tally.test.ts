/**
 * UsageTally (src/store/usage-tally.ts): a transaction's figures summed per (provider, Shanghai day,
 * key), so the store writes one upsert per distinct row, in one sorted order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageTally } from '../../../src/store/usage-tally.js';
import { shanghaiDay, shanghaiDayStart } from '../../../src/domain/usage.js';

test('shanghaiDay: the day in UTC+8, midnight belonging to the day it starts', () => {
  assert.equal(shanghaiDay(Date.parse('2026-11-30T15:59:59.999Z')), '2026-11-30');
  assert.equal(shanghaiDay(Date.parse('2026-11-30T16:00:00Z')), '2026-12-01');
  assert.equal(shanghaiDayStart('2026-12-01'), Date.parse('2026-11-30T16:00:00Z'));
});

test('a batch sums into one row per provider, day and key, sorted; days split at Shanghai midnight either way', () => {
  const t = new UsageTally();
  const mid = Date.parse('2026-11-30T16:00:00Z');
  t.add('cp_b', mid - 1, 'accepted');
  t.add('cp_a', mid, 'accepted');
  t.add('cp_b', mid - 2, 'accepted');
  // back across midnight after the day moved on: the cached day is not reused
  t.add('cp_a', mid - 1, 'segments', 3);
  t.add('cp_a', mid + 5, 'accepted');
  t.add('cp_a', mid + 5, 'segments', 0);
  assert.deepEqual(t.rows(), [
    { contentProviderId: 'cp_a', day: '2026-11-30', key: 'segments', n: 3 },
    { contentProviderId: 'cp_a', day: '2026-12-01', key: 'accepted', n: 2 },
    { contentProviderId: 'cp_b', day: '2026-11-30', key: 'accepted', n: 2 },
  ]);
  assert.equal(t.size, 3);
  assert.deepEqual(t.columns(), [['cp_a', 'cp_a', 'cp_b'], ['2026-11-30', '2026-12-01', '2026-11-30'], ['segments', 'accepted', 'accepted'], [3, 2, 2]]);
});
