/**
 * The category-folding migration's scenario (SQLite 100, PostgreSQL 091), the same on both stores: a
 * gateway from before categoryField folded categories wrote them as the provider typed them
 * (`ｐｒｏｍｏ`, ` ｐｒｏｍｏ　`), in the working tables and in the records alike. The store's own
 * methods write them so (they record what the use case gives; the use case folds today); what no
 * store method writes any more (a send, a pending request, a credential's default) is inserted in SQL.
 */
import assert from 'node:assert/strict';
import type { Store } from '../../src/ports/store.js';

const DAY = 86_400_000;
export const WIDE = 'ｐｒｏｍｏ';
/** Full-width, with a space before it and an ideographic space after. */
export const WIDE_SPACED = ' ｐｒｏｍｏ\u3000';

/** A: a live consent (2 a month) and one send of it, both full-width. */
export const A = '+8613900139001';
/** B: a live full-width consent, then an opt-out from the provider (which withdraws it). */
export const B = '+8613900139002';
/** C: a live full-width consent and a DND entry. */
export const C = '+8613900139003';
/** D: a full-width consent withdrawn by the user. */
export const D = '+8613900139004';

/** SQL on the store's database, `?` placeholders (the PostgreSQL wrapper numbers them). */
export interface RawSql {
  run(sql: string, params?: unknown[]): Promise<void>;
  rows<T>(sql: string, params?: unknown[]): Promise<T[]>;
}

const proof = (now: number) => ({ channel: 'web', reference: 'form-1', capturedAt: new Date(now - 2 * DAY).toISOString() });
const consent = (id: string, cp: string, msisdn: string, category: string, now: number) => ({
  id, contentProviderId: cp, msisdn, category, frequency: { count: 2, per: 'month' as const },
  grantedAt: now - DAY, expiresAt: now + 60 * DAY, channel: 'web' as const, proof: proof(now), withdrawnAt: null,
});

/** Writes what the old gateway wrote for provider `cp`, at `now`. */
export async function seedBeforeFold(store: Store, sql: RawSql, cp: string, now: number): Promise<void> {
  await store.consents.grantConsent(consent('con_old_a', cp, A, WIDE, now));
  await sql.run("INSERT INTO sends (content_provider_id, msisdn, type, consent_id, category, at) VALUES (?, ?, 'commercial', 'con_old_a', ?, ?)", [cp, A, WIDE, now - 3_600_000]);
  await store.consents.grantConsent(consent('con_old_b', cp, B, WIDE_SPACED, now));
  await store.consents.optOut(cp, B, now - 1_800_000, 'sms', { mo: 'T' }, { endsRelationship: true });
  await store.consents.grantConsent(consent('con_old_c', cp, C, WIDE, now));
  await store.consents.addDnd([C], now - 1_800_000, 'admin', 'test');
  await store.consents.grantConsent(consent('con_old_d', cp, D, WIDE, now));
  assert.equal(await store.consents.withdrawConsent('con_old_d', cp, now - 1_800_000, 'web'), true);
  await sql.run(
    `INSERT INTO consent_requests (id, content_provider_id, msisdn, port, category, freq_count, freq_per, duration_days, text, message_id, message_sent, status, created_at, deadline_at, resolved_at, consent_id, profile)
     VALUES ('creq_old', ?, '+8613900139005', '10690002', ?, 2, 'month', 30, '【示例】…', 'msg_creq_old', TRUE, 'pending', ?, ?, NULL, NULL, 'cn-2015')`,
    [cp, WIDE_SPACED, now - DAY, now + DAY],
  );
  await sql.run(
    "INSERT INTO smpp_credentials (id, content_provider_id, system_id, password_hash, allowed_ips, max_binds, throughput, created_at, revoked_at, default_category) VALUES ('cred_old', ?, 'oldesme', 'x', NULL, NULL, NULL, ?, NULL, ?)",
    [cp, now - DAY, WIDE],
  );
}

/**
 * Makes the database look as it did before the migration: not applied, and its table not there (on
 * the old code there is neither, and this changes nothing).
 */
export async function unapplyFold(sql: RawSql, version: string): Promise<void> {
  await sql.run('DELETE FROM schema_migrations WHERE version = ?', [version]);
  await sql.run('DROP TABLE IF EXISTS category_folds');
}

type Send = (payload: Record<string, unknown>) => Promise<{ statusCode: number; body: string; json(): any }>;

/** After the migration, at `now` (within the hour after the seeding): what a submission now gets, and the rows. */
export async function assertFolded(store: Store, sql: RawSql, send: Send, cp: string): Promise<void> {
  const promo = (to: string) => send({ from: '10690002', to, text: '【示例】年终大促全场五折，回T退订', type: 'commercial', category: 'promo' });

  // A's old consent covers the half-width category a submission now reads as, and its old send counts.
  const first = await promo(A);
  assert.equal(first.statusCode, 202, `A, the first: ${first.body}`);
  const second = await promo(A);
  assert.equal(second.statusCode, 422, `A, the third of 2 a month (the old send counts): ${second.body}`);
  assert.equal(second.json().error.code, 'consent_frequency_exceeded');

  // The refusals stand: opt-out, DND and a withdrawal, each on an old full-width consent.
  for (const [to, code] of [[B, 'opted_out'], [C, 'opted_out'], [D, 'consent_missing']] as const) {
    const r = await promo(to);
    assert.equal(r.statusCode, 422, `${to}: ${r.body}`);
    assert.equal(r.json().error.code, code, to);
  }

  const consents = await sql.rows<{ id: string; category: string; withdrawn_at: number | null }>('SELECT id, category, withdrawn_at FROM consents ORDER BY id');
  assert.deepEqual(consents.map((r) => [r.id, r.category, r.withdrawn_at !== null]), [
    ['con_old_a', 'promo', false], ['con_old_b', 'promo', true], ['con_old_c', 'promo', false], ['con_old_d', 'promo', true],
  ]);
  assert.deepEqual((await sql.rows<{ category: string }>("SELECT category FROM consent_requests WHERE id = 'creq_old'")).map((r) => r.category), ['promo']);
  assert.deepEqual((await sql.rows<{ default_category: string }>("SELECT default_category FROM smpp_credentials WHERE id = 'cred_old'")).map((r) => r.default_category), ['promo']);
  const sends = await sql.rows<{ category: string }>("SELECT category FROM sends WHERE type = 'commercial' ORDER BY at");
  assert.deepEqual(sends.map((r) => r.category), ['promo', 'promo']);

  // Every rewritten statement is listed with the form it had.
  const folds = await sql.rows<{ table_name: string; row_id: string; old_category: string; new_category: string }>(
    'SELECT table_name, row_id, old_category, new_category FROM category_folds ORDER BY table_name, row_id');
  assert.deepEqual(folds.map((f) => [f.table_name, f.row_id, f.old_category, f.new_category]), [
    ['consent_requests', 'creq_old', WIDE_SPACED, 'promo'],
    ['consents', 'con_old_a', WIDE, 'promo'], ['consents', 'con_old_b', WIDE_SPACED, 'promo'],
    ['consents', 'con_old_c', WIDE, 'promo'], ['consents', 'con_old_d', WIDE, 'promo'],
    ['smpp_credentials', 'cred_old', WIDE, 'promo'],
  ]);

  // The records keep what was given (tamper-evident: a migration does not write them).
  const granted = (await store.consents.subscriptionEvents(B, cp)).find((e) => e.kind === 'consent_granted');
  assert.equal(granted?.evidence.category, WIDE_SPACED);
}
