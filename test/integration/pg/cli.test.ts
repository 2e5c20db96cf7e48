/**
 * The command line on PostgreSQL: `smsguard migrate --db postgres://… --db-schema S` applies every
 * migration (twice is a no-op), the bus options are checked before anything starts, and the
 * commands that work on an existing install refuse a --db-schema that is not there instead of
 * creating it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_PG_URL, dropSchema, testSchemaName } from '../../helpers/pg.js';

const BIN = fileURLToPath(new URL('../../../bin/smsguard.js', import.meta.url));
const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, SMSGUARD_DB: '', DATABASE_URL: '', ...env } });

test('smsguard migrate applies the PostgreSQL migrations once, from --db or DATABASE_URL', async () => {
  const schema = testSchemaName();
  try {
    const a = run(['migrate', '--db', TEST_PG_URL, '--db-schema', schema]);
    assert.equal(a.status, 0, a.stderr);
    assert.match(a.stdout, /migrations applied \(PostgreSQL .*schema sg_test_/);
    const b = run(['migrate', '--db-schema', schema], { DATABASE_URL: TEST_PG_URL });
    assert.equal(b.status, 0, b.stderr);
    const c = new pg.Client({ connectionString: TEST_PG_URL });
    await c.connect();
    try {
      const versions = (await c.query(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`)).rows.map((r) => r.version);
      assert.ok(versions.includes('001_init') && versions.includes('002_queue'), versions.join(','));
      assert.equal(new Set(versions).size, versions.length);
      const parts = (await c.query("SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = $1::regclass", [`${schema}.records`])).rows[0].n;
      assert.ok(parts >= 1, 'month partitions created at open');
    } finally {
      await c.end();
    }
  } finally {
    await dropSchema(schema);
  }
});

test('a split role needs a bus, and a bus needs PostgreSQL', () => {
  const noQueue = run(['start', '--role', 'egress', '--db', ':memory:', '--http-port', '0']);
  assert.notEqual(noQueue.status, 0);
  assert.match(noQueue.stderr, /role .*needs --queue/);
  const sqliteBus = run(['start', '--queue', 'nats://127.0.0.1:4222', '--db', ':memory:', '--http-port', '0']);
  assert.notEqual(sqliteBus.status, 0);
  assert.match(sqliteBus.stderr, /needs the PostgreSQL store/);
});

test('commands on an existing install refuse a schema that is not there, and create nothing', async () => {
  const typo = testSchemaName();
  const dir = mkdtempSync(join(tmpdir(), 'smsguard-pg-cli-'));
  const c = new pg.Client({ connectionString: TEST_PG_URL });
  await c.connect();
  try {
    const commands: string[][] = [
      ['token', 'create', '--role', 'admin'],
      ['records', 'verify'],
      ['records', 'heads'],
      ['records', 'purge', '--dry-run'],
      ['records', 'rotate-key'],
      ['inspect', 'export', '--content-provider', 'cp_1', '--from', '2026-11-01', '--to', '2026-12-01', '--out', join(dir, 'export')],
      ['inspect', 'report', '--year', '2026', '--content-provider', 'cp_1', '--out', join(dir, 'report.html')],
    ];
    for (const cmd of commands) {
      const r = spawnSync(process.execPath, [BIN, ...cmd, '--db', TEST_PG_URL, '--db-schema', typo], { encoding: 'utf8', timeout: 60_000, cwd: dir, env: { ...process.env, SMSGUARD_DB: '', DATABASE_URL: '' } });
      assert.equal(r.status, 1, `${cmd.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.equal(r.stdout, '', cmd.join(' '));
      assert.equal(r.stderr, `smsguard: no schema ${typo} in ${TEST_PG_URL}\n`, cmd.join(' '));
      const made = (await c.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [typo])).rowCount;
      assert.equal(made, 0, `${cmd.join(' ')} created schema ${typo}`);
    }
    assert.deepEqual(readdirSync(dir), [], 'no file written (export, report, signing key)');
  } finally {
    await c.end();
    await dropSchema(typo);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('token create writes into a schema that exists', async () => {
  const schema = testSchemaName();
  try {
    const m = run(['migrate', '--db', TEST_PG_URL, '--db-schema', schema]);
    assert.equal(m.status, 0, m.stderr);
    const t = run(['token', 'create', '--role', 'admin', '--label', 'ops', '--db', TEST_PG_URL, '--db-schema', schema]);
    assert.equal(t.status, 0, t.stderr);
    assert.match(JSON.parse(t.stdout).token, /^sga_/);
  } finally {
    await dropSchema(schema);
  }
});

test('start on a PostgreSQL store whose heads another key signed, with no key given or found, refuses to make a key of its own', async () => {
  // A second gateway process started in another directory without SMSGUARD_RECORDS_SIGNING_KEY
  // generated ./var/records-signing.key there and signed heads with it: `records verify` then failed
  // every month (signature_invalid, exit 2) and every export was refused as over a damaged chain.
  const schema = testSchemaName();
  const dir = mkdtempSync(join(tmpdir(), 'smsguard-pg-key-'));
  try {
    const db = ['--db', TEST_PG_URL, '--db-schema', schema];
    assert.equal(run(['migrate', ...db]).status, 0);
    const key = { SMSGUARD_RECORDS_SIGNING_KEY: `file:${join(dir, 'deployment.key')}` };
    const k = spawnSync(process.execPath, ['-e', `require('fs').writeFileSync(${JSON.stringify(join(dir, 'deployment.key'))}, require('crypto').generateKeyPairSync('ed25519').privateKey.export({type:'pkcs8',format:'pem'}))`]);
    assert.equal(k.status, 0, String(k.stderr));
    // a purge records itself (records.purge), and heads are signed over that record
    const purge = run(['records', 'purge', ...db], key);
    assert.equal(purge.status, 0, purge.stderr);
    const heads = run(['records', 'heads', ...db], key);
    assert.equal(heads.status, 0, heads.stderr);
    assert.ok(JSON.parse(heads.stdout).heads.length > 0, heads.stdout);
    const keyId = JSON.parse(heads.stdout).keyId as string;
    const cwd = join(dir, 'elsewhere');
    mkdirSync(cwd);
    const s = spawnSync(process.execPath, [BIN, 'start', ...db, '--http-port', '0', '--smpp-port', '0'], { cwd, encoding: 'utf8', timeout: 30_000, env: { ...process.env, SMSGUARD_DB: '', DATABASE_URL: '', SMSGUARD_RECORDS_SIGNING_KEY: '' } });
    assert.equal(s.status, 1, `start should refuse, not run: ${s.stdout}${s.stderr}`);
    assert.match(s.stderr, new RegExp(`records keys \\(SMSGUARD_RECORDS_SIGNING_KEY\\): no signing key at .*signed with key ${keyId}`));
    assert.equal(existsSync(join(cwd, 'var', 'records-signing.key')), false, 'no key of its own generated');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await dropSchema(schema);
  }
});

test('a schema a newer smsguard migrated is refused in one line by migrate, start and the records commands, and nothing is written to it', async () => {
  const schema = testSchemaName();
  const c = new pg.Client({ connectionString: TEST_PG_URL });
  await c.connect();
  try {
    assert.equal(run(['migrate', '--db', TEST_PG_URL, '--db-schema', schema]).status, 0);
    await c.query(`INSERT INTO ${schema}.schema_migrations (version, applied_at) VALUES ('999_from_the_future', 0)`);
    const before = (await c.query(`SELECT count(*)::int AS n FROM ${schema}.schema_migrations`)).rows[0].n;
    for (const args of [['migrate'], ['start', '--http-port', '0', '--smpp-port', '0'], ['records', 'verify']]) {
      const r = run([...args, '--db', TEST_PG_URL, '--db-schema', schema]);
      assert.equal(r.status, 1, `${args.join(' ')}: ${r.stdout} ${r.stderr}`);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `${args.join(' ')}: one line, no stack: ${r.stderr}`);
      assert.match(lines[0], /^smsguard: .*schema sg_test_.*this database was migrated by a newer smsguard \(migration 999_from_the_future unknown to this one\)/);
    }
    assert.equal((await c.query(`SELECT count(*)::int AS n FROM ${schema}.schema_migrations`)).rows[0].n, before, 'no migration recorded');
  } finally {
    await c.end();
    await dropSchema(schema);
  }
});
