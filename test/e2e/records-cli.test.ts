/**
 * The records commands as an operator runs them: verify (exit 0, then 2 after tampering, naming the
 * record), purge --dry-run, inspect export (files and manifest; refused over the tampered chain unless
 * --allow-damaged), token create with regulator scope.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../src/store/sqlite/index.js';

let dir: string;
let db: string;
let cleanDb: string;
const NOV = Date.parse('2026-11-15T04:00:00Z');

function cliOn(file: string, ...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, ['bin/smsguard.js', ...args, '--db', file], { encoding: 'utf8', env: { ...process.env, SMSGUARD_RECORDS_SIGNING_KEY: '' }, timeout: 60_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}
const cli = (...args: string[]) => cliOn(db, ...args);

async function seed(file: string): Promise<void> {
  const s = new SqliteStore(file);
  s.db.prepare("INSERT INTO content_providers (id, name, credit_code, status, created_at) VALUES ('cp_1', '示例', '91350100M000100Y43', 'active', 0)").run();
  for (let i = 0; i < 5; i++) await s.records.recordMo({ id: `mo_${i}`, at: NOV + i, from: '+8613800138000', to: '10690001', text: `退订 ${i}`, contentProviderId: 'cp_1', action: 'opt_out' });
  await s.close();
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smsguard-cli-'));
  db = join(dir, 'g.db');
  await seed(db);
  // The same records in a database of their own, never tampered with (the tests below damage `db`).
  mkdirSync(join(dir, 'clean'));
  cleanDb = join(dir, 'clean', 'g.db');
  await seed(cleanDb);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('verify: clean, then tampered', () => {
  const ok = cli('records', 'verify');
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, /2026-11: ok, 5 records/);
  assert.match(ok.out, /\nverified 5 records in 1 month: all ok\n$/);
  assert.ok(existsSync(join(dir, 'records-signing.key')), 'key generated beside the database');
  assert.ok(existsSync(join(dir, 'g.records-2026-11.db')), "November's records are a file beside the database");
  const raw = new Database(join(dir, 'g.records-2026-11.db'));
  raw.exec('DROP TRIGGER records_2026_11_no_update');
  raw.prepare("UPDATE records_2026_11 SET body = replace(body, '退订 3', '退订 9') WHERE id = 'mo_3'").run();
  raw.close();
  const bad = cli('records', 'verify', '--month', '2026-11');
  assert.equal(bad.code, 2);
  assert.match(bad.out, /2026-11: FAILED at seq 4 \(id mo_3\): hash_mismatch/);
  assert.match(bad.out, /\nverified \d+ records in 1 month: 1 month FAILED\n$/);
});

test('purge --dry-run says what it would do and removes nothing', () => {
  const r = cli('records', 'purge', '--dry-run');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /would purge \(dry run\) under cn-2015/);
  assert.match(r.out, /within retention: 2026-11/);
});

test('inspect export writes the records and a signed manifest; over a damaged chain only with --allow-damaged', () => {
  // A clean copy of the database from before the tampering above: exported, the manifest says verified.
  const cleanOut = join(dir, 'exp-clean');
  const clean = cliOn(cleanDb, 'inspect', 'export', '--content-provider', 'cp_1', '--from', '2026-11-01', '--to', '2026-12-01', '--format', 'jsonl', '--out', cleanOut, '--actor', 'inspector Lin');
  assert.equal(clean.code, 0, clean.err);
  const lines = readFileSync(join(cleanOut, 'records.jsonl'), 'utf8').trim().split('\n');
  assert.equal(lines.length, 5);
  const m = JSON.parse(readFileSync(join(cleanOut, 'manifest.json'), 'utf8'));
  assert.equal(m.counts.total, 5);
  assert.equal(m.actor, 'cli:inspector Lin');
  assert.ok(m.signature && m.heads.length >= 1);
  assert.deepEqual([m.verification.ok, m.verification.chains.map((c: { chain: string }) => c.chain)], [true, ['2026-11']]);

  // The tampered one (mo_3's body changed): refused with verify's exit code, naming the record, no files.
  const out = join(dir, 'exp');
  const r = cli('inspect', 'export', '--content-provider', 'cp_1', '--from', '2026-11-01', '--to', '2026-12-01', '--format', 'jsonl', '--out', out);
  assert.equal(r.code, 2, r.err);
  assert.match(r.out, /2026-11: FAILED at seq 4 \(id mo_3\): hash_mismatch/);
  assert.match(r.out, /export refused/);
  assert.equal(existsSync(out), false, 'not even the folder (before 2026-12-08 an empty one was left)');
  const forced = cli('inspect', 'export', '--content-provider', 'cp_1', '--from', '2026-11-01', '--to', '2026-12-01', '--format', 'jsonl', '--out', out, '--allow-damaged');
  assert.equal(forced.code, 0, forced.err);
  assert.match(forced.err, /WARNING: 2026-11 FAILED at seq 4 \(id mo_3\): hash_mismatch/);
  const d = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  assert.equal(d.verification.ok, false);
  assert.deepEqual(d.verification.chains.map((c: { chain: string; failure?: { id?: string; reason: string } }) => [c.chain, c.failure?.id, c.failure?.reason]), [['2026-11', 'mo_3', 'hash_mismatch']]);
  assert.ok(d.signature, 'signed, with the damage inside what is signed');
});

test('token create --role regulator with a province and dates', () => {
  const r = cli('token', 'create', '--role', 'regulator', '--label', 'Lin', '--province', '福建', '--from', '2026-01-01', '--to', '2026-07-01');
  assert.equal(r.code, 0, r.err);
  const t = JSON.parse(r.out);
  assert.deepEqual(t.scope, { province: '35', from: Date.parse('2026-01-01T00:00:00+08:00'), to: Date.parse('2026-07-01T00:00:00+08:00') });
  const bad = cli('token', 'create', '--role', 'admin', '--province', '35');
  assert.notEqual(bad.code, 0);
});

test('a month file gone, emptied or not a database: one line naming the month and its file, no stack; verify exits 2 (found by the records audit)', async () => {
  // Before: an Error with its stack (exit 1), and a file that is no database was blamed on --db.
  const cases: [string, (f: string) => void, RegExp][] = [
    ['removed', (f) => rmSync(f), /records of 2026-11 are missing: .*g\.records-2026-11\.db does not exist/],
    ['emptied to 0 bytes', (f) => writeFileSync(f, ''), /records of 2026-11 are damaged: .*g\.records-2026-11\.db holds no table records_2026_11/],
    ['overwritten', (f) => writeFileSync(f, 'x'.repeat(8192)), /records of 2026-11 are damaged: .*g\.records-2026-11\.db is not a SQLite database/],
  ];
  for (const [what, spoil, message] of cases) {
    const sub = mkdtempSync(join(dir, 'month-'));
    const file = join(sub, 'g.db');
    await seed(file);
    spoil(join(sub, 'g.records-2026-11.db'));
    const v = cliOn(file, 'records', 'verify');
    assert.equal(v.code, 2, `${what}: ${v.err}`);
    assert.match(v.out, new RegExp(`^2026-11: FAILED: ${message.source}`), what);
    assert.match(v.out, /\nverify refused: /, what);
    assert.doesNotMatch(v.err, /\n\s+at /, `${what}: no stack`);
    const p = cliOn(file, 'records', 'purge', '--dry-run');
    assert.equal(p.code, 1, `${what}: ${p.err}`);
    assert.match(p.err, new RegExp(`^smsguard: ${message.source}`), what);
    assert.doesNotMatch(p.err, /\n\s+at /, `${what}: no stack`);
  }
});
