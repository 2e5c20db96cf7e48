import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Fifo } from '../../../src/runtime/fifo.js';

test('Fifo: first in, first out across resets and compactions; drain empties it', () => {
  const q = new Fifo<number>();
  assert.equal(q.shift(), undefined);
  assert.equal(q.peek(), undefined);
  let next = 0;
  let expect = 0;
  // Interleaved pushes and shifts keep a backlog, so the head passes 1024 and the array is compacted.
  for (let round = 0; round < 50; round++) {
    for (let i = 0; i < 300; i++) q.push(next++);
    for (let i = 0; i < 200; i++) {
      assert.equal(q.peek(), expect);
      assert.equal(q.shift(), expect++);
    }
    assert.equal(q.size, next - expect);
  }
  const rest = q.drain();
  assert.deepEqual(rest, Array.from({ length: next - expect }, (_, i) => expect + i));
  assert.equal(q.size, 0);
  q.push(7);
  assert.equal(q.shift(), 7);
  assert.equal(q.size, 0);
});

test('extract removes the chosen items from the middle, oldest first, and the rest keep their order', () => {
  const q = new Fifo<number>();
  for (let i = 0; i < 10; i++) q.push(i);
  q.shift();
  q.shift();
  assert.deepEqual(q.extract((n) => n % 3 === 0), [3, 6, 9]);
  assert.equal(q.size, 5);
  assert.deepEqual(q.extract(() => false), []);
  q.push(10);
  assert.deepEqual(q.drain(), [2, 4, 5, 7, 8, 10]);
});
