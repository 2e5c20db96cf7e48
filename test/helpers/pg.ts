/**
 * PostgreSQL for tests: a fresh schema per store (`sg_test_<random>`), dropped on dispose. When the
 * server is not reachable the error says how to start it, instead of a bare ECONNREFUSED.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PostgresStore } from '../../src/store/postgres/index.js';

export const TEST_PG_URL = process.env.DATABASE_URL ?? process.env.SMSGUARD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const PG_START_HINT =
  `PostgreSQL is not reachable at ${TEST_PG_URL}. Start it with:\n` +
  `  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n` +
  `or point DATABASE_URL at a server (trust auth, a database the user may create schemas in).`;

export function testSchemaName(): string {
  return `sg_test_${randomBytes(5).toString('hex')}`;
}

export async function dropSchema(schema: string, url = TEST_PG_URL): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await c.end();
  }
}

/** A migrated PostgresStore in a schema of its own; `dispose` closes it and drops the schema. */
export async function openTestPgStore(opts: { schema?: string; max?: number } = {}): Promise<{ store: PostgresStore; schema: string; dispose(): Promise<void> }> {
  const schema = opts.schema ?? testSchemaName();
  let store: PostgresStore;
  try {
    store = await PostgresStore.open({ url: TEST_PG_URL, schema, max: opts.max ?? 8 });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === '3D000') throw new Error(`${PG_START_HINT}\n(${(e as Error).message})`);
    throw e;
  }
  return {
    store, schema,
    async dispose() {
      await store.close();
      await dropSchema(schema);
    },
  };
}

/**
 * Two processes on one PostgreSQL schema, as the egress tests need them (leases are shared by every
 * process): `h`, the test's own store, and `other`, a second store on the same schema standing for
 * another gateway process. Both are closed and the schema dropped after `fn`, whatever it does.
 */
export async function withTwoPgProcesses(fn: (h: Awaited<ReturnType<typeof openTestPgStore>>, other: PostgresStore) => Promise<void>): Promise<void> {
  const h = await openTestPgStore();
  try {
    const other = await PostgresStore.open({ url: TEST_PG_URL, schema: h.schema, max: 2 });
    try {
      await fn(h, other);
    } finally {
      await other.close();
    }
  } finally {
    await h.dispose();
  }
}
