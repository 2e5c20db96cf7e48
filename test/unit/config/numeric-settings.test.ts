/**
 * Numeric settings (ports, sizes, durations) take decimal numbers only. A blank value, hexadecimal or
 * an exponent was read by Number(): `--http-port ' '` listened on a random port (0), `0x10` on port
 * 16 and `1e3` on 1000, where the operator surely meant something else. Each is refused naming the
 * setting, as an out-of-range number is.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, ConfigError } from '../../../src/config/schema.js';

const refused = (flags: Record<string, unknown>, env: Record<string, string>, key: RegExp) =>
  assert.throws(() => loadConfig(flags, env), (e: unknown) => e instanceof ConfigError && key.test(e.message), JSON.stringify({ flags, env }));

test('numeric settings refuse blank, hexadecimal, exponent and other non-decimal text, naming the setting', () => {
  for (const bad of [' ', '0x10', '1e3', '80 80', '+8080', 'Infinity', '8080abc', '0b1']) {
    refused({ httpPort: bad }, {}, /httpPort \(--http-port\): not a decimal number/);
    refused({}, { SMSGUARD_SMPP_PORT: bad }, /smppPort \(SMSGUARD_SMPP_PORT\)/);
    refused({}, { SMSGUARD_STOP_DELAY_MS: bad }, /stopDelayMs \(SMSGUARD_STOP_DELAY_MS\)/);
    refused({}, { SMSGUARD_REVIEW_HOLD_MAX_HOURS: bad }, /reviewHoldMaxHours \(SMSGUARD_REVIEW_HOLD_MAX_HOURS\)/);
  }
  // an empty flag is a value given, not the default
  refused({ httpPort: '' }, {}, /httpPort/);
});

test('numeric settings still take decimal numbers, with spaces around them, and numbers given in code', () => {
  assert.equal(loadConfig({ httpPort: '8081' }, {}).httpPort, 8081);
  assert.equal(loadConfig({ httpPort: ' 8082 ' }, {}).httpPort, 8082);
  assert.equal(loadConfig({ httpPort: 0 }, {}).httpPort, 0);
  assert.equal(loadConfig({}, { SMSGUARD_REVIEW_HOLD_MAX_HOURS: '0.5' }).reviewHoldMaxHours, 0.5);
  assert.equal(loadConfig({}, { SMSGUARD_DB_POOL_SIZE: '20' }).dbPoolSize, 20);
  // a fraction where a whole number is wanted is still refused as such
  refused({ httpPort: '8080.5' }, {}, /httpPort/);
});

test('the bus timings are bounded at a day: a Node timer past 2^31 ms fires at once', () => {
  for (const key of ['SMSGUARD_QUEUE_LEASE_MS', 'SMSGUARD_QUEUE_GRACE_MS', 'SMSGUARD_QUEUE_ACK_WAIT_MS']) {
    assert.equal(typeof loadConfig({}, { [key]: '86400000' }), 'object');
    refused({}, { [key]: '99999999999' }, new RegExp(key));
  }
});
