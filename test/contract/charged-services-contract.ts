/**
 * Charged services (rule 8; migrations SQLite 128, PostgreSQL 122, and 129 / 123 for the queue's
 * column): the registry, a notice as a
 * consent request naming its service, the subscription a grant starts (with proof), and its ends (the
 * provider's, the user's opt-out), each recorded; a queued charged message's service carried to its
 * claim and the send-time read of the subscription. Run by the store contract for each adapter; call
 * inside a describe; `get` returns the store of the current test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChargedServiceRow, ChargedSubscriptionRow, ConsentRequestFacts, ConsentRequestRow, ReleaseFacts, Store, SubmissionItem } from '../../src/ports/store.js';
import type { Facts } from '../../src/pipeline/types.js';
import { T0, MIN, DAY, decision, heldDecision, item, msisdn, seedProvider, uid } from './fixtures.js';

function notice(cp: string, port: string, to: string, serviceId: string): ConsentRequestRow {
  return {
    id: uid('csub'), contentProviderId: cp, msisdn: to, port, category: '天气', frequency: { count: 0, per: 'month' }, durationDays: 0,
    text: '【示例】您正在订购收费业务“天气”，资费2元/月。确认订购请回复Y。回复TD退订。', messageId: uid('msg'), status: 'pending', createdAt: T0, deadlineAt: T0 + DAY,
    resolvedAt: null, consentId: null, profile: 'cn-2015', chargedServiceId: serviceId,
  };
}

function subscription(req: ConsentRequestRow, at: number): ChargedSubscriptionRow {
  return { id: req.id, serviceId: req.chargedServiceId!, contentProviderId: req.contentProviderId, msisdn: req.msisdn, startedAt: at, endedAt: null, endReason: null, proof: { requestId: req.id, moId: 'mo_1', reply: 'Y' } };
}

/** A provider's service, a number and its confirmed subscription (the notice granted at T0 + 10). */
async function subscribedNumber(s: Store, cp: string, service: string): Promise<{ svc: ChargedServiceRow; to: string; req: ConsentRequestRow }> {
  const svc: ChargedServiceRow = { id: uid('chs'), contentProviderId: cp, name: '天气', port: service, tariff: { amountFen: 200, per: 'month' }, createdAt: T0 };
  await s.consents.addChargedService(svc);
  const to = msisdn();
  const req = notice(cp, service, to, svc.id);
  await s.consents.openConsentRequest(req, () => undefined);
  await s.consents.resolveConsentRequest(req.id, { status: 'granted', at: T0 + 10, channel: 'sms', evidence: {}, chargedSubscription: subscription(req, T0 + 10) });
  return { svc, to, req };
}

export function chargedServicesContract(get: () => Store): void {
  test('charged services: registered, read back and listed per provider', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const other = await seedProvider(s);
    const a: ChargedServiceRow = { id: uid('chs'), contentProviderId: cp.id, name: '天气', port: service, tariff: { amountFen: 200, per: 'month' }, createdAt: T0 };
    const b: ChargedServiceRow = { id: uid('chs'), contentProviderId: other.cp.id, name: '笑话', port: other.service, tariff: { amountFen: 10, per: 'message' }, createdAt: T0 + 1 };
    await s.consents.addChargedService(a);
    await s.consents.addChargedService(b);
    assert.deepEqual(await s.consents.getChargedService(a.id), a);
    assert.equal(await s.consents.getChargedService('chs_none'), null);
    assert.deepEqual(await s.consents.listChargedServices(cp.id), [a]);
    const all = (await s.consents.listChargedServices()).map((x) => x.id);
    assert.ok(all.includes(a.id) && all.includes(b.id));
  });

  test('charged services: a notice is a pending request naming its service; Y starts the subscription with proof; the provider ends it', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const svc: ChargedServiceRow = { id: uid('chs'), contentProviderId: cp.id, name: '天气', port: service, tariff: { amountFen: 200, per: 'month' }, createdAt: T0 };
    await s.consents.addChargedService(svc);
    const to = msisdn();
    const req = notice(cp.id, service, to, svc.id);
    let seen: ConsentRequestFacts | undefined;
    await s.consents.openConsentRequest(req, (f) => { seen = f; });
    assert.equal(seen?.chargedActive, false);
    const pending = await s.consents.pendingConsentRequest(to, service);
    assert.equal(pending?.chargedServiceId, svc.id);
    assert.equal(await s.consents.activeChargedSubscription(svc.id, to), null);
    assert.equal(await s.consents.resolveConsentRequest(req.id, { status: 'granted', at: T0 + 10, channel: 'sms', evidence: { reply: 'Y' }, chargedSubscription: subscription(req, T0 + 10) }), true);
    const live = await s.consents.activeChargedSubscription(svc.id, to);
    assert.deepEqual(live, subscription(req, T0 + 10));
    const got = await s.consents.getConsentRequest(req.id);
    assert.equal(got?.request.status, 'granted');
    assert.equal(got?.request.chargedServiceId, svc.id);
    assert.equal(got?.request.consentId, null, 'no consent: a subscription');
    assert.deepEqual(got?.history.map((e) => e.kind), ['consent_requested', 'charged_subscription_started']);
    assert.equal(got?.history[0].evidence.chargedServiceId, svc.id);
    // a second notice sees the live subscription
    await s.consents.openConsentRequest(notice(cp.id, service, to, svc.id), (f) => { seen = f; });
    assert.equal(seen?.chargedActive, true);
    assert.equal(await s.consents.endChargedSubscription(svc.id, to, T0 + 20, 'api', { actor: 'a' }), true);
    assert.equal(await s.consents.endChargedSubscription(svc.id, to, T0 + 21, 'api', {}), false);
    assert.equal(await s.consents.activeChargedSubscription(svc.id, to), null);
    const ended = (await s.consents.getConsentRequest(req.id))?.history.at(-1);
    assert.equal(ended?.kind, 'charged_subscription_ended');
    assert.equal(ended?.evidence.reason, 'unsubscribed');
    // an ordinary request has no service
    const plainTo = msisdn();
    await s.consents.openConsentRequest({ ...notice(cp.id, service, plainTo, svc.id), chargedServiceId: undefined }, () => undefined);
    assert.equal((await s.consents.pendingConsentRequest(plainTo, service))?.chargedServiceId, undefined);
  });

  test('charged services: an opt-out from the provider ends its live subscriptions of the number, recorded', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const { svc, to, req } = await subscribedNumber(s, cp.id, service);
    await s.consents.optOut(cp.id, to, T0 + 30, 'sms', { moId: 'mo_td' }, { signature: '【示例】', endsRelationship: false });
    assert.equal(await s.consents.activeChargedSubscription(svc.id, to), null);
    const ended = (await s.consents.getConsentRequest(req.id))?.history.at(-1);
    assert.equal(ended?.kind, 'charged_subscription_ended');
    assert.equal(ended?.evidence.reason, 'opt_out');
    assert.equal(ended?.at, T0 + 30);
  });

  test('charged services: a decision reads the number\'s live subscription of its sender in its own transaction, only for a message naming a service', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const other = await seedProvider(s);
    const { svc, to, req } = await subscribedNumber(s, cp.id, service);
    const charged = (cpId: string, from: string, number: string): SubmissionItem => {
      const it = item({ cp: cpId, from, to: number, type: 'notification', at: T0 + 20 });
      it.candidate.chargedServiceId = svc.id;
      return it;
    };
    const seen = new Map<string, Facts>();
    const judge = (it: SubmissionItem, f: Facts) => { seen.set(it.id, f); return decision(f.chargedSubscription != null); };
    const subscribed = charged(cp.id, service, to);
    const unsubscribed = charged(cp.id, service, msisdn());
    // another provider naming the service: cp's subscription is not its sender's
    const notTheSender = charged(other.cp.id, other.service, to);
    const plain = item({ cp: cp.id, from: service, to, type: 'notification', at: T0 + 20 });
    const out = await s.messages.decideAndRecord([subscribed, unsubscribed, notTheSender, plain], judge);
    assert.equal(seen.get(subscribed.id)?.chargedSubscription, req.id);
    assert.equal(seen.get(unsubscribed.id)?.chargedSubscription, null);
    assert.equal(seen.get(notTheSender.id)?.chargedSubscription, null);
    assert.equal('chargedSubscription' in seen.get(plain.id)!, false, 'nothing read for a message naming no service');
    assert.deepEqual(out.map((d) => d.decision.accepted), [true, false, false, false]);
    // the refusal is recorded like any other, naming the service
    const recs = (await s.records.queryRecords({ msisdn: to, kind: 'mt', limit: 10 })).records;
    assert.equal(recs.find((r) => r.id === subscribed.id)?.body.chargedServiceId, svc.id);
    assert.equal(recs.find((r) => r.id === notTheSender.id)?.body.chargedServiceId, svc.id);
    assert.equal(recs.find((r) => r.id === plain.id)?.body.chargedServiceId, undefined);
    // ended: the next decision reads that
    await s.consents.optOut(cp.id, to, T0 + 30, 'sms', { moId: 'mo_td' }, { endsRelationship: false });
    const after = charged(cp.id, service, to);
    await s.messages.decideAndRecord([after], judge);
    assert.equal(seen.get(after.id)?.chargedSubscription, null);
  });

  test('charged services: decisions racing an opt-out are each wholly before it (accepted) or after it (refused)', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const { svc, to, req } = await subscribedNumber(s, cp.id, service);
    const send = () => {
      const it = item({ cp: cp.id, from: service, to, type: 'notification', at: T0 + 20 });
      it.candidate.chargedServiceId = svc.id;
      return s.messages.decideAndRecord([it], (_, f) => decision(f.chargedSubscription != null));
    };
    const before = Array.from({ length: 10 }, send);
    const optOut = s.consents.optOut(cp.id, to, T0 + 20, 'sms', { moId: 'mo_td' }, { endsRelationship: false });
    const later = Array.from({ length: 10 }, send);
    await Promise.all([...before, optOut, ...later]);
    const recs = (await s.records.queryRecords({ msisdn: to, limit: 100 })).records;
    const endedSeq = recs.find((r) => r.kind === 'subscription' && r.body.event === 'charged_subscription_ended')?.seq;
    assert.ok(endedSeq !== undefined, JSON.stringify(recs.map((r) => [r.kind, r.body.event])));
    const mts = recs.filter((r) => r.kind === 'mt');
    assert.equal(mts.length, 20);
    for (const r of mts) {
      if (r.decision === 'accepted') assert.ok(r.seq < endedSeq, 'accepted only before the subscription ended');
      else assert.ok(r.seq > endedSeq, 'refused only after it');
    }
  });

  test('charged services: a queued charged message carries its service to its claim (also after a retry, a replacement and a release from review); no other message does', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const { svc, to } = await subscribedNumber(s, cp.id, service);
    const charged = (o: { scheduledAt?: number } = {}): SubmissionItem => {
      const it = item({ cp: cp.id, from: service, to, type: 'notification', at: T0 + 20 });
      it.candidate.chargedServiceId = svc.id;
      if (o.scheduledAt !== undefined) it.scheduledAt = o.scheduledAt;
      return it;
    };
    const now = charged();
    const plain = item({ cp: cp.id, from: service, to, type: 'notification', at: T0 + 20 });
    const later = charged({ scheduledAt: T0 + 60 * MIN });
    await s.messages.decideAndRecord([now, plain, later], () => decision(true));
    const first = new Map((await s.outbox.claim(T0 + 21, 10, MIN)).map((m) => [m.id, m]));
    assert.equal(first.get(now.id)?.chargedServiceId, svc.id);
    assert.equal('chargedServiceId' in first.get(plain.id)!, false, 'absent, not undefined');
    // read back from the table after a retry
    await s.outbox.retryLater(first.get(now.id)!, T0 + 5 * MIN, 'throttled');
    const again = (await s.outbox.claim(T0 + 5 * MIN, 10, 120 * MIN)).find((m) => m.id === now.id);
    assert.equal(again?.chargedServiceId, svc.id);
    // a replacement keeps it
    const replaced = { ...later, candidate: { ...later.candidate, text: '【示例】今日天气：多云' }, receivedAt: T0 + 2 * MIN };
    const out = await s.messages.replaceQueued({ item: replaced, arrivedAt: T0 + 20, previousText: later.candidate.text, at: T0 + 2 * MIN, detail: 'test', recordId: `${later.id}:replaced:1` }, () => decision(true, '【示例】今日天气：多云'));
    assert.equal(typeof out === 'object' && out.outcome, 'replaced');
    const due = (await s.outbox.claim(T0 + 60 * MIN, 10, 120 * MIN)).find((m) => m.id === later.id);
    assert.equal(due?.chargedServiceId, svc.id);
    // held, then released: its release is judged on the subscription read in its transaction, and the
    // released row keeps the service
    const held = charged();
    await s.messages.decideAndRecord([held], () => heldDecision());
    let seen: ReleaseFacts | undefined;
    await s.messages.resolveHeld(held.id, { action: 'release', at: T0 + 61 * MIN, actor: 'admin_1', reason: 'ok', check: { commercial: false, category: null, chargedServiceId: svc.id, judge: (f) => { seen = f; } } });
    assert.ok(seen && seen.chargedSubscription !== null && seen.chargedSubscription !== undefined, JSON.stringify(seen));
    const released = (await s.outbox.claim(T0 + 61 * MIN, 10, MIN)).find((m) => m.id === held.id);
    assert.equal(released?.chargedServiceId, svc.id);
    // a release naming no service reads none
    const heldPlain = item({ cp: cp.id, from: service, to, type: 'notification', at: T0 + 20 });
    await s.messages.decideAndRecord([heldPlain], () => heldDecision());
    await s.messages.resolveHeld(heldPlain.id, { action: 'release', at: T0 + 62 * MIN, actor: 'admin_1', reason: 'ok', check: { commercial: false, category: null, judge: (f) => { seen = f; } } });
    assert.equal('chargedSubscription' in seen!, false);
  });

  test('charged services: a release from review reads the number\'s subscription as it is then: null once it ended', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const { svc, to } = await subscribedNumber(s, cp.id, service);
    const held = item({ cp: cp.id, from: service, to, type: 'notification', at: T0 + 20 });
    held.candidate.chargedServiceId = svc.id;
    await s.messages.decideAndRecord([held], () => heldDecision());
    await s.consents.endChargedSubscription(svc.id, to, T0 + 30, 'api', {});
    let seen: ReleaseFacts | undefined;
    await assert.rejects(s.messages.resolveHeld(held.id, { action: 'release', at: T0 + 40, actor: 'admin_1', reason: 'ok', check: { commercial: false, category: null, chargedServiceId: svc.id, judge: (f) => { seen = f; throw new Error('refused'); } } }), /refused/);
    assert.equal(seen?.chargedSubscription, null);
    assert.equal((await s.messages.getMessage(held.id))?.status, 'held', 'a refused release leaves it held');
  });

  test('charged services: the send-time read gives each message\'s live subscription of its sender, or null, in order', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const other = await seedProvider(s);
    const { svc, to, req } = await subscribedNumber(s, cp.id, service);
    const stranger = msisdn();
    assert.deepEqual(await s.consents.liveChargedSubscriptions([]), []);
    const keys = [
      { serviceId: svc.id, contentProviderId: cp.id, msisdn: to },
      { serviceId: svc.id, contentProviderId: cp.id, msisdn: stranger },
      { serviceId: svc.id, contentProviderId: other.cp.id, msisdn: to },
      { serviceId: svc.id, contentProviderId: cp.id, msisdn: to },
    ];
    assert.deepEqual(await s.consents.liveChargedSubscriptions(keys), [req.id, null, null, req.id]);
    await s.consents.endChargedSubscription(svc.id, to, T0 + 30, 'api', {});
    assert.deepEqual(await s.consents.liveChargedSubscriptions(keys), [null, null, null, null]);
  });

  test('charged services: a service\'s subscriptions, live and ended, are listed oldest first a keyset page at a time; another service\'s are not', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const { svc, to, req } = await subscribedNumber(s, cp.id, service);
    const more: ConsentRequestRow[] = [];
    // two more numbers, one started at the same time as another (ties ordered by id)
    for (const at of [T0 + 10, T0 + 20]) {
      const n = notice(cp.id, service, msisdn(), svc.id);
      await s.consents.openConsentRequest(n, () => undefined);
      await s.consents.resolveConsentRequest(n.id, { status: 'granted', at, channel: 'sms', evidence: {}, chargedSubscription: subscription(n, at) });
      more.push(n);
    }
    // another service's subscription of the same number is not listed
    const otherSvc: ChargedServiceRow = { ...svc, id: uid('chs'), name: '笑话' };
    await s.consents.addChargedService(otherSvc);
    const elsewhere = notice(cp.id, service, msisdn(), otherSvc.id);
    await s.consents.openConsentRequest(elsewhere, () => undefined);
    await s.consents.resolveConsentRequest(elsewhere.id, { status: 'granted', at: T0 + 5, channel: 'sms', evidence: {}, chargedSubscription: subscription(elsewhere, T0 + 5) });
    await s.consents.endChargedSubscription(svc.id, to, T0 + 30, 'api', {});
    const expected = [{ id: req.id, at: T0 + 10 }, { id: more[0]!.id, at: T0 + 10 }, { id: more[1]!.id, at: T0 + 20 }]
      .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((x) => x.id);
    const all = await s.consents.listChargedSubscriptions(svc.id, { limit: 10 });
    assert.deepEqual(all.map((r) => r.id), expected);
    const ended = all.find((r) => r.id === req.id)!;
    assert.equal(ended.endedAt, T0 + 30);
    assert.equal(ended.endReason, 'unsubscribed');
    assert.equal(all.find((r) => r.id === more[1]!.id)?.endedAt, null);
    // a page, then the rows strictly past its last one
    const first = await s.consents.listChargedSubscriptions(svc.id, { limit: 2 });
    assert.deepEqual(first.map((r) => r.id), expected.slice(0, 2));
    const last = first[1]!;
    const rest = await s.consents.listChargedSubscriptions(svc.id, { limit: 2, after: { at: last.startedAt, id: last.id } });
    assert.deepEqual(rest.map((r) => r.id), expected.slice(2));
    assert.deepEqual(await s.consents.listChargedSubscriptions('chs_none', { limit: 10 }), []);
  });

  test('charged services: a service\'s subscriptions within a window of start times (from inclusive, to exclusive), paged by keyset without losing or repeating a row at its edges', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const svc: ChargedServiceRow = { id: uid('chs'), contentProviderId: cp.id, name: '天气', port: service, tariff: { amountFen: 200, per: 'month' }, createdAt: T0 };
    await s.consents.addChargedService(svc);
    const start = async (serviceId: string, at: number) => {
      const n = notice(cp.id, service, msisdn(), serviceId);
      await s.consents.openConsentRequest(n, () => undefined);
      await s.consents.resolveConsentRequest(n.id, { status: 'granted', at, channel: 'sms', evidence: {}, chargedSubscription: subscription(n, at) });
      return { id: n.id, at };
    };
    const from = T0 + 2 * MIN;
    const to = T0 + 4 * MIN;
    // two before the window, two at its first instant, one inside, two at its end (excluded), one after
    const rows = [];
    for (const at of [T0 + MIN, from - 1, from, from, from + MIN, to - 1, to, to, to + MIN]) rows.push(await start(svc.id, at));
    // another service's, inside the window, is not this one's
    const otherSvc: ChargedServiceRow = { ...svc, id: uid('chs'), name: '笑话' };
    await s.consents.addChargedService(otherSvc);
    await start(otherSvc.id, from + 1);
    const order = (xs: { id: string; at: number }[]) => [...xs].sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((x) => x.id);
    const inside = order(rows.filter((r) => r.at >= from && r.at < to));
    assert.equal(inside.length, 4);
    const list = (q: { limit: number; after?: { at: number; id: string }; from?: number; to?: number }) => s.consents.listChargedSubscriptions(svc.id, q).then((xs) => xs.map((x) => x.id));
    assert.deepEqual(await list({ limit: 100, from, to }), inside);
    assert.deepEqual(await list({ limit: 100, from }), order(rows.filter((r) => r.at >= from)));
    assert.deepEqual(await list({ limit: 100, to }), order(rows.filter((r) => r.at < to)));
    // a page at a time, each past the last row of the one before: every row of the window once, in order,
    // whether a page ends on a tie at the window's first instant or not
    for (const limit of [1, 2, 3]) {
      const seen: string[] = [];
      let after: { at: number; id: string } | undefined;
      for (let i = 0; i < 10; i++) {
        const page = await s.consents.listChargedSubscriptions(svc.id, { limit, from, to, ...(after ? { after } : {}) });
        seen.push(...page.map((x) => x.id));
        if (page.length < limit) break;
        const last = page[page.length - 1]!;
        after = { at: last.startedAt, id: last.id };
      }
      assert.deepEqual(seen, inside, `limit ${limit}`);
    }
    // a position before the window (a page read without it) reads from the window's start
    const early = rows[0]!;
    assert.deepEqual(await list({ limit: 100, from, to, after: { at: early.at, id: early.id } }), inside);
    // a position on the window's first instant: the rows strictly past it, the tie's other row included
    const firstAt = inside[0]!;
    assert.deepEqual(await list({ limit: 100, from, to, after: { at: from, id: firstAt } }), inside.slice(1));
    // a position at or past the window's end: nothing
    assert.deepEqual(await list({ limit: 100, from, to, after: { at: to, id: rows[6]!.id } }), []);
    // an empty window
    assert.deepEqual(await list({ limit: 100, from: to, to: from }), []);
  });
}
