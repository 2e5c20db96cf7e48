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
import { withGateway, startTestGateway, onboard, NOON_SHANGHAI } from '../../helpers/gateway.js';
import { assertChainsHold } from '../../helpers/records.js';
import { assertFolded, seedBeforeFold, unapplyFold, WIDE, type RawSql } from '../../helpers/category-migration.js';
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
  await withGateway(async (g, cp) => {
    const sql = rawSql(g.store.db);
    await sql.run("INSERT INTO smpp_credentials (id, content_provider_id, system_id, password_hash, created_at, default_category) VALUES ('cred_1', ?, 'esme1', 'x', 0, 'Promo')", [cp.id]);
    await unapplyFold(sql, '100_category_nfkc');
    const { migrate } = await import('../../../src/store/sqlite/db.js');
    assert.deepEqual(migrate(g.store.db), ['100_category_nfkc']);
    assert.deepEqual(await sql.rows('SELECT default_category FROM smpp_credentials'), [{ default_category: 'Promo' }], 'case is kept');
    assert.deepEqual(await sql.rows('SELECT * FROM category_folds'), []);
  });
});

test('a message held before the fold, recorded under ｐｒｏｍｏ, is judged at release by the folded category: the consent promo covers it', async () => {
  await withGateway(async (g, cp) => {
    const to = '+8613900139009';
    const text = '【示例】年终大促全场五折，回T退订';
    // As the old gateway recorded it: the category as typed, the decision a hold (an early warning).
    const held = { accepted: false, held: true, pipeline: [], verdicts: [], text, segments: 1, chars: text.length,
      rejection: { rule: 'content.early-warning', article: '-', profile: 'cn-2015', outcome: 'pass' as const, code: 'held_for_review' as const, message: 'held for review' } };
    await g.store.messages.decideAndRecord([{ id: 'msg_held_old', candidate: { contentProviderId: cp.id, from: '10690002', toRaw: to, to, text, type: 'commercial', category: WIDE }, channel: 'http', registeredDelivery: false, receivedAt: g.clock.now() }], () => held);
    const grant = await g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn: to, category: 'promo', frequency: { count: 10, per: 'month' }, expiresAt: '2027-06-01T00:00:00Z', proof: { channel: 'web', reference: 'form-1', capturedAt: '2026-11-01T00:00:00Z' } } });
    assert.equal(grant.statusCode, 201, grant.body);

    const r = await g.http.inject({ method: 'POST', url: '/v1/review-queue/msg_held_old/release', headers: g.admin, payload: { reason: 'checked' } });
    assert.equal(r.statusCode, 200, r.body);
    const v = (await g.http.inject({ method: 'GET', url: '/v1/messages/msg_held_old', headers: cp.auth })).json();
    assert.equal(v.category, 'promo');
    const records = await g.store.records.queryRecords({ kind: 'mt', limit: 10 });
    assert.equal(records.records.find((x) => x.body.category !== undefined)?.body.category, WIDE, 'the record keeps the category as given');
  });
});
