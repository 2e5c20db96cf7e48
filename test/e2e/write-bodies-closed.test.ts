/**
 * Every write route refuses a body field it does not know (400 invalid_request naming it), so a
 * misspelt optional field (`categroy`, `statusURL`, `recievedAt`) is never dropped in silence. Two
 * mechanisms give the one answer: the route's schema (`additionalProperties: false`, named by the error
 * handler, src/http/errors.ts), or, where every door shares the check, the use case itself (a message,
 * a replacement, a proof, a frequency). This holds the whole OpenAPI document to it, so a route added
 * later with an open body fails here rather than in a client's lost field.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { startTestGateway, onboard, type TestGateway, type Provider } from '../helpers/gateway.js';
import { wholeApiApp } from '../helpers/whole-api.js';

type Schema = { type?: string | string[]; properties?: Record<string, Schema>; items?: Schema; additionalProperties?: unknown; anyOf?: Schema[]; oneOf?: Schema[]; allOf?: Schema[] };

/**
 * The objects of a documented request body the schema leaves open, and why each may be: the use case
 * refuses an unknown key there itself (its door-independent check), or the object is a record kept as
 * given, not fields. A new open object is a route that drops a misspelt field.
 */
const OPEN_ON_PURPOSE: Readonly<Record<string, string>> = {
  'POST /v1/messages $': 'validateSubmitInput (src/app/validate.ts), shared with batch items and SMPP',
  'PATCH /v1/messages/{id} $': 'validateReplaceInput (src/app/validate.ts)',
  'POST /v1/consents $/frequency': 'parseFrequency (src/app/consents.ts)',
  'POST /v1/consents $/proof': 'parseProof (src/app/consents.ts)',
  'DELETE /v1/consents/{id} $/proof': 'parseProof (src/app/consents.ts)',
  'POST /v1/consent-requests $/frequency': 'parseConsentRequest (src/app/consent-requests.ts)',
  'POST /v1/subscribers/{msisdn}/lift-opt-out $/evidence': 'parseProof (src/app/consents.ts)',
  'POST /v1/credit/entries $/evidence': 'a regulator\'s evidence, recorded as given (linked ids, months, counts): not fields',
};

/** Paths (`$/proof`, `$/measures[]`) of the objects in `s` that do not set `additionalProperties: false`. */
function openObjects(s: Schema | undefined, at = '$', out: string[] = []): string[] {
  if (!s || typeof s !== 'object') return out;
  const isObject = s.type === 'object' || (Array.isArray(s.type) && s.type.includes('object')) || s.properties !== undefined;
  if (isObject && s.additionalProperties !== false) out.push(at);
  for (const [k, v] of Object.entries(s.properties ?? {})) openObjects(v, `${at}/${k}`, out);
  if (s.items) openObjects(s.items, `${at}[]`, out);
  for (const alt of [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])]) openObjects(alt, at, out);
  return out;
}

let g: TestGateway;
let http: FastifyInstance;
let cp: Provider;

before(async () => {
  g = await startTestGateway();
  http = await wholeApiApp(g);
  cp = await onboard(g);
});
after(async () => {
  await http.close();
  await g.close();
});

test('every documented request body is closed (additionalProperties: false), but where the use case refuses an unknown key itself', async () => {
  const spec = (await http.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: Schema }> } }>> };
  const open: string[] = [];
  let bodies = 0;
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const body = op.requestBody?.content?.['application/json']?.schema;
      if (!body) continue;
      bodies++;
      for (const at of openObjects(body)) open.push(`${method.toUpperCase()} ${path} ${at}`);
    }
  }
  assert.ok(bodies > 30, `the document's request bodies were read (${bodies})`);
  assert.deepEqual(open.filter((o) => !(o in OPEN_ON_PURPOSE)), [], 'a body object that drops a field it does not know');
});

test('the bodies left open to the use case refuse an unknown key there, naming it as the schema would', async () => {
  const proof = { channel: 'web', reference: 'form-1', capturedAt: '2026-11-01T00:00:00Z' };
  const consent = { msisdn: '13800138111', category: 'promo', frequency: { count: 10, per: 'month' }, expiresAt: '2027-06-01T00:00:00Z', proof };
  const c = await http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: consent });
  assert.equal(c.statusCode, 201, c.body);
  const m = await http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: '13800138000', text: '【示例】您的验证码是1234', type: 'verification', scheduledAt: '2026-12-20T10:00:00+08:00' } });
  assert.equal(m.statusCode, 202, m.body);
  const request = { from: '10690002', to: '13800138113', category: 'promo', frequency: { count: 4, per: 'month' }, durationDays: 180 };
  const lift = { contentProviderId: cp.id, reason: '用户来电要求恢复', evidence: proof };
  const cases: [string, string, Record<string, string>, Record<string, unknown>, string][] = [
    ['POST', '/v1/messages', cp.auth, { from: '10690001', to: '13800138000', text: '【示例】您的验证码是1234', type: 'verification', categroy: 'x' }, 'categroy'],
    ['PATCH', `/v1/messages/${m.json().id}`, cp.auth, { text: '【示例】您的验证码是1235', validuntil: null }, 'validuntil'],
    ['POST', '/v1/consents', cp.auth, { ...consent, msisdn: '13800138112', frequency: { count: 10, per: 'month', perDay: 1 } }, 'frequency/perDay'],
    ['POST', '/v1/consents', cp.auth, { ...consent, msisdn: '13800138112', proof: { ...proof, url: 'https://x' } }, 'proof/url'],
    ['DELETE', `/v1/consents/${c.json().id}`, cp.auth, { proof: { ...proof, note: 'x' } }, 'proof/note'],
    ['POST', '/v1/consent-requests', cp.auth, { ...request, frequency: { count: 4, per: 'month', days: 1 } }, 'frequency/days'],
    ['POST', '/v1/subscribers/13800138114/lift-opt-out', g.admin, { ...lift, evidence: { ...proof, note: 'x' } }, 'evidence/note'],
  ];
  for (const [method, url, headers, payload, field] of cases) {
    const r = await http.inject({ method: method as 'POST', url, headers, payload });
    assert.equal(r.statusCode, 400, `${method} ${url}: ${r.body}`);
    assert.deepEqual([r.json().error.code, r.json().error.field], ['invalid_request', field], `${method} ${url}`);
    assert.match(r.json().error.message, new RegExp(`^${field}: unknown field`), `${method} ${url}`);
  }
});

test('an unknown body field near one its object takes and lacks (a misspelt optional field) is answered with the field it likely meant', async () => {
  const proof = { channel: 'web', reference: 'form-1', capturedAt: '2026-11-01T00:00:00Z' };
  const consent = { msisdn: '13800138123', category: 'promo', frequency: { count: 10, per: 'month' }, expiresAt: '2027-06-01T00:00:00Z' };
  // [url, body, field, message]: before, `proff: unknown field` alone
  const cases: [string, unknown, string, string][] = [
    ['/v1/consents', { ...consent, proff: proof }, 'proff', 'proff: unknown field (did you mean proof?)'],
    // nothing near: as before
    ['/v1/consents', { ...consent, colour: 'red' }, 'colour', 'colour: unknown field'],
    // its right spelling sent beside it: not a misspelling of it
    ['/v1/consents', { ...consent, proof, proff: proof }, 'proff', 'proff: unknown field'],
  ];
  for (const [url, payload, field, message] of cases) {
    const r = await http.inject({ method: 'POST', url, headers: cp.auth, payload: payload as Record<string, unknown> });
    assert.equal(r.statusCode, 400, `${url}: ${r.body}`);
    assert.deepEqual(r.json().error, { code: 'invalid_request', field, message }, `${url} ${JSON.stringify(payload)}`);
  }
});

test('a required field missing beside one the schema does not know (a misspelt required field): the answer names both, the missing field first as before', async () => {
  const proof = { channel: 'web', reference: 'form-1', capturedAt: '2026-11-01T00:00:00Z' };
  const consent = { msisdn: '13800138121', category: 'promo', frequency: { count: 10, per: 'month' }, expiresAt: '2027-06-01T00:00:00Z', proof };
  const sig = '【示例】';
  // [method, url, headers, body, field (the missing one, as before), message: what it said before + what is appended]
  const cases: [string, string, Record<string, string>, unknown, string, string, string][] = [
    ['POST', '/v1/dnd', g.admin, { msisdn: ['13800138000'] }, 'msisdns', "msisdns: must have required property 'msisdns'", ' (unknown field: msisdn, did you mean msisdns?)'],
    ['POST', `/v1/content-providers/${cp.id}/signatures`, g.admin, { signatur: sig }, 'signature', "signature: must have required property 'signature'", ' (unknown field: signatur, did you mean signature?)'],
    ['POST', '/v1/signatures', cp.auth, { signatur: sig }, 'signature', "signature: must have required property 'signature'", ' (unknown field: signatur, did you mean signature?)'],
    // nothing close: only named
    ['POST', '/v1/dnd', g.admin, { numbers: ['13800138000'], source: 'x' }, 'msisdns', "msisdns: must have required property 'msisdns'", ' (unknown field: numbers)'],
    // a body of many: the first five named
    ['POST', '/v1/dnd', g.admin, { a: 1, b: 1, c: 1, d: 1, e: 1, f: 1, g: 1 }, 'msisdns', "msisdns: must have required property 'msisdns'", ' (unknown fields: a; b; c; d; e; and 2 more)'],
    // every missing field listed as before, then every unknown one
    ['POST', '/v1/messages', cp.auth, { form: '10690001', to: '13800138000', text: '【示例】您的验证码是1234', tpye: 'verification' }, 'from', "from: must have required property 'from' (missing: from, type)", ' (unknown fields: form, did you mean from?; tpye, did you mean type?)'],
    // nested: a consent's frequency, a proof (open in the schema, closed by parseProof)
    ['POST', '/v1/consents', cp.auth, { ...consent, frequency: { count: 10, pr: 'month' } }, 'frequency/per', "frequency/per: must have required property 'per'", ' (unknown field: frequency/pr, did you mean per?)'],
    ['POST', '/v1/consents', cp.auth, { ...consent, proof: { channel: 'web', refrence: 'form-1', capturedAt: '2026-11-01T00:00:00Z' } }, 'proof/reference', "proof/reference: must have required property 'reference'", ' (unknown field: proof/refrence, did you mean reference?)'],
    // a field sent beside its right spelling is not a misspelling of it: named, nothing suggested
    ['POST', '/v1/consents', cp.auth, { ...consent, frequency: { per: 'month', pre: 'week' } }, 'frequency/count', "frequency/count: must have required property 'count'", ' (unknown field: frequency/pre)'],
  ];
  for (const [method, url, headers, payload, field, before, added] of cases) {
    const r = await http.inject({ method: method as 'POST', url, headers, payload: payload as Record<string, unknown> });
    assert.equal(r.statusCode, 400, `${method} ${url}: ${r.body}`);
    assert.deepEqual(r.json().error, { code: 'invalid_request', field, message: before + added }, `${method} ${url} ${JSON.stringify(payload)}`);
  }
  // a required field missing with no unknown one beside it: the answer is as it was
  const plain = await http.inject({ method: 'POST', url: '/v1/dnd', headers: g.admin, payload: { source: 'x' } });
  assert.deepEqual(plain.json().error, { code: 'invalid_request', field: 'msisdns', message: "msisdns: must have required property 'msisdns'" });
  // a batch item: validateSubmitInput names the unknown field first, as it did, and now the field it may have meant
  const b = await http.inject({ method: 'POST', url: '/v1/messages/batch', headers: cp.auth, payload: { messages: [{ form: '10690001', to: '13800138000', text: '【示例】您的验证码是1234', type: 'verification' }] } });
  const item = (b.json() as { results: { error?: { field?: string; message?: string } }[] }).results[0].error;
  assert.equal(item?.field, 'messages/0/form', b.body);
  assert.equal(item?.message, 'messages/0/form: unknown field (a message is {from, to, text, type, category?, clientRef?, registeredDelivery?, validUntil?, scheduledAt?, chargedServiceId?}) (did you mean from?)');
  // a replacement: its schema requires the text, so the schema's answer, as above
  const m = await http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: '13800138122', text: '【示例】您的验证码是1234', type: 'verification', scheduledAt: '2026-12-20T10:00:00+08:00' } });
  assert.equal(m.statusCode, 202, m.body);
  const p = await http.inject({ method: 'PATCH', url: `/v1/messages/${m.json().id}`, headers: cp.auth, payload: { txt: '【示例】您的验证码是1235' } });
  assert.deepEqual(p.json().error, { code: 'invalid_request', field: 'text', message: "text: must have required property 'text' (unknown field: txt, did you mean text?)" });
});
