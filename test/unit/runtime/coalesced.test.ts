import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CoalescedTask } from '../../../src/runtime/coalesced.js';

/** A task whose runs finish only when the test says so. */
function gated() {
  const gates: (() => void)[] = [];
  let runs = 0;
  const task = () => { runs++; return new Promise<void>((r) => gates.push(r)); };
  return { task, runs: () => runs, open: async () => { gates.shift()?.(); await new Promise((r) => setImmediate(r)); } };
}

test('a burst of kicks while a run is in progress costs exactly one more run', async () => {
  const g = gated();
  const t = new CoalescedTask(g.task, () => assert.fail('no error expected'));
  t.kick();
  for (let i = 0; i < 100; i++) t.kick();
  assert.equal(g.runs(), 1);
  await g.open();
  assert.equal(g.runs(), 2, 'the kicks during run 1 asked for run 2');
  await g.open();
  assert.equal(g.runs(), 2, 'nothing asked for a third');
  assert.equal(t.running, null);
});

test('a failed run is reported and the next kick runs again', async () => {
  const errors: string[] = [];
  let n = 0;
  const t = new CoalescedTask(async () => { if (++n === 1) throw new Error('boom'); }, (e) => errors.push(e.message));
  t.kick();
  await t.running;
  assert.deepEqual(errors, ['boom']);
  t.kick();
  await t.running;
  assert.equal(n, 2);
});

test('after stop, no run starts and the one asked for during the last run is dropped', async () => {
  const g = gated();
  const t = new CoalescedTask(g.task, () => {});
  t.kick();
  t.kick();
  t.stop();
  await g.open();
  assert.equal(g.runs(), 1);
  t.kick();
  assert.equal(g.runs(), 1);
  assert.equal(t.running, null);
});
