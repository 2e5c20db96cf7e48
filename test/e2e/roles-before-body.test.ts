/**
 * A caller without the right to a write route is refused for its role (403 forbidden) before its body
 * is read: a provider sending `{}` to POST /v1/subscribers/{msisdn}/lift-opt-out got a 400 listing
 * the fields an admin's lift takes (audit 2026-12-07). Each route here is one whose use case admits
 * fixed roles (src/app/access.ts, ROLES); for each, a role it refuses sends an empty body, a body
 * the schema refuses and a body that is not JSON at all, and gets 403 each time; without a token, 401.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { complaintOnPromotion, gatewaySuite } from '../helpers/gateway.js';

type Role = 'cp' | 'regulator' | 'report-centre' | 'admin';
/** method, url, the roles that route refuses. */
const ROUTES: [string, string, Role[]][] = [
  ['POST', '/v1/subscribers/13800138000/lift-opt-out', ['cp', 'regulator', 'report-centre']],
  ['POST', '/v1/dnd', ['cp', 'regulator', 'report-centre']],
  ['DELETE', '/v1/dnd/13800138000', ['cp', 'regulator', 'report-centre']],
  ['PUT', '/v1/refusal-phrases', ['cp', 'regulator', 'report-centre']],
  ['POST', '/v1/consents', ['regulator', 'report-centre', 'admin']],
  ['POST', '/v1/consent-requests', ['regulator', 'report-centre', 'admin']],
  ['POST', '/v1/content-providers', ['cp', 'regulator', 'report-centre']],
  ['PATCH', '/v1/content-providers/CP', ['cp', 'regulator', 'report-centre']],
  ['POST', '/v1/content-providers/CP/signatures', ['cp', 'regulator', 'report-centre']],
  ['POST', '/v1/ports', ['cp', 'regulator', 'report-centre']],
  ['DELETE', '/v1/content-providers/CP/signatures/sig_x', ['cp', 'regulator', 'report-centre']],
  ['DELETE', '/v1/ports/10690001', ['cp', 'regulator', 'report-centre']],
  ['POST', '/v1/credit/entries', ['cp', 'report-centre', 'admin']],
  ['POST', '/v1/holds', ['cp', 'report-centre']],
  ['POST', '/v1/messages', ['regulator', 'report-centre', 'admin']],
  ['POST', '/v1/messages/batch', ['regulator', 'report-centre', 'admin']],
  ['POST', '/v1/reports', ['cp', 'regulator']],
  ['POST', '/v1/review-queue/msg_x/reject', ['cp', 'regulator', 'report-centre']],
  // callbacks, API keys, a hold's release, publishing a credit entry (a body refused before the role
  // told a provider what an operator's settings take; a body on a route taking none was answered 400
  // naming it, before the 403). Content governance's routes: test/unit/content/governance-http.test.ts
  ['PUT', '/v1/content-providers/CP/callbacks', ['cp', 'regulator', 'report-centre']],
  ['POST', '/v1/content-providers/CP/api-keys', ['cp', 'regulator', 'report-centre']],
  ['DELETE', '/v1/content-providers/CP/api-keys/key_x', ['cp', 'regulator', 'report-centre']],
  ['POST', '/v1/holds/hold_x/release', ['cp', 'report-centre']],
  ['POST', '/v1/credit/entries/ce_x/publish', ['cp', 'report-centre', 'admin']],
  ['DELETE', '/v1/messages/msg_x', ['regulator', 'report-centre']],
  ['POST', '/v1/upstream-links/link_x/stop', ['cp', 'regulator', 'report-centre']],
];

describe('write routes: the role is checked before the body', () => {
  const { g, cp } = gatewaySuite();

  test('a role the route refuses gets 403 whatever the body; no token 401', async () => {
    const auth: Record<Role, Record<string, string>> = { cp: cp.auth } as Record<Role, Record<string, string>>;
    for (const r of ['regulator', 'report-centre', 'admin'] as const) auth[r] = { authorization: `Bearer ${(await g.app.auth.createToken(r, 'roles-test')).token}` };
    for (const [method, path, refused] of ROUTES) {
      const url = path.replace('CP', cp.id);
      for (const role of refused) {
        for (const [type, payload] of [['application/json', '{}'], ['application/json', '{"status":7,"msisdns":" 1","reason":7}'], ['text/plain', 'not json']]) {
          const r = await g.http.inject({ method: method as 'POST', url, headers: { ...auth[role], 'content-type': type }, payload });
          assert.equal(r.statusCode, 403, `${method} ${path} as ${role} with ${payload}: ${r.body}`);
          assert.equal(r.json().error.code, 'forbidden');
        }
      }
      const anon = await g.http.inject({ method: method as 'POST', url, headers: { 'content-type': 'application/json' }, payload: '{}' });
      assert.equal(anon.statusCode, 401, `${method} ${path} without a token: ${anon.body}`);
    }
  });

  test('a role the route admits still gets the body checked (400 naming the field)', async () => {
    const lift = await g.http.inject({ method: 'POST', url: '/v1/subscribers/13800138000/lift-opt-out', headers: g.admin, payload: {} });
    assert.equal(lift.statusCode, 400);
    assert.equal(lift.json().error.code, 'invalid_request');
    const send = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: {} });
    assert.equal(send.statusCode, 400);
  });
});

/**
 * Cases (audit 2026-12-07): re-matching evidence is for the centre, the operator and a regulator, so
 * a provider is refused 403 before its body is read; a transition's action is for the roles of its
 * row in the table (src/domain/case.ts), so a caller the action is not for is refused 403 before the
 * other fields are checked, by the schema or the action's own reading. Both answered 400 describing
 * the body first.
 */
describe('cases: the role is checked before the body', () => {
  const { g, cp } = gatewaySuite();

  test('re-matching evidence: a provider gets 403 whatever the body; the centre still gets its body checked', async () => {
    const f = await complaintOnPromotion(g, cp, '13800138201', '【示例】年终大促全场五折');
    for (const [type, payload] of [['application/json', '{}'], ['application/json', '{"sender":7,"bogus":1}'], ['text/plain', 'not json']]) {
      const r = await g.http.inject({ method: 'POST', url: `/v1/cases/${f.id}/evidence`, headers: { ...cp.auth, 'content-type': type }, payload });
      assert.equal(r.statusCode, 403, `evidence as a provider with ${payload}: ${r.body}`);
      assert.equal(r.json().error.code, 'forbidden');
    }
    const centre = { authorization: `Bearer ${(await g.app.auth.createToken('report-centre', 'roles-test')).token}` };
    const bad = await g.http.inject({ method: 'POST', url: `/v1/cases/${f.id}/evidence`, headers: centre, payload: { sender: 7 } });
    assert.equal(bad.statusCode, 400, bad.body);
  });

  test('a transition: an action not for the caller is 403 before its fields are read, for every action', async () => {
    const f = await complaintOnPromotion(g, cp, '13800138202', '【示例】年终大促全场五折');
    const auth: Record<string, Record<string, string>> = { 'content-provider': cp.auth, admin: g.admin };
    for (const r of ['regulator', 'report-centre'] as const) auth[r] = { authorization: `Bearer ${(await g.app.auth.createToken(r, 'roles-test')).token}` };
    const BY: Record<string, string[]> = {
      forward: ['report-centre', 'admin', 'regulator'], investigate: ['content-provider', 'admin'], answer: ['content-provider', 'admin'],
      close: ['report-centre', 'admin', 'regulator'], reopen: ['report-centre', 'admin', 'regulator'], escalate: ['report-centre', 'regulator', 'admin'],
      withdraw: ['report-centre', 'admin'],
    };
    for (const [action, by] of Object.entries(BY)) {
      for (const role of Object.keys(auth).filter((r) => !by.includes(r))) {
        // a field of another action, a field the schema refuses, a finding that is none
        for (const extra of [{ text: 'x', finding: 'confirmed' }, { measures: 'none', bogus: 1 }, { finding: 'maybe' }]) {
          const r = await g.http.inject({ method: 'POST', url: `/v1/cases/${f.id}/transitions`, headers: auth[role], payload: { action, ...extra } });
          assert.equal(r.statusCode, 403, `${action} as ${role} with ${JSON.stringify(extra)}: ${r.body}`);
          assert.equal(r.json().error.code, 'forbidden');
        }
      }
    }
    // A caller the action is for still has its body checked: the provider answering without a text.
    const fwd = await g.http.inject({ method: 'POST', url: `/v1/cases/${f.id}/transitions`, headers: auth['report-centre'], payload: { action: 'forward' } });
    assert.equal(fwd.statusCode, 200, fwd.body);
    const ans = await g.http.inject({ method: 'POST', url: `/v1/cases/${f.id}/transitions`, headers: cp.auth, payload: { action: 'answer', finding: 'maybe' } });
    assert.equal(ans.statusCode, 400, ans.body);
    const unknown = await g.http.inject({ method: 'POST', url: `/v1/cases/${f.id}/transitions`, headers: cp.auth, payload: { action: 'approve' } });
    assert.equal(unknown.statusCode, 400, unknown.body);
  });
});
