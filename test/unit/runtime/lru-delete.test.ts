import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LRUCache } from 'lru-cache';
import { deleteKeepingSlots, PLACEHOLDER_KEY } from '../../../src/runtime/lru-delete.js';

const PH = Object.freeze({ n: -1 });

/** Calls of Array.prototype.fill on arrays of at least `min` elements while `fn` runs. */
function bigFills(min: number, fn: () => void): number {
  const orig = Array.prototype.fill;
  let n = 0;
  Array.prototype.fill = function (this: unknown[], ...a: Parameters<typeof orig>) {
    if (this.length >= min) n++;
    return orig.apply(this, a);
  } as typeof orig;
  try {
    fn();
  } finally {
    Array.prototype.fill = orig;
  }
  return n;
}

test('deleting the last entry does not refill the cache (lru-cache clears its arrays when a plain delete empties it)', () => {
  const max = 50_000;
  const plain = new LRUCache<string, { n: number }>({ max });
  const kept = new LRUCache<string, { n: number }>({ max });
  plain.set('a', { n: 1 });
  kept.set('a', { n: 1 });
  // the difference this guards: a plain delete of the last entry refills both arrays of `max` slots
  assert.ok(bigFills(max, () => plain.delete('a')) >= 2);
  assert.equal(bigFills(max, () => assert.equal(deleteKeepingSlots(kept, 'a', PH), true)), 0);
  assert.equal(kept.get('a'), undefined);
  // drained again and again: never a refill
  assert.equal(bigFills(max, () => {
    for (let i = 0; i < 100; i++) {
      kept.set(`m${i}`, { n: i });
      deleteKeepingSlots(kept, `m${i}`, PH);
    }
  }), 0);
});

test('behaves as delete for every key but the placeholder (model: a Map; the cache never over max)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 8 }),
      fc.array(fc.tuple(fc.constantFrom('set', 'delete', 'get'), fc.integer({ min: 0, max: 11 })), { maxLength: 200 }),
      (max, ops) => {
        const cache = new LRUCache<string, { n: number }>({ max });
        const model = new Map<string, { n: number }>();
        for (const [op, k] of ops) {
          const key = `k${k}`;
          if (op === 'set') {
            const v = { n: k };
            cache.set(key, v);
            model.delete(key);
            model.set(key, v);
          } else if (op === 'delete') {
            const had = cache.has(key);
            assert.equal(deleteKeepingSlots(cache, key, PH), had);
            assert.equal(cache.has(key), false);
            model.delete(key);
          } else {
            // whatever the cache still holds is what was last set under that key (it may have evicted it)
            const v = cache.get(key);
            if (v !== undefined) assert.equal(v, model.get(key));
          }
          assert.ok(cache.size <= max);
        }
      },
    ),
    { numRuns: 500 },
  );
});

test('a cache of one: the key is deleted (and reported so), not evicted by the placeholder', () => {
  const cache = new LRUCache<string, { n: number }>({ max: 1 });
  cache.set('a', { n: 1 });
  assert.equal(deleteKeepingSlots(cache, 'a', PH), true);
  assert.equal(cache.size, 0);
});

test('the placeholder is an entry like any other: evicted first once the cache fills', () => {
  const cache = new LRUCache<string, { n: number }>({ max: 3 });
  cache.set('a', { n: 1 });
  deleteKeepingSlots(cache, 'a', PH);
  assert.equal(cache.size, 1);
  assert.equal(cache.peek(PLACEHOLDER_KEY), PH);
  for (const k of ['b', 'c', 'd']) cache.set(k, { n: 0 });
  assert.equal(cache.has(PLACEHOLDER_KEY), false);
  assert.deepEqual([...cache.keys()].sort(), ['b', 'c', 'd']);
});
