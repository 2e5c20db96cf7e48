/**
 * HttpThroughput across processes: each process holds its own bucket, and a rate changed elsewhere
 * (another process sharing the store) binds here once the rate read here is older than
 * TOKEN_CACHE_MS on the wall clock; a change through this process's `forget` binds at once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { App } from '../../../src/app/app.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { HttpThroughput } from '../../../src/app/http-throughput.js';
import { TOKEN_CACHE_MS } from '../../../src/app/auth.js';
import { SmsguardError, RetryLaterError } from '../../../src/domain/errors.js';

const T = Date.parse('2026-11-30T04:00:00Z');

/** Whether admitting is refused, whether it refuses at once (rate known) or after reading the rate. */
async function throttled(admit: () => void | Promise<void>): Promise<boolean> {
  try {
    await admit();
    return false;
  } catch (e) {
    assert.ok(e instanceof RetryLaterError && e instanceof SmsguardError && e.code === 'throttled', String(e));
    return true;
  }
}

test('two processes: each its own bucket; a change elsewhere binds within TOKEN_CACHE_MS, here at once', async () => {
  const store = new SqliteStore(':memory:');
  const clock = new SimulatedClock(T);
  const app = new App({ store, clock, profile: resolveProfile('cn-2015') });
  try {
    await store.directory.createContentProvider({ id: 'cp_a', name: '甲', creditCode: '91350100M000000001', licenseNumber: null, status: 'active', createdAt: T, httpThroughput: 2 }, { id: 'k_a', hash: 'h_a' });
    let wall = 1_000_000;
    const here = new HttpThroughput(app.ctx, () => wall);
    const there = new HttpThroughput(app.ctx, () => wall);
    // each process has the whole burst of 2: the limit is per process
    for (const proc of [here, there]) {
      assert.equal(await throttled(() => proc.admit('cp_a', 1)), false);
      assert.equal(await throttled(() => proc.admit('cp_a', 1)), false);
      assert.equal(await throttled(() => proc.admit('cp_a', 1)), true);
    }
    // the rate is known: no read while it is fresh (admit answers at once)
    assert.throws(() => here.admit('cp_a', 1), RetryLaterError);
    // lifted "in another process": this one still holds to its rate until its read is TOKEN_CACHE_MS old
    await store.directory.setContentProviderHttpThroughput('cp_a', null, T, 'admin');
    wall += TOKEN_CACHE_MS - 1;
    assert.equal(await throttled(() => here.admit('cp_a', 1)), true);
    wall += 1;
    assert.equal(await throttled(() => here.admit('cp_a', 100)), false);
    // set again: forget makes it bind at once
    await store.directory.setContentProviderHttpThroughput('cp_a', 1, T, 'admin');
    assert.equal(await throttled(() => here.admit('cp_a', 1)), false, 'still the old (no) limit');
    here.forget('cp_a');
    assert.equal(await throttled(() => here.admit('cp_a', 1)), false);
    assert.equal(await throttled(() => here.admit('cp_a', 1)), true);
    // a re-read of an unchanged rate keeps the bucket: no fresh burst every refresh
    wall += TOKEN_CACHE_MS;
    assert.equal(await throttled(() => here.admit('cp_a', 1)), true);
    clock.advance(1000);
    assert.equal(await throttled(() => here.admit('cp_a', 1)), false);
  } finally {
    await store.close();
  }
});
