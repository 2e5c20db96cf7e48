import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CALLBACK_GIVE_UP_MS, nextCallbackAttempt } from '../../../src/domain/callback-retry.js';
import { statusCallback } from '../../../src/domain/callback-payload.js';
import { callbackSignature } from '../../../src/domain/callback-signature.js';

const T = Date.parse('2026-11-30T04:00:00Z');
const MIN = 60_000;
const HOUR = 3_600_000;

test('callback retries wait 10 s, 1 min, 5 min, 30 min, then an hour each', () => {
  const waits = [1, 2, 3, 4, 5, 6].map((n) => nextCallbackAttempt(n, T, T + MIN)! - (T + MIN));
  assert.deepEqual(waits, [10_000, MIN, 5 * MIN, 30 * MIN, HOUR, HOUR]);
});

test('a callback is given up when its next try would fall past 24 h after it was queued', () => {
  assert.equal(nextCallbackAttempt(20, T, T + CALLBACK_GIVE_UP_MS - HOUR), T + CALLBACK_GIVE_UP_MS);
  assert.equal(nextCallbackAttempt(20, T, T + CALLBACK_GIVE_UP_MS - HOUR + 1), null);
  // Following the schedule from the first failure, the tries stop within the day.
  let now = T;
  let attempts = 1;
  for (let due = nextCallbackAttempt(attempts, T, now); due !== null; due = nextCallbackAttempt(++attempts, T, now)) now = due;
  assert.ok(now - T <= CALLBACK_GIVE_UP_MS && now - T > CALLBACK_GIVE_UP_MS - HOUR, `last try at ${(now - T) / HOUR} h`);
  assert.equal(attempts, 28);
});

test('a status body carries clientRef, error and code only when there are, and a stable event id', () => {
  const base = { id: 'msg_1', status: 'failed' as const, at: T, from: '10690001', to: '+8613800138000' };
  assert.deepEqual(statusCallback(base), { event: 'message.status', eventId: 'msg_1:failed', id: 'msg_1', status: 'failed', at: '2026-11-30T04:00:00.000Z', from: '10690001', to: '+8613800138000' });
  assert.deepEqual(statusCallback({ ...base, error: 'UNDELIV', code: 'opted_out' }, 'ref-1'), { ...statusCallback(base), clientRef: 'ref-1', error: 'UNDELIV', code: 'opted_out' });
  assert.equal(statusCallback(base, null).clientRef, undefined);
});

test('the signature is the hex HMAC-SHA256 of the body (RFC 4231 test case 2)', () => {
  assert.equal(callbackSignature('Jefe', 'what do ya want for nothing?'), 'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
});
