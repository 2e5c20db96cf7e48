/**
 * An empty POST body with `content-type: application/json` (clients that set the header on every
 * request; `curl -X POST -H …` without `-d`) and a body `{}`: both are a 400 `invalid_request` whose
 * field is the first required one missing and whose message lists every one, so the caller learns
 * what to send at once. The empty body was refused by Fastify naming no field ("Body cannot be empty
 * when content-type is set to 'application/json'"), and `{}` named only the first field missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withGateway } from '../helpers/gateway.js';

test('an empty JSON body or {} on the main POST routes: 400 naming the missing fields', async () => {
  await withGateway(async (g, cp) => {
    const regulator = { authorization: `Bearer ${(await g.app.auth.createToken('regulator', 'inspector')).token}` };
    const routes: [string, Record<string, string>, string[]][] = [
      ['/v1/messages', cp.auth, ['from', 'to', 'text', 'type']],
      ['/v1/messages/batch', cp.auth, ['messages']],
      ['/v1/consents', cp.auth, ['msisdn', 'category', 'frequency', 'expiresAt']],
      ['/v1/consent-requests', cp.auth, ['from', 'to', 'category', 'frequency', 'durationDays']],
      ['/v1/complaints', {}, ['msisdn']],
      ['/v1/holds', g.admin, ['reason']],
      ['/v1/credit/entries', regulator, ['kind']],
      ['/v1/content-providers', g.admin, ['name', 'creditCode']],
      ['/v1/ports', g.admin, ['number', 'contentProviderId', 'kind']],
      ['/v1/dnd', g.admin, ['msisdns']],
      ['/v1/subscribers/13800138000/lift-opt-out', g.admin, ['contentProviderId', 'reason', 'evidence']],
      ['/v1/simulator/mo', {}, ['from', 'to', 'text']],
    ];
    const wrong: string[] = [];
    for (const [url, headers, fields] of routes) {
      for (const payload of [undefined, '', '{}']) {
        const r = await g.http.inject({ method: 'POST', url, headers: { ...headers, 'content-type': 'application/json' }, payload });
        const e = r.json().error ?? {};
        const ok = r.statusCode === 400 && e.code === 'invalid_request' && e.field === fields[0] && fields.every((f) => String(e.message).includes(f))
          && (fields.length === 1 || String(e.message).includes(`missing: ${fields.join(', ')}`));
        if (!ok) wrong.push(`${url} ${JSON.stringify(payload)}: ${r.statusCode} ${r.body}`);
      }
    }
    assert.deepEqual(wrong, []);
  });
});

test('an empty JSON body where a route takes none (or only optional fields) is no body, not a 400', async () => {
  await withGateway(async (g, cp) => {
    const json = { 'content-type': 'application/json' };
    const c = await g.http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn: '13800138000', category: 'promo', frequency: { count: 1, per: 'day' }, expiresAt: '2027-11-30T00:00:00Z' } });
    assert.equal(c.statusCode, 201, c.body);
    // a withdrawal without proof: its body schema has no required field
    const w = await g.http.inject({ method: 'DELETE', url: `/v1/consents/${c.json().id}`, headers: { ...cp.auth, ...json }, payload: '' });
    assert.equal(w.statusCode, 204, w.body);
    // a hold's release declares no body
    const h = await g.http.inject({ method: 'POST', url: '/v1/holds', headers: g.admin, payload: { msisdn: '13800138000', reason: 'court order' } });
    assert.equal(h.statusCode, 201, h.body);
    const rel = await g.http.inject({ method: 'POST', url: `/v1/holds/${h.json().id}/release`, headers: { ...g.admin, ...json }, payload: '' });
    assert.equal(rel.statusCode < 300, true, rel.body);
    // malformed JSON is still the parser's 400, and a prototype key still refused
    const bad = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: { ...cp.auth, ...json }, payload: '{"from":' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.code, 'invalid_request');
    const proto = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: { ...cp.auth, ...json }, payload: '{"__proto__":{"x":1}}' });
    assert.equal(proto.statusCode, 400);
  });
});

test('no body at all (curl -X POST or -X DELETE without -d, no content-type) is read as {}: the missing fields named, optional-only bodies taken', async () => {
  await withGateway(async (g, cp) => {
    // Fastify validated `undefined`: "body: must be object", naming nothing to send
    const noBody = async (method: 'POST' | 'DELETE', url: string, headers: Record<string, string>) => g.http.inject({ method, url, headers });
    const msg = await noBody('POST', '/v1/messages', cp.auth);
    assert.equal(msg.statusCode, 400, msg.body);
    assert.equal(msg.json().error.field, 'from');
    assert.match(msg.json().error.message, /missing: from, to, text, type/);
    const sig = (await g.http.inject({ method: 'GET', url: `/v1/content-providers/${cp.id}/signatures`, headers: g.admin })).json().signatures[0].id as string;
    const revoke = await noBody('DELETE', `/v1/content-providers/${cp.id}/signatures/${sig}`, g.admin);
    assert.equal(revoke.statusCode, 400, revoke.body);
    assert.equal(revoke.json().error.field, 'reason');
    // every field optional (the label): a key is issued with the default label
    const key = await noBody('POST', `/v1/content-providers/${cp.id}/api-keys`, g.admin);
    assert.equal(key.statusCode, 201, key.body);
    assert.match(key.json().apiKey, /^sgk_/);
  });
});

test('a JSON body that is not UTF-8 (GBK, as a Windows console on code page 936 sends it) → 400 invalid_request saying so, not signature_missing', async () => {
  await withGateway(async (g, cp) => {
    // 【示例】您的订单已发货 in GBK: each character two bytes that are not UTF-8
    const gbk = Buffer.from('a1becabedbfda1bfc4fab5c4b6a9b5a5d2d1b7a2bbf5', 'hex');
    const payload = Buffer.concat([Buffer.from('{"from":"10690001","to":"13800138000","type":"notification","text":"'), gbk, Buffer.from('"}')]);
    const r = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: { ...cp.auth, 'content-type': 'application/json' }, payload });
    assert.equal(r.statusCode, 400, r.body);
    assert.deepEqual([r.json().error.code, r.json().error.field], ['invalid_request', 'body']);
    assert.match(r.json().error.message, /not UTF-8/);
    // the same text in UTF-8 is taken
    const ok = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: { ...cp.auth, 'content-type': 'application/json' }, payload: { from: '10690001', to: '13800138000', type: 'notification', text: '【示例】您的订单已发货' } });
    assert.equal(ok.statusCode, 202, ok.body);
  });
});

test('a route that takes no body refuses one (400 naming its first field) and takes none, an empty one or {}', async () => {
  await withGateway(async (g, cp) => {
    const json = { 'content-type': 'application/json' };
    // it was ignored: a reason sent with a cancellation was silently dropped
    // each its own order: the same text to the number within 30 s is duplicate_content (content.duplicate)
    let order = 0;
    const scheduled = async () => {
      const m = await g.http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: '13800138000', type: 'notification', text: `【示例】您的订单${++order}已发货`, scheduledAt: new Date(g.clock.now() + 3_600_000).toISOString() } });
      assert.equal(m.statusCode, 202, m.body);
      return m.json().id as string;
    };
    const id = await scheduled();
    for (const [payload, field] of [[{ reason: 'x', note: 'y' }, 'reason'], [[1], 'body'], ['"x"', 'body'], [{ '': 1 }, '']] as const) {
      const r = await g.http.inject({ method: 'DELETE', url: `/v1/messages/${id}`, headers: { ...cp.auth, ...json }, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) });
      assert.equal(r.statusCode, 400, `${JSON.stringify(payload)}: ${r.body}`);
      assert.deepEqual([r.json().error.code, r.json().error.field], ['invalid_request', field], JSON.stringify(payload));
      assert.match(r.json().error.message, /takes no body/);
    }
    assert.equal((await g.http.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: cp.auth })).json().status, 'accepted', 'the refused cancel left the message');
    for (const payload of [undefined, '', ' ', '{}', ' { } ']) {
      const r = await g.http.inject({ method: 'DELETE', url: `/v1/messages/${await scheduled()}`, headers: payload === undefined ? cp.auth : { ...cp.auth, ...json }, payload });
      assert.equal(r.statusCode < 300, true, `${JSON.stringify(payload)}: ${r.body}`);
    }
    // an act that may say why takes {reason}, records it, and refuses anything else in its body
    const hold = async () => (await g.http.inject({ method: 'POST', url: '/v1/holds', headers: g.admin, payload: { msisdn: '13800138000', reason: 'court order' } })).json().id as string;
    const h = await hold();
    const bad = await g.http.inject({ method: 'POST', url: `/v1/holds/${h}/release`, headers: { ...g.admin, ...json }, payload: JSON.stringify({ reason: 'x', note: 'y' }) });
    assert.deepEqual([bad.statusCode, bad.json().error?.field], [400, 'note'], bad.body);
    const released = await g.http.inject({ method: 'POST', url: `/v1/holds/${h}/release`, headers: { ...g.admin, ...json }, payload: JSON.stringify({ reason: 'case closed (ref 2026-77)' }) });
    assert.equal(released.statusCode, 200, released.body);
    const audit = (await g.store.records.queryRecords({ kind: 'audit', limit: 50 })).records.map((r) => r.body as { action: string; holdId?: string; reason?: string });
    assert.deepEqual(audit.filter((a) => a.action === 'records.hold_release').map((a) => [a.holdId, a.reason]), [[h, 'case closed (ref 2026-77)']]);
    for (const payload of [undefined, '', '{}']) {
      const r = await g.http.inject({ method: 'POST', url: `/v1/holds/${await hold()}/release`, headers: payload === undefined ? g.admin : { ...g.admin, ...json }, payload });
      assert.equal(r.statusCode, 200, `${JSON.stringify(payload)}: ${r.body}`);
    }
    // a route that reads its own body (12321 reports, a JSON array) still takes it
    const rc = { authorization: `Bearer ${(await g.app.auth.createToken('report-centre', '12321')).token}` };
    const rep = await g.http.inject({ method: 'POST', url: '/v1/reports', headers: rc, payload: [{ reference: 'R-1', msisdn: '13800138000', text: '【示例】x' }] });
    assert.equal(rep.statusCode, 200, rep.body);
  });
});

test('malformed JSON says where it breaks (line and column), never quoting the body; a prototype key says so', async () => {
  await withGateway(async (g, cp) => {
    const json = { ...cp.auth, 'content-type': 'application/json' };
    const post = async (payload: string) => (await g.http.inject({ method: 'POST', url: '/v1/messages', headers: json, payload })).json().error;
    // Fastify said "Body is not valid JSON but content-type is set to 'application/json'", and no field
    const cut = await post('{"from":');
    assert.equal(cut.field, 'body');
    assert.match(cut.message, /^body: not valid JSON: Unexpected end of JSON input$/);
    // a trailing comma on the second line of a body typed across lines, a number in it not repeated
    const comma = await post('{"from":"10690001",\n "to":"13800138000",}');
    assert.equal(comma.field, 'body');
    assert.match(comma.message, /^body: not valid JSON at line 2, column 21: /);
    assert.doesNotMatch(comma.message, /13800138000/);
    const proto = await post('{"__proto__":{"x":1}}');
    assert.equal(proto.message, 'body: a key __proto__ or constructor.prototype is not accepted');
  });
});
