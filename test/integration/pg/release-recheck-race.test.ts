/**
 * A release from the review queue and an opt-out landing at the same moment, on PostgreSQL (several
 * gateway processes on one database): the release's re-check is judged in its own transaction after
 * the number's lock, the lock an opt-out takes. An opt-out whose transaction is open when the release
 * starts makes the release wait, and once it commits the release sees it and is refused: the message
 * stays held. (Judged before the release's transaction, or without the lock, the release read the
 * facts before the opt-out committed and sent the message to a number that had just refused.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { openTestPgStore, TEST_PG_URL } from '../../helpers/pg.js';
import { seedProvider, item, msisdn, heldDecision, uid, T0, MIN, DAY } from '../../contract/fixtures.js';
import { numberLockKey } from '../../../src/store/postgres/locks.js';
import type { ReleaseFacts } from '../../../src/ports/store.js';

test('an opt-out in flight when a release starts: the release waits for it, sees it, and is refused; the message stays held', { timeout: 30_000 }, async () => {
  const h = await openTestPgStore();
  const other = new pg.Client({ connectionString: TEST_PG_URL });
  await other.connect();
  try {
    const s = h.store;
    const { cp, commercial } = await seedProvider(s);
    const to = msisdn();
    await s.consents.grantConsent({ id: uid('con'), contentProviderId: cp.id, msisdn: to, category: 'promo', frequency: { count: 10, per: 'week' }, grantedAt: T0 - DAY, expiresAt: T0 + 30 * DAY, channel: 'web', proof: { reference: 'r' }, withdrawnAt: null });
    const text = '【示例】会员日全场八折，拒收请回复R';
    const promo = item({ cp: cp.id, from: commercial, to, type: 'commercial', category: 'promo', text, at: T0 });
    await s.messages.decideAndRecord([promo], () => heldDecision(text));

    // another process's opt-out: its transaction holds the number's lock and has written the refusal
    await other.query(`SET search_path TO ${h.schema}`);
    await other.query('BEGIN');
    await other.query('SELECT pg_advisory_xact_lock($1::bigint)', [numberLockKey(cp.id, to).toString()]);
    await other.query('INSERT INTO optouts (content_provider_id, msisdn, at) VALUES ($1, $2, $3)', [cp.id, to, T0 + MIN]);

    const seen: ReleaseFacts[] = [];
    let settled = false;
    const release = s.messages.resolveHeld(promo.id, {
      action: 'release', at: T0 + 2 * MIN, actor: 'admin_1', reason: 'fine',
      check: { commercial: true, category: 'promo', judge: (f) => { seen.push(f); if (f.subscription?.optedOut) throw Object.assign(new Error('opted out'), { code: 'opted_out' }); } },
    }).finally(() => { settled = true; });
    release.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(settled, false, 'the release waits for the opt-out in flight');
    assert.equal(seen.length, 0, 'and has not judged yet');

    await other.query('COMMIT');
    await assert.rejects(release, { code: 'opted_out' });
    assert.equal(seen.length, 1);
    assert.equal(seen[0].subscription?.optedOut, true);
    const v = await s.messages.getMessage(promo.id);
    assert.equal(v?.status, 'held');
    assert.deepEqual(await s.outbox.claim(T0 + 3 * MIN, 10, MIN), []);
  } finally {
    await other.end();
    await h.dispose();
  }
});

test('a consent withdrawal takes the number\'s lock too: it waits for a release holding it (so the release judged the consent as it stood)', { timeout: 30_000 }, async () => {
  const h = await openTestPgStore();
  const other = new pg.Client({ connectionString: TEST_PG_URL });
  await other.connect();
  try {
    const s = h.store;
    const { cp } = await seedProvider(s);
    const to = msisdn();
    const id = uid('con');
    await s.consents.grantConsent({ id, contentProviderId: cp.id, msisdn: to, category: 'promo', frequency: { count: 10, per: 'week' }, grantedAt: T0 - DAY, expiresAt: T0 + 30 * DAY, channel: 'web', proof: { reference: 'r' }, withdrawnAt: null });
    // a release's transaction in progress: it holds the number's lock
    await other.query(`SET search_path TO ${h.schema}`);
    await other.query('BEGIN');
    await other.query('SELECT pg_advisory_xact_lock($1::bigint)', [numberLockKey(cp.id, to).toString()]);
    let settled = false;
    const withdraw = s.consents.withdrawConsent(id, cp.id, T0 + MIN, 'web').finally(() => { settled = true; });
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(settled, false, 'the withdrawal waits for the release');
    await other.query('COMMIT');
    assert.equal(await withdraw, true);
    assert.notEqual((await s.consents.getConsent(id))?.withdrawnAt, null);
  } finally {
    await other.end();
    await h.dispose();
  }
});
