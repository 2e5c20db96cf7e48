/** `upstreamThread`: on by default, off by flag or environment, anything else refused by name. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, ConfigError } from '../../../src/config/schema.js';

test('the SMPP client thread is on by default and can be turned off', () => {
  assert.equal(loadConfig({}, {}).upstreamThread, 'on');
  assert.equal(loadConfig({}, { SMSGUARD_UPSTREAM_THREAD: 'off' }).upstreamThread, 'off');
  assert.equal(loadConfig({ upstreamThread: 'on' }, { SMSGUARD_UPSTREAM_THREAD: 'off' }).upstreamThread, 'on', 'the flag wins over the environment');
  assert.throws(() => loadConfig({}, { SMSGUARD_UPSTREAM_THREAD: 'false' }), (e: unknown) => e instanceof ConfigError && /SMSGUARD_UPSTREAM_THREAD/.test(e.message));
});

test('the delivery worker keeps one batch out unless told more, 1 to 16', () => {
  assert.equal(loadConfig({}, {}).deliveryInFlight, 1);
  assert.equal(loadConfig({}, { SMSGUARD_DELIVERY_IN_FLIGHT: '3' }).deliveryInFlight, 3);
  assert.equal(loadConfig({ deliveryInFlight: '2' }, { SMSGUARD_DELIVERY_IN_FLIGHT: '3' }).deliveryInFlight, 2, 'the flag wins over the environment');
  for (const bad of ['0', '17', '1.5', 'many']) assert.throws(() => loadConfig({}, { SMSGUARD_DELIVERY_IN_FLIGHT: bad }), (e: unknown) => e instanceof ConfigError && /SMSGUARD_DELIVERY_IN_FLIGHT/.test(e.message), bad);
});
