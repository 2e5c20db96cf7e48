/** closestName (src/app/closest-name.ts): the field a misspelt key stood for, only for a near miss. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closestName } from '../../../src/app/closest-name.js';

test('a near miss is matched to its field: a letter dropped, added, changed or two swapped, case aside', () => {
  assert.equal(closestName('msisdn', ['msisdns', 'source']), 'msisdns');
  assert.equal(closestName('signatur', ['signature']), 'signature');
  assert.equal(closestName('form', ['from', 'to', 'text', 'type']), 'from');
  assert.equal(closestName('tpye', ['from', 'to', 'text', 'type']), 'type');
  assert.equal(closestName('validuntil', ['text', 'validUntil']), 'validUntil');
  assert.equal(closestName('registered_delivery', ['registeredDelivery']), 'registeredDelivery');
  assert.equal(closestName('pr', ['count', 'per']), 'per');
});

test('nothing far off is suggested, a short name only for one edit, and of equals the first', () => {
  assert.equal(closestName('numbers', ['msisdns', 'source']), undefined);
  assert.equal(closestName('x', ['to']), undefined);
  assert.equal(closestName('frm', ['from']), 'from');
  assert.equal(closestName('fm', ['from']), undefined);
  assert.equal(closestName('tx', ['to', 'text']), 'to');
  assert.equal(closestName('a'.repeat(100_000), ['text']), undefined);
  assert.equal(closestName('text', []), undefined);
});
