import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keepLeases, lostClaimsError } from '../../../src/app/lease-keeper.js';
import type { Claim, OutboundMessage } from '../../../src/ports/store.js';
import { until } from '../../helpers/wait.js';

const msg = (id: string, leasedUntil?: number): OutboundMessage => ({
  id, contentProviderId: 'cp', from: '10690001', to: '13900000000', text: 't', registeredDelivery: false, attempts: 1, submittedAt: 0,
  ...(leasedUntil === undefined ? {} : { leasedUntil }),
});
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('renews every claim still standing, names each by its new end, and reports those taken since (once)', async () => {
  let now = 1000;
  const calls: [string[], number][] = [];
  const lost: string[][] = [];
  // the store: b was claimed since by another worker after the first renewal
  let taken = new Set<string>();
  const outbox = {
    async renew(claims: readonly Claim[], until: number) {
      calls.push([claims.map((c) => `${c.id}@${c.leasedUntil}`), until]);
      const out = claims.filter((c) => !taken.has(c.id)).map((c) => c.id);
      return out;
    },
  };
  const batch = [msg('a', 61_000), msg('b', 61_000), msg('never-claimed')];
  const k = keepLeases(batch, { outbox, leaseMs: 60_000, now: () => now, everyMs: 10, onLost: (ids) => lost.push(ids), onError: (e) => assert.fail(e) });
  // polled, not timed: a loaded machine fires the interval late, never early
  await until(() => calls.length >= 1);
  now = 2000;
  taken = new Set(['b']);
  const before = calls.length;
  await until(() => calls.length >= before + 2);
  await k.stop();
  const n = calls.length;
  await tick(30);
  assert.equal(calls.length, n, 'stopped: no renewal after stop()');
  assert.deepEqual(calls[0], [['a@61000', 'b@61000'], 61_000], 'only claimed messages, named by the lease the claim wrote');
  assert.deepEqual(lost, [['b']], 'b reported lost once, then no longer renewed');
  assert.deepEqual(calls[n - 1][0], ['a@62000']);
  assert.equal(batch[0].leasedUntil, 62_000, 'a named by its new end');
  assert.equal(batch[1].leasedUntil, 61_000, 'b keeps the end of the claim it lost');
  assert.equal(batch[2].leasedUntil, undefined);
});

test('one renewal at a time; stop() waits for the one in progress; a failed renewal is reported and tried again', async () => {
  let inFlight = 0;
  let most = 0;
  let fail = true;
  const errors: string[] = [];
  let finished = 0;
  const outbox = {
    async renew(claims: readonly Claim[]) {
      inFlight++;
      most = Math.max(most, inFlight);
      await tick(40);
      inFlight--;
      if (fail) { fail = false; throw new Error('connection terminated'); }
      finished++;
      return claims.map((c) => c.id);
    },
  };
  const batch = [msg('a', 100)];
  const k = keepLeases(batch, { outbox, leaseMs: 60_000, now: () => 500, everyMs: 5, onLost: () => assert.fail('nothing lost'), onError: (e) => errors.push(e.message) });
  // the failed renewal, one that succeeded, and the next one under way
  await until(() => finished >= 1 && inFlight === 1);
  await k.stop();
  assert.equal(inFlight, 0, 'stop() waited for the renewal in progress');
  assert.equal(most, 1);
  assert.deepEqual(errors, ['connection terminated']);
  assert.equal(finished, 2, 'the renewal stop() waited for finished');
  assert.equal(batch[0].leasedUntil, 60_500);
});

test('a batch without claims renews nothing; the lost-claims error names at most ten', async () => {
  let called = false;
  const k = keepLeases([msg('x')], { outbox: { async renew() { called = true; return []; } }, leaseMs: 3, now: () => 0, onLost() {}, onError() {} });
  await tick(20);
  await k.stop();
  assert.equal(called, false);
  const e = lostClaimsError(Array.from({ length: 12 }, (_, i) => `m${i}`));
  assert.match(e.message, /^12 claim\(s\) lost/);
  assert.ok(e.message.endsWith('m9'));
});

test('renewals stop after maxHoldMs: a submit that never ends does not hold its message for ever', async () => {
  let calls = 0;
  const k = keepLeases([msg('a', 100)], { outbox: { async renew(c) { calls++; return c.map((x) => x.id); } }, leaseMs: 60_000, now: () => 0, everyMs: 5, maxHoldMs: 200, onLost() {}, onError() {} });
  await until(() => calls >= 1);
  await tick(300);
  const n = calls;
  await tick(50);
  assert.equal(calls, n, 'no renewal after the hold');
  await k.stop();
});

test('at the end of the hold the claims still held are given up (once), those lost before are not; a stopped keeper gives up nothing', async () => {
  let calls = 0;
  const givenUp: string[][] = [];
  const batch = [msg('a', 100), msg('b', 100), msg('unclaimed')];
  const k = keepLeases(batch, {
    outbox: { async renew(c) { calls++; return c.filter((x) => x.id !== 'b').map((x) => x.id); } },
    leaseMs: 60_000, now: () => 0, everyMs: 5, maxHoldMs: 100, onLost() {}, onError() {}, onGiveUp: (ids) => givenUp.push(ids),
  });
  await until(() => givenUp.length >= 1);
  await tick(40);
  assert.ok(calls >= 1);
  assert.deepEqual(givenUp, [['a']], 'a given up once; b was lost at the first renewal and reported there');
  await k.stop();
  const quiet: string[][] = [];
  const k2 = keepLeases([msg('c', 100)], { outbox: { async renew(c) { return c.map((x) => x.id); } }, leaseMs: 60_000, now: () => 0, everyMs: 5, maxHoldMs: 30, onLost() {}, onError() {}, onGiveUp: (ids) => quiet.push(ids) });
  await k2.stop();
  await tick(80);
  assert.deepEqual(quiet, [], 'the batch ended before the hold did');
});

test('drop: a claim given up for a cancel is renewed no more, the others still are; it resolves after a renewal under way, its end final', async () => {
  let now = 1000;
  const calls: string[][] = [];
  let release: (() => void) | null = null;
  const outbox = {
    async renew(claims: readonly Claim[]) {
      calls.push(claims.map((c) => c.id));
      // the clock moves after the first renewal (here, not in the test's body: on a busy machine a
      // second renewal could come before the body ran again, and write the old end)
      if (calls.length === 1) now = 2000;
      // the second renewal is slow: a drop comes while it is under way
      if (calls.length === 2) await new Promise<void>((r) => (release = r));
      return claims.map((c) => c.id);
    },
  };
  const batch = [msg('a', 61_000), msg('b', 61_000)];
  const k = keepLeases(batch, { outbox, leaseMs: 60_000, now: () => now, everyMs: 5, onLost: () => assert.fail('nothing lost'), onError: (e) => assert.fail(e) });
  await until(() => release !== null);
  let dropped = false;
  const d = k.drop(['a']).then(() => (dropped = true));
  await tick(20);
  assert.equal(dropped, false, 'waits for the renewal under way');
  release!();
  await d;
  // that renewal moved a's lease in the store: a is named by the end it wrote
  assert.equal(batch[0].leasedUntil, 62_000);
  const n = calls.length;
  now = 3000;
  await until(() => calls.length >= n + 2);
  await k.stop();
  for (const c of calls.slice(n)) assert.deepEqual(c, ['b'], 'only b renewed after the drop');
  assert.equal(batch[0].leasedUntil, 62_000, 'a keeps the end the cancel names');
  assert.equal(batch[1].leasedUntil, 63_000);
});
