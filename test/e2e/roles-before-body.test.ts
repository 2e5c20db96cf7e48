/**
 * A caller without the right to a write route is refused for its role (403 forbidden) before its body
 * is read: a provider sending `{}` to POST /v1/subscribers/{msisdn}/lift-opt-out got a 400 listing
 * the fields an admin's lift takes (audit 2026-12-07). Each route here is one whose use case admits
 * fixed roles (src/app/access.ts, ROLES); for each, a role it refuses sends an empty body, a body
 * the schema refuses and a body that is not JSON at all, and gets 403 each time; without a token, 401.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { gatewaySuite } from '../helpers/gateway.js';

type Role = 'cp' | 'regulator' | 'report-centre' | 'admin';
/** method, url, the roles that route refuses. */
const ROUTES: [string, string, Role[]][] = [
  ['POST', '/v1/subscribers/13800138000/lift-opt-out', ['cp', 'regulator', 'report-centre']],
  ['POST', '/v1/dnd', ['cp', 'regulator', 'report-centre']],
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
