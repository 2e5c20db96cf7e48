import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getPriority } from 'node:os';
import { Worker } from 'node:worker_threads';
import { lowerThreadPriority } from '../../../src/runtime/thread-priority.js';
import { threadStats } from '../../../bench/proc.js';

/** Nice value of every thread of this process. */
const threadNices = (): number[] => [...threadStats(process.pid).values()].map((t) => t.nice);

const linux = process.platform === 'linux';
// A worker runs TypeScript once tsx is registered in it (as threaded-upstream.ts boots without its bundle).
const TSX = import.meta.resolve('tsx/esm/api');
const MODULE = new URL('../../../src/runtime/thread-priority.ts', import.meta.url).href;

test('lowerThreadPriority changes the calling thread only, and only upwards', { skip: !linux && 'per-thread nice is Linux only' }, async () => {
  const main = getPriority();
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     import(${JSON.stringify(TSX)}).then((t) => { t.register(); return import(${JSON.stringify(MODULE)}); }).then(({ lowerThreadPriority }) => {
       parentPort.postMessage([lowerThreadPriority(10), lowerThreadPriority(0), lowerThreadPriority(-5)]);
       parentPort.once('message', () => process.exit(0));
     });`,
    { eval: true },
  );
  try {
    const [after, zero, negative] = await new Promise<(number | null)[]>((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
    assert.equal(after, Math.min(19, main + 10), 'the worker thread is ten steps nicer');
    assert.equal(zero, null, '0 leaves it');
    assert.equal(negative, null, 'never lowered back (that would need privilege)');
    assert.equal(getPriority(), main, 'the event loop keeps its priority');
    assert.equal(threadNices().filter((n) => n === Math.min(19, main + 10)).length, 1, 'exactly one thread changed');
  } finally {
    worker.postMessage('done');
    await new Promise((r) => worker.once('exit', r));
  }
});

test('lowerThreadPriority caps at 19', { skip: !linux && 'per-thread nice is Linux only' }, async () => {
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     import(${JSON.stringify(TSX)}).then((t) => { t.register(); return import(${JSON.stringify(MODULE)}); }).then(({ lowerThreadPriority }) => parentPort.postMessage(lowerThreadPriority(50)));`,
    { eval: true },
  );
  const nice = await new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
  assert.equal(nice, 19);
  await new Promise((r) => worker.once('exit', r));
});

test('lowerThreadPriority does nothing for a non-positive or non-numeric increment', () => {
  assert.equal(lowerThreadPriority(0), null);
  assert.equal(lowerThreadPriority(Number.NaN), null);
});
