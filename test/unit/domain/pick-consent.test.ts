import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pickConsent } from '../../../src/domain/consent.js';

const get = (c: { id: string; granted?: number; exp: number }) => ({ id: c.id, grantedAt: c.granted ?? 0, expiresAt: c.exp });

test('pickConsent: the live consent granted last, else the one that expired last, else none', () => {
  const now = 100;
  assert.equal(pickConsent([], now, get), undefined);
  assert.equal(pickConsent(undefined, now, get), undefined);
  assert.equal(pickConsent([{ id: 'old', exp: 50 }, { id: 'live', exp: 150 }, { id: 'longer', exp: 300 }, { id: 'older', exp: 90 }], now, get)?.id, 'longer', 'equal grants: the later expiry');
  assert.equal(pickConsent([{ id: 'a', exp: 50 }, { id: 'b', exp: 99 }, { id: 'c', exp: 10 }], now, get)?.id, 'b');
  // Expiring exactly now is expired (the consent stage fails `expiresAt <= now`).
  assert.equal(pickConsent([{ id: 'edge', granted: 90, exp: 100 }, { id: 'live', exp: 101 }], now, get)?.id, 'live');
});

test('pickConsent: the latest grant governs whatever its expiry (found by QA: 1 a day expiring later hid a later 5 a day)', () => {
  const now = 100;
  const rows = [{ id: 'one_a_day', granted: 10, exp: 1000 }, { id: 'five_a_day', granted: 20, exp: 500 }, { id: 'expired_later_grant', granted: 30, exp: 90 }];
  assert.equal(pickConsent(rows, now, get)?.id, 'five_a_day');
  assert.equal(pickConsent([...rows].reverse(), now, get)?.id, 'five_a_day', 'order of the rows does not matter');
  assert.equal(pickConsent([{ id: 'a', granted: 20, exp: 500 }, { id: 'b', granted: 20, exp: 500 }], now, get)?.id, 'b', 'full ties: the greater id, as the SQL orders');
});
