/**
 * PostgreSQL migration 091: the same scenario as SQLite's migration 100 (test/helpers/category-migration.ts),
 * on a real database in a schema of its own; and PostgreSQL's fold in SQL (normalize NFKC, then the
 * characters JavaScript's trim removes) held equal to categoryField's on the inputs that matter.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { App } from '../../../src/app/app.js';
import { SimulatorSmsc } from '../../../src/simulator/simulator-smsc.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { buildHttpApp } from '../../../src/http/app.js';
import { createMetrics } from '../../../src/http/metrics.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { PostgresStore } from '../../../src/store/postgres/index.js';
import { categoryField } from '../../../src/app/validate.js';
import { dropSchema, openTestPgStore, TEST_PG_URL } from '../../helpers/pg.js';
import { ADMIN_TOKEN, NOON_SHANGHAI, onboard, type TestGateway } from '../../helpers/gateway.js';
import { assertChainsHold } from '../../helpers/records.js';
import { assertFolded, seedBeforeFold, unapplyFold, type RawSql } from '../../helpers/category-migration.js';
import { FOLD_SAMPLES } from '../../helpers/category-fold-samples.js';

const numbered = (sql: string) => { let i = 0; return sql.replace(/\?/g, () => `$${++i}`); };
const rawSql = (pool: pg.Pool): RawSql => ({
  async run(sql, params = []) { await pool.query(numbered(sql), params); },
  async rows<T>(sql: string, params: unknown[] = []) { return (await pool.query(numbered(sql), params)).rows as T[]; },
});

/** The HTTP app on a PostgreSQL store (no delivery worker: submissions are all this test sends). */
async function gatewayOn(store: PostgresStore, now: number) {
  const clock = new SimulatedClock(now);
  const app = new App({ store, clock, profile: resolveProfile('cn-2015') });
  await app.auth.ensureAdminToken(ADMIN_TOKEN);
  const http = await buildHttpApp({ app, simulator: new SimulatorSmsc(clock), simulatedClock: clock, metrics: createMetrics(app, () => store.outbox.pendingCount()) });
  return { http, admin: { authorization: `Bearer ${ADMIN_TOKEN}` } };
}

test('PostgreSQL migration 091 folds categories written before categoryField: old consents cover today\'s submissions, refusals stand, records untouched', { timeout: 60_000 }, async () => {
  const h = await openTestPgStore();
  let reopened: PostgresStore | null = null;
  try {
    const old = await gatewayOn(h.store, NOON_SHANGHAI);
    const cp = await onboard(old as unknown as TestGateway);
    await seedBeforeFold(h.store, rawSql(h.store.pool), cp.id, NOON_SHANGHAI);
    await unapplyFold(rawSql(h.store.pool), '091_category_nfkc');
    await old.http.close();
    await h.store.close();

    reopened = await PostgresStore.open({ url: TEST_PG_URL, schema: h.schema, max: 4 });
    const g = await gatewayOn(reopened, NOON_SHANGHAI + 3_600_000);
    try {
      const send = (payload: Record<string, unknown>) => g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload });
      await assertFolded(reopened, rawSql(reopened.pool), send, cp.id);
      await assertChainsHold(reopened.records.archive!);
    } finally {
      await g.http.close();
    }
  } finally {
    await reopened?.close();
    await dropSchema(h.schema);
  }
});

test('PostgreSQL folds a category as categoryField does (NFKC, then JavaScript\'s trim)', async () => {
  const h = await openTestPgStore({ max: 2 });
  try {
    // The migration's function, as it reads in the file (it drops it at its end).
    const { readFileSync } = await import('node:fs');
    const file = readFileSync(new URL('../../../src/store/postgres/migrations/091_category_nfkc.sql', import.meta.url), 'utf8');
    const fn = /CREATE FUNCTION pg_temp\.smsguard_fold_category[\s\S]*?\$\$;/.exec(file)?.[0];
    assert.ok(fn, 'the migration defines pg_temp.smsguard_fold_category');
    const c = await h.store.pool.connect();
    try {
      await c.query(fn);
      for (const s of FOLD_SAMPLES) {
        const got = (await c.query<{ f: string }>('SELECT pg_temp.smsguard_fold_category($1) AS f', [s])).rows[0].f;
        assert.equal(got, categoryField(s, 'category'), JSON.stringify(s));
      }
    } finally {
      c.release();
    }
  } finally {
    await h.dispose();
  }
});
