/**
 * `smsguard token list` and `token revoke <id>` as an operator runs them, beside `token create`: the
 * list shows every token (never a secret or hash), revoke takes one back (it is no longer found,
 * the audit trail says who), a repeat keeps the first time, an unknown id is one line and exit 1.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite/index.js';
import { hashSecret } from '../../src/app/secrets.js';

let dir: string;
let db: string;

function cli(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, ['bin/smsguard.js', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}
const lines = (out: string) => out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smsguard-tokens-'));
  db = join(dir, 'g.db');
  const s = new SqliteStore(db);
  await s.directory.createContentProvider({ id: 'cp_1', name: '示例', creditCode: '91350100M000100Y43', licenseNumber: null, status: 'active', createdAt: 1, httpThroughput: null }, { id: 'tok_key', hash: hashSecret('sgk_leaked') });
  await s.close();
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('token list shows tokens without secrets; token revoke takes one back, once, recorded', async () => {
  const created = cli('token', 'create', '--role', 'report-centre', '--label', 'desk', '--db', db);
  assert.equal(created.code, 0, created.err);
  const { id, token } = JSON.parse(created.out) as { id: string; token: string };

  const l = cli('token', 'list', '--db', db);
  assert.equal(l.code, 0, l.err);
  assert.ok(!l.out.includes(token) && !l.out.includes(hashSecret(token)), 'no secret or hash');
  const all = lines(l.out);
  assert.deepEqual(all.map((t) => [t.id, t.role, t.revokedAt]), [['tok_key', 'content-provider', null], [id, 'report-centre', null]]);
  assert.equal(all[0].contentProviderId, 'cp_1');
  assert.deepEqual(lines(cli('token', 'list', '--content-provider', 'cp_1', '--db', db).out).map((t) => t.id), ['tok_key']);
  assert.deepEqual(lines(cli('token', 'list', '--role', 'report-centre', '--db', db).out).map((t) => t.id), [id]);
  // a misspelt provider is said, not listed as "no keys" (as GET /v1/records refuses it)
  const typo = cli('token', 'list', '--content-provider', 'cp_l', '--db', db);
  assert.equal(typo.code, 1, typo.out);
  assert.equal(typo.out, '');
  assert.match(typo.err, /^smsguard: no content provider cp_l\n$/);

  const r = cli('token', 'revoke', 'tok_key', '--db', db, '--actor', 'ops@example');
  assert.equal(r.code, 0, r.err);
  const revokedAt = (JSON.parse(r.out) as { revokedAt: string }).revokedAt;
  assert.ok(!Number.isNaN(Date.parse(revokedAt)));
  const again = cli('token', 'revoke', 'tok_key', '--db', db);
  assert.equal(again.code, 0, again.err);
  assert.equal((JSON.parse(again.out) as { revokedAt: string }).revokedAt, revokedAt, 'the first time stays');

  const missing = cli('token', 'revoke', 'tok_nope', '--db', db);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /^smsguard: no token tok_nope/);

  const s = new SqliteStore(db);
  try {
    assert.equal(await s.directory.findTokenByHash(hashSecret('sgk_leaked')), null, 'the key no longer authenticates');
    assert.ok(await s.directory.findTokenByHash(hashSecret(token)), 'the other token still does');
    const audit = (await s.records.queryRecords({ kind: 'audit', limit: 50 })).records.map((x) => x.body as { action: string; actor: string; tokenId?: string });
    assert.deepEqual(audit.filter((a) => a.action === 'token.revoke').map((a) => [a.tokenId, a.actor]), [['tok_key', 'ops@example']]);
  } finally {
    await s.close();
  }
});

test('token create: a label holding a control character (an escape pasted from a terminal) is one line and exit 1, no token made', () => {
  const before = lines(cli('token', 'list', '--db', db).out).length;
  const bad = cli('token', 'create', '--role', 'report-centre', '--label', 'desk\u001b[31m', '--db', db);
  assert.equal(bad.code, 1, bad.out);
  assert.equal(bad.out, '');
  assert.match(bad.err, /^smsguard: label: is one line and must not contain control characters \(U\+001B at character 5\)\n$/);
  assert.equal(lines(cli('token', 'list', '--db', db).out).length, before, 'no token made');
});
