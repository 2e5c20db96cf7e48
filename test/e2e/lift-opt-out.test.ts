/**
 * A number that opted out asks, outside the SMS channel, to hear from the provider again: only an
 * operator can lift the opt-out, only with evidence of that request, and lifting grants no consent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withGateway, ADMIN_TOKEN } from '../helpers/gateway.js';
import { hashSecret } from '../../src/app/secrets.js';

const to = '13900139123';
const promo = { from: '10690002', to, text: '【示例】双十二会员日全场满减', type: 'commercial', category: 'promo' };
const evidence = { channel: 'phone', reference: 'call-center ticket 88231', capturedAt: '2026-11-30T04:00:00Z' }; // the opt-out's instant (the gateway's clock stands at noon Shanghai)

test('lift an opt-out: admin only, with evidence, recorded; messages need a consent afterwards as before', async () => {
  await withGateway(async (g, cp) => {
    const lift = (headers: Record<string, string>, payload: unknown, msisdn = to) => g.http.inject({ method: 'POST', url: `/v1/subscribers/${msisdn}/lift-opt-out`, headers, payload: payload as Record<string, unknown> });

    // Nothing to lift yet.
    const none = await lift(g.admin, { contentProviderId: cp.id, reason: 'user asked', evidence });
    assert.equal(none.statusCode, 404, none.body);

    // The user opts out by reply; a consent recorded afterwards does not override it.
    const mo = await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: to, to: '10690002', text: 'TD' } });
    assert.equal(mo.json().action, 'opt_out');
    const consent = await g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn: to, category: 'promo', frequency: { count: 10, per: 'month' }, expiresAt: '2027-06-01T00:00:00Z', proof: { channel: 'web', reference: 'form-2', capturedAt: '2026-11-30T01:00:00Z' } } });
    assert.equal(consent.statusCode, 201, consent.body);
    const blocked = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: promo });
    assert.equal(blocked.json().error.code, 'opted_out');

    // The provider itself cannot lift it; nor can anyone without the evidence of the user's request.
    assert.equal((await lift(cp.auth, { contentProviderId: cp.id, reason: 'user asked', evidence })).statusCode, 403);
    const noEvidence = await lift(g.admin, { contentProviderId: cp.id, reason: 'user asked' });
    assert.equal(noEvidence.statusCode, 400);
    assert.equal(noEvidence.json().error.code, 'invalid_request');
    const future = await lift(g.admin, { contentProviderId: cp.id, reason: 'user asked', evidence: { ...evidence, capturedAt: '2027-01-01T00:00:00Z' } });
    assert.equal(future.statusCode, 400);
    assert.equal((await lift(g.admin, { contentProviderId: cp.id, reason: 'user asked', evidence }, '12345')).json().error.code, 'invalid_msisdn');
    assert.equal((await lift(g.admin, { contentProviderId: 'cp_nope', reason: 'user asked', evidence })).statusCode, 404);

    // The user's request comes after the refusal it lifts: evidence from before the opt-out is refused.
    const earlier = await lift(g.admin, { contentProviderId: cp.id, reason: 'user asked', evidence: { ...evidence, capturedAt: '2026-11-30T03:59:59Z' } });
    assert.equal(earlier.statusCode, 400, earlier.body);
    assert.deepEqual([earlier.json().error.code, earlier.json().error.field], ['invalid_request', 'evidence/capturedAt']);
    assert.match(earlier.json().error.message, /^evidence\/capturedAt: must not be before the opt-out it lifts \(2026-11-30T04:00:00\.000Z\)/);
    const ok = await lift(g.admin, { contentProviderId: cp.id, reason: 'user called to resume offers', evidence });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().msisdn, `+86${to}`);
    assert.equal((await lift(g.admin, { contentProviderId: cp.id, reason: 'again', evidence })).statusCode, 404);

    // With the consent recorded earlier, commercial messages flow again.
    const sent = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: promo });
    assert.equal(sent.statusCode, 202, sent.body);

    // The subscription records show who lifted it, why, and on what evidence.
    const sub = (await g.http.inject({ method: 'GET', url: `/v1/subscribers/${to}`, headers: g.admin })).json();
    assert.deepEqual(sub.optOuts, []);
    const ev = sub.events.find((e: { event: string }) => e.event === 'opt_in');
    assert.equal(ev.contentProviderId, cp.id);
    assert.equal(ev.channel, 'admin');
    assert.equal(ev.evidence.reason, 'user called to resume offers');
    assert.deepEqual(ev.evidence.request, { ...evidence, capturedAt: '2026-11-30T04:00:00.000Z' });
    // The operator who lifted it: the admin token's own id, as every admin action records it.
    const adminToken = await g.store.directory.findTokenByHash(hashSecret(ADMIN_TOKEN));
    assert.ok(adminToken);
    assert.equal(ev.evidence.actor, adminToken.id);
  });
});

test('lifting grants no consent: without one, commercial messages are still refused', async () => {
  await withGateway(async (g, cp) => {
    await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: to, to: '10690002', text: '退订' } });
    const ok = await g.http.inject({ method: 'POST', url: `/v1/subscribers/${to}/lift-opt-out`, headers: g.admin, payload: { contentProviderId: cp.id, reason: 'user asked', evidence } });
    assert.equal(ok.statusCode, 200, ok.body);
    const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: promo });
    assert.equal(r.json().error.code, 'consent_missing');
  });
});

test("the lift's evidence is checked as a consent's proof is (parseProof): the same limits, codes and messages, plus its own: not in the future, not before the opt-out", async () => {
  await withGateway(async (g, cp) => {
    await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: to, to: '10690002', text: 'TD' } });
    const iso = (t: number) => new Date(t).toISOString();
    const now = g.clock.now();
    const ok = { channel: 'phone', reference: 'ticket 1', capturedAt: iso(now - 60_000) };
    const lift = (ev: unknown) => g.http.inject({ method: 'POST', url: `/v1/subscribers/${to}/lift-opt-out`, headers: g.admin, payload: { contentProviderId: cp.id, reason: 'user asked', evidence: ev } });
    const grant = (proof: unknown) => g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn: to, category: 'promo', frequency: { count: 1, per: 'day' }, expiresAt: iso(now + 30 * 86_400_000), proof } });
    const bad: unknown[] = [
      // before the 2000-01-01 floor: a placeholder, not evidence (the lift took it before)
      { ...ok, capturedAt: '1999-12-31T23:59:59Z' },
      { ...ok, capturedAt: '1970-01-01T00:00:00Z' },
      // lengths: the same messages as a consent's proof (the lift's schema gave its own before)
      { ...ok, channel: '' },
      { ...ok, channel: 'x'.repeat(65) },
      { ...ok, reference: '' },
      { ...ok, reference: 'x'.repeat(513) },
      { ...ok, capturedAt: 'yesterday' },
      { ...ok, capturedAt: 7 },
      { channel: 'phone', reference: 'ticket 1' },
      'by phone',
      [ok],
    ];
    for (const ev of bad) {
      const l = await lift(ev);
      const c = await grant(ev);
      assert.equal(l.statusCode, 400, `${JSON.stringify(ev)}: ${l.body}`);
      assert.equal(c.statusCode, 400, `${JSON.stringify(ev)}: ${c.body}`);
      const le = l.json().error;
      const ce = c.json().error;
      assert.equal(le.code, 'invalid_request');
      assert.equal(le.code, ce.code);
      // the same field and message, under the lift's own body field
      assert.equal(le.field, ce.field.replace(/^proof/, 'evidence'), JSON.stringify(ev));
      // (not an object at all: the schemas' answer, which names the types each route takes: a consent's proof may be null)
      if (typeof ev === 'object' && !Array.isArray(ev)) assert.equal(le.message, ce.message.replace(/^proof/, 'evidence'), JSON.stringify(ev));
    }
    // The lift's own, stricter limit (docs/CONSENT.md): not after the gateway's clock, where a consent's proof has 5 minutes of skew.
    const ahead = await lift({ ...ok, capturedAt: iso(now + 60_000) });
    assert.equal(ahead.statusCode, 400, ahead.body);
    assert.deepEqual([ahead.json().error.code, ahead.json().error.field], ['invalid_request', 'evidence/capturedAt']);
    assert.match(ahead.json().error.message, /^evidence\/capturedAt: must not be in the future$/);
    assert.equal((await grant({ ...ok, capturedAt: iso(now + 60_000) })).statusCode, 201);
    // And not before the opt-out it lifts (the user's new word comes after the refusal): the floor of
    // 2000-01-01 that a consent's proof may reach is, for a lift, always before its opt-out.
    for (const early of ['2000-01-01T00:00:00Z', iso(now - 60_000)]) {
      const before = await lift({ ...ok, capturedAt: early });
      assert.equal(before.statusCode, 400, before.body);
      assert.deepEqual([before.json().error.code, before.json().error.field], ['invalid_request', 'evidence/capturedAt']);
      assert.match(before.json().error.message, /must not be before the opt-out it lifts/);
    }
    // Nothing refused was lifted; at the limits (the opt-out's instant, the gateway's now) it is.
    assert.equal((await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: promo })).json().error.code, 'opted_out');
    const floor = await lift({ ...ok, capturedAt: iso(now) });
    assert.equal(floor.statusCode, 200, floor.body);
    await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: to, to: '10690002', text: 'TD' } });
    const atNow = await lift({ ...ok, capturedAt: iso(now) });
    assert.equal(atNow.statusCode, 200, atNow.body);
  });
});

test('a lift for a number refused only by the do-not-disturb list is a 404 that says so (found walking docs/CONSENT.md, 2026-12-08)', async () => {
  // Every send to it is refused `opted_out`; the operator who came to lift got "has not opted out" alone.
  await withGateway(async (g, cp) => {
    const dnd = await g.http.inject({ method: 'POST', url: '/v1/dnd', headers: g.admin, payload: { msisdns: [to], source: 'carrier list' } });
    assert.equal(dnd.json().added, 1, dnd.body);
    const r = await g.http.inject({ method: 'POST', url: `/v1/subscribers/${to}/lift-opt-out`, headers: g.admin, payload: { contentProviderId: cp.id, reason: 'user asked', evidence } });
    assert.equal(r.statusCode, 404, r.body);
    assert.equal(r.json().error.field, 'contentProviderId');
    assert.match(r.json().error.message, /^this number has not opted out of this content provider; it is on the do-not-disturb list \(since 2026-11-30T04:00:00\.000Z, source “carrier list”\), .*a lift does not touch \(DELETE \/v1\/dnd\/\{msisdn\} takes a number off it\)$/);
    // Not listed: the message is as before.
    const other = await g.http.inject({ method: 'POST', url: '/v1/subscribers/13900139124/lift-opt-out', headers: g.admin, payload: { contentProviderId: cp.id, reason: 'user asked', evidence } });
    assert.equal(other.json().error.message, 'this number has not opted out of this content provider');
  });
});
