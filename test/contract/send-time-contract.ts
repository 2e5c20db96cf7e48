/**
 * What the send-time check (src/app/send-time-check.ts) needs from a store, run by the store contract
 * for each adapter: a queued commercial message's claim carries its category (and only such a
 * message's), ConsentStore.sendTimeFacts reads the refusal state of the moment, and a queued message
 * stopped as `rejected` leaves the queue with a status record naming the rule. Call inside a
 * describe; `get` returns the store of the current test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConsentRow, ReleaseFacts, Store, SubmissionItem } from '../../src/ports/store.js';
import type { Decision, Facts } from '../../src/pipeline/types.js';
import { T0, MIN, HOUR, DAY, decision, item, minuteLimit, msisdn, seedProvider, uid, heldDecision } from './fixtures.js';

const consent = (cp: string, to: string, o: Partial<ConsentRow> = {}): ConsentRow => ({
  id: uid('con'), contentProviderId: cp, msisdn: to, category: 'promo', frequency: { count: 10, per: 'week' },
  grantedAt: T0 - DAY, expiresAt: T0 + 30 * DAY, channel: 'web', proof: { reference: 'ref-1' }, withdrawnAt: null, ...o,
});

/**
 * A provider, a number and its 1-a-day promo consent; a judge that accepts while the consent's
 * period has room, keeping the facts it was given in `seen`.
 */
async function oneADayScene(s: Store) {
  const { cp, commercial } = await seedProvider(s);
  const to = msisdn();
  await s.consents.grantConsent(consent(cp.id, to, { frequency: { count: 1, per: 'day' } }));
  const seen: Facts[] = [];
  const judge = (_: SubmissionItem, f: Facts) => { seen.push(f); return decision(f.consent !== null && f.consent.usedInPeriod < f.consent.frequency.count); };
  return { s, cp, commercial, to, seen, judge };
}

export function sendTimeContract(get: () => Store): void {
  test('send time: a claim carries a commercial message\'s category, and no other type\'s', async () => {
    const s = get();
    const { cp, service, commercial } = await seedProvider(s);
    const to = msisdn();
    const promo = item({ cp: cp.id, from: commercial, to, type: 'commercial', category: 'promo', text: '【示例】新品上市 拒收请回复R' });
    const code = item({ cp: cp.id, from: service, to });
    await s.messages.decideAndRecord([promo, code], () => decision(true));
    const claimed = await s.outbox.claim(T0 + 1, 10, MIN);
    const byId = new Map(claimed.map((m) => [m.id, m]));
    assert.equal(byId.get(promo.id)?.category, 'promo');
    assert.equal(byId.get(code.id)?.category, undefined);
    assert.equal('category' in byId.get(code.id)!, false);
    assert.equal('validUntil' in byId.get(code.id)!, false);
  });

  test('send time: a message\'s validity is kept with it: claims and its view return it', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const m = { ...item({ cp: cp.id, from: service, to: msisdn() }), validUntil: T0 + 3 * MIN };
    await s.messages.decideAndRecord([m], () => decision(true));
    const [first] = await s.outbox.claim(T0 + 1, 10, MIN);
    assert.equal(first.validUntil, T0 + 3 * MIN);
    // and when read back from the table after a retry
    await s.outbox.retryLater(first, T0 + 2 * MIN, 'throttled');
    const [again] = await s.outbox.claim(T0 + 2 * MIN, 10, MIN);
    assert.equal(again.validUntil, T0 + 3 * MIN);
    assert.equal((await s.messages.getMessage(m.id))?.validUntil, T0 + 3 * MIN);
  });

  test('send time: a scheduled message is not claimed before its time, then is, its view says when; others go meanwhile', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const later = { ...item({ cp: cp.id, from: service, to: msisdn() }), scheduledAt: T0 + 60 * MIN };
    const now = item({ cp: cp.id, from: service, to: msisdn() });
    await s.messages.decideAndRecord([later, now], () => decision(true));
    // a lease longer than the wait, so that only the scheduled one can come back
    const first = await s.outbox.claim(T0 + 1, 10, 120 * MIN);
    assert.deepEqual(first.map((m) => m.id), [now.id], 'only the unscheduled one');
    assert.deepEqual(await s.outbox.claim(T0 + 60 * MIN - 1, 10, MIN), [], 'a moment before its time: nothing');
    const [due] = await s.outbox.claim(T0 + 60 * MIN, 10, MIN);
    assert.equal(due?.id, later.id);
    const v = await s.messages.getMessage(later.id);
    assert.equal(v?.scheduledAt, T0 + 60 * MIN);
    assert.equal('scheduledAt' in (await s.messages.getMessage(now.id))!, false);
  });

  test('send time: a scheduled message held for review and released early still waits for its time', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const text = '【示例】您的订单已发货';
    const hold = heldDecision(text);
    const m = { ...item({ cp: cp.id, from: service, to: msisdn(), text }), scheduledAt: T0 + 60 * MIN };
    await s.messages.decideAndRecord([m], () => hold);
    await s.messages.resolveHeld(m.id, { action: 'release', at: T0 + 2 * MIN, actor: 'admin_1', reason: 'fine' });
    assert.deepEqual(await s.outbox.claim(T0 + 3 * MIN, 10, MIN), [], 'released, not yet due');
    const [due] = await s.outbox.claim(T0 + 60 * MIN, 10, 120 * MIN);
    assert.equal(due?.id, m.id);
    // and one released after its time is due at the release
    const late = { ...item({ cp: cp.id, from: service, to: msisdn(), text }), scheduledAt: T0 + 5 * MIN };
    await s.messages.decideAndRecord([late], () => hold);
    await s.messages.resolveHeld(late.id, { action: 'release', at: T0 + 70 * MIN, actor: 'admin_1', reason: 'fine' });
    assert.deepEqual(await s.outbox.claim(T0 + 69 * MIN, 10, MIN), []);
    assert.deepEqual((await s.outbox.claim(T0 + 70 * MIN, 10, MIN)).map((x) => x.id), [late.id]);
  });

  test('send time: the category survives a retry and a read of the queue from the table', async () => {
    const s = get();
    const { cp, commercial } = await seedProvider(s);
    const promo = item({ cp: cp.id, from: commercial, to: msisdn(), type: 'commercial', category: 'promo', text: '【示例】新品上市 拒收请回复R' });
    await s.messages.decideAndRecord([promo], () => decision(true));
    const [m] = await s.outbox.claim(T0 + 1, 10, MIN);
    await s.outbox.retryLater(m, T0 + 5 * MIN, 'throttled');
    const [again] = await s.outbox.claim(T0 + 6 * MIN, 10, MIN);
    assert.equal(again?.id, promo.id);
    assert.equal(again.category, 'promo');
  });

  test('send time: a held commercial message keeps its category when released; a system message has none', async () => {
    const s = get();
    const { cp, service, commercial } = await seedProvider(s);
    const to = msisdn();
    const text = '【示例】新品上市 拒收请回复R';
    const hold = heldDecision(text);
    const promo = item({ cp: cp.id, from: commercial, to, type: 'commercial', category: 'promo', text });
    await s.messages.decideAndRecord([promo], () => hold);
    await s.messages.recordSystemMessage({ id: uid('msg'), contentProviderId: cp.id, from: service, to, text: '【示例】已退订', type: 'notification', purpose: 'opt_out_confirmation', at: T0, charged: false });
    const [sys] = await s.outbox.claim(T0 + 1, 10, MIN);
    assert.equal('category' in sys, false);
    await s.messages.resolveHeld(promo.id, { action: 'release', at: T0 + 2, actor: 'admin_1', reason: 'fine' });
    const [released] = await s.outbox.claim(T0 + 3, 10, MIN);
    assert.equal(released?.id, promo.id);
    assert.equal(released.category, 'promo');
  });

  test('send time: the consent a decision would pick (the live one granted last, whatever its expiry), per item in input order', async () => {
    const s = get();
    const { cp } = await seedProvider(s);
    const [a, b] = [msisdn(), msisdn()];
    const older = consent(cp.id, a, { grantedAt: T0 - 2 * DAY, expiresAt: T0 + 90 * DAY });
    const newer = consent(cp.id, a, { grantedAt: T0 - DAY, expiresAt: T0 + 10 * DAY });
    const lapsed = consent(cp.id, a, { grantedAt: T0 - MIN, expiresAt: T0 + MIN });
    for (const c of [older, newer, lapsed]) await s.consents.grantConsent(c);
    const early = consent(cp.id, b, { grantedAt: T0 - 40 * DAY, expiresAt: T0 - 10 * DAY });
    const late = consent(cp.id, b, { grantedAt: T0 - 30 * DAY, expiresAt: T0 - DAY });
    for (const c of [late, early]) await s.consents.grantConsent(c);
    await s.consents.optOut(cp.id, b, T0, 'sms', { text: 'R' }, { signature: '【示例】', endsRelationship: false });
    const q = (to: string) => ({ contentProviderId: cp.id, msisdn: to, category: 'promo' });
    const f = await s.consents.sendTimeFacts([q(b), q(a), q(b)], T0 + 2 * MIN);
    assert.deepEqual(f.map((x) => x.consent?.id), [late.id, newer.id, late.id], 'the latest grant among the live ones (the lapsed one granted last no longer is), else the latest expired');
    assert.deepEqual(f.map((x) => x.optedOut), [true, false, true]);
    assert.equal('optOutSignatures' in f[1], false, 'signatures only with an opt-out');
    assert.equal(f[1].consent?.usedInPeriod, 0);
  });

  test('send time: facts of the moment: opt-out (with its signatures), DND, the consent live, withdrawn or expired', async () => {
    const s = get();
    const { cp } = await seedProvider(s);
    const [a, b, c, d, e] = [msisdn(), msisdn(), msisdn(), msisdn(), msisdn()];
    const ca = consent(cp.id, a);
    await s.consents.grantConsent(ca);
    await s.consents.grantConsent(consent(cp.id, b));
    await s.consents.optOut(cp.id, b, T0 + 1, 'sms', { text: 'R' }, { signature: '【示例】', endsRelationship: false });
    await s.consents.grantConsent(consent(cp.id, c));
    await s.consents.addDnd([c], T0 + 1, 'admin', 'test');
    const cd = consent(cp.id, d);
    await s.consents.grantConsent(cd);
    assert.equal(await s.consents.withdrawConsent(cd.id, cp.id, T0 + 2, 'http'), true);
    const ce = consent(cp.id, e, { expiresAt: T0 + MIN });
    await s.consents.grantConsent(ce);
    const q = (to: string, category = 'promo') => ({ contentProviderId: cp.id, msisdn: to, category });
    const f = await s.consents.sendTimeFacts([q(a), q(b), q(c), q(d), q(e), q(a, 'news')], T0 + 2 * MIN);
    assert.equal(f.length, 6);
    assert.deepEqual(f[0], { optedOut: false, dnd: false, consent: { id: ca.id, category: 'promo', grantedAt: ca.grantedAt, expiresAt: ca.expiresAt, frequency: ca.frequency, usedInPeriod: 0, hasProof: true } });
    assert.equal(f[1].optedOut, true);
    assert.deepEqual(f[1].optOutSignatures, ['【示例】']);
    assert.equal(f[2].dnd, true);
    assert.equal(f[2].optedOut, false);
    assert.equal(f[3].consent, null, 'a withdrawn consent governs nothing');
    assert.equal(f[4].consent?.id, ce.id, 'an expired one is still named (consent_expired, not consent_missing)');
    assert.ok(f[4].consent!.expiresAt <= T0 + 2 * MIN);
    assert.equal(f[5].consent, null, 'another category');
    assert.deepEqual(await s.consents.sendTimeFacts([], T0), []);
  });

  test('send time: with no consent of the category left, the one withdrawn last (and whether by the user) for consent_missing to name; a release reads it too', async () => {
    const s = get();
    const { cp, commercial } = await seedProvider(s);
    const [a, b, c, d, e] = [msisdn(), msisdn(), msisdn(), msisdn(), msisdn()];
    // a: two withdrawn, the later one named; with the user's proof
    const a1 = consent(cp.id, a, { grantedAt: T0 - 3 * DAY });
    const a2 = consent(cp.id, a, { grantedAt: T0 - 2 * DAY });
    for (const x of [a1, a2]) await s.consents.grantConsent(x);
    assert.equal(await s.consents.withdrawConsent(a1.id, cp.id, T0 + 1, 'http'), true);
    assert.equal(await s.consents.withdrawConsent(a2.id, cp.id, T0 + 5, 'http', { channel: 'call-centre', reference: 't-1' }), true);
    // b: withdrawn by the provider alone (no proof)
    const bc = consent(cp.id, b);
    await s.consents.grantConsent(bc);
    assert.equal(await s.consents.withdrawConsent(bc.id, cp.id, T0 + 2, 'http'), true);
    // c: withdrawn, then a new live one: nothing withdrawn to name; d: withdrawn, and an expired one: none either
    const cOld = consent(cp.id, c);
    await s.consents.grantConsent(cOld);
    assert.equal(await s.consents.withdrawConsent(cOld.id, cp.id, T0 + 2, 'http'), true);
    await s.consents.grantConsent(consent(cp.id, c, { grantedAt: T0 + 3 }));
    const dOld = consent(cp.id, d);
    await s.consents.grantConsent(dOld);
    assert.equal(await s.consents.withdrawConsent(dOld.id, cp.id, T0 + 2, 'http'), true);
    await s.consents.grantConsent(consent(cp.id, d, { grantedAt: T0 - 9 * DAY, expiresAt: T0 - DAY }));
    const q = (to: string, category = 'promo') => ({ contentProviderId: cp.id, msisdn: to, category });
    const f = await s.consents.sendTimeFacts([q(a), q(b), q(c), q(d), q(e), q(a, 'news')], T0 + MIN);
    assert.deepEqual(f.map((x) => x.withdrawnConsent), [
      { id: a2.id, withdrawnAt: T0 + 5, byUser: true },
      { id: bc.id, withdrawnAt: T0 + 2, byUser: false },
      undefined, undefined, undefined, undefined,
    ]);
    assert.equal('withdrawnConsent' in f[2], false, 'a live consent governs');
    assert.equal('withdrawnConsent' in f[3], false, 'an expired one is named instead (consent_expired)');
    // A release from review judges on the same facts, read in its transaction.
    const text = '【示例】会员日全场八折，拒收请回复R';
    const held = item({ cp: cp.id, from: commercial, to: b, type: 'commercial', category: 'promo', text, at: T0 + MIN });
    await s.messages.decideAndRecord([held], () => heldDecision(text));
    let seen: ReleaseFacts | undefined;
    await assert.rejects(s.messages.resolveHeld(held.id, { action: 'release', at: T0 + 2 * MIN, actor: 'admin_1', reason: 'ok', check: { commercial: true, category: 'promo', judge: (x) => { seen = x; throw new Error('refused'); } } }), /refused/);
    assert.deepEqual(seen?.subscription?.withdrawnConsent, { id: bc.id, withdrawnAt: T0 + 2, byUser: false });
  });

  test('send time: a queued message stopped as rejected leaves the queue; its record names the rule', async () => {
    const s = get();
    const { cp, commercial } = await seedProvider(s);
    const to = msisdn();
    const promo = item({ cp: cp.id, from: commercial, to, type: 'commercial', category: 'promo', text: '【示例】新品上市 拒收请回复R' });
    await s.messages.decideAndRecord([promo], () => decision(true));
    await s.outbox.claim(T0 + 1, 10, MIN);
    const rejection = { code: 'opted_out', rule: 'commercial.opt-out', article: 'Art. 18', profile: 'cn-2015' };
    const changed = await s.outbox.recordStatuses([{ id: promo.id, status: 'rejected', at: T0 + 2, detail: 'the number refused commercial messages from this content provider', rejection }]);
    assert.equal(changed.length, 1);
    assert.equal(await s.outbox.pendingCount(), 0);
    assert.deepEqual(await s.outbox.claim(T0 + 2 * MIN, 10, MIN), [], 'not due again after its lease');
    // final: a later submitted (a late answer) does not move it back
    assert.equal((await s.outbox.recordStatuses([{ id: promo.id, status: 'submitted', at: T0 + 3, upstreamId: 'x1' }])).length, 0);
    const v = await s.messages.getMessage(promo.id);
    assert.equal(v?.status, 'rejected');
    assert.deepEqual(v?.history.at(-1), { status: 'rejected', at: T0 + 2, detail: 'the number refused commercial messages from this content provider', rejection });
  });

  test('cancel: a waiting message is cancelled once (its record says who), a claimed one is not, nor another provider\'s', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const other = await seedProvider(s);
    const [a, b, c] = [item({ cp: cp.id, from: service, to: msisdn() }), item({ cp: cp.id, from: service, to: msisdn() }), item({ cp: cp.id, from: service, to: msisdn() })];
    await s.messages.decideAndRecord([a], () => decision(true));
    // b is taken by a batch (its lease running); a and c are not
    await s.messages.decideAndRecord([b], () => decision(true));
    const claimed = await s.outbox.claim(T0 + 1, 10, MIN);
    assert.deepEqual(claimed.map((m) => m.id).sort(), [a.id, b.id].sort());
    await s.outbox.release(claimed.filter((m) => m.id === a.id));
    await s.messages.decideAndRecord([c], () => decision(true));
    assert.equal(await s.outbox.cancel(a.id, other.cp.id, T0 + 2, 'cancelled by x'), 'unknown', 'another provider\'s');
    assert.equal(await s.outbox.cancel('msg_nope', null, T0 + 2, 'cancelled by x'), 'unknown');
    assert.equal(await s.outbox.cancel(b.id, cp.id, T0 + 2, 'cancelled by x'), 'claimed');
    assert.equal(await s.outbox.cancel(a.id, cp.id, T0 + 2, 'cancelled by smpp:cp1'), 'cancelled');
    assert.equal(await s.outbox.cancel(c.id, null, T0 + 2, 'cancelled by admin'), 'cancelled', 'an operator may cancel any');
    assert.equal(await s.outbox.cancel(a.id, cp.id, T0 + 3, 'cancelled by smpp:cp1'), 'final', 'once');
    // neither is claimed again, however the next claim reads the queue
    assert.deepEqual(await s.outbox.claim(T0 + 2 * MIN, 10, MIN).then((ms) => ms.map((m) => m.id)), [b.id], 'only the claimed one, once its lease ran out');
    const v = await s.messages.getMessage(a.id);
    assert.equal(v?.status, 'cancelled');
    assert.deepEqual(v?.history.at(-1), { status: 'cancelled', at: T0 + 2, detail: 'cancelled by smpp:cp1' });
    // a message sent already is final
    await s.outbox.recordStatuses([{ id: b.id, status: 'submitted', at: T0 + 3, upstreamId: 'u1' }]);
    assert.equal(await s.outbox.cancel(b.id, cp.id, T0 + 4, 'x'), 'final');
  });

  test('send time: a scheduled send counts at its time, on both sides of it, and not where it was submitted', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const to = msisdn();
    const seen: Facts[] = [];
    const judge = minuteLimit(1, seen);
    const later = { ...item({ cp: cp.id, from: service, to }), scheduledAt: T0 + 2 * HOUR };
    await s.messages.decideAndRecord([later], judge);
    // a code now is a minute-free number: the scheduled one is two hours away
    const [now] = await s.messages.decideAndRecord([item({ cp: cp.id, from: service, to, at: T0 + 1 })], judge);
    assert.equal(now.decision.accepted, true, 'the scheduled send does not count now');
    assert.deepEqual(seen[1].verificationSends, { minute: 0, hour: 0, day: 1 });
    // 30 s before the scheduled one, and 30 s after it: each within a minute of it
    const before = { ...item({ cp: cp.id, from: service, to, at: T0 + 2 }), scheduledAt: T0 + 2 * HOUR - 30_000 };
    const after = { ...item({ cp: cp.id, from: service, to, at: T0 + 3 }), scheduledAt: T0 + 2 * HOUR + 30_000 };
    const [b, a] = await s.messages.decideAndRecord([before, after], judge);
    assert.equal(b.decision.accepted, false, 'a minute before a scheduled send');
    assert.equal(a.decision.accepted, false, 'a minute after a scheduled send');
    assert.equal(seen[2].verificationSends.minute, 1);
    // submitted much later, for the same time: its minute holds the first scheduled one, and the code sent at T0 is two hours off
    const again = { ...item({ cp: cp.id, from: service, to, at: T0 + HOUR }), scheduledAt: T0 + 2 * HOUR + 10_000 };
    const [g] = await s.messages.decideAndRecord([again], judge);
    assert.equal(g.decision.accepted, false);
    assert.deepEqual(seen[4].verificationSends, { minute: 1, hour: 1, day: 2 });
  });

  test('send time: a commercial send scheduled ahead counts against its consent\'s period there', async () => {
    const { s, cp, commercial, to, seen, judge } = await oneADayScene(get());
    const promo = (at: number, scheduledAt?: number) => ({ ...item({ cp: cp.id, from: commercial, to, type: 'commercial', category: 'promo', text: '【示例】新品上市 拒收请回复R', at }), ...(scheduledAt ? { scheduledAt } : {}) });
    const [first] = await s.messages.decideAndRecord([promo(T0, T0 + 3 * DAY)], judge);
    assert.equal(first.decision.accepted, true);
    // today's is two days and more from it: the day's one allowed send is free
    const [today] = await s.messages.decideAndRecord([promo(T0 + 1)], judge);
    assert.equal(seen[1].consent?.usedInPeriod, 0);
    assert.equal(today.decision.accepted, true);
    // one for the same evening as the scheduled one is within its day
    await s.messages.decideAndRecord([promo(T0 + 2, T0 + 3 * DAY + 6 * HOUR)], judge);
    assert.equal(seen[2].consent?.usedInPeriod, 1);
  });

  test('send time: a count carried to a later period moves there when it has room, is given back when not, and is found once', async () => {
    const { s, cp, commercial, to, seen, judge } = await oneADayScene(get());
    const promo = (at: number) => item({ cp: cp.id, from: commercial, to, type: 'commercial', category: 'promo', text: '【示例】新品上市 拒收请回复R', at });
    // Monday 20:59 Asia/Shanghai (T0 is Monday 12:00), sent Tuesday 08:00
    const monday = T0 + 8 * HOUR + 59 * MIN;
    const tuesday = { from: T0 + 12 * HOUR, to: T0 + 36 * HOUR };
    const first = promo(monday);
    await s.messages.decideAndRecord([first], judge);
    let messageId = first.id;
    const carry = (countedAt: number, sendAt: number) => s.consents.carryFrequencyCount({ messageId, contentProviderId: cp.id, msisdn: to, category: 'promo', countedAt, sendAt, period: tuesday, limit: 1 });
    assert.deepEqual(await carry(monday, tuesday.from), { outcome: 'carried', used: 0 });
    assert.deepEqual(await carry(monday, tuesday.from + MIN), { outcome: 'absent', used: 1 }, 'a retry finds it carried');
    // Tuesday is full now; Monday is empty again
    await s.messages.decideAndRecord([promo(tuesday.from + HOUR)], judge);
    assert.equal(seen[1].consent?.usedInPeriod, 1);
    const second = promo(monday + MIN);
    const [late] = await s.messages.decideAndRecord([second], judge);
    assert.equal(seen[2].consent?.usedInPeriod, 0, 'Monday\'s count went with the message');
    assert.equal(late.decision.accepted, true);
    messageId = second.id;
    // the second Monday message finds Tuesday full: given back, counted nowhere
    assert.deepEqual(await carry(monday + MIN, tuesday.from + 2 * HOUR), { outcome: 'exceeded', used: 1 });
    await s.messages.decideAndRecord([promo(monday + 2 * MIN)], judge);
    assert.equal(seen[3].consent?.usedInPeriod, 0);
  });

  test('send time: a count carried twice (held over a second period boundary) takes each new period\'s allowance, or is given back', async () => {
    // Monday 20:59 Asia/Shanghai (T0 is Monday 12:00); Tuesday and Wednesday as Shanghai days
    const monday = T0 + 8 * HOUR + 59 * MIN;
    const tuesday = { from: T0 + 12 * HOUR, to: T0 + 36 * HOUR };
    const wednesday = { from: tuesday.to, to: tuesday.to + DAY };
    for (const wednesdayFull of [false, true]) {
      const { s, cp, commercial, to, seen, judge } = await oneADayScene(get());
      const promo = (at: number) => item({ cp: cp.id, from: commercial, to, type: 'commercial', category: 'promo', text: '【示例】新品上市 拒收请回复R', at });
      const carry = (sendAt: number, period: { from: number; to: number }) =>
        s.consents.carryFrequencyCount({ messageId: a.id, contentProviderId: cp.id, msisdn: to, category: 'promo', countedAt: monday, sendAt, period, limit: 1 });
      const a = promo(monday);
      await s.messages.decideAndRecord([a], judge);
      // carried to Tuesday 08:00, then held again (the link down all Tuesday) into Wednesday
      assert.deepEqual(await carry(tuesday.from, tuesday), { outcome: 'carried', used: 0 });
      if (wednesdayFull) {
        const [w] = await s.messages.decideAndRecord([promo(wednesday.from + MIN)], judge);
        assert.equal(w.decision.accepted, true, 'Wednesday\'s own promotion');
        assert.deepEqual(await carry(wednesday.from + HOUR, wednesday), { outcome: 'exceeded', used: 1 }, 'the second move finds Wednesday full: given back, not sent uncounted');
        const [t] = await s.messages.decideAndRecord([promo(tuesday.from + HOUR)], judge);
        assert.equal(seen.at(-1)?.consent?.usedInPeriod, 0, 'and Tuesday no longer holds it');
        assert.equal(t.decision.accepted, true);
      } else {
        assert.deepEqual(await carry(wednesday.from + HOUR, wednesday), { outcome: 'carried', used: 0 }, 'the second move takes Wednesday\'s allowance');
        assert.deepEqual(await carry(wednesday.from + 2 * HOUR, wednesday), { outcome: 'absent', used: 1 }, 'a retry on Wednesday finds it there');
        await s.messages.decideAndRecord([promo(tuesday.from + HOUR)], judge);
        assert.equal(seen.at(-1)?.consent?.usedInPeriod, 0, 'Tuesday no longer holds it');
        const [w] = await s.messages.decideAndRecord([promo(wednesday.from + 3 * HOUR)], judge);
        assert.equal(seen.at(-1)?.consent?.usedInPeriod, 1, 'Wednesday does');
        assert.equal(w.decision.accepted, false);
      }
    }
  });

  test('send time: a cancelled message gives back the frequency count it took; another provider\'s or number\'s stays', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const to = msisdn();
    const judge = minuteLimit(1);
    const at = T0 + 2 * HOUR;
    const first = { ...item({ cp: cp.id, from: service, to }), scheduledAt: at };
    const other = { ...item({ cp: cp.id, from: service, to: msisdn() }), scheduledAt: at };
    await s.messages.decideAndRecord([first, other], judge);
    const [refused] = await s.messages.decideAndRecord([{ ...item({ cp: cp.id, from: service, to, at: T0 + 1 }), scheduledAt: at }], judge);
    assert.equal(refused.decision.accepted, false, 'the first one counts');
    assert.equal(await s.outbox.cancel(first.id, cp.id, T0 + 2, 'x', { uncount: { type: 'verification', category: null, at } }), 'cancelled');
    const [taken] = await s.messages.decideAndRecord([{ ...item({ cp: cp.id, from: service, to, at: T0 + 3 }), scheduledAt: at }], judge);
    assert.equal(taken.decision.accepted, true, 'the cancelled one no longer counts');
    // the other number's count was not the one given back
    const [stillOther] = await s.messages.decideAndRecord([{ ...item({ cp: cp.id, from: service, to: other.candidate.to, at: T0 + 4 }), scheduledAt: at }], judge);
    assert.equal(stillOther.decision.accepted, false);
  });

  test('send time: a message cancelled after its count was carried gives back the carried count, not another where it was taken', async () => {
    // Monday 20:59 Asia/Shanghai (T0 is Monday 12:00), carried to Tuesday 08:00, then back in the
    // queue (the link went down) and cancelled: its count stands on Tuesday (message_status.counted_at)
    const monday = T0 + 8 * HOUR + 59 * MIN;
    const tuesday = { from: T0 + 12 * HOUR, to: T0 + 36 * HOUR };
    const { s, cp, commercial, to, seen, judge } = await oneADayScene(get());
    const promo = (at: number) => item({ cp: cp.id, from: commercial, to, type: 'commercial', category: 'promo', text: '【示例】新品上市 拒收请回复R', at });
    const a = promo(monday);
    await s.messages.decideAndRecord([a], judge);
    assert.deepEqual(await s.consents.carryFrequencyCount({ messageId: a.id, contentProviderId: cp.id, msisdn: to, category: 'promo', countedAt: monday, sendAt: tuesday.from, period: tuesday, limit: 1 }), { outcome: 'carried', used: 0 });
    // Monday is free again: another promotion counted at the same instant
    const [b] = await s.messages.decideAndRecord([promo(monday)], judge);
    assert.equal(b.decision.accepted, true);
    assert.equal(await s.outbox.cancel(a.id, cp.id, tuesday.from + MIN, 'x', { uncount: { type: 'commercial', category: 'promo', at: monday } }), 'cancelled');
    const [t] = await s.messages.decideAndRecord([promo(tuesday.from + HOUR)], judge);
    assert.equal(seen.at(-1)?.consent?.usedInPeriod, 0, 'Tuesday no longer holds the cancelled message\'s count');
    assert.equal(t.decision.accepted, true);
    await s.messages.decideAndRecord([promo(monday + MIN)], judge);
    assert.equal(seen.at(-1)?.consent?.usedInPeriod, 1, 'Monday\'s other count stands');
  });

  test('send time: a message replaced after its count was carried gives back the carried count, and its next carry starts from the replacement\'s', async () => {
    const monday = T0 + 8 * HOUR + 59 * MIN;
    const tuesday = { from: T0 + 12 * HOUR, to: T0 + 36 * HOUR };
    const { s, cp, commercial, to, seen, judge } = await oneADayScene(get());
    const text = '【示例】新品上市 拒收请回复R';
    const a = item({ cp: cp.id, from: commercial, to, type: 'commercial', category: 'promo', text, at: monday });
    await s.messages.decideAndRecord([a], judge);
    const carry = (sendAt: number) => s.consents.carryFrequencyCount({ messageId: a.id, contentProviderId: cp.id, msisdn: to, category: 'promo', countedAt: monday, sendAt, period: tuesday, limit: 1 });
    assert.deepEqual(await carry(tuesday.from), { outcome: 'carried', used: 0 });
    // back in the queue (the link went down) and replaced: its count is taken again where the replacement is judged (Monday)
    const newText = '【示例】新品上市 全场八折 拒收请回复R';
    const r = await s.messages.replaceQueued({
      item: { ...a, candidate: { ...a.candidate, text: newText } }, previousText: text, at: tuesday.from + MIN, detail: 'text replaced by tok_test',
      recordId: `${a.id}:replaced:${uid('r')}`, uncount: { type: 'commercial', category: 'promo', at: monday },
    }, judge);
    assert.ok(typeof r === 'object' && r.outcome === 'replaced');
    const [t] = await s.messages.decideAndRecord([item({ cp: cp.id, from: commercial, to, type: 'commercial', category: 'promo', text, at: tuesday.from + HOUR })], judge);
    assert.equal(seen.at(-1)?.consent?.usedInPeriod, 0, 'Tuesday no longer holds the replaced message\'s carried count');
    assert.equal(t.decision.accepted, true);
    // sent on Tuesday: its count (Monday's again) is carried, and finds Tuesday full now
    assert.deepEqual(await carry(tuesday.from + 2 * HOUR), { outcome: 'exceeded', used: 1 });
  });

  test('send time: a held message rejected by review gives back the frequency count it took; one released keeps it', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const text = '【示例】您的验证码是123456';
    const hold = heldDecision(text);
    const [a, b] = [msisdn(), msisdn()];
    const heldA = item({ cp: cp.id, from: service, to: a, text });
    const heldB = item({ cp: cp.id, from: service, to: b, text });
    await s.messages.decideAndRecord([heldA, heldB], () => hold);
    await s.messages.resolveHeld(heldA.id, { action: 'reject', at: T0 + 1, actor: 'admin_1', reason: 'spam', uncount: { type: 'verification', category: null, at: T0 } });
    await s.messages.resolveHeld(heldB.id, { action: 'release', at: T0 + 1, actor: 'admin_1', reason: 'fine' });
    const [toA, toB] = await s.messages.decideAndRecord([item({ cp: cp.id, from: service, to: a, at: T0 + 2 }), item({ cp: cp.id, from: service, to: b, at: T0 + 2 })], minuteLimit(1));
    assert.equal(toA.decision.accepted, true, 'the rejected one no longer counts');
    assert.equal(toB.decision.accepted, false, 'the released one still does');
  });
}
