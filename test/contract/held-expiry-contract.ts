/**
 * The review queue's two guarantees of a store (docs/CONTENT.md, review queue), run by the store
 * contract for each adapter:
 * - a hold ends: `heldPastHold` finds the held messages whose validity (else the maximum hold) is
 *   over, and `resolveHeld` with `expire` ends each one `expired`, once, with its status record, its
 *   frequency count given back and its status callback, in one transaction;
 * - a release's re-check (`HoldResolution.check`) is judged in the release's transaction, on facts
 *   read there: a refusal writes nothing, and an opt-out committed before the release is seen.
 * Call inside a describe; `get` returns the store of the current test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CallbackEvent, ConsentRow, ReleaseFacts, Store } from '../../src/ports/store.js';
import { T0, MIN, HOUR, DAY, heldDecision, item, minuteLimit, msisdn, seedProvider, uid } from './fixtures.js';

const MAX = 72 * HOUR;

let looks = 0;
/** Every queued callback row of `cp` (claimed far ahead: all are due), by event id. */
async function queued(s: Store, cp: string): Promise<Map<string, CallbackEvent>> {
  const rows = await s.callbacks.claim({ owner: `hx_${cp}`, now: T0 + 60 * DAY + ++looks * MIN, leaseMs: 1, limit: 1000 });
  return new Map(rows.filter((r) => r.contentProviderId === cp).map((r) => [r.eventId, r]));
}

export function heldExpiryContract(get: () => Store): void {
  test('held expiry: the held messages past their validity or the maximum hold (whichever ends first), soonest first; others wait', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    const text = '【示例】您的订单已发货';
    const plain = item({ cp: cp.id, from: service, to: msisdn(), text, at: T0 });
    const valid = { ...item({ cp: cp.id, from: service, to: msisdn(), text, at: T0 + 1 }), validUntil: T0 + HOUR };
    const late = item({ cp: cp.id, from: service, to: msisdn(), text, at: T0 + 2 * HOUR });
    // a validity beyond the maximum hold: the operator's maximum comes first
    const long = { ...item({ cp: cp.id, from: service, to: msisdn(), text, at: T0 + 3 * HOUR }), validUntil: T0 + 3 * HOUR + MAX + DAY };
    await s.messages.decideAndRecord([plain, valid, late, long], () => heldDecision(text));
    const past = async (now: number) => (await s.messages.heldPastHold({ now, maxHoldMs: MAX, limit: 10 })).filter((m) => m.contentProviderId === cp.id);
    assert.deepEqual(await past(T0 + HOUR - 1), []);
    const atValidity = await past(T0 + HOUR);
    assert.deepEqual(atValidity.map((m) => m.id), [valid.id], 'its own validity, before the maximum hold');
    assert.equal(atValidity[0].validUntil, T0 + HOUR);
    assert.deepEqual((await past(T0 + MAX)).map((m) => m.id), [valid.id, plain.id]);
    assert.deepEqual((await past(T0 + 2 * HOUR + MAX)).map((m) => m.id), [valid.id, plain.id, late.id]);
    assert.deepEqual((await past(T0 + 3 * HOUR + MAX)).map((m) => m.id), [valid.id, plain.id, late.id, long.id], 'a longer validity is cut to the maximum hold');
    // the list says which have a validity of their own
    const listed = new Map((await s.messages.listHeld({ contentProviderId: cp.id, limit: 10 })).map((m) => [m.id, m]));
    assert.equal(listed.get(valid.id)?.validUntil, T0 + HOUR);
    assert.equal('validUntil' in listed.get(plain.id)!, false);
  });

  test('held expiry: expired once, text cleared, why recorded, frequency count given back, status callback queued; off the queue for good', async () => {
    const s = get();
    const { cp, service } = await seedProvider(s);
    await s.callbacks.putSettings({ contentProviderId: cp.id, statusUrl: 'https://cp.example/status', moUrl: null, secret: 'sgw_t', updatedAt: T0 });
    const text = '【示例】您的验证码是123456';
    const to = msisdn();
    const held = { ...item({ cp: cp.id, from: service, to, text, at: T0 }), clientRef: 'x-1' };
    await s.messages.decideAndRecord([held], () => heldDecision(text));
    const why = 'held for review and not decided within 72 h (the maximum hold)';
    const at = T0 + 30 * 1000;
    const r = await s.messages.resolveHeld(held.id, { action: 'expire', at, actor: 'system', reason: why, uncount: { type: 'verification', category: null, at: T0 } });
    assert.equal(r?.id, held.id);
    const v = await s.messages.getMessage(held.id);
    assert.equal(v?.status, 'expired');
    assert.deepEqual(v?.history.map((h) => [h.status, h.detail]), [['held', undefined], ['expired', why]]);
    assert.deepEqual((await s.messages.listHeld({ contentProviderId: cp.id, limit: 10 })), []);
    assert.deepEqual((await s.messages.heldPastHold({ now: T0 + 10 * DAY, maxHoldMs: MAX, limit: 10 })).filter((m) => m.id === held.id), []);
    // the first decision wins: no second expiry, no release after it
    assert.equal(await s.messages.resolveHeld(held.id, { action: 'expire', at: at + 1, actor: 'system', reason: why }), null);
    assert.equal(await s.messages.resolveHeld(held.id, { action: 'release', at: at + 1, actor: 'admin_1', reason: 'too late' }), null);
    assert.deepEqual(await s.outbox.claim(T0 + 10 * DAY, 10, MIN), []);
    // never sent, it no longer counts against the number's limits (one a minute)
    const [next] = await s.messages.decideAndRecord([item({ cp: cp.id, from: service, to, at: T0 + 40 * 1000 })], minuteLimit(1));
    assert.equal(next.decision.accepted, true, 'the expired one gave its count back');
    const rows = await queued(s, cp.id);
    const cb = rows.get(`${held.id}:expired`);
    assert.ok(cb, 'its status callback is queued with it');
    assert.deepEqual(JSON.parse(cb.body), { event: 'message.status', eventId: `${held.id}:expired`, id: held.id, clientRef: 'x-1', status: 'expired', at: new Date(at).toISOString(), from: service, to, error: why });
  });

  test('release re-check: judged in the release\'s transaction on the facts of that moment; a refusal writes nothing', async () => {
    const s = get();
    const { cp, service, commercial } = await seedProvider(s);
    const text = '【示例】会员日全场八折，拒收请回复R';
    const to = msisdn();
    const consent: ConsentRow = { id: uid('con'), contentProviderId: cp.id, msisdn: to, category: 'promo', frequency: { count: 10, per: 'week' }, grantedAt: T0 - DAY, expiresAt: T0 + 30 * DAY, channel: 'web', proof: { reference: 'r' }, withdrawnAt: null };
    await s.consents.grantConsent(consent);
    const promo = item({ cp: cp.id, from: commercial, to, type: 'commercial', category: 'promo', text, at: T0 });
    const code = item({ cp: cp.id, from: service, to: msisdn(), at: T0 });
    await s.messages.decideAndRecord([promo, code], () => heldDecision(text));
    const seen: ReleaseFacts[] = [];
    const refuseOptedOut = (f: ReleaseFacts) => {
      seen.push(f);
      if (f.subscription?.optedOut) throw Object.assign(new Error('opted out'), { code: 'opted_out' });
    };
    // the number refuses after the message was held (and after any look the caller took before)
    await s.consents.optOut(cp.id, to, T0 + MIN, 'sms', { text: 'R' });
    await assert.rejects(
      s.messages.resolveHeld(promo.id, { action: 'release', at: T0 + 2 * MIN, actor: 'admin_1', reason: 'fine', check: { commercial: true, category: 'promo', judge: refuseOptedOut } }),
      { code: 'opted_out' },
    );
    assert.equal(seen.length, 1, 'judged once, by the store');
    assert.equal(seen[0].senderStatus, 'active');
    assert.equal(seen[0].at, T0 + 2 * MIN, 'judged at the release\'s time');
    assert.equal(seen[0].subscription?.optedOut, true);
    // nothing written: still held, still listed, not queued, history unchanged
    const v = await s.messages.getMessage(promo.id);
    assert.equal(v?.status, 'held');
    assert.deepEqual(v?.history.map((h) => h.status), ['held']);
    assert.ok((await s.messages.listHeld({ contentProviderId: cp.id, limit: 10 })).some((m) => m.id === promo.id));
    assert.deepEqual(await s.outbox.claim(T0 + 3 * MIN, 10, MIN), []);
    // a non-commercial message: the provider's status only, no subscription read
    const ok = await s.messages.resolveHeld(code.id, { action: 'release', at: T0 + 2 * MIN, actor: 'admin_1', reason: 'fine', check: { commercial: false, category: null, judge: refuseOptedOut } });
    assert.equal(ok?.id, code.id);
    assert.deepEqual([seen[1].senderStatus, seen[1].subscription], ['active', null]);
    // the provider suspended: the judgement sees it
    await s.directory.setContentProviderStatus(cp.id, 'suspended', T0 + 3 * MIN, 'admin_1', 'test');
    const other = item({ cp: cp.id, from: service, to: msisdn(), at: T0 + 3 * MIN });
    await s.messages.decideAndRecord([other], () => heldDecision(text));
    await s.messages.resolveHeld(other.id, { action: 'release', at: T0 + 4 * MIN, actor: 'admin_1', reason: 'fine', check: { commercial: false, category: null, judge: refuseOptedOut } });
    assert.equal(seen[2].senderStatus, 'suspended');
  });
}
