/**
 * Processes of one deployment started together on a schema not made yet (a fresh install, a CI run
 * starting two gateways at once) each create the schema and migrate it: exactly one applies each
 * migration and none fails. `CREATE SCHEMA IF NOT EXISTS` is not safe against a concurrent create
 * (PostgreSQL raises a unique violation on pg_namespace for the loser), so it must run inside the
 * migration lock, not before it. CI saw a gateway exit before its banner on exactly that.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPool, migrate } from '../../../src/store/postgres/db.js';
import { TEST_PG_URL, dropSchema, testSchemaName } from '../../helpers/pg.js';

test('several migrators at once on a schema that does not exist yet: each succeeds, every migration applied once', async () => {
  for (let round = 0; round < 5; round++) {
    const schema = testSchemaName();
    const pools = Array.from({ length: 4 }, () => createPool({ url: TEST_PG_URL, schema, max: 1 }));
    try {
      const results = await Promise.allSettled(pools.map((p) => migrate(p, schema)));
      const failed = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
      assert.deepEqual(failed, [], `round ${round}`);
      const applied = results.flatMap((r) => (r as PromiseFulfilledResult<string[]>).value);
      assert.equal(new Set(applied).size, applied.length, 'no migration applied twice');
      const rows = await pools[0]!.query<{ n: string }>('SELECT count(*) AS n FROM schema_migrations');
      assert.equal(Number(rows.rows[0]!.n), applied.length);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
      await dropSchema(schema);
    }
  }
});
