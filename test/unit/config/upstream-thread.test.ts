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
