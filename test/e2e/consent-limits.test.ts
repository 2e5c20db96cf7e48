/**
 * Consents and their limits, refusal and the subscriber's view, end to end through HTTP, the
 * simulator and the simulated clock: expiry, frequency, atomic reservation, opt-out race, DND,
 * withdrawal, per-signature scope, cn-2026 proof.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { withGateway, gatewaySuite, onboard, NOON_SHANGHAI, type TestGateway, type Provider } from '../helpers/gateway.js';

const DAY = 86_400_000;
const proof = { channel: 'web', reference: 'form-1', capturedAt: '2026-11-29T00:00:00Z' };
const iso = (t: number) => new Date(t).toISOString();

async function consent(g: TestGateway, cp: Provider, msisdn: string, over: Record<string, unknown> = {}) {
  return g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn, category: 'promo', frequency: { count: 3, per: 'week' }, expiresAt: iso(g.clock.now() + 30 * DAY), proof, ...over } });
}
// each send a text of its own unless told: the same text to a number again within 30 s is
// duplicate_content (rule content.duplicate), which these tests are not about
let sent = 0;
function send(g: TestGateway, cp: Provider, to: string, text = `【示例】本周会员日满减第${++sent}期`, category = 'promo') {
  return g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690002', to, text, type: 'commercial', category } });
}
const code = (r: { json(): any }) => r.json().error?.code ?? r.json().status;

describe('consent limits (cn-2015)', () => {
  const { g, cp } = gatewaySuite();

  test('frequency: 3 per week pass, the 4th is consent_frequency_exceeded, a week later one is free again', async () => {
    const to = '13900139001';
    assert.equal((await consent(g, cp, to)).statusCode, 201);
    for (let i = 0; i < 3; i++) assert.equal((await send(g, cp, to)).statusCode, 202);
    const r = await send(g, cp, to);
    assert.equal(r.statusCode, 422);
    assert.equal(r.json().error.code, 'consent_frequency_exceeded');
    assert.equal(r.json().error.rule, 'commercial.consent-frequency');
    g.clock.advance(7 * DAY);
    assert.equal((await send(g, cp, to)).statusCode, 202);
  });

  test('atomic reservation: concurrent sends for the last allowance, exactly one passes (single and batch)', async () => {
    const to = '13900139002';
    await consent(g, cp, to, { frequency: { count: 2, per: 'day' } });
    assert.equal((await send(g, cp, to)).statusCode, 202);
    const racers = await Promise.all(Array.from({ length: 8 }, () => send(g, cp, to)));
    assert.deepEqual(racers.map((r) => r.statusCode).sort(), [202, 422, 422, 422, 422, 422, 422, 422]);
    const to2 = '13900139003';
    await consent(g, cp, to2, { frequency: { count: 1, per: 'day' } });
    const m = { from: '10690002', to: to2, text: '【示例】满减', type: 'commercial', category: 'promo' };
    const b = await g.http.inject({ method: 'POST', url: '/v1/messages/batch', headers: cp.auth, payload: { messages: [m, m, m] } });
    assert.deepEqual(b.json().results.map((x: any) => x.error?.code ?? x.status), ['accepted', 'consent_frequency_exceeded', 'consent_frequency_exceeded']);
  });

  test('expiry: consent_expired after expiresAt (not consent_missing); expiry ends the relationship in the records', async () => {
    const to = '13900139004';
    await consent(g, cp, to, { expiresAt: iso(g.clock.now() + 2 * DAY) });
    assert.equal((await send(g, cp, to)).statusCode, 202);
    g.clock.advance(2 * DAY);
    await g.sweeper.idle();
    const r = await send(g, cp, to);
    assert.equal(r.json().error.code, 'consent_expired');
    assert.equal(code(await send(g, cp, to, '【示例】新品', 'news')), 'consent_missing');
    const sub = (await g.http.inject({ method: 'GET', url: `/v1/subscribers/${to}`, headers: g.admin })).json();
    assert.equal(sub.consents[0].state, 'expired');
    assert.equal(sub.relationships[0].endReason, 'last_consent_expired');
    assert.ok(sub.events.some((e: any) => e.event === 'consent_expired'));
    assert.ok(sub.events.some((e: any) => e.event === 'relationship_ended'));
  });

  test('category: blank is refused on a consent and a message, as on a consent request; surrounding spaces are not part of it (found by QA)', async () => {
    // A consent to "   " stated no type of message, yet it was recorded and a commercial message of
    // category "   " went out under it; POST /v1/consent-requests already refused a blank category.
    for (const category of ['   ', '\u3000', ' \t ']) {
      const c = await consent(g, cp, '13900139070', { category });
      assert.deepEqual([c.statusCode, c.json().error?.code, c.json().error?.field], [400, 'invalid_request', 'category'], c.body);
      const m = await send(g, cp, '13900139070', '【示例】本周会员日满减', category);
      assert.deepEqual([m.statusCode, m.json().error?.code, m.json().error?.field], [400, 'invalid_request', 'category'], m.body);
    }
    // A consent request trims its category, so the ledger holds categories without surrounding spaces.
    assert.equal((await consent(g, cp, '13900139071', { category: ' promo ' })).statusCode, 201);
    assert.equal(code(await send(g, cp, '13900139071', '【示例】本周会员日满减', 'promo')), 'accepted');
    assert.equal(code(await send(g, cp, '13900139071', '【示例】本周会员日满减（二）', 'promo ')), 'accepted');
  });

  test('withdrawal: DELETE /v1/consents/{id} stops sends at once and is in the subscriber view', async () => {
    const to = '13900139005';
    const id = (await consent(g, cp, to)).json().id;
    assert.equal((await send(g, cp, to)).statusCode, 202);
    assert.equal((await g.http.inject({ method: 'DELETE', url: `/v1/consents/${id}`, headers: cp.auth })).statusCode, 204);
    assert.equal(code(await send(g, cp, to)), 'consent_missing');
    const mine = (await g.http.inject({ method: 'GET', url: `/v1/subscribers/${to}/consents`, headers: cp.auth })).json();
    assert.equal(mine.consents[0].state, 'withdrawn');
    assert.deepEqual(mine.events.map((e: any) => e.event), ['consent_granted', 'consent_withdrawn', 'relationship_ended']);
    for (const e of mine.events) assert.ok(e.at && e.channel, 'every event has time and channel');
    assert.deepEqual(mine.events[0].evidence.proof, { ...proof, capturedAt: '2026-11-29T00:00:00.000Z' });
  });

  test('opt-out race: every send lands before the opt-out record or is rejected', async () => {
    const to = '13900139006';
    await consent(g, cp, to, { frequency: { count: 1000, per: 'day' } });
    const sends = Array.from({ length: 20 }, () => send(g, cp, to));
    const mo = g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: to, to: '10690002', text: '别再发了' } });
    const more = Array.from({ length: 20 }, () => send(g, cp, to));
    const results = await Promise.all([...sends, mo, ...more]);
    assert.equal(results[20].json().action, 'opt_out');
    const recs = (await g.http.inject({ method: 'GET', url: `/v1/records?msisdn=${to}&limit=1000`, headers: g.admin })).json().records as any[];
    const optOutSeq = recs.find((r) => r.kind === 'subscription' && r.body.event === 'opt_out').seq;
    const mts = recs.filter((r) => r.kind === 'mt' && r.body.type === 'commercial');
    assert.equal(mts.length, 40);
    for (const r of mts) {
      if (r.body.decision === 'accepted') assert.ok(r.seq < optOutSeq, 'accepted only before the opt-out');
      else assert.ok(r.seq > optOutSeq && r.body.code === 'opted_out', 'after it, rejected as opted_out');
    }
    assert.equal(code(await send(g, cp, to)), 'opted_out');
  });

  test('DND: admin bulk import blocks every provider; invalid entries are reported; providers may not import', async () => {
    const other = await onboard(g, { name: '另一家公司', signature: '【另一家】', ports: { commercial: '10690012' } });
    const to = '13900139007';
    await consent(g, cp, to);
    await g.http.inject({ method: 'POST', url: '/v1/consents', headers: other.auth, payload: { msisdn: to, category: 'promo', frequency: { count: 3, per: 'week' }, expiresAt: iso(g.clock.now() + 30 * DAY), proof } });
    const forbidden = await g.http.inject({ method: 'POST', url: '/v1/dnd', headers: cp.auth, payload: { msisdns: [to] } });
    assert.equal(forbidden.statusCode, 403);
    const r = await g.http.inject({ method: 'POST', url: '/v1/dnd', headers: g.admin, payload: { msisdns: [to, `+86${to}`, '12345', '13900139008'], source: 'carrier list 2026-11' } });
    assert.equal(r.statusCode, 200, r.body);
    // `+86…` repeats the first entry in another spelling: counted as a duplicate, so the counts add up to received
    assert.deepEqual(r.json(), { received: 4, added: 2, alreadyListed: 0, duplicateCount: 1, invalidCount: 1, invalid: [{ index: 2, value: '12345', error: { code: 'invalid_msisdn', message: 'msisdns/2 is not a mainland China mobile number written 13800138000, +8613800138000 or 8613800138000 (ASCII digits only: no spaces, dashes or 00 prefix)', rule: 'recipient.msisdn', article: 'Art. 20 (records of receiving number)', profile: 'cn-2015', field: 'msisdns/2' } }] });
    assert.equal(code(await send(g, cp, to)), 'opted_out');
    const o = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: other.auth, payload: { from: '10690012', to, text: '【另一家】优惠', type: 'commercial', category: 'promo' } });
    assert.equal(code(o), 'opted_out');
    const again = await g.http.inject({ method: 'POST', url: '/v1/dnd', headers: g.admin, payload: { msisdns: [to, `86${to}`, to, '13900139017'] } });
    assert.deepEqual(again.json(), { received: 4, added: 1, alreadyListed: 1, duplicateCount: 2, invalidCount: 0, invalid: [] });
    const req = await g.http.inject({ method: 'POST', url: '/v1/consent-requests', headers: cp.auth, payload: { from: '10690002', to: '13900139008', category: 'news', frequency: { count: 1, per: 'week' }, durationDays: 30 } });
    assert.equal(code(req), 'opted_out', 'no consent request to a DND number either');
  });

  test('subscriber view: admin and regulator see all providers; a provider only its own; a regulator read is audited', async () => {
    const to = '13900139009';
    await consent(g, cp, to);
    assert.equal((await g.http.inject({ method: 'GET', url: `/v1/subscribers/${to}`, headers: cp.auth })).statusCode, 403);
    assert.equal((await g.http.inject({ method: 'GET', url: `/v1/subscribers/${to}/consents`, headers: g.admin })).statusCode, 403);
    assert.equal((await g.http.inject({ method: 'GET', url: '/v1/subscribers/12345', headers: g.admin })).json().error.code, 'invalid_msisdn');
    const { token } = await g.app.auth.createToken('regulator', 'inspector');
    const reg = await g.http.inject({ method: 'GET', url: `/v1/subscribers/${to}`, headers: { authorization: `Bearer ${token}` } });
    assert.equal(reg.statusCode, 200);
    assert.equal(reg.json().consents.length, 1);
    const audit = (await g.http.inject({ method: 'GET', url: '/v1/records?limit=5', headers: g.admin })).json().records.find((r: any) => r.kind === 'audit');
    assert.equal(audit.body.action, 'subscribers.read');
    const other = await onboard(g, { name: '第三家公司', signature: '【第三家】', ports: { commercial: '10690022' } });
    const theirs = (await g.http.inject({ method: 'GET', url: `/v1/subscribers/${to}/consents`, headers: other.auth })).json();
    assert.deepEqual([theirs.consents.length, theirs.events.length], [0, 0]);
  });
});

describe('opt-out scope per signature (operator setting)', () => {
  test('an opt-out answering one signature leaves the provider’s other signature free', async () => {
    await withGateway({ overrides: { optOutScope: 'signature' } }, async (g, cp) => {
      await g.http.inject({ method: 'POST', url: `/v1/content-providers/${cp.id}/signatures`, headers: g.admin, payload: { signature: '【示例商城】' } });
      const to = '13900139010';
      await consent(g, cp, to);
      assert.equal((await send(g, cp, to, '【示例商城】满减')).statusCode, 202);
      const mo = (await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: to, to: '10690002', text: 'TD' } })).json();
      assert.equal(mo.action, 'opt_out');
      assert.equal(code(await send(g, cp, to, '【示例商城】再次满减')), 'opted_out');
      assert.equal((await send(g, cp, to, '【示例】会员日')).statusCode, 202);
      const sub = (await g.http.inject({ method: 'GET', url: `/v1/subscribers/${to}`, headers: g.admin })).json();
      assert.deepEqual(sub.optOuts[0].signatures, ['【示例商城】']);
      // The confirmation says what was refused, under that signature (found by the consent audit: it
      // came as "【示例】…将不再收到本号码的商业短信" and 【示例】's promotions from the port went on).
      await g.worker.drain();
      const texts = (await g.http.inject({ method: 'GET', url: `/v1/simulator/outbox?to=${to}` })).json().messages.map((m: { text: string }) => m.text);
      assert.ok(texts.includes('【示例商城】您已成功退订“示例商城”的商业短信。本条免费。'), JSON.stringify(texts));
      assert.ok(!texts.some((t: string) => t.includes('本号码的商业短信')), JSON.stringify(texts));
    });
  });

  test('a provider-wide opt-out is confirmed as before: no more commercial messages from this number', async () => {
    await withGateway(async (g, cp) => {
      const to = '13900139012';
      assert.equal((await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: to, to: '10690002', text: 'TD' } })).json().action, 'opt_out');
      await g.worker.drain();
      const texts = (await g.http.inject({ method: 'GET', url: `/v1/simulator/outbox?to=${to}` })).json().messages.map((m: { text: string }) => m.text);
      assert.deepEqual(texts, ['【示例】您已成功退订，将不再收到本号码的商业短信。本条免费。']);
      void cp;
    });
  });
});

describe('cn-2026', () => {
  test('POST /v1/consents without proof → consent_proof_required; with proof → 201', async () => {
    await withGateway({ profile: 'cn-2026' }, async (g, cp) => {
      const r = await g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn: '13900139011', category: 'promo', frequency: { count: 3, per: 'week' }, expiresAt: iso(NOON_SHANGHAI + DAY) } });
      assert.equal(r.statusCode, 422);
      assert.equal(r.json().error.code, 'consent_proof_required');
      assert.equal(r.json().error.profile, 'cn-2026');
      assert.equal((await consent(g, cp, '13900139011')).statusCode, 201);
    });
  });
});

describe('frequency periods are calendar days, weeks (Monday first) and months in Asia/Shanghai', () => {
  // Found by the consent audit (2026-12-07): periods were rolling (24 h, 7 days, 30 days). A user who
  // agreed to "每月不超过1条" got two in January (1 Jan and 31 Jan, 30 days apart), and a provider's
  // daily 09:00 push under "每天1条" was refused whenever it ran a little earlier than the day before.
  const at = (s: string) => Date.parse(s);
  const sendAt = async (g: TestGateway, cp: Provider, to: string, when: string) => {
    g.clock.set(at(when));
    return send(g, cp, to);
  };

  test('day, week and month: the next period opens at its first instant; within one the count holds', async () => {
    await withGateway({}, async (g, cp) => {
      const grant = async (to: string, per: string) => assert.equal((await consent(g, cp, to, { frequency: { count: 1, per }, expiresAt: '2027-06-01T00:00:00Z' })).statusCode, 201);
      const [d, w, m] = ['13900139101', '13900139102', '13900139103'];
      await grant(d, 'day'); await grant(w, 'week'); await grant(m, 'month');

      assert.equal(code(await sendAt(g, cp, d, '2026-12-01T20:59:00+08:00')), 'accepted');
      assert.equal(code(await sendAt(g, cp, d, '2026-12-02T08:00:00+08:00')), 'accepted', 'a new calendar day, 11 hours later');
      const full = await sendAt(g, cp, d, '2026-12-02T20:59:59+08:00');
      assert.equal(code(full), 'consent_frequency_exceeded');
      assert.match(full.json().error.message, /1 per day \(calendar day, Asia\/Shanghai\)/);

      assert.equal(code(await sendAt(g, cp, w, '2026-12-06T20:00:00+08:00')), 'accepted', 'Sunday');
      assert.equal(code(await sendAt(g, cp, w, '2026-12-07T08:00:00+08:00')), 'accepted', 'Monday: a new week');
      assert.equal(code(await sendAt(g, cp, w, '2026-12-13T20:59:59+08:00')), 'consent_frequency_exceeded', 'the Sunday of the same week');

      assert.equal(code(await sendAt(g, cp, m, '2027-01-01T10:00:00+08:00')), 'accepted');
      assert.equal(code(await sendAt(g, cp, m, '2027-01-31T10:00:01+08:00')), 'consent_frequency_exceeded', 'still January, 30 days later');
      assert.equal(code(await sendAt(g, cp, m, '2027-02-01T08:00:00+08:00')), 'accepted', 'February');
    });
  });

  test('a scheduled send counts in the period of its own time, not of its submission', async () => {
    await withGateway({}, async (g, cp) => {
      const to = '13900139104';
      assert.equal((await consent(g, cp, to, { frequency: { count: 1, per: 'day' }, expiresAt: '2027-06-01T00:00:00Z' })).statusCode, 201);
      assert.equal(code(await sendAt(g, cp, to, '2026-12-01T20:00:00+08:00')), 'accepted');
      const ahead = (scheduledAt: string) => g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690002', to, text: '【示例】明早会员日', type: 'commercial', category: 'promo', scheduledAt } });
      assert.equal(code(await ahead('2026-12-02T08:00:00+08:00')), 'accepted', 'tomorrow 08:00, 12 hours after today’s');
      assert.equal(code(await ahead('2026-12-02T20:00:00+08:00')), 'consent_frequency_exceeded', 'tomorrow has its one');
    });
  });
});
