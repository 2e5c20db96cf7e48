/**
 * `smsguard records rotate-key` as an operator runs it: a new signing key, the old one's public key
 * kept as trusted, so every head signed before the rotation still verifies; without that file the
 * old heads are refused, naming the key. The backup carries the trusted keys too.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite/index.js';

let dir: string;
let db: string;
const NOV = Date.parse('2026-11-15T04:00:00Z');

function cli(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, ['bin/smsguard.js', ...args], { encoding: 'utf8', env: { ...process.env, SMSGUARD_RECORDS_SIGNING_KEY: '', SMSGUARD_RECORDS_TRUSTED_KEYS: '' }, timeout: 60_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

async function addRecords(from: number, n: number): Promise<void> {
  const s = new SqliteStore(db);
  for (let i = from; i < from + n; i++) await s.records.recordMo({ id: `mo_${i}`, at: NOV + i, from: '+8613800138000', to: '10690001', text: `退订 ${i}`, contentProviderId: null, action: 'opt_out' });
  await s.close();
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smsguard-rotate-'));
  db = join(dir, 'g.db');
  await addRecords(0, 5);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('rotate-key: heads signed before and after a rotation verify; the audit trail names both keys', async () => {
  const first = JSON.parse(cli('records', 'heads', '--db', db).out) as { keyId: string; publicKey: string };
  await addRecords(5, 3);
  const r = cli('records', 'rotate-key', '--db', db, '--actor', 'ops@example');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, new RegExp(`signing key ${first.keyId} retired`));
  const trusted = readFileSync(join(dir, 'records-trusted-keys'), 'utf8');
  assert.ok(trusted.includes(first.publicKey));
  const second = JSON.parse(cli('records', 'heads', '--db', db).out) as { keyId: string };
  assert.notEqual(second.keyId, first.keyId);

  // A second rotation keeps both retired keys.
  await addRecords(8, 2);
  assert.equal(cli('records', 'rotate-key', '--db', db).code, 0);
  assert.equal(readFileSync(join(dir, 'records-trusted-keys'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).length, 2);

  const v = cli('records', 'verify', '--db', db);
  assert.equal(v.code, 0, v.out + v.err);
  // November's records, then (the audit records being dated now) the newest month's.
  assert.match(v.out, /2026-11: ok, 8 records/);
  assert.doesNotMatch(v.out, /FAILED/);
  assert.match(v.out, /2026-11: ok, 8 records \(seq 1–8\), 3 signed heads matched/, 'heads of all three keys checked');

  const s = new SqliteStore(db);
  try {
    const audit = (await s.records.queryRecords({ kind: 'audit', type: 'records.rotate-key', limit: 10 })).records;
    assert.equal(audit.length, 2);
    assert.equal(audit[audit.length - 1].body.oldKeyId, first.keyId);
    assert.equal(audit[audit.length - 1].body.actor, 'cli:ops@example');
  } finally {
    await s.close();
  }

  // The backup carries the trusted keys; its copy verifies alone.
  const b = cli('backup', '--to', join(dir, 'copy'), '--db', db);
  assert.equal(b.code, 0, b.err);
  assert.ok(existsSync(join(dir, 'copy', 'records-trusted-keys')));
  assert.equal(cli('records', 'verify', '--db', join(dir, 'copy', 'g.db')).code, 0);

  // Without the trusted keys, heads of the retired keys are refused, naming the key.
  renameSync(join(dir, 'records-trusted-keys'), join(dir, 'trusted.off'));
  const bad = cli('records', 'verify', '--db', db);
  assert.equal(bad.code, 2);
  // November's first head is the first key's: that is the one named.
  assert.match(bad.out, new RegExp(`2026-11: FAILED .*signature_invalid: .*with key ${first.keyId}, which is neither the signing key nor a trusted retired key`));
  renameSync(join(dir, 'trusted.off'), join(dir, 'records-trusted-keys'));
});

test('rotate-key refuses a key that config provides, and a database that has no key yet', () => {
  const r = spawnSync(process.execPath, ['bin/smsguard.js', 'records', 'rotate-key', '--db', db], { encoding: 'utf8', env: { ...process.env, SMSGUARD_RECORDS_SIGNING_KEY: 'file:/nonexistent.key' }, timeout: 60_000 });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /comes from config/);
  // A database that exists (migrated, never started) but has no key beside it yet.
  assert.equal(cli('migrate', '--db', join(dir, 'other', 'none.db')).code, 0);
  const fresh = cli('records', 'rotate-key', '--db', join(dir, 'other', 'none.db'));
  assert.notEqual(fresh.code, 0);
  assert.match(fresh.err, /no signing key at/);
  // A database that does not exist is refused as such, before any key is looked for.
  const missing = cli('records', 'rotate-key', '--db', join(dir, 'other', 'typo.db'));
  assert.equal(missing.code, 1);
  assert.match(missing.err, /^smsguard: no database at .*typo\.db\n$/);
});

test('a trusted-keys line that is not a public key stops start-up with where it is', () => {
  const r = spawnSync(process.execPath, ['bin/smsguard.js', 'records', 'verify', '--db', db], { encoding: 'utf8', env: { ...process.env, SMSGUARD_RECORDS_SIGNING_KEY: '', SMSGUARD_RECORDS_TRUSTED_KEYS: 'not-a-key' }, timeout: 60_000 });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /recordsTrustedKeys, line 1: not an Ed25519 public key/);
});
