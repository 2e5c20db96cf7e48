/**
 * The command line on PostgreSQL: `smsguard migrate --db postgres://… --db-schema S` applies every
 * migration (twice is a no-op), and the bus options are checked before anything starts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
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
