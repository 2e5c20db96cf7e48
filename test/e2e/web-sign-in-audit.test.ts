/**
 * Web sign-ins are audited (docs/RECORDS.md, "Web sign-ins"): a sign-in (`web.sign_in`) and a
 * sign-out (`web.sign_out`) with the token's id as actor and the start of the sign-in's stored digest,
 * never the token or the cookie's id; a refused sign-in (`web.sign_in_refused`) with no actor and
 * nothing of what was typed, at most one record a minute per process with the count of the rest.
 * Before, none of them left any record, so the back office could not show who signed in and when.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite, withGateway, type TestGateway } from '../helpers/gateway.js';
import { FORM, form, webCookie, staffCookies } from '../helpers/web.js';
import { hashSecret } from '../../src/app/secrets.js';

type Rec = { kind: string; contentProviderId: string | null; msisdn: string | null; body: Record<string, unknown> };
const audit = async (g: Pick<TestGateway, 'http' | 'admin'>, type: string): Promise<Rec[]> => {
  const r = await g.http.inject({ method: 'GET', url: `/v1/records?kind=audit&type=${type}&limit=1000`, headers: g.admin });
  assert.equal(r.statusCode, 200, r.body);
  return r.json().records as Rec[];
};
const badSignIn = (g: Pick<TestGateway, 'http'>, token: string) => g.http.inject({ method: 'POST', url: '/web/login', headers: FORM, payload: form({ token }) });
const signOut = (g: Pick<TestGateway, 'http'>, cookie: string) => g.http.inject({ method: 'POST', url: '/web/logout', headers: { cookie, 'sec-fetch-site': 'same-origin' } });
const sid = (cookie: string) => cookie.slice(cookie.indexOf('=') + 1);

describe('web sign-ins in the audit records', () => {
  const { g, cp } = gatewaySuite();

  test('a sign-in and a sign-out are audited with the token\'s id and a short reference to the sign-in, never the token or the cookie', async () => {
    const clerk = await g.app.auth.createToken('report-centre', 'audited clerk');
    const cookie = await webCookie(g, clerk.token);
    const ins = (await audit(g, 'web.sign_in')).filter((r) => r.body.actor === clerk.id);
    assert.equal(ins.length, 1);
    const ref = hashSecret(sid(cookie)).slice(0, 12);
    assert.deepEqual(ins[0].body, { actor: clerk.id, action: 'web.sign_in', role: 'report-centre', session: ref });
    assert.equal(ins[0].contentProviderId, null, 'staff: filed under no provider');
    assert.equal((await signOut(g, cookie)).statusCode, 303);
    const outs = (await audit(g, 'web.sign_out')).filter((r) => r.body.actor === clerk.id);
    assert.equal(outs.length, 1);
    assert.deepEqual(outs[0].body, { actor: clerk.id, action: 'web.sign_out', role: 'report-centre', session: ref, reason: 'signed_out' });
    const all = JSON.stringify([...ins, ...outs]);
    assert.ok(!all.includes(clerk.token) && !all.includes(sid(cookie)) && !all.includes(hashSecret(sid(cookie))), 'neither the token, the id nor its whole digest');
    // signing out again with the same cookie ends nothing and records nothing
    await signOut(g, cookie);
    assert.equal((await audit(g, 'web.sign_out')).filter((r) => r.body.actor === clerk.id).length, 1);
  });

  test('a provider\'s sign-in is filed under no provider (not among its statutory records); signing in anew over a sign-in ends the old one, said so', async () => {
    const first = await webCookie(g, cp.apiKey);
    const again = await g.http.inject({ method: 'POST', url: '/web/login', headers: { ...FORM, cookie: first }, payload: form({ token: cp.apiKey }) });
    assert.equal(again.statusCode, 303);
    const ins = (await audit(g, 'web.sign_in')).filter((r) => r.body.role === 'content-provider');
    assert.equal(ins.length, 2);
    for (const r of ins) assert.equal(r.contentProviderId, null);
    const own = await g.http.inject({ method: 'GET', url: `/v1/records?kind=audit&contentProviderId=${cp.id}&limit=1000`, headers: g.admin });
    assert.ok(!own.json().records.some((r: Rec) => String(r.body.action).startsWith('web.')), 'not in the provider\'s records');
    const outs = (await audit(g, 'web.sign_out')).filter((r) => r.body.session === hashSecret(sid(first)).slice(0, 12));
    assert.equal(outs.length, 1);
    assert.equal(outs[0].body.reason, 'signed_in_again');
    assert.equal(outs[0].contentProviderId, null);
  });

  test('the records page finds them by type', async () => {
    const { regulator } = await staffCookies(g);
    const r = await g.http.inject({ method: 'GET', url: '/web/records?kind=audit&type=web.sign_in', headers: { cookie: regulator } });
    assert.equal(r.statusCode, 200, r.body.slice(0, 500));
    // each by its label, the action as recorded after it
    assert.ok((r.body.match(/<td>网页登录 \(web\.sign_in\)<\/td><\/tr>/g) ?? []).length >= 2, 'the sign-ins made above, as rows');
    const out = await g.http.inject({ method: 'GET', url: '/web/records?kind=audit&type=web.sign_out', headers: { cookie: regulator } });
    assert.equal(out.statusCode, 200);
    assert.match(out.body, /<td>网页退出 \(web\.sign_out\)<\/td><\/tr>/);
  });
});

describe('refused web sign-ins in the audit records', () => {
  test('recorded with no actor and nothing typed, at most once a minute with the count of the rest', async () => {
    let now = Date.parse('2026-12-07T10:00:00Z');
    await withGateway({ webSessions: { now: () => now } }, async (g) => {
      const typed = 'sgk_mistyped_token_secret_0123456789';
      assert.equal((await badSignIn(g, typed)).statusCode, 401);
      let recs = await audit(g, 'web.sign_in_refused');
      assert.equal(recs.length, 1, 'the first at once');
      assert.deepEqual(recs[0].body, { actor: 'public', action: 'web.sign_in_refused', count: 1, since: '2026-12-07T10:00:00.000Z' });
      assert.equal(recs[0].contentProviderId, null);
      // a flood within the minute adds no record
      for (let i = 0; i < 20; i++) {
        now += 1_000;
        assert.equal((await badSignIn(g, `${typed}${i}`)).statusCode, 401);
      }
      assert.equal((await audit(g, 'web.sign_in_refused')).length, 1);
      // the next one after the minute tells them all
      now = Date.parse('2026-12-07T10:01:00Z');
      await badSignIn(g, typed);
      recs = await audit(g, 'web.sign_in_refused');
      assert.equal(recs.length, 2);
      const newest = recs[0];
      assert.deepEqual(newest.body, { actor: 'public', action: 'web.sign_in_refused', count: 21, since: '2026-12-07T10:00:01.000Z' });
      assert.ok(!JSON.stringify(recs).includes('mistyped'), 'nothing of the typed token');
      // a revoked token is refused the same way
      const t = await g.app.auth.createToken('regulator', 'gone');
      await g.app.auth.revokeToken(t.id, 'admin');
      now += 61_000;
      assert.equal((await badSignIn(g, t.token)).statusCode, 401);
      recs = await audit(g, 'web.sign_in_refused');
      assert.equal(recs.length, 3);
      assert.ok(!JSON.stringify(recs).includes(t.id), 'not even the revoked token\'s id');
    });
  });
});
