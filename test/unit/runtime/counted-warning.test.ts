import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CountedWarning } from '../../../src/runtime/counted-warning.js';

test('a key: its first occurrence said at once, then one line per interval with the count since; keys apart; a quiet key forgotten', () => {
  const said: [string, number, string][] = [];
  const w = new CountedWarning<string>(1000, (k, n, f) => said.push([k, n, f]));
  w.note('a', 'x', 0);
  for (let t = 1; t <= 500; t++) w.note('a', `x${t}`, t);
  w.note('b', 'y', 10);
  assert.deepEqual(said, [['a', 1, 'x'], ['b', 1, 'y']]);
  // the next occurrence once the interval is over says the count since the last line, with its own fields
  w.note('a', 'z', 1000);
  assert.deepEqual(said.at(-1), ['a', 501, 'z']);
  // a flush says nothing before a key's interval is over
  w.note('a', 'q', 1200);
  w.flush(1500);
  assert.equal(said.length, 3);
  // then the count left after the last line (the run stopped), once
  w.flush(2000);
  assert.deepEqual(said.at(-1), ['a', 1, 'q']);
  w.flush(2500);
  assert.equal(said.length, 4);
  // quiet for a whole interval: forgotten, so its next occurrence starts a new run and is said at once
  w.flush(3000);
  w.note('a', 'again', 3001);
  assert.deepEqual(said.at(-1), ['a', 1, 'again']);
  // at a close every count not said yet is said, whatever the interval
  w.note('a', 'last', 3002);
  w.flush(3003, true);
  assert.deepEqual(said.at(-1), ['a', 1, 'last']);
});
