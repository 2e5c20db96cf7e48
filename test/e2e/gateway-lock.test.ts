/**
 * One gateway per SQLite database (src/store/sqlite/gateway-lock.ts): a second `smsguard start` on the
 * same file refuses to start (it would send every queued message again); a gateway killed outright
 * leaves no lock behind; the records commands still run beside a gateway.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../helpers/wait.js';

const BIN = fileURLToPath(new URL('../../bin/smsguard.js', import.meta.url));
const ENV = { ...process.env, SMSGUARD_ADMIN_TOKEN: 'sga_gateway_lock_test_token_000000000001', SMSGUARD_DB: '', DATABASE_URL: '', SMSGUARD_RECORDS_SIGNING_KEY: '' };
const args = (db: string) => ['start', '--db', db, '--http-port', '0', '--smpp-port', '0'];

/** Starts a gateway and resolves once it printed its banner. */
async function startGateway(db: string): Promise<ChildProcess> {
  const p = spawn(process.execPath, [BIN, ...args(db)], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  p.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  p.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  await waitFor(() => (/HTTP API/.test(out) ? true : undefined), 60_000, 'the banner').catch((e: Error) => {
    p.kill('SIGKILL');
    throw new Error(`${e.message}: ${out.slice(0, 2000)}`);
  });
  return p;
}

async function stop(p: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill(signal);
  await exited;
}

test('a second gateway on the same SQLite file refuses to start; a killed one leaves no lock; records commands run beside', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smsguard-lock-'));
  const db = join(dir, 'smsguard.db');
  let first: ChildProcess | null = null;
  let third: ChildProcess | null = null;
  try {
    first = await startGateway(db);
    const second = spawnSync(process.execPath, [BIN, ...args(db)], { env: ENV, encoding: 'utf8', timeout: 60_000 });
    assert.equal(second.status, 1, second.stdout);
    // one line, `smsguard: …` as every other mistake (README, Running it)
    assert.match(second.stderr, /^smsguard: another smsguard gateway is running on .*smsguard\.db: [^\n]*\n$/);
    assert.doesNotMatch(second.stdout, /smsguard is running/);
    const verify = spawnSync(process.execPath, [BIN, 'records', 'verify', '--db', db], { env: ENV, encoding: 'utf8', timeout: 60_000 });
    assert.equal(verify.status, 0, verify.stderr);
    // Killed outright: the operating system drops the lock with the process.
    await stop(first, 'SIGKILL');
    third = await startGateway(db);
  } finally {
    if (first) await stop(first, 'SIGKILL');
    if (third) await stop(third, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
});
