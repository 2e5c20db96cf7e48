/**
 * The readiness probe (app/readiness.ts) behind GET /readyz: a required check failing makes the
 * process not ready, a reported one does not; a result is kept `cacheMs`, a check still running is
 * joined rather than started again, one that does not answer within `timeoutMs` has failed, and a
 * stopping process answers `stopping` at once without running any check.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readiness } from '../../../src/app/readiness.js';

test('required and reported checks: only a required one failing makes the process not ready; a rejection is a failure with its message', async () => {
  let t = 0;
  const r = new Readiness({ now: () => t, cacheMs: 1000 });
  let storeUp = true;
  r.add({ name: 'store', required: true, run: async () => { if (!storeUp) throw new Error('connect ECONNREFUSED'); } });
  r.add({ name: 'upstreamLinks', required: false, run: async () => ({ ok: false, detail: '0 of 1 bound', links: [{ name: 'cmcc', state: 'down' }] }) });
  assert.deepEqual(await r.probe(), {
    status: 'ready',
    checks: { store: { ok: true, required: true }, upstreamLinks: { ok: false, required: false, detail: '0 of 1 bound', links: [{ name: 'cmcc', state: 'down' }] } },
  });
  storeUp = false;
  t += 1000;
  const down = await r.probe();
  assert.equal(down.status, 'not_ready');
  assert.deepEqual(down.checks.store, { ok: false, required: true, detail: 'connect ECONNREFUSED' });
});

test('a burst of probes within cacheMs runs each check once; after it, once more', async () => {
  let t = 0;
  let runs = 0;
  const r = new Readiness({ now: () => t, cacheMs: 1000 });
  r.add({ name: 'store', required: true, run: async () => { runs++; } });
  await Promise.all(Array.from({ length: 50 }, () => r.probe()));
  t += 999;
  await r.probe();
  assert.equal(runs, 1);
  t += 1;
  await r.probe();
  assert.equal(runs, 2);
});

test('a check that does not answer fails at timeoutMs; the next probe joins it instead of starting another', async () => {
  let t = 0;
  let runs = 0;
  let answer: () => void = () => undefined;
  const r = new Readiness({ now: () => t, cacheMs: 10, timeoutMs: 50 });
  r.add({ name: 'store', required: true, run: () => (++runs === 1 ? new Promise<void>((res) => { answer = res; }) : Promise.resolve()) });
  const t0 = Date.now();
  const first = await r.probe();
  assert.ok(Date.now() - t0 < 1000, 'answered at the timeout, not when the check does');
  assert.deepEqual(first, { status: 'not_ready', checks: { store: { ok: false, required: true, detail: 'no answer within 50 ms' } } });
  t += 10;
  assert.equal((await r.probe()).status, 'not_ready');
  assert.equal(runs, 1, 'the hanging check was joined, not run a second time');
  answer();
  await new Promise((res) => setImmediate(res));
  t += 10;
  assert.equal((await r.probe()).status, 'ready');
  assert.equal(runs, 2);
});

test('stopping: answered at once with the checks last seen, none run again', async () => {
  let runs = 0;
  const r = new Readiness({ now: () => 0 });
  r.add({ name: 'store', required: true, run: async () => { runs++; } });
  assert.equal((await r.probe()).status, 'ready');
  r.markStopping();
  assert.deepEqual(await r.probe(), { status: 'stopping', checks: { store: { ok: true, required: true } } });
  assert.equal(runs, 1);
});

test('a failure is told by its code when it has one: a socket error\'s message names the address, and the probe takes no token', async () => {
  const r = new Readiness({ now: () => 0 });
  r.add({ name: 'store', required: true, run: async () => { throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' }); } });
  r.add({ name: 'queue', required: false, run: async () => { throw new Error('connection disconnected'); } });
  const got = await r.probe();
  assert.deepEqual(got.checks.store, { ok: false, required: true, detail: 'ECONNREFUSED' });
  assert.deepEqual(got.checks.queue, { ok: false, required: false, detail: 'connection disconnected' });
});
