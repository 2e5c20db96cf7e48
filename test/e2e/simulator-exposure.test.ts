/**
 * The simulator routes are unauthenticated test doors (anyone could POST /v1/simulator/mo "TD" and
 * opt a number out): `smsguard start` serves them only with `--upstream simulator` (issue 2). With a
 * real carrier link they are 404 and absent from /docs. The clock is the exception: with
 * `--clock simulated` and an `smpp://` upstream, time used never to move (the route was 404 and the
 * banner only warned); it is served there for the admin token only. readme-process.test.ts covers
 * the default, where they work with the simulator behind SMPP.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../helpers/wait.js';
import { stopProcess } from '../helpers/process.js';

const BIN = fileURLToPath(new URL('../../bin/smsguard.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'smsguard-simexp-'));
let proc: ChildProcess;
let base = '';
let out = '';

/** A loopback port nothing listens on: the carrier link stays down, which is all this test needs. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

before(async () => {
  const upstream = `smpp://carrier:secret@127.0.0.1:${await closedPort()}`;
  proc = spawn(process.execPath, [BIN, 'start', '--db', join(dir, 'smsguard.db'), '--http-port', '0', '--smpp-port', '0', '--clock', 'simulated', '--upstream', upstream, '--log-level', 'silent'], {
    env: { ...process.env, SMSGUARD_ADMIN_TOKEN: 'sga_simulator_exposure_test_token_0001', SMSGUARD_DB: '', DATABASE_URL: '', SMSGUARD_RECORDS_SIGNING_KEY: '', SMSGUARD_UPSTREAM: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  proc.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  base = await waitFor(() => /HTTP API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1], 60_000, 'the start-up banner').catch((e: Error) => {
    throw new Error(`${e.message}; the process said: ${out.slice(0, 2000)}`);
  });
});

after(async () => {
  await stopProcess(proc);
  rmSync(dir, { recursive: true, force: true });
});

const ADMIN = { authorization: 'Bearer sga_simulator_exposure_test_token_0001' };
const JSON_BODY = { 'content-type': 'application/json' };

test('start --upstream smpp://…: no MO or outbox route (404), the rest of the API is there', async () => {
  const mo = await fetch(`${base}/v1/simulator/mo`, { method: 'POST', headers: JSON_BODY, body: JSON.stringify({ from: '13800138000', to: '10690002', text: 'TD' }) });
  assert.equal(mo.status, 404);
  assert.equal((await fetch(`${base}/v1/simulator/outbox?to=13800138000`)).status, 404);
  assert.equal((await fetch(`${base}/v1/simulator/outbox?to=13800138000`, { headers: ADMIN })).status, 404, 'not for the admin either');
  const docs = await (await fetch(`${base}/docs/json`)).json() as { paths: Record<string, unknown> };
  assert.ok(docs.paths['/v1/messages'], 'the OpenAPI document lists the API');
  assert.deepEqual(Object.keys(docs.paths).filter((p) => p.startsWith('/v1/simulator')), ['/v1/simulator/clock'], 'only the clock');
  assert.equal((await fetch(`${base}/healthz`)).status, 200);
});

test('start --clock simulated --upstream smpp://…: the admin moves the clock; without a token, or with another, it stays', async () => {
  assert.match(out, /clock\s+simulated from \S+ \(system time: never moved before\); moves with POST http:\/\/127\.0\.0\.1:\d+\/v1\/simulator\/clock \(admin token\)/);
  const move = (headers: Record<string, string>, body: unknown) => fetch(`${base}/v1/simulator/clock`, { method: 'POST', headers: { ...JSON_BODY, ...headers }, body: JSON.stringify(body) });
  const anon = await move({}, { set: '2030-01-01T00:00:00Z' });
  assert.equal(anon.status, 401);
  assert.equal((await anon.json() as { error: { code: string } }).error.code, 'unauthorized');
  assert.equal((await fetch(`${base}/v1/simulator/clock`)).status, 401, 'nor read without a token');
  const before = await fetch(`${base}/v1/simulator/clock`, { headers: ADMIN });
  assert.equal(before.status, 200);
  assert.notEqual((await before.json() as { now: string }).now, '2030-01-01T00:00:00.000Z', 'the refused move left the clock');
  const set = await move(ADMIN, { set: '2030-01-01T00:00:00Z' });
  assert.equal(set.status, 200, await set.clone().text());
  assert.deepEqual(await set.json(), { now: '2030-01-01T00:00:00.000Z' });
  const ahead = await move(ADMIN, { advanceSeconds: 90 });
  assert.deepEqual(await ahead.json(), { now: '2030-01-01T00:01:30.000Z' });
  assert.deepEqual(await (await fetch(`${base}/v1/simulator/clock`, { headers: ADMIN })).json(), { now: '2030-01-01T00:01:30.000Z' });
  // The gateway's own time moved: a provider registered now is dated on the simulated clock.
  const cp = await fetch(`${base}/v1/content-providers`, { method: 'POST', headers: { ...JSON_BODY, ...ADMIN }, body: JSON.stringify({ name: '示例科技有限公司', creditCode: '91350100M000100Y43' }) });
  assert.equal(cp.status, 201, await cp.clone().text());
  const { id, apiKey } = await cp.json() as { id: string; apiKey: string };
  const row = await (await fetch(`${base}/v1/content-providers/${id}`, { headers: ADMIN })).json() as { createdAt: string };
  assert.equal(row.createdAt, '2030-01-01T00:01:30.000Z');
  // A content provider's key is a token, but not the admin's: refused, and the clock stays.
  const provider = await move({ authorization: `Bearer ${apiKey}` }, { set: '2031-01-01T00:00:00Z' });
  assert.equal(provider.status, 403);
  assert.equal((await provider.json() as { error: { code: string } }).error.code, 'forbidden');
  assert.deepEqual(await (await fetch(`${base}/v1/simulator/clock`, { headers: ADMIN })).json(), { now: '2030-01-01T00:01:30.000Z' });
});
