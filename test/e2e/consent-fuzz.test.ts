/**
 * Property test for the consent routes and replies: random and half-valid bodies never crash the
 * server (no 5xx, always a catalogued code), every request reported as created has exactly one
 * `consent_requested` record and one queued message, and no random reply ever grants consent unless
 * it is one of the four yes words.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { gatewaySuite } from '../helpers/gateway.js';
import { ERROR_CODES } from '../../src/domain/errors.js';
import { foldAnswer, GRANT_REPLIES } from '../../src/domain/consent-reply.js';

const { g, cp } = gatewaySuite();

const codes = new Set<string>(ERROR_CODES);
const field = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom('10690001', '10690002', '10690003', '13800138000', '+8613800138000', 'promo', '【示例】会员促销，每月不超过4条，有效期30天，同意请回复是', '', 'day', 'week', 'month'),
  fc.integer({ min: -5, max: 5000 }), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string({ maxLength: 12 }), { maxLength: 4 }), fc.object({ maxDepth: 1 }),
);
const number = fc.integer({ min: 0, max: 9999 }).map((i) => `1370000${String(i).padStart(4, '0')}`);
const requestish = fc.record({
  from: fc.oneof(fc.constant('10690002'), field), to: fc.oneof(number, field), category: fc.oneof(fc.constantFrom('promo', '会员促销'), field),
  frequency: fc.oneof(fc.record({ count: fc.oneof(fc.integer({ min: 1, max: 10 }), field), per: fc.oneof(fc.constantFrom('day', 'week', 'month'), field) }), field),
  durationDays: fc.oneof(fc.constantFrom(30, 180), field), text: fc.oneof(fc.constant(undefined), field),
}, { requiredKeys: [] });
const body = fc.oneof(requestish, fc.jsonValue({ maxDepth: 3 }), fc.record({ msisdns: fc.oneof(fc.array(fc.oneof(number, field), { maxLength: 10 }), field), source: field }, { requiredKeys: [] }), fc.record({ phrases: fc.oneof(fc.array(field, { maxLength: 5 }), field) }));
const routes = [
  ['POST', '/v1/consent-requests'], ['POST', '/v1/consent-requests'], ['GET', '/v1/consent-requests/creq_x'], ['POST', '/v1/dnd'],
  ['PUT', '/v1/refusal-phrases'], ['GET', '/v1/subscribers/13700000001'], ['GET', '/v1/subscribers/%E4%BD%A0%20x/consents'], ['GET', '/v1/subscribers/13700000001/consents'],
] as const;

test('random bodies on the consent routes: never 5xx, catalogued codes, one record and one message per created request', async () => {
  const created: string[] = [];
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...routes), body, fc.constantFrom('provider', 'admin', 'none'), async ([method, url], payload, who) => {
      const headers: Record<string, string> = who === 'provider' ? { ...cp.auth } : who === 'admin' ? { ...g.admin } : {};
      const res = await g.http.inject({ method, url, headers: { ...headers, 'content-type': 'application/json' }, payload: method === 'GET' ? undefined : JSON.stringify(payload ?? null) });
      assert.ok(res.statusCode < 500, `${method} ${url} → ${res.statusCode} ${res.body}`);
      if (res.statusCode >= 400) assert.ok(codes.has(res.json().error?.code), `uncatalogued: ${res.body}`);
      if (url === '/v1/consent-requests' && res.statusCode === 202) created.push(res.json().id);
    }),
    { numRuns: 300 },
  );
  for (const id of created) {
    const r = await g.store.consents.getConsentRequest(id);
    assert.ok(r);
    assert.equal(r.history.filter((h) => h.kind === 'consent_requested').length, 1);
    assert.ok(await g.store.messages.getMessage(r.request.messageId), 'the request message is queued');
  }
  assert.equal((await g.store.consents.unsentConsentRequests(10)).length, 0);
});

test('random replies to a pending request: only the four yes words grant; nothing crashes', async () => {
  const yes = new Set(GRANT_REPLIES.map(foldAnswer));
  let i = 0;
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('是', 'Y', 'yes', '否', 'N', 'TD', '好的', '别再发了', '是的', 'YESS', '同 意')), async (text) => {
      const to = `1390000${String(i++).padStart(4, '0')}`;
      const r = await g.http.inject({ method: 'POST', url: '/v1/consent-requests', headers: cp.auth, payload: { from: '10690002', to, category: 'fuzz', frequency: { count: 1, per: 'week' }, durationDays: 7 } });
      assert.equal(r.statusCode, 202, r.body);
      const mo = await g.http.inject({ method: 'POST', url: '/v1/simulator/mo', payload: { from: to, to: '10690002', text } });
      assert.ok(mo.statusCode < 500);
      const granted = mo.json().action === 'consent_granted';
      assert.equal(granted, yes.has(foldAnswer(text)), `${JSON.stringify(text)} → ${mo.json().action}`);
    }),
    { numRuns: 150 },
  );
});
