/**
 * `webSessionIdleHours` / `webSessionMaxHours` (`--web-session-idle-hours`, `--web-session-max-hours`):
 * a web sign-in's idle and absolute lifetimes, 8 h and 7 days unless told, positive hours up to a
 * year, and an idle limit no longer than the absolute one (it would never apply).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, ConfigError } from '../../../src/config/schema.js';

test('web sign-in lifetimes: 8 h idle and 168 h in all by default, by flag or environment; refused by name when not positive hours up to 8760, or idle longer than the whole', () => {
  const d = loadConfig({}, {});
  assert.equal(d.webSessionIdleHours, 8);
  assert.equal(d.webSessionMaxHours, 168);
  assert.equal(loadConfig({}, { SMSGUARD_WEB_SESSION_IDLE_HOURS: '0.5' }).webSessionIdleHours, 0.5);
  assert.equal(loadConfig({ webSessionMaxHours: '24' }, { SMSGUARD_WEB_SESSION_MAX_HOURS: '48' }).webSessionMaxHours, 24, 'the flag wins over the environment');
  for (const [v, bad] of [['SMSGUARD_WEB_SESSION_IDLE_HOURS', '0'], ['SMSGUARD_WEB_SESSION_IDLE_HOURS', 'forever'], ['SMSGUARD_WEB_SESSION_MAX_HOURS', '-1'], ['SMSGUARD_WEB_SESSION_MAX_HOURS', '8761']] as const) {
    assert.throws(() => loadConfig({}, { [v]: bad }), (e: unknown) => e instanceof ConfigError && e.message.includes(v), `${v}=${bad}`);
  }
  assert.throws(() => loadConfig({}, { SMSGUARD_WEB_SESSION_IDLE_HOURS: '24', SMSGUARD_WEB_SESSION_MAX_HOURS: '12' }),
    (e: unknown) => e instanceof ConfigError && /webSessionIdleHours \(SMSGUARD_WEB_SESSION_IDLE_HOURS\): 24 hours idle is longer than a sign-in may last at all/.test(e.message));
  assert.equal(loadConfig({}, { SMSGUARD_WEB_SESSION_IDLE_HOURS: '12', SMSGUARD_WEB_SESSION_MAX_HOURS: '12' }).webSessionIdleHours, 12, 'equal is taken');
});
