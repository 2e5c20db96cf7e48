import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RandomIds } from '../../../src/app/ids.js';

test('an id is its kind, the time in base 36 (9 chars) and 12 random hex digits', () => {
  const ids = new RandomIds();
  const realNow = Date.now;
  try {
    for (const ms of [0, 1, 1_764_460_800_000, 1_764_460_800_001, 1_764_460_800_001, 1_764_460_799_999, 36 ** 9 - 1]) {
      Date.now = () => ms;
      const id = ids.next('msg');
      assert.match(id, /^msg_[0-9a-z]{9}[0-9a-f]{12}$/);
      assert.equal(id.slice(4, 13), ms.toString(36).padStart(9, '0'), `time part of ${ms}`);
    }
  } finally {
    Date.now = realNow;
  }
  assert.match(ids.next('alert'), /^alert_[0-9a-z]{9}[0-9a-f]{12}$/);
});

test('ids made later sort after earlier ones (by the millisecond), never repeat, and use every hex digit alike', () => {
  const ids = new RandomIds();
  const seen = new Set<string>();
  const counts = new Map<string, number>();
  let prev = '';
  for (let i = 0; i < 100_000; i++) {
    const id = ids.next('msg');
    assert.ok(id.slice(0, 13) >= prev.slice(0, 13), 'time part never goes back');
    prev = id;
    seen.add(id);
    for (const c of id.slice(13)) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  assert.equal(seen.size, 100_000);
  // 1.2M random hex digits: each of the 16 about 75,000 times (a byte table off by one would skew or miss some)
  assert.equal(counts.size, 16);
  for (const [c, n] of counts) assert.ok(n > 70_000 && n < 80_000, `${c}: ${n}`);
});
