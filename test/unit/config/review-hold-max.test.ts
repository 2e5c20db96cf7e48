/** `reviewHoldMaxHours` (`--review-hold-max-hours`): the review queue's maximum hold, 72 h unless told, a positive number of hours up to a year. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, ConfigError } from '../../../src/config/schema.js';

test('the maximum hold of a message held for review: 72 h by default, by flag or environment, refused by name when not a positive number of hours up to 8760', () => {
  assert.equal(loadConfig({}, {}).reviewHoldMaxHours, 72);
  assert.equal(loadConfig({}, { SMSGUARD_REVIEW_HOLD_MAX_HOURS: '24' }).reviewHoldMaxHours, 24);
  assert.equal(loadConfig({ reviewHoldMaxHours: '0.5' }, { SMSGUARD_REVIEW_HOLD_MAX_HOURS: '24' }).reviewHoldMaxHours, 0.5, 'the flag wins over the environment');
  for (const bad of ['0', '-1', '8761', 'forever']) {
    assert.throws(() => loadConfig({}, { SMSGUARD_REVIEW_HOLD_MAX_HOURS: bad }), (e: unknown) => e instanceof ConfigError && /SMSGUARD_REVIEW_HOLD_MAX_HOURS/.test(e.message), bad);
  }
  assert.ok(Object.isFrozen(loadConfig({}, {})));
});
