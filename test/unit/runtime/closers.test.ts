/**
 * One list of what a process opened (src/runtime/closers.ts), for a failed start and a graceful stop:
 * closed newest first, each after the one before, past a piece that fails; once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Closers } from '../../../src/runtime/closers.js';

test('closes newest first, one after another, and goes on past a piece that fails', async () => {
  const c = new Closers();
  const log: string[] = [];
  c.add('store', () => log.push('store'));
  c.add('worker', async (graceful) => {
    await new Promise((r) => setTimeout(r, 20));
    log.push(`worker graceful=${graceful}`);
  });
  c.add('bad', () => { throw new Error('boom'); });
  c.add('http', async () => log.push('http'));
  assert.deepEqual(c.order, ['http', 'bad', 'worker', 'store']);
  const errors: string[] = [];
  await c.close(true, (what, e) => errors.push(`${what}: ${e.message}`));
  assert.deepEqual(log, ['http', 'worker graceful=true', 'store']);
  assert.deepEqual(errors, ['bad: boom']);
});

test('closes once: a second close (a second signal) waits for the first and closes nothing again', async () => {
  const c = new Closers();
  let n = 0;
  c.add('x', async () => { n++; await new Promise((r) => setTimeout(r, 10)); });
  await Promise.all([c.close(false), c.close(true)]);
  await c.close(true);
  assert.equal(n, 1);
  assert.throws(() => c.add('late', () => undefined), /opened while closing/);
});
