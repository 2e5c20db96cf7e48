/**
 * The early-warning baselines survive a restart of `smsguard start` (docs/CONTENT.md "Baselines kept
 * across restarts"): a provider's baseline built over two simulated minutes is saved when the gateway
 * stops and is the monitor's again when it starts on the same file, before any new message. Without
 * it the restarted monitor knows nothing of the provider and judges volume only after two minutes,
 * learning whatever it sees first as normal.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSmsguard, stopProcess, type SpawnedSmsguard } from '../helpers/process.js';
import { validCreditCode } from '../helpers/gateway.js';

const ADMIN = 'sga_baseline_restart_test_admin_token_01';
const dir = mkdtempSync(join(tmpdir(), 'smsguard-baselines-'));
const env = { ...process.env, SMSGUARD_ADMIN_TOKEN: ADMIN, SMSGUARD_DB: '', DATABASE_URL: '', SMSGUARD_RECORDS_SIGNING_KEY: '' };
const start = () => spawnSmsguard(['start', '--db', join(dir, 'smsguard.db'), '--http-port', '0', '--smpp-port', '0', '--clock', 'simulated'], { env });
let gw: SpawnedSmsguard | undefined;

after(async () => {
  if (gw) await stopProcess(gw.proc);
  rmSync(dir, { recursive: true, force: true });
});

async function call(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; json: any }> {
  const r = await fetch(`${gw!.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, json: await r.json() };
}

test('smsguard start: a provider\'s early-warning baseline is saved at the stop and taken back at the next start', async () => {
  gw = await start();
  await call('POST', '/v1/simulator/clock', undefined, { set: '2026-12-01T10:00:00+08:00' });
  const cp = await call('POST', '/v1/content-providers', ADMIN, { name: '示例科技有限公司', creditCode: await validCreditCode() });
  assert.equal(cp.status, 201, JSON.stringify(cp.json));
  const { id, apiKey } = cp.json as { id: string; apiKey: string };
  assert.equal((await call('POST', `/v1/content-providers/${id}/signatures`, ADMIN, { signature: '【示例】' })).status, 201);
  assert.equal((await call('POST', '/v1/ports', ADMIN, { number: '10690001', contentProviderId: id, kind: 'service' })).status, 201);
  // two simulated minutes, a notification every 10 s bucket
  for (let i = 0; i < 13; i++) {
    const s = await call('POST', '/v1/messages', apiKey, { from: '10690001', to: `1380013${String(8000 + i)}`, text: '【示例】您的订单已发货，请注意查收。', type: 'notification' });
    assert.equal(s.status, 202, JSON.stringify(s.json));
    await call('POST', '/v1/simulator/clock', undefined, { advanceSeconds: 10 });
  }
  const before = await call('GET', `/v1/early-warning/baselines/provider/${id}`, ADMIN);
  assert.equal(before.status, 200, JSON.stringify(before.json));
  assert.ok(before.json.figures.baselineBuckets >= 12, JSON.stringify(before.json));
  const port = (await call('GET', '/v1/early-warning/baselines/port/10690001', ADMIN)).json;
  assert.ok(port.figures.baselineBuckets >= 12, JSON.stringify(port));
  await stopProcess(gw.proc);

  gw = await start();
  const after = await call('GET', `/v1/early-warning/baselines/provider/${id}`, ADMIN);
  assert.equal(after.status, 200, `the restarted monitor knows the provider: ${JSON.stringify(after.json)}`);
  assert.equal(after.json.figures.baselineBuckets, before.json.figures.baselineBuckets);
  assert.equal(after.json.figures.baselinePerWindow, before.json.figures.baselinePerWindow);
  assert.equal(after.json.figures.submitted, 0, 'the window starts empty');
  assert.equal((await call('GET', '/v1/early-warning/baselines/port/10690001', ADMIN)).json.figures.baselineBuckets, port.figures.baselineBuckets);
});
