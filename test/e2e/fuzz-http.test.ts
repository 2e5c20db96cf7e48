/**
 * Property test: no input crashes the server or leaves a half-written record. Random and
 * half-valid bodies go to every spine route; every answer is a 2xx or a 4xx with a catalogued code,
 * and the records hold exactly one row for each submission that reported an id.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { gatewaySuite } from '../helpers/gateway.js';
import { ERROR_CODES } from '../../src/domain/errors.js';

const { g, cp } = gatewaySuite();

const field = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('10690001', '10690002', '13800138000', '+8613800138000', '【示例】您好', 'verification', 'notification', 'commercial', 'public_welfare', 'promo', '退订', ''),
  fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.object({ maxDepth: 1 }),
);
const messageish = fc.record({ from: field, to: field, text: field, type: field, category: field, clientRef: field }, { requiredKeys: [] });
const body = fc.oneof(messageish, fc.jsonValue({ maxDepth: 3 }), fc.record({ messages: fc.array(fc.oneof(messageish, fc.jsonValue({ maxDepth: 2 })), { maxLength: 20 }) }));
const routes = [
  ['POST', '/v1/messages'], ['POST', '/v1/messages/batch'], ['POST', '/v1/consents'], ['POST', '/v1/content-providers'],
  ['POST', '/v1/ports'], ['PATCH', '/v1/content-providers/x'], ['POST', '/v1/simulator/mo'], ['POST', '/v1/simulator/clock'], ['GET', '/v1/records'],
] as const;
const codes = new Set<string>(ERROR_CODES);

test('random bodies on every route: never 5xx, always a catalogued code, records match reported ids', async () => {
  let reportedIds = 0;
  const before = (await g.store.records.queryRecords({ limit: 1_000_000, kind: 'mt' } as never)).records.filter((r) => r.kind === 'mt' && (r.body as { channel?: string }).channel !== 'system').length;
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...routes), body, fc.constantFrom('provider', 'admin', 'none', 'garbage'), fc.boolean(), async ([method, url], payload, who, raw) => {
      const headers: Record<string, string> = who === 'provider' ? { ...cp.auth } : who === 'admin' ? { ...g.admin } : who === 'garbage' ? { authorization: 'Bearer \u0000\u00ff' } : {};
      // A query value from the random body: JSON for anything but a string (String() throws on an
      // object whose toString is not a function, which the generator makes now and then).
      const to = (payload as Record<string, unknown> | null)?.to ?? 'x';
      const res = await g.http.inject({
        method, url: method === 'GET' ? `${url}?limit=${encodeURIComponent(typeof to === 'string' ? to : JSON.stringify(to))}` : url, headers: { ...headers, 'content-type': 'application/json' },
        payload: method === 'GET' ? undefined : raw ? JSON.stringify(payload).slice(0, Math.max(1, JSON.stringify(payload).length - 1)) : JSON.stringify(payload),
      });
      assert.ok(res.statusCode < 500, `${method} ${url} → ${res.statusCode} ${res.body}`);
      const j = res.json();
      if (res.statusCode >= 400) assert.ok(codes.has(j.error?.code), `uncatalogued: ${res.body}`);
      if (url === '/v1/messages' && j.id) reportedIds++;
      if (url === '/v1/messages/batch' && Array.isArray(j.results)) reportedIds += j.results.filter((r: { id?: string }) => r.id).length;
    }),
    { numRuns: 400 },
  );
  const after = (await g.store.records.queryRecords({ limit: 1_000_000 } as never)).records.filter((r) => r.kind === 'mt' && (r.body as { channel?: string }).channel !== 'system').length;
  assert.equal(after - before, reportedIds);
});
