/**
 * The consent routes' inputs, edge by edge, one answer for one fault: POST /v1/consents (a proof),
 * DELETE /v1/consents/{id} (a proof of the refusal), POST /v1/subscribers/{msisdn}/lift-opt-out (the
 * user's request, `evidence`) and POST /v1/consent-requests. Found by QA (2026-12-06): a date-time
 * without its offset was read in the server's time zone and `"1"` was 2001-01-01; a proof's unknown
 * key was dropped by a consent and a withdrawal but refused by a lift; blank, NUL and lone-surrogate
 * references and categories were stored; `null` for an optional field was refused by the HTTP schema
 * although the use case reads it as absent; unknown fields were dropped by two routes, refused by
 * two, and named by none.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite } from '../helpers/gateway.js';

const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString();
type Json = Record<string, any>;

describe('consent inputs: one answer per fault on every consent route', () => {
  const { g, cp } = gatewaySuite();
  let n = 0;

  const number = () => `139001392${String(n++).padStart(2, '0')}`;
  const ok = () => ({ channel: 'web', reference: 'form 1', capturedAt: iso(g.clock.now() - 60_000) });
  const grantBody = (to: string, proof: unknown = ok()) => ({ msisdn: to, category: 'promo', frequency: { count: 3, per: 'week' }, expiresAt: iso(g.clock.now() + 30 * DAY), proof });
  const grant = (b: unknown) => g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: b as object });
  const withdraw = (id: string, b: unknown) => g.http.inject({ method: 'DELETE', url: `/v1/consents/${id}`, headers: { ...cp.auth, 'content-type': 'application/json' }, payload: JSON.stringify(b) });
  const lift = (to: string, b: Json) => g.http.inject({ method: 'POST', url: `/v1/subscribers/${to}/lift-opt-out`, headers: g.admin, payload: { contentProviderId: cp.id, reason: 'user asked', ...b } });
  const ask = (b: Json) => g.http.inject({ method: 'POST', url: '/v1/consent-requests', headers: cp.auth, payload: { from: '10690002', to: number(), category: 'promo', frequency: { count: 3, per: 'week' }, durationDays: 30, ...b } });
  async function consent(to: string): Promise<string> {
    const r = await grant(grantBody(to, { ...ok(), capturedAt: iso(g.clock.now() - DAY) }));
    assert.equal(r.statusCode, 201, r.body);
    return r.json().id;
  }
  async function optedOut(): Promise<string> {
    const to = number();
    const mo = await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: to, to: '10690002', text: 'TD' } });
    assert.equal(mo.json().action, 'opt_out');
    // A lift's evidence comes after the opt-out it lifts: ok() (a minute before now) then is.
    g.clock.advance(120_000);
    return to;
  }
  const expect400 = (r: { statusCode: number; body: string; json(): Json }, field: string, what: string) => {
    assert.equal(r.statusCode, 400, `${what}: ${r.body}`);
    assert.deepEqual([r.json().error.code, r.json().error.field], ['invalid_request', field], `${what}: ${r.body}`);
  };

  /** Each proof fault on the three routes that take one: 400 naming the same field under its body key, nothing recorded. */
  async function proofFault(bad: Json, sub: string, what: string) {
    const to = number();
    expect400(await grant(grantBody(to, bad)), `proof/${sub}`, `grant, ${what}`);
    const id = await consent(to);
    expect400(await withdraw(id, { proof: bad }), `proof/${sub}`, `withdrawal, ${what}`);
    const v = (await g.http.inject({ method: 'GET', url: `/v1/subscribers/${to}/consents`, headers: cp.auth })).json();
    assert.deepEqual(v.consents.map((c: Json) => c.state), ['live'], what);
    const out = await optedOut();
    expect400(await lift(out, { evidence: bad }), `evidence/${sub}`, `lift, ${what}`);
    assert.equal((await g.http.inject({ method: 'GET', url: `/v1/subscribers/${out}`, headers: g.admin })).json().optOuts.length, 1, what);
  }

  test('capturedAt is an ISO-8601 date-time with its offset (RFC 3339), as expiresAt is: no guessing, no server time zone', async () => {
    for (const capturedAt of ['1', '2026', '2026-11-30', '2026-11-30T11:00:00', 'Nov 30 2026 11:00', '2026-02-30T00:00:00Z', '2026-11-30T11:00:00+0800 ']) {
      await proofFault({ ...ok(), capturedAt }, 'capturedAt', capturedAt);
    }
    // The same instant in any offset is taken, on all three.
    const local = new Date(g.clock.now() - 60_000 + 8 * 3_600_000).toISOString().replace('Z', '+08:00');
    const to = number();
    assert.equal((await grant(grantBody(to, { ...ok(), capturedAt: local }))).statusCode, 201);
    assert.equal((await withdraw(await consent(number()), { proof: { ...ok(), capturedAt: local } })).statusCode, 204);
    const liftTo = await optedOut();
    const localNow = new Date(g.clock.now() - 60_000 + 8 * 3_600_000).toISOString().replace('Z', '+08:00');
    assert.equal((await lift(liftTo, { evidence: { ...ok(), capturedAt: localNow } })).statusCode, 200);
    // expiresAt too, for a door that skips the HTTP schema.
    const p = await g.app.auth.principalFor(cp.apiKey);
    assert.ok(p);
    await assert.rejects(g.app.grantConsent(p, { ...grantBody(number()), expiresAt: '2026-12-30T11:00:00' }), (e: any) => e.code === 'invalid_request' && e.field === 'expiresAt');
  });

  test("a proof's unknown key, a blank channel or reference, a NUL or a lone surrogate → 400 naming it, on all three", async () => {
    await proofFault({ ...ok(), url: 'https://example.com/form/1' }, 'url', 'unknown key');
    await proofFault({ ...ok(), channel: '   ' }, 'channel', 'blank channel');
    await proofFault({ ...ok(), reference: ' \t ' }, 'reference', 'blank reference');
    await proofFault({ ...ok(), reference: 'ticket \u0000 1' }, 'reference', 'NUL');
    await proofFault({ ...ok(), reference: 'ticket \uD83D 1' }, 'reference', 'lone surrogate');
    await proofFault({ ...ok(), channel: 'web\uDC00' }, 'channel', 'lone surrogate');
    // Unicode that is well formed is kept as given, up to 512 UTF-16 code units.
    const to = number();
    const reference = `工单 ${'😀'.repeat(252)}`;
    assert.equal((await grant(grantBody(to, { ...ok(), reference }))).statusCode, 201);
    const v = (await g.http.inject({ method: 'GET', url: `/v1/subscribers/${to}/consents`, headers: cp.auth })).json();
    assert.equal(v.consents[0].proof.reference, reference);
  });

  test('a category (consent, request), a request text and a lift reason: no NUL, no lone surrogate; a blank reason → 400', async () => {
    for (const category of ['pro\u0000mo', 'promo\uD800']) {
      expect400(await grant({ ...grantBody(number()), category }), 'category', JSON.stringify(category));
      expect400(await ask({ category }), 'category', JSON.stringify(category));
    }
    expect400(await ask({ text: '【示例】邀请您订阅“promo”类商业短信，每周不超过3条，有效期30天。同意请回复“是”\uD800' }), 'text', 'lone surrogate text');
    const out = await optedOut();
    expect400(await lift(out, { reason: '   ', evidence: ok() }), 'reason', 'blank reason');
    expect400(await lift(out, { reason: 'asked\u0000', evidence: ok() }), 'reason', 'NUL reason');
    // Lengths in UTF-16 code units, answered by the use case as on the other routes (the lift's schema
    // counted code points: 300 emoji passed it, then the use case refused them in other words).
    for (const [reason, field] of [['x'.repeat(501), 'reason'], ['😀'.repeat(251), 'reason']] as const) {
      const r = await lift(out, { reason, evidence: ok() });
      expect400(r, field, `reason of ${reason.length} code units`);
      assert.equal(r.json().error.message, 'reason: must have at most 500 characters');
    }
    const long = await lift(out, { contentProviderId: 'x'.repeat(65), evidence: ok() });
    expect400(long, 'contentProviderId', 'contentProviderId of 65');
    assert.equal(long.json().error.message, 'contentProviderId: must have at most 64 characters');
    assert.equal((await lift(out, { reason: '用户来电要求恢复', evidence: ok() })).statusCode, 200);
  });

  test('a category is one line: a line break, tab or ESC inside it → 400 on every route that takes one; surrounding ones are trimmed', async () => {
    // Found by the consent audit (2026-12-07): `会员\n促销` was accepted and the gateway's own request
    // text went to the phone as "邀请您订阅“会员⏎促销”类商业短信" (and a consent, a message or an SMPP
    // credential's default took a BEL as well). A category names a type of message on one line.
    for (const category of ['会员\n促销', 'pro\tmo', 'promo\u0007x', 'pro\u001b[31mmo', 'pro\u0085mo']) {
      const what = JSON.stringify(category);
      const g1 = await grant({ ...grantBody(number()), category });
      expect400(g1, 'category', `consent ${what}`);
      assert.match(g1.json().error.message, /^category: is one line and must not contain control characters \(U\+00/, what);
      expect400(await ask({ category }), 'category', `request ${what}`);
      const m = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690002', to: number(), text: '【示例】八折', type: 'commercial', category } });
      expect400(m, 'category', `message ${what}`);
    }
    // What trimming already removed stays harmless: a trailing line break is the category without it.
    const to = number();
    assert.equal((await grant({ ...grantBody(to), category: 'promo\n' })).statusCode, 201);
    const v = (await g.http.inject({ method: 'GET', url: `/v1/subscribers/${to}/consents`, headers: cp.auth })).json();
    assert.deepEqual(v.consents.map((c: Json) => c.category), ['promo']);
  });

  test('unknown fields → 400 naming the field on all four routes (a misspelt proof recorded a consent without it)', async () => {
    const to = number();
    expect400(await grant({ ...grantBody(to, undefined), proff: ok() }), 'proff', 'grant');
    expect400(await ask({ txt: 'own wording' }), 'txt', 'request');
    expect400(await withdraw(await consent(number()), { evidence: ok() }), 'evidence', 'withdrawal');
    expect400(await lift(await optedOut(), { evidence: ok(), note: 'x' }), 'note', 'lift');
    // inside a frequency too: a misspelt period is not a frequency
    expect400(await grant({ ...grantBody(to), frequency: { count: 3, per: 'week', period: 'month' } }), 'frequency/period', 'grant frequency');
    expect400(await ask({ frequency: { count: 3, per: 'week', max: 1 } }), 'frequency/max', 'request frequency');
    assert.deepEqual((await g.http.inject({ method: 'GET', url: `/v1/subscribers/${to}/consents`, headers: cp.auth })).json().consents, []);
    // The use cases refuse them too, for doors that skip the HTTP schema.
    const p = await g.app.auth.principalFor(cp.apiKey);
    assert.ok(p);
    await assert.rejects(g.app.grantConsent(p, { ...grantBody(number()), proff: ok() }), (e: any) => e.code === 'invalid_request' && e.field === 'proff');
  });

  test('null for an optional field is the field absent, over HTTP as in the use case: proof (consent, withdrawal), text (request)', async () => {
    const to = number();
    const r = await grant(grantBody(to, null));
    assert.equal(r.statusCode, 201, r.body);
    const v = (await g.http.inject({ method: 'GET', url: `/v1/subscribers/${to}/consents`, headers: cp.auth })).json();
    assert.deepEqual(v.consents[0].proof, {});
    assert.equal((await withdraw(await consent(number()), { proof: null })).statusCode, 204);
    // no body at all, also with a JSON content type (what many clients send on every request): the documented 204
    const bare = await g.http.inject({ method: 'DELETE', url: `/v1/consents/${await consent(number())}`, headers: { ...cp.auth, 'content-type': 'application/json' }, payload: '' });
    assert.equal(bare.statusCode, 204, bare.body);
    // a POST without a body is still refused as before
    const empty = await g.http.inject({ method: 'POST', url: '/v1/consents', headers: { ...cp.auth, 'content-type': 'application/json' }, payload: '' });
    assert.deepEqual([empty.statusCode, empty.json().error.code], [400, 'invalid_request'], empty.body);
    // and the JSON parser is still Fastify's: a prototype key is refused
    const poisoned = await g.http.inject({ method: 'DELETE', url: `/v1/consents/${await consent(number())}`, headers: { ...cp.auth, 'content-type': 'application/json' }, payload: '{"__proto__": {"x": 1}}' });
    assert.equal(poisoned.statusCode, 400, poisoned.body);
    const q = await ask({ text: null });
    assert.equal(q.statusCode, 202, q.body);
    assert.match(q.json().text, /^【示例】邀请您订阅/);
    // Required ones stay required: null is not a value for them.
    expect400(await lift(await optedOut(), { evidence: null }), 'evidence', 'lift evidence null');
    expect400(await grant({ ...grantBody(number()), category: null }), 'category', 'grant category null');
  });
  test('POST /v1/dnd reads each number as POST /v1/consents reads msisdn: the same spellings taken, the same refusal named by item', async () => {
    // Surrounding whitespace is trimmed by both (normalizeMsisdn); inside, or 0086, or full-width: refused by both.
    const spellings = [' 13900139501', '13900139502 ', '+8613900139503', '139 0013 9504', '008613900139505', '１３９００１３９５０６', '12345'];
    const dnd = (await g.http.inject({ method: 'POST', url: '/v1/dnd', headers: g.admin, payload: { msisdns: spellings } })).json();
    for (const [i, m] of spellings.entries()) {
      const c = await grant(grantBody(m));
      const item = dnd.invalid.find((x: Json) => x.index === i);
      if (c.statusCode === 201) {
        assert.equal(item, undefined, `${JSON.stringify(m)}: consents take it, so must the DND import`);
        continue;
      }
      assert.equal(c.statusCode, 422, c.body);
      const refusal = c.json().error;
      assert.ok(item, `${JSON.stringify(m)}: consents refuse it, so must the DND import`);
      // the same refusal, its field naming the item
      assert.deepEqual(item.error, { ...refusal, field: `msisdns/${i}`, message: refusal.message.replace(/^msisdn /, `msisdns/${i} `) });
    }
    assert.equal(dnd.invalidCount, 4);
  });
});
