/**
 * `smsguard backup` as an operator runs it: the copy of the main file, the month files and the
 * signing key opens and verifies with the same commands; PostgreSQL is refused with where to look.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite/index.js';

let dir: string;
const NOV = Date.parse('2026-11-15T04:00:00Z');

function cli(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, ['bin/smsguard.js', ...args], { encoding: 'utf8', env: { ...process.env, SMSGUARD_RECORDS_SIGNING_KEY: '' }, timeout: 60_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smsguard-backup-cli-'));
  const s = new SqliteStore(join(dir, 'g.db'));
  for (let i = 0; i < 5; i++) await s.records.recordMo({ id: `mo_${i}`, at: NOV + i, from: '+8613800138000', to: '10690001', text: `退订 ${i}`, contentProviderId: null, action: 'opt_out' });
  await s.close();
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('backup --to copies the database, its months and the signing key; the copy verifies', () => {
  const heads = cli('records', 'heads', '--db', join(dir, 'g.db')); // generates the signing key beside the database
  assert.equal(heads.code, 0, heads.err);
  const r = cli('backup', '--to', join(dir, 'copy'), '--db', join(dir, 'g.db'));
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /months of records: 2026-11/);
  assert.match(r.out, /restore: stop the gateway/);
  // Copied back over the database's own files, a -wal left beside them is applied over the copy
  // (tried 2026-12-08: after a kill -9, the "restored" files held the records written after the backup).
  assert.match(r.out, /once the database's own are gone \(its -wal and -shm too/);
  for (const f of ['g.db', 'g.records-2026-11.db', 'records-signing.key']) assert.ok(existsSync(join(dir, 'copy', f)), f);
  // Only those: before 2026-12-08 the main copy's empty -wal and its -shm were left beside it.
  assert.deepEqual(readdirSync(join(dir, 'copy')).sort(), ['g.db', 'g.records-2026-11.db', 'records-signing.key']);
  const v = cli('records', 'verify', '--db', join(dir, 'copy', 'g.db'));
  assert.equal(v.code, 0, v.err);
  assert.match(v.out, /2026-11: ok, 5 records/);
  assert.match(v.out, /[1-9]\d* signed heads matched/, 'the heads signed before the backup check against the copied key');
  const again = cli('backup', '--to', join(dir, 'copy'), '--db', join(dir, 'g.db'));
  assert.notEqual(again.code, 0);
  assert.match(again.err, /already holds a copy/);
});

test('a backup that copies no signing key says so', async () => {
  // Before 2026-12-08 the listing simply had no key line: a key moved away (or never made) went unnoticed.
  const d = join(dir, 'nokey');
  mkdirSync(d);
  const s = new SqliteStore(join(d, 'g.db'));
  await s.records.recordMo({ id: 'mo_x', at: NOV, from: '+8613800138000', to: '10690001', text: '退订', contentProviderId: null, action: 'opt_out' });
  await s.close();
  const r = cli('backup', '--to', join(dir, 'nokey-copy'), '--db', join(d, 'g.db'));
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /\n  signing key +not copied: no key at .*records-signing\.key; keep the key that signed the heads with this copy/);
});

test('backup of a PostgreSQL store is refused, naming its own tools', () => {
  const r = cli('backup', '--to', join(dir, 'pg'), '--db', 'postgres://127.0.0.1:5432/test');
  assert.notEqual(r.code, 0);
  assert.match(r.err, /pg_dump/);
  assert.equal(existsSync(join(dir, 'pg')), false);
});
