/**
 * The simulator routes are unauthenticated test doors (anyone could POST /v1/simulator/mo "TD" and
 * opt a number out): `smsguard start` serves them only with `--upstream simulator` (issue 2). With a
 * real carrier link they are 404 and absent from /docs. readme-process.test.ts covers the default,
 * where they work with the simulator behind SMPP.
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

test('start --upstream smpp://…: no simulator routes (404), none in /docs, the rest of the API is there', async () => {
  const mo = await fetch(`${base}/v1/simulator/mo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: '13800138000', to: '10690002', text: 'TD' }) });
  assert.equal(mo.status, 404);
  assert.equal((await fetch(`${base}/v1/simulator/outbox?to=13800138000`)).status, 404);
  const clock = await fetch(`${base}/v1/simulator/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceSeconds: 60 }) });
  assert.equal(clock.status, 404);
  assert.equal((await fetch(`${base}/v1/simulator/clock`)).status, 404);
  const docs = await (await fetch(`${base}/docs/json`)).json() as { paths: Record<string, unknown> };
  assert.ok(docs.paths['/v1/messages'], 'the OpenAPI document lists the API');
  assert.deepEqual(Object.keys(docs.paths).filter((p) => p.startsWith('/v1/simulator')), []);
  assert.equal((await fetch(`${base}/healthz`)).status, 200);
  assert.match(out, /clock\s+simulated from \S+ \(system time: never moved before\) \(not movable here/);
});
