/**
 * `smsguard start` writes the refused web sign-ins it has counted but not yet told when it stops
 * (src/main.ts's closers: after the pages close, before the store; docs/RECORDS.md "Web sign-ins").
 * Before 2026-12-07 the ones after the process's last `web.sign_in_refused` waited for a next refusal
 * and were lost at the stop.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSmsguard, stopProcess, type SpawnedSmsguard } from '../helpers/process.js';

const ADMIN = 'sga_refused_at_stop_test_admin_token_01';
const dir = mkdtempSync(join(tmpdir(), 'smsguard-refused-'));
const env = { ...process.env, SMSGUARD_ADMIN_TOKEN: ADMIN, SMSGUARD_DB: '', DATABASE_URL: '', SMSGUARD_RECORDS_SIGNING_KEY: '' };
const start = () => spawnSmsguard(['start', '--db', join(dir, 'smsguard.db'), '--http-port', '0', '--smpp-port', '0'], { env });
let gw: SpawnedSmsguard | undefined;

after(async () => {
  if (gw) await stopProcess(gw.proc);
  rmSync(dir, { recursive: true, force: true });
});

test('smsguard start: refused sign-ins counted since the last record are written at the stop', async () => {
  gw = await start();
  for (let i = 0; i < 3; i++) {
    const r: Response = await fetch(`${gw.url}/web/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' }, body: `token=sgt_wrong_${i}`, redirect: 'manual' });
    assert.equal(r.status, 401);
  }
  await stopProcess(gw.proc);
  gw = await start();
  const r = await fetch(`${gw.url}/v1/records?kind=audit&type=web.sign_in_refused&limit=100`, { headers: { authorization: `Bearer ${ADMIN}` } });
  assert.equal(r.status, 200);
  const counts = ((await r.json()) as { records: { body: { count: number } }[] }).records.map((x) => x.body.count).sort();
  assert.deepEqual(counts, [1, 2], 'the first at once, the other two at the stop');
});
