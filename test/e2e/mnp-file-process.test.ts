/**
 * `smsguard start --mnp-file` as an operator runs it: the list's bad lines are logged with their line
 * numbers at start, `kill -HUP` reloads the file, an unreadable file at start is a configuration error.
 * (Where a ported number goes is tested against fake SMSCs: test/integration/smpp/mnp-routing.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../helpers/wait.js';
import { spawnSmsguard, stopProcess } from '../helpers/process.js';

const ENV = { ...process.env, SMSGUARD_ADMIN_TOKEN: 'sga_mnp_file_process_test_token_0000000001', SMSGUARD_DB: '', DATABASE_URL: '', SMSGUARD_RECORDS_SIGNING_KEY: '', SMSGUARD_REPORT_PORT: '' };
const loaded = (out: string) => out.split('\n').filter((l) => l.includes('"mnp list loaded"')).map((l) => JSON.parse(l) as { numbers: number; carriers: string[]; skipped: number });

test('smsguard start --mnp-file: bad lines logged by line number; SIGHUP reloads the file', { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smsguard-mnp-'));
  const file = join(dir, 'ported.csv');
  let g: ChildProcess | undefined;
  try {
    writeFileSync(file, 'msisdn,carrier\n13800138000,ctcc\n12345,ctcc\n');
    const s = await spawnSmsguard(['start', '--http-port', '0', '--smpp-port', '0', '--log-level', 'info', '--db', join(dir, 'smsguard.db'), '--mnp-file', file], { env: ENV });
    g = s.proc;
    assert.match(s.output(), /ported\.csv:3: not a mainland mobile number: 12345/);
    // the built-in simulator link names no carrier: said once, and routing stays by prefix
    await waitFor(() => (/ported numbers of a carrier no link names go by prefix/.test(s.output()) ? true : undefined), 20_000, 'the carrier warning');
    // a new file renamed over the old one, then the signal
    writeFileSync(`${file}.new`, '13800138000,ctcc\n13900139000,cucc\n13700137000,cmcc\n');
    renameSync(`${file}.new`, file);
    g.kill('SIGHUP');
    const after = await waitFor(() => loaded(s.output()).find((l) => l.numbers === 3), 20_000, 'the reloaded list');
    assert.deepEqual([after.carriers.length, after.skipped], [3, 0]);
    assert.equal(g.exitCode, null, 'SIGHUP must not stop the gateway');
  } finally {
    if (g) await stopProcess(g);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('smsguard start --mnp-file MISSING: a configuration error, exit code 1', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smsguard-mnp-'));
  try {
    const bin = fileURLToPath(new URL('../../bin/smsguard.js', import.meta.url));
    const p = spawn(process.execPath, [bin, 'start', '--http-port', '0', '--smpp-port', '0', '--db', join(dir, 'smsguard.db'), '--mnp-file', join(dir, 'none.csv')], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const code = await new Promise((r) => p.once('exit', r));
    assert.equal(code, 1, err);
    assert.match(err, /mnpFile \(--mnp-file\): cannot read .*none\.csv/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('smsguard mnp check: the carrier the list gives a number, in any accepted form, and the bad lines', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smsguard-mnp-'));
  try {
    const file = join(dir, 'ported.csv');
    writeFileSync(file, '13800138000,CTCC\nbad,ctcc\n');
    const bin = fileURLToPath(new URL('../../bin/smsguard.js', import.meta.url));
    const run = (n: string) => new Promise<{ code: unknown; out: string; err: string }>((resolve) => {
      const p = spawn(process.execPath, [bin, 'mnp', 'check', n, '--mnp-file', file], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
      p.stderr.on('data', (d: Buffer) => { err += d.toString(); });
      p.once('exit', (code) => resolve({ code, out, err }));
    });
    const ported = await run('138 0013 8000');
    assert.equal(ported.code, 0, ported.err);
    assert.match(ported.out, /^\+8613800138000: ported, now ctcc/);
    assert.match(ported.err, /ported\.csv:2: not a mainland mobile number: bad/);
    const unlisted = await run('+8613900139000');
    assert.match(unlisted.out, /not in the list of 1 numbers \(sent by prefix\)/);
    assert.equal(unlisted.code, 2, 'not in the list: its own exit code');
    const bad = await run('123');
    assert.equal(bad.code, 1);
    assert.match(bad.err, /123 is not a mainland mobile number/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('smsguard mnp check: exit 0 in the list, 2 not in it, 1 when it cannot tell (a script branches on it)', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smsguard-mnp-'));
  try {
    const file = join(dir, 'ported.csv');
    // 13700137000 listed under two carriers: left out, so not in the list
    writeFileSync(file, 'msisdn,carrier\n13800138000,ctcc\n13700137000,cmcc\n13700137000,cucc\n');
    const bin = fileURLToPath(new URL('../../bin/smsguard.js', import.meta.url));
    const run = (args: string[], env: NodeJS.ProcessEnv = ENV) => new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const p = spawn(process.execPath, [bin, 'mnp', 'check', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
      p.stderr.on('data', (d: Buffer) => { err += d.toString(); });
      p.once('exit', (code) => resolve({ code, out, err }));
    });
    const [ported, unlisted, twice, invalid, missing, noFile, missingEnv] = await Promise.all([
      run(['13800138000', '--mnp-file', file]),
      run(['13900139000', '--mnp-file', file]),
      run(['13700137000', '--mnp-file', file]),
      run(['12345', '--mnp-file', file]),
      run(['13800138000', '--mnp-file', join(dir, 'none.csv')]),
      run(['13800138000'], { ...ENV, SMSGUARD_MNP_FILE: '' }),
      run(['13800138000'], { ...ENV, SMSGUARD_MNP_FILE: join(dir, 'none.csv') }),
    ]);
    // named as the operator gave it: the variable, not the flag
    assert.deepEqual([missingEnv.code, missingEnv.out], [1, ''], missingEnv.err);
    assert.match(missingEnv.err, /mnpFile \(SMSGUARD_MNP_FILE\): cannot read .*none\.csv/);
    assert.deepEqual([ported.code, ported.out], [0, '+8613800138000: ported, now ctcc (sent to links with carrier=ctcc, if any)\n'], ported.err);
    assert.deepEqual([unlisted.code, unlisted.out], [2, '+8613900139000: not in the list of 1 numbers (sent by prefix)\n'], unlisted.err);
    assert.equal(twice.code, 2, twice.err);
    assert.match(twice.err, /is listed under cmcc and cucc: left out, routed by prefix/);
    assert.deepEqual([invalid.code, invalid.out], [1, ''], invalid.err);
    assert.match(invalid.err, /12345 is not a mainland mobile number/);
    assert.deepEqual([missing.code, missing.out], [1, ''], missing.err);
    assert.match(missing.err, /mnpFile \(--mnp-file\): cannot read .*none\.csv/);
    assert.deepEqual([noFile.code, noFile.out], [1, ''], noFile.err);
    assert.match(noFile.err, /give --mnp-file PATH or SMSGUARD_MNP_FILE/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
