/**
 * HttpThroughput across processes: each process holds its own bucket, and a rate changed elsewhere
 * (another process sharing the store) binds here once the rate read here is older than
 * TOKEN_CACHE_MS on the wall clock; a change through this process's `forget` binds at once. Told how
 * many processes serve HTTP (setProcesses, from src/app/http-processes.ts), a bucket holds the
 * provider to its share of the rate; untold, to the whole rate.
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
    // untold of each other, each process has the whole burst of 2
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

/** The RetryLaterError admitting throws (asserting it does, at once: the rate is known). */
function refusal(admit: () => void | Promise<void>): RetryLaterError {
  try {
    const r = admit();
    assert.equal(r, undefined, 'answered at once');
  } catch (e) {
    assert.ok(e instanceof RetryLaterError, String(e));
    return e;
  }
  assert.fail('admitted');
}

test('several processes serving HTTP: this one holds the provider to its share, rate / processes, burst split the same way', async () => {
  const store = new SqliteStore(':memory:');
  const clock = new SimulatedClock(T);
  const app = new App({ store, clock, profile: resolveProfile('cn-2015') });
  try {
    await store.directory.createContentProvider({ id: 'cp_a', name: '甲', creditCode: '91350100M000000001', licenseNumber: null, status: 'active', createdAt: T, httpThroughput: 10 }, { id: 'k_a', hash: 'h_a' });
    let wall = 1_000_000;
    const door = new HttpThroughput(app.ctx, () => wall);
    assert.equal(door.processCount, 1, 'until told: one process, the whole rate');
    assert.equal(door.servedSince(0), false, 'no message request yet');
    door.setProcesses(2);
    assert.equal(door.processCount, 2);
    // a share of 5 a second, burst 5
    await door.admit('cp_a', 1);
    assert.equal(door.servedSince(wall), true, 'a request marks the door as serving');
    for (let i = 0; i < 4; i++) door.admit('cp_a', 1);
    const e = refusal(() => door.admit('cp_a', 1));
    assert.equal(e.code, 'throttled');
    assert.equal(e.ref.rule, 'provider.throughput');
    assert.equal(e.retryAfterMs, 200, 'one token at 5 a second');
    assert.match(e.message, /HTTP throughput of 10 messages a second \(5 a second on this gateway process, one of 2 serving HTTP\)/);
    // a batch larger than the share's burst never fits here: no Retry-After, and says the size that does
    clock.advance(10_000);
    const big = refusal(() => door.admit('cp_a', 6));
    assert.equal(big.retryAfterMs, undefined);
    assert.match(big.message, /send at most 5 messages a request/);
    door.admit('cp_a', 5);
    // the other process gone: resized to the whole rate, keeping the tokens it has (none), no fresh burst
    door.setProcesses(1);
    assert.equal(refusal(() => door.admit('cp_a', 1)).retryAfterMs, 100, 'one token at 10 a second');
    clock.advance(1000);
    door.admit('cp_a', 10);
    const one = refusal(() => door.admit('cp_a', 1));
    assert.doesNotMatch(one.message, /gateway process/, 'one process: the words as ever');
    // a third process: resized down, at most the new burst (3 of 10 / 3 a second)
    clock.advance(10_000);
    door.setProcesses(3);
    door.admit('cp_a', 3);
    assert.match(refusal(() => door.admit('cp_a', 1)).message, /3\.33 a second on this gateway process, one of 3/);
    // a re-read of the unchanged rate keeps the share's bucket
    wall += TOKEN_CACHE_MS;
    assert.equal(await throttled(() => door.admit('cp_a', 1)), true);
  } finally {
    await store.close();
  }
});
