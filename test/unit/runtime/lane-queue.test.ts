import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LaneQueue } from '../../../src/runtime/lane-queue.js';

test('lane queue: the first lane holding any goes first, each lane first in first out; absent lane is the lowest', () => {
  const q = new LaneQueue<string>();
  q.push('ad1', 2);
  q.push('ad2');
  q.push('note1', 1);
  q.push('code1', 0);
  q.push('code2', 0);
  assert.equal(q.size, 5);
  assert.deepEqual([q.shift(), q.shift(), q.shift()], ['code1', 'code2', 'note1']);
  q.push('code3', 0);
  assert.deepEqual([q.shift(), q.shift(), q.shift(), q.shift()], ['code3', 'ad1', 'ad2', undefined]);
  assert.equal(q.size, 0);
});

test('lane queue: extract and drain keep claim order and the count', () => {
  const q = new LaneQueue<string>();
  for (const [x, l] of [['a', 2], ['b', 0], ['c', 2], ['d', 1]] as const) q.push(x, l);
  assert.deepEqual(q.extract((x) => x === 'c' || x === 'b'), ['b', 'c']);
  assert.equal(q.size, 2);
  assert.deepEqual(q.drain(), ['d', 'a']);
  assert.equal(q.size, 0);
  assert.equal(q.shift(), undefined);
});
