/** The SQLite consent adapter: request lifecycle, first answer wins, relationships, expiries, restarts. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { App } from '../../../src/app/app.js';
import { ConsentSweeper } from '../../../src/app/consent-sweeper.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { resolveProfile, type ProfileId } from '../../../src/profiles/index.js';
import type { ConsentRequestRow, ConsentRow } from '../../../src/ports/store.js';

const T0 = Date.parse('2026-11-30T04:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const M = '+8613800138000';
let n = 0;
const request = (over: Partial<ConsentRequestRow> = {}): ConsentRequestRow => ({
  id: `creq_${n++}`, contentProviderId: 'cp_1', msisdn: M, port: '10690002', category: 'promo', frequency: { count: 4, per: 'month' }, durationDays: 30,
  text: '【示例】邀请您订阅“promo”类商业短信', messageId: `msg_${n++}`, status: 'pending', createdAt: T0, deadlineAt: T0 + 48 * HOUR, resolvedAt: null, consentId: null, profile: 'cn-2015', ...over,
});
const consent = (over: Partial<ConsentRow> = {}): ConsentRow => ({
  id: `con_${n++}`, contentProviderId: 'cp_1', msisdn: M, category: 'promo', frequency: { count: 4, per: 'month' }, grantedAt: T0, expiresAt: T0 + 30 * DAY, channel: 'sms', proof: {}, withdrawnAt: null, ...over,
});

describe('SqliteConsents', () => {
  test('open → facts seen by the check; a second request while one is pending sees it', async () => {
    const s = new SqliteStore(':memory:');
    const r1 = request();
    let seen: unknown;
    await s.consents.openConsentRequest(r1, (f) => { seen = f; });
    assert.deepEqual(seen, { optedOut: false, dnd: false, pending: null, refused: [], withdrawnByUser: [], grantedWithProof: [] });
    await assert.rejects(s.consents.openConsentRequest(request(), (f) => { if (f.pending) throw new Error(`pending ${f.pending.id}`); }), /pending creq_/);
    assert.equal((await s.consents.unsentConsentRequests(10)).length, 1, 'the refused second request left nothing behind');
    await s.consents.markConsentRequestSent(r1.id);
    assert.equal((await s.consents.unsentConsentRequests(10)).length, 0);
    await s.close();
  });

  test('first answer wins: a resolved request cannot be resolved again', async () => {
    const s = new SqliteStore(':memory:');
    const r = request();
    await s.consents.openConsentRequest(r, () => {});
    const c = consent();
    assert.equal(await s.consents.resolveConsentRequest(r.id, { status: 'granted', at: T0 + HOUR, channel: 'sms', evidence: { moId: 'mo_1' }, consent: c }), true);
    assert.equal(await s.consents.resolveConsentRequest(r.id, { status: 'deemed_refused', at: T0 + 48 * HOUR, channel: 'system', evidence: {} }), false);
    const got = await s.consents.getConsentRequest(r.id);
    assert.equal(got?.request.status, 'granted');
    assert.equal(got?.request.consentId, c.id);
    assert.deepEqual(got?.history.map((h) => h.kind), ['consent_requested', 'consent_granted']);
    await s.close();
  });

  test('an opt-out refuses pending requests and ends the relationship; the refused list feeds the repeat rule', async () => {
    const s = new SqliteStore(':memory:');
    await s.consents.grantConsent(consent());
    const r = request();
    await s.consents.openConsentRequest(r, () => {});
    await s.consents.optOut('cp_1', M, T0 + HOUR, 'sms', { moId: 'mo_9' }, { signature: '【示例】' });
    assert.equal((await s.consents.getConsentRequest(r.id))?.request.status, 'refused');
    let refused: ConsentRequestRow[] = [];
    await s.consents.openConsentRequest(request({ category: 'other' }), (f) => { refused = f.refused; assert.equal(f.optedOut, true); });
    assert.deepEqual(refused.map((x) => x.id), [r.id]);
    const sub = await s.consents.subscriber(M);
    assert.equal(sub.relationships[0].endReason, 'opt_out');
    assert.deepEqual(sub.optOuts[0].signatures, ['【示例】']);
    assert.ok(sub.events.some((e) => e.kind === 'relationship_ended'));
    await s.close();
  });

  test('the relationship ends only with the last live consent (withdrawal, then expiry)', async () => {
    const s = new SqliteStore(':memory:');
    const a = consent({ expiresAt: T0 + 10 * DAY });
    const b = consent({ category: 'news', expiresAt: T0 + 20 * DAY });
    await s.consents.grantConsent(a);
    await s.consents.grantConsent(b);
    assert.equal(await s.consents.withdrawConsent(a.id, 'cp_1', T0 + DAY, 'http'), true);
    assert.equal((await s.consents.subscriber(M)).relationships[0].endedAt, null, 'one live consent left');
    assert.equal(await s.consents.recordConsentExpiries(T0 + 15 * DAY, 10), 0, 'b has not expired');
    assert.equal(await s.consents.recordConsentExpiries(T0 + 25 * DAY, 10), 1);
    assert.equal(await s.consents.recordConsentExpiries(T0 + 26 * DAY, 10), 0, 'an expiry is recorded once');
    const rel = (await s.consents.subscriber(M)).relationships[0];
    assert.equal(rel.endedAt, b.expiresAt, 'recorded at the moment of expiry, not when swept');
    assert.equal(rel.endReason, 'last_consent_expired');
    // a new consent restarts it
    await s.consents.grantConsent(consent({ grantedAt: T0 + 30 * DAY, expiresAt: T0 + 60 * DAY }));
    assert.equal((await s.consents.subscriber(M)).relationships[0].endedAt, null);
    await s.close();
  });

  for (const profile of ['cn-2015', 'cn-2026'] as ProfileId[]) {
    test(`${profile}: deadlines survive a restart; the sweeper of the new process settles them at the deadline`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'consent-'));
      const db = join(dir, 'g.db');
      try {
        const s1 = new SqliteStore(db);
        const r = request({ profile });
        await s1.consents.openConsentRequest(r, () => {});
        await s1.close();
        const s2 = new SqliteStore(db);
        const clock = new SimulatedClock(T0 + 47 * HOUR);
        const app = new App({ store: s2, clock, profile: resolveProfile(profile) });
        const sweeper = new ConsentSweeper(app.ctx, { intervalMs: 3_600_000 });
        sweeper.start();
        await sweeper.idle();
        // the request's message was never queued before the "crash": repaired at start
        assert.equal((await s2.consents.unsentConsentRequests(10)).length, 0);
        assert.ok(await s2.messages.getMessage(r.messageId));
        assert.equal((await s2.consents.getConsentRequest(r.id))?.request.status, 'pending');
        clock.advance(HOUR);
        await sweeper.idle();
        const got = await s2.consents.getConsentRequest(r.id);
        assert.equal(got?.request.status, 'deemed_refused', 'silence is refusal under both shipped profiles, never consent');
        assert.equal(got?.request.resolvedAt, r.deadlineAt);
        await sweeper.stop();
        await s2.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  test('an operator who sets noReplyMeansRefusal=false gets lapsed, which does not block a new request', async () => {
    const s = new SqliteStore(':memory:');
    const clock = new SimulatedClock(T0);
    const app = new App({ store: s, clock, profile: resolveProfile('cn-2026', { noReplyMeansRefusal: false }) });
    const sweeper = new ConsentSweeper(app.ctx);
    const r = request();
    await s.consents.openConsentRequest(r, () => {});
    clock.set(r.deadlineAt);
    await sweeper.sweep();
    assert.equal((await s.consents.getConsentRequest(r.id))?.request.status, 'lapsed');
    await s.consents.openConsentRequest(request(), (f) => assert.deepEqual(f.refused, []));
    await s.close();
  });
});
