/**
 * SQLite migration 100: categories stored before categoryField folded them (NFKC, trimmed) are
 * rewritten to that form, so an old full-width consent covers today's half-width submission, its old
 * sends still count, and its opt-out, DND and withdrawal still refuse (test/helpers/category-migration.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestGateway, onboard, NOON_SHANGHAI } from '../../helpers/gateway.js';
import { assertChainsHold } from '../../helpers/records.js';
import { assertFolded, seedBeforeFold, unapplyFold, type RawSql } from '../../helpers/category-migration.js';
import type { Db } from '../../../src/store/sqlite/db.js';

const rawSql = (db: Db): RawSql => ({
  async run(sql, params = []) { db.prepare(sql).run(...params); },
  async rows<T>(sql: string, params: unknown[] = []) { return db.prepare(sql).all(...params) as T[]; },
});

test('SQLite migration 100 folds categories written before categoryField: old consents cover today\'s submissions, refusals stand, records untouched', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smsguard-catmig-'));
  const db = join(dir, 'smsguard.db');
  try {
    const old = await startTestGateway({ db });
    const cp = await onboard(old);
    try {
      await seedBeforeFold(old.store, rawSql(old.store.db), cp.id, NOON_SHANGHAI);
      await unapplyFold(rawSql(old.store.db), '100_category_nfkc');
    } finally {
      await old.close();
    }

    const g = await startTestGateway({ db, now: NOON_SHANGHAI + 3_600_000 });
    try {
      const send = (payload: Record<string, unknown>) => g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload });
      await assertFolded(g.store, rawSql(g.store.db), send, cp.id);
      await assertChainsHold(g.store.records.archive!);
    } finally {
      await g.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('migration 100 is a no-op on categories already in their one form', async () => {
  const g = await startTestGateway();
  try {
    const cp = await onboard(g);
    const sql = rawSql(g.store.db);
    await sql.run("INSERT INTO smpp_credentials (id, content_provider_id, system_id, password_hash, created_at, default_category) VALUES ('cred_1', ?, 'esme1', 'x', 0, 'Promo')", [cp.id]);
    await unapplyFold(sql, '100_category_nfkc');
    const { migrate } = await import('../../../src/store/sqlite/db.js');
    assert.deepEqual(migrate(g.store.db), ['100_category_nfkc']);
    assert.deepEqual(await sql.rows('SELECT default_category FROM smpp_credentials'), [{ default_category: 'Promo' }], 'case is kept');
    assert.deepEqual(await sql.rows('SELECT * FROM category_folds'), []);
  } finally {
    await g.close();
  }
});
