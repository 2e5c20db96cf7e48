/**
 * A process that does not migrate (`PostgresStore.open({migrate: false})`: the processes of a
 * deployment started after one migrator, the test children) must still refuse a schema a newer
 * smsguard migrated, as a migrating open and SQLite do (src/store/schema-too-new.ts): it skipped the
 * check with the migrations and wrote to tables whose newer columns it does not know.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PostgresStore } from '../../../src/store/postgres/index.js';
import { SchemaTooNewError } from '../../../src/store/schema-too-new.js';
import { TEST_PG_URL, openTestPgStore } from '../../helpers/pg.js';

test('open with migrate: false refuses a schema holding a migration this version does not know', async () => {
  const h = await openTestPgStore({ max: 2 });
  try {
    // this version's own schema opens without migrating
    const same = await PostgresStore.open({ url: TEST_PG_URL, schema: h.schema, max: 1, migrate: false });
    await same.close();
    await h.store.pool.query("INSERT INTO schema_migrations (version, applied_at) VALUES ('999_from_the_future', 0)");
    const before = (await h.store.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM records')).rows[0]!.n;
    await assert.rejects(
      PostgresStore.open({ url: TEST_PG_URL, schema: h.schema, max: 1, migrate: false }),
      (e: unknown) => e instanceof SchemaTooNewError && e.code === 'conflict' && /999_from_the_future/.test(e.message),
    );
    assert.equal((await h.store.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM records')).rows[0]!.n, before, 'nothing written');
    // the migrating open refuses it the same way (unchanged)
    await assert.rejects(PostgresStore.open({ url: TEST_PG_URL, schema: h.schema, max: 1 }), SchemaTooNewError);
  } finally {
    await h.dispose();
  }
});
