import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pickConsent } from '../../../src/domain/consent.js';

test('pickConsent: the live consent that runs longest, else the one that expired last, else none', () => {
  const at = (c: { id: string; exp: number }) => c.exp;
  const now = 100;
  assert.equal(pickConsent([], now, at), undefined);
  assert.equal(pickConsent(undefined, now, at), undefined);
  assert.equal(pickConsent([{ id: 'old', exp: 50 }, { id: 'live', exp: 150 }, { id: 'longer', exp: 300 }, { id: 'older', exp: 90 }], now, at)?.id, 'longer');
  assert.equal(pickConsent([{ id: 'a', exp: 50 }, { id: 'b', exp: 99 }, { id: 'c', exp: 10 }], now, at)?.id, 'b');
  // Expiring exactly now is expired (the consent stage fails `expiresAt <= now`).
  assert.equal(pickConsent([{ id: 'edge', exp: 100 }, { id: 'live', exp: 101 }], now, at)?.id, 'live');
});
