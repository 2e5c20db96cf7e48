/**
 * `smsguard start --help` names every setting the gateway takes: each key of the configuration
 * schema as its flag or, for those without one, as its environment variable. Ten settings (the bus
 * timings, the pool size, the report port, the signing keys…) were settable only by a variable that
 * neither --help nor, for some, any document named.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ConfigSchema, envName } from '../../src/config/schema.js';

test('start --help names every configuration key, as a flag or an environment variable', () => {
  const r = spawnSync(process.execPath, [fileURLToPath(new URL('../../bin/smsguard.js', import.meta.url)), 'start', '--help'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const help = r.stdout;
  const missing = Object.keys(ConfigSchema.shape).filter((k) => {
    const flag = `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} `;
    return !help.includes(flag) && !new RegExp(`^\\s+${envName(k)}\\s`, 'm').test(help);
  });
  assert.deepEqual(missing, [], 'neither a flag nor a variable in start --help');
  assert.match(help, /a flag wins, an empty variable is unset/);
  for (const v of ['DATABASE_URL', 'SMSGUARD_ADMIN_TOKEN', 'SMSGUARD_EARLY_WARNING_POLICY']) assert.match(help, new RegExp(`^\\s+${v}\\s`, 'm'));
});
