import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Heartbeat } from '../../../src/runtime/heartbeat.js';

test('Heartbeat: a beat during a round joins it, never a second one at once', async () => {
  let running = 0;
  let most = 0;
  let rounds = 0;
  let release!: () => void;
  const h = new Heartbeat(60_000, async () => {
    running++;
    most = Math.max(most, running);
    rounds++;
    await new Promise<void>((r) => (release = r));
    running--;
  }, () => assert.fail('no failure'));
  const a = h.beat();
  const b = h.beat();
  assert.equal(a, b, 'the same round');
  release();
  await a;
  assert.deepEqual([rounds, most], [1, 1]);
  const c = h.beat();
  release();
  await c;
  assert.equal(rounds, 2, 'a beat after the round is a new round');
  await h.idle();
});

test('Heartbeat: failures reported once per outage; a success ends the outage', async () => {
  const plan = [false, false, true, false, false];
  const reported: string[] = [];
  let i = 0;
  const h = new Heartbeat(60_000, async () => {
    const n = i++;
    if (!plan[n]) throw new Error(`round ${n}`);
  }, (e) => reported.push((e as Error).message));
  for (let n = 0; n < plan.length; n++) await h.beat(); // never throws
  assert.deepEqual(reported, ['round 0', 'round 3']);
});

test('Heartbeat: stop clears the timer and waits for the round in flight', async () => {
  let done = false;
  let rounds = 0;
  const h = new Heartbeat(5, async () => {
    rounds++;
    await new Promise((r) => setTimeout(r, 20));
    done = true;
  }, () => undefined);
  h.start();
  await new Promise((r) => setTimeout(r, 12));
  await h.stop();
  assert.ok(done, 'the round in flight finished before stop returned');
  const after = rounds;
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(rounds, after, 'no round after stop');
});
