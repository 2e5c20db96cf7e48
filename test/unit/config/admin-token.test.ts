/**
 * SMSGUARD_ADMIN_TOKEN at start (src/config/schema.ts): one no Authorization header can carry is
 * refused; a short one is taken with a warning (the variable's contract is that it is used), neither
 * message repeating the value.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminTokenProblem, adminTokenWeakness, ADMIN_TOKEN_MIN } from '../../../src/config/schema.js';

test('a short admin token is a warning, not a refusal; an unsendable one is refused; neither names the value', () => {
  assert.equal(adminTokenProblem('abc'), null, 'taken');
  assert.match(adminTokenWeakness('abc') ?? '', /3 characters, too short .* at least 16/);
  assert.ok(!(adminTokenWeakness('abcxyz') ?? '').includes('abcxyz'));
  assert.equal(adminTokenWeakness('a'.repeat(ADMIN_TOKEN_MIN)), null);
  assert.equal(adminTokenWeakness(undefined), null);
  assert.equal(adminTokenWeakness(''), null);
  assert.match(adminTokenProblem('my admin secret') ?? '', /character 3 is a space/);
  assert.equal(adminTokenWeakness('my secret'), null, 'refused, not also warned of');
});
