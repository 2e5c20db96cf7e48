/**
 * SIGHUP reloads the ported-numbers list (--mnp-file). Without one it must not end the gateway: an
 * operator who sends it to reload (as README says, or out of habit) got Node's default for an
 * unhandled SIGHUP, the process killed on the spot, without the graceful stop.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSmsguard, stopProcess } from '../helpers/process.js';
import { until } from '../helpers/wait.js';

const ENV = { ...process.env, SMSGUARD_ADMIN_TOKEN: 'sga_sighup_test_token_000000000000000001', SMSGUARD_DB: '', DATABASE_URL: '', SMSGUARD_RECORDS_SIGNING_KEY: '', SMSGUARD_REPORT_PORT: '' };

test('SIGHUP without --mnp-file is logged as nothing to reload, and the gateway keeps serving', { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smsguard-sighup-'));
  const g = await spawnSmsguard(['start', '--db', join(dir, 'g.db'), '--http-port', '0', '--smpp-port', '0'], { env: ENV });
  try {
    g.proc.kill('SIGHUP');
    await until(() => /"sig":"SIGHUP".*nothing to reload/.test(g.output()) || g.proc.signalCode !== null, 10_000, 'the SIGHUP logged');
    assert.equal(g.proc.signalCode, null, `killed by ${g.proc.signalCode}`);
    const r = await fetch(`${g.url}/readyz`);
    assert.equal(r.status, 200);
  } finally {
    await stopProcess(g.proc);
    rmSync(dir, { recursive: true, force: true });
  }
});
