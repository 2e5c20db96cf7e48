/**
 * DELETE /v1/consents/{id}: a provider withdraws a consent, optionally with proof of how the user
 * refused (`{proof: {channel, reference, capturedAt}}`, the same shape and limits as a consent's
 * proof). The proof goes into the `consent_withdrawn` record and the subscriber views show it on the
 * consent (`withdrawal`) and in the trail; a withdrawal without a body is recorded as before.
 * Before: the route took no body, so a withdrawal recorded that it happened but never how.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite } from '../helpers/gateway.js';

const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString();
type Json = Record<string, any>;

describe('withdrawing a consent, with proof of the refusal', () => {
  const { g, cp, other } = gatewaySuite({ other: { name: '别家科技', signature: '【别家】', ports: { service: '10698001' } } });
  let n = 0;

  const number = () => `139001391${String(n++).padStart(2, '0')}`;
  async function consent(to: string, capturedAt = iso(g.clock.now() - DAY)): Promise<string> {
    const r = await g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn: to, category: 'promo', frequency: { count: 3, per: 'week' }, expiresAt: iso(g.clock.now() + 30 * DAY), proof: { channel: 'web', reference: 'form-1', capturedAt } } });
    assert.equal(r.statusCode, 201, r.body);
    return r.json().id;
  }
  const withdraw = (id: string, payload?: unknown, h: Record<string, string> = cp.auth) =>
    g.http.inject({ method: 'DELETE', url: `/v1/consents/${id}`, headers: h, ...(payload === undefined ? {} : { payload: payload as object }) });
  const mine = async (to: string): Promise<Json> => (await g.http.inject({ method: 'GET', url: `/v1/subscribers/${to}/consents`, headers: cp.auth })).json();
  const withdrawals = (v: Json) => v.events.filter((e: Json) => e.event === 'consent_withdrawn');

  test('with proof: 204; the record, the consent view and the trail carry how the user refused', async () => {
    const to = number();
    const id = await consent(to);
    const proof = { channel: 'call-centre', reference: 'ticket 2026-1130-0815', capturedAt: iso(g.clock.now() - 3_600_000) };
    const r = await withdraw(id, { proof });
    assert.equal(r.statusCode, 204, r.body);
    const recorded = { consentId: id, category: 'promo', proof };
    for (const v of [await mine(to), (await g.http.inject({ method: 'GET', url: `/v1/subscribers/${to}`, headers: g.admin })).json()]) {
      const [w] = withdrawals(v);
      assert.deepEqual(w.evidence, recorded, 'the trail');
      assert.equal(w.channel, 'http');
      const c = v.consents.find((x: Json) => x.id === id);
      assert.equal(c.state, 'withdrawn');
      // takes effect when the gateway hears of it, not at capturedAt
      assert.equal(c.withdrawnAt, iso(g.clock.now()));
      assert.deepEqual(c.withdrawal, { recordId: w.id, channel: 'http', evidence: recorded }, 'the consent view');
    }
    const recs = (await g.http.inject({ method: 'GET', url: `/v1/records?msisdn=${to}`, headers: g.admin })).json().records;
    assert.deepEqual(recs.find((x: Json) => x.body.event === 'consent_withdrawn').body.evidence, recorded, 'the statutory record');
  });

  test('without a body (or null, or {}): 204 and recorded as before, {consentId, category}', async () => {
    for (const payload of [undefined, null, {}]) {
      const to = number();
      const id = await consent(to);
      const r = payload === null
        ? await g.http.inject({ method: 'DELETE', url: `/v1/consents/${id}`, headers: { ...cp.auth, 'content-type': 'application/json' }, payload: 'null' })
        : await withdraw(id, payload);
      assert.equal(r.statusCode, 204, `${JSON.stringify(payload)}: ${r.body}`);
      assert.equal(r.body, '');
      const v = await mine(to);
      assert.deepEqual(withdrawals(v).map((e: Json) => e.evidence), [{ consentId: id, category: 'promo' }]);
      assert.equal(v.consents[0].withdrawal.evidence.proof, undefined);
      assert.equal(v.consents[0].withdrawal.recordId, withdrawals(v)[0].id);
    }
  });

  test('a proof outside the limits a consent\'s proof has → 400 naming the field; the consent stays live, nothing recorded', async () => {
    const to = number();
    const given = g.clock.now() - 2 * DAY;
    const id = await consent(to, iso(given));
    const ok = { channel: 'sms', reference: 'mo_1', capturedAt: iso(g.clock.now()) };
    const cases: [unknown, string][] = [
      [{ proof: { ...ok, reference: undefined } }, 'proof/reference'],
      [{ proof: { ...ok, reference: '' } }, 'proof/reference'],
      [{ proof: { ...ok, channel: 'x'.repeat(65) } }, 'proof/channel'],
      [{ proof: { ...ok, reference: 'x'.repeat(513) } }, 'proof/reference'],
      [{ proof: { ...ok, capturedAt: 'yesterday' } }, 'proof/capturedAt'],
      [{ proof: { ...ok, capturedAt: iso(g.clock.now() + 6 * 60_000) } }, 'proof/capturedAt'],
      [{ proof: { ...ok, capturedAt: '1999-12-31T23:59:59Z' } }, 'proof/capturedAt'],
      // a refusal captured before the consent was given cannot be its withdrawal
      [{ proof: { ...ok, capturedAt: iso(given - 1000) } }, 'proof/capturedAt'],
      [{ proof: 'by phone' }, 'proof'],
      // a misspelt field would drop the evidence without a word
      [{ evidence: ok }, 'evidence'],
      [[ok], 'body'],
    ];
    for (const [payload, field] of cases) {
      const r = await withdraw(id, payload);
      assert.equal(r.statusCode, 400, `${JSON.stringify(payload)}: ${r.body}`);
      assert.deepEqual([r.json().error.code, r.json().error.field], ['invalid_request', field], JSON.stringify(payload));
    }
    const v = await mine(to);
    assert.equal(v.consents[0].state, 'live');
    assert.deepEqual(withdrawals(v), []);
    // at the limits: 5 minutes ahead of the gateway clock, and the very moment the consent was given
    assert.equal((await withdraw(id, { proof: { ...ok, capturedAt: iso(given) } })).statusCode, 204);
    const id2 = await consent(number());
    assert.equal((await withdraw(id2, { proof: { ...ok, capturedAt: iso(g.clock.now() + 5 * 60_000) } })).statusCode, 204);
  });

  test('the app checks the body too (doors that skip the HTTP schema): unknown fields and a bad proof are refused', async () => {
    const to = number();
    const id = await consent(to);
    const p = await g.app.auth.principalFor(cp.apiKey);
    assert.ok(p);
    await assert.rejects(g.app.withdrawConsent(p, id, { reason: 'asked' }), (e: any) => e.code === 'invalid_request' && e.field === 'reason');
    await assert.rejects(g.app.withdrawConsent(p, id, { proof: { channel: 'web', reference: 'f' } }), (e: any) => e.code === 'invalid_request' && e.field === 'proof/capturedAt');
    await assert.rejects(g.app.withdrawConsent(p, id, 'by phone'), (e: any) => e.code === 'invalid_request' && e.field === 'body');
    assert.equal((await mine(to)).consents[0].state, 'live');
  });

  test('a regulator whose dates end before the withdrawal still sees, on a consent it sees, how it was withdrawn', async () => {
    const to = number();
    const id = await consent(to);
    const granted = g.clock.now();
    g.clock.advance(DAY);
    const proof = { channel: 'sms', reference: 'mo_td_1', capturedAt: iso(g.clock.now()) };
    assert.equal((await withdraw(id, { proof })).statusCode, 204);
    const token = (await g.app.auth.createToken('regulator', 'inspector', null, { from: granted - DAY, to: granted + 1000 })).token;
    const v = (await g.http.inject({ method: 'GET', url: `/v1/subscribers/${to}`, headers: { authorization: `Bearer ${token}` } })).json();
    assert.deepEqual(v.events.map((e: Json) => e.event), ['consent_granted'], 'the withdrawal record lies outside its dates');
    assert.equal(v.consents[0].withdrawnAt, iso(g.clock.now()));
    assert.deepEqual(v.consents[0].withdrawal.evidence, { consentId: id, category: 'promo', proof });
  });

  test('another provider\'s consent → 403, an unknown id → 404, even with a valid proof', async () => {
    const id = await consent(number());
    const proof = { channel: 'web', reference: 'f', capturedAt: iso(g.clock.now()) };
    assert.equal((await withdraw(id, { proof }, other.auth)).statusCode, 403);
    assert.equal((await withdraw('con_doesnotexist', { proof })).statusCode, 404);
  });

  describe('a repeat is idempotent: the same 204, the consent as it is, no second record', () => {
    const recordsOf = async (to: string, id: string) => (await g.http.inject({ method: 'GET', url: `/v1/records?msisdn=${to}`, headers: g.admin })).json().records
      .filter((r: Json) => r.kind === 'subscription' && (r.body.event === 'relationship_ended' || r.body.evidence?.consentId === id) && r.body.event !== 'consent_granted')
      .map((r: Json) => r.body.event).sort();

    test('DELETE twice (the second with a proof, a day later): 204 both times; withdrawnAt and the one record unchanged', async () => {
      const to = number();
      const id = await consent(to);
      assert.equal((await withdraw(id)).statusCode, 204);
      const first = await mine(to);
      g.clock.advance(DAY);
      const again = await withdraw(id, { proof: { channel: 'web', reference: 'form-2', capturedAt: iso(g.clock.now()) } });
      assert.equal(again.statusCode, 204, again.body);
      assert.equal(again.body, '');
      assert.equal((await withdraw(id)).statusCode, 204);
      const v = await mine(to);
      assert.deepEqual(v.consents, first.consents, 'the consent as it was: withdrawnAt, withdrawal');
      assert.deepEqual(v.events, first.events, 'no record added');
      assert.deepEqual(await recordsOf(to, id), ['consent_withdrawn', 'relationship_ended']);
    });

    test('two DELETEs at once: both 204, one record', async () => {
      const to = number();
      const id = await consent(to);
      const rs = await Promise.all([withdraw(id), withdraw(id), withdraw(id)]);
      assert.deepEqual(rs.map((r) => r.statusCode), [204, 204, 204], rs.map((r) => r.body).join());
      assert.deepEqual(await recordsOf(to, id), ['consent_withdrawn', 'relationship_ended']);
    });

    test('a consent the number\'s opt-out withdrew: DELETE is 204 and records nothing', async () => {
      const to = number();
      const id = await consent(to);
      const mo = await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: to, to: '10690002', text: 'TD' } });
      assert.equal(mo.statusCode, 200, mo.body);
      const before = await mine(to);
      assert.equal(before.consents[0].withdrawal.evidence.reason, 'opt_out');
      assert.equal((await withdraw(id)).statusCode, 204);
      assert.deepEqual((await mine(to)).events, before.events);
    });

    test('still 403 for another provider and 404 for an unknown id once withdrawn', async () => {
      const id = await consent(number());
      assert.equal((await withdraw(id)).statusCode, 204);
      assert.equal((await withdraw(id, undefined, other.auth)).statusCode, 403);
      assert.equal((await withdraw(`${id}x`)).statusCode, 404);
      // a bad proof is a bad request whatever the consent's state
      assert.equal((await withdraw(id, { proof: { channel: 'web' } })).statusCode, 400);
    });
  });

  test('OpenAPI: the route documents its optional body with the proof schema and its 204', async () => {
    const spec = (await g.http.inject({ method: 'GET', url: '/docs/json' })).json();
    const op = spec.paths['/v1/consents/{id}'].delete;
    assert.equal(op.requestBody.required, false, 'a withdrawal without a body is valid');
    const body = op.requestBody.content['application/json'].schema;
    assert.deepEqual(Object.keys(body.properties), ['proof']);
    const granted = spec.paths['/v1/consents'].post.requestBody.content['application/json'].schema.properties.proof;
    assert.deepEqual(body.properties.proof.properties, granted.properties, 'the same shape as a consent\'s proof');
    assert.deepEqual(body.properties.proof.required, ['channel', 'reference', 'capturedAt']);
    assert.ok(op.responses['204']);
    // POST /v1/consents keeps a required body
    assert.equal(spec.paths['/v1/consents'].post.requestBody.required, true);
  });
});
