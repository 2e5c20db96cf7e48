/**
 * `SMSGUARD_REPORT_PORT` is a setting like the others: validated at start with them. Read straight
 * from the environment before, `abc` or `12321 ` started a gateway whose report port no MO could
 * reach (an MO's destination is compared with it exactly), so complaints by SMS stopped unseen.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, ConfigError } from '../../../src/config/schema.js';

test('the report port: 12321 by default, digits from SMSGUARD_REPORT_PORT, anything else refused naming it', () => {
  assert.equal(loadConfig({}, {}).reportPort, '12321');
  assert.equal(loadConfig({}, { SMSGUARD_REPORT_PORT: '' }).reportPort, '12321', 'empty is unset, as for every variable');
  assert.equal(loadConfig({}, { SMSGUARD_REPORT_PORT: '1069012321' }).reportPort, '1069012321');
  assert.equal(loadConfig({}, { SMSGUARD_REPORT_PORT: ' 12315 ' }).reportPort, '12315', 'spaces around it are not part of the number');
  for (const bad of ['abc', '+12321', '123 21', '12', '1'.repeat(22)]) {
    assert.throws(() => loadConfig({}, { SMSGUARD_REPORT_PORT: bad }), (e: unknown) => e instanceof ConfigError && /reportPort \(SMSGUARD_REPORT_PORT\): a port number/.test(e.message), bad);
  }
});
