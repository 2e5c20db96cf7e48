/**
 * A process's share of a provider's HTTP throughput (src/domain/throughput-share.ts), and a bucket
 * resized to a new share keeping its tokens (RateLimiter.resized).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MIN_SHARE_PER_SECOND, throughputShare } from '../../../src/domain/throughput-share.js';
import { RateLimiter } from '../../../src/domain/rate-limiter.js';

test('one process (or a count not known: 0, NaN) keeps the whole rate and a burst of one second, as before', () => {
  for (const n of [1, 0, -3, Number.NaN, 0.5]) {
    assert.deepEqual(throughputShare(50, n), { ratePerSecond: 50, burst: 50 }, String(n));
  }
  // the same bucket a single process always built
  const b = new RateLimiter(50);
  assert.deepEqual(throughputShare(50, 1), { ratePerSecond: b.ratePerSecond, burst: b.burst });
});

test('several processes: rate and burst split evenly; the bursts never add up to more than the agreed one', () => {
  assert.deepEqual(throughputShare(50, 2), { ratePerSecond: 25, burst: 25 });
  assert.deepEqual(throughputShare(100, 4), { ratePerSecond: 25, burst: 25 });
  const s = throughputShare(10, 3);
  assert.ok(Math.abs(s.ratePerSecond - 10 / 3) < 1e-9);
  assert.equal(s.burst, 3, 'rounded down: 3 × 3 ≤ 10');
  for (const [rate, n] of [[7, 2], [1000, 7], [99, 10], [100_000, 64]] as const) {
    const x = throughputShare(rate, n);
    assert.ok(x.burst * n <= rate, `${rate}/${n}: bursts ${x.burst} × ${n}`);
    assert.ok(Math.abs(x.ratePerSecond * n - rate) < 1e-6, `${rate}/${n}: rates add up to the agreed one`);
  }
  assert.deepEqual(throughputShare(50, 2.9), { ratePerSecond: 25, burst: 25 }, 'a fractional count is whole processes');
});

test('never below the minimum: more processes than messages a second give each 1 a second and a burst of 1', () => {
  assert.equal(MIN_SHARE_PER_SECOND, 1);
  assert.deepEqual(throughputShare(3, 5), { ratePerSecond: 1, burst: 1 });
  assert.deepEqual(throughputShare(1, 2), { ratePerSecond: 1, burst: 1 });
  const s = throughputShare(5, 4);
  assert.deepEqual(s, { ratePerSecond: 1.25, burst: 1 });
});

test('a resized bucket keeps its tokens (at most the new burst): a change of share hands out no fresh burst', () => {
  const full = new RateLimiter(20, 20, 0);
  assert.ok(full.tryTakeMany(15, 0));
  // 5 left; resized to a share of 10/s, burst 10: still 5, not a fresh 10
  const half = full.resized(10, 10, 0);
  assert.equal(half.ratePerSecond, 10);
  assert.equal(half.burst, 10);
  assert.ok(half.tryTakeMany(5, 0));
  assert.equal(half.tryTake(0), false);
  // refills at the new rate: 100 ms is one token at 10/s
  assert.equal(half.tryTake(99), false);
  assert.ok(half.tryTake(100));
  // a full bucket resized down is cut to the new burst
  const cut = new RateLimiter(20, 20, 0).resized(10, 10, 0);
  assert.ok(cut.tryTakeMany(10, 0));
  assert.equal(cut.tryTake(0), false);
  // tokens earned before the resize count at the old rate: 250 ms at 20/s is 5
  const b = new RateLimiter(20, 20, 0);
  assert.ok(b.tryTakeMany(20, 0));
  const r = b.resized(10, 10, 250);
  assert.ok(r.tryTakeMany(5, 250));
  assert.equal(r.tryTake(250), false);
  // resized up (a process gone): the tokens stay, the bucket may now fill further
  const up = new RateLimiter(10, 10, 0);
  assert.ok(up.tryTakeMany(10, 0));
  const whole = up.resized(20, 20, 0);
  assert.equal(whole.tryTake(0), false, 'no fresh burst when the share grows');
  assert.ok(whole.tryTakeMany(20, 1000));
});
