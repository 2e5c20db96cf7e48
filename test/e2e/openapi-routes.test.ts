/**
 * The OpenAPI document an integrator reads (GET /docs/json) against what the gateway really serves:
 * every route registered is documented with its method and path parameters and vice versa (the pages,
 * the document itself and /metrics aside), every operation documents its error answers in the error
 * format, and real rejections of each kind (400, 401, 403, 404, 409, 413, 415, 422, 429) validate
 * against the schema documented for their status, naming a catalogued code, and the rule and article
 * where one applies (a refusal by role or for another provider's data included).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { startTestGateway, onboard, OTHER_PROVIDER, ADMIN_TOKEN, type TestGateway, type Provider } from '../helpers/gateway.js';
import { documentedAnswers, schemaErrors, unlisted } from '../helpers/schema-coverage.js';
import { wholeApiApp } from '../helpers/whole-api.js';
import { buildHttpApp } from '../../src/http/app.js';
import { ERROR_CODES } from '../../src/domain/errors.js';
import { SUBMIT_LIMITS } from '../../src/app/validate.js';
import { boundSaid } from '../../src/http/schemas.js';
import { REGISTRY_LIMITS } from '../../src/app/onboarding.js';
import { CALLBACK_URL_MAX } from '../../src/app/callbacks.js';
import { CONSENT_LIMITS } from '../../src/app/consents.js';
import { CONSENT_REQUEST_LIMITS } from '../../src/app/consent-requests.js';
import { LIFT_LIMITS } from '../../src/app/consent-lift-opt-out.js';
import { DND_REMOVE_LIMITS, DND_SOURCE_LIMITS } from '../../src/app/consent-dnd.js';
import { PHRASE_LIMITS } from '../../src/app/consent-settings.js';
import { COMPLAINT_LIMITS } from '../../src/app/complaint-intake.js';
import { CASE_LIMITS } from '../../src/app/case-workflow.js';
import { CREDIT_ENTRY_LIMITS } from '../../src/app/credit.js';
import { SMPP_CREDENTIAL_LIMITS } from '../../src/smpp/server/credentials.js';

type Op = { parameters?: { in: string; name: string; required?: boolean }[]; requestBody?: unknown; responses?: Record<string, { content?: Record<string, { schema?: any }> }> };
type Spec = { paths: Record<string, Record<string, Op>> };

/** Routes served on purpose outside the document: the document and its UI, the pages, Prometheus text. */
const UNDOCUMENTED = /^(\/docs(\/|$)|\/web(\/|$)|\/metrics$|\/favicon\.ico$)/;

/**
 * Every `METHOD /path` the app serves (HEAD aside: Fastify adds one to each GET), from Fastify's own
 * route tree (`printRoutes({commonPrefix: false})`: one node a line, each a segment of its parent's
 * path), path parameters spelt as OpenAPI spells them (`{id}`).
 */
export function servedRoutes(http: FastifyInstance): Set<string> {
  const out = new Set<string>();
  const stack: string[] = [];
  for (const line of http.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^((?:[│ ] {3})*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1].length / 4;
    stack.length = depth;
    const path = (stack[depth - 1] ?? '') + m[2];
    stack.push(path);
    if (!m[3] || path.includes('*')) continue;
    for (const method of m[3].split(', ')) if (method !== 'HEAD') out.add(`${method} ${path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
  }
  return out;
}

let g: TestGateway;
let http: FastifyInstance;
let spec: Spec;
let cp: Provider;
let other: Provider;

before(async () => {
  g = await startTestGateway();
  // Every route group main.ts serves, the simulator's and the plugins' included.
  http = await wholeApiApp(g);
  spec = (await http.inject({ method: 'GET', url: '/docs/json' })).json();
  cp = await onboard(g);
  other = await onboard(g, OTHER_PROVIDER);
});
after(async () => {
  await http.close();
  await g.close();
});

const documented = (): Set<string> => new Set(Object.entries(spec.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)));

test('the route tree is read: the known routes are there, and one not served is not', () => {
  const served = servedRoutes(http);
  for (const r of ['POST /v1/messages', 'GET /v1/messages/{id}', 'DELETE /v1/content-providers/{id}/api-keys/{keyId}', 'POST /v1/credit/entries/{id}/publish', 'GET /v1/templates', 'GET /healthz']) assert.ok(served.has(r), r);
  assert.ok(!served.has('PUT /v1/messages'));
  assert.ok(served.size > 60, String(served.size));
});

test('every route served is in the OpenAPI document with its method, and every documented operation is served', () => {
  const served = [...servedRoutes(http)].filter((r) => !UNDOCUMENTED.test(r.split(' ')[1]));
  const doc = documented();
  assert.deepEqual(served.filter((r) => !doc.has(r)).sort(), [], 'served but not documented');
  assert.deepEqual([...doc].filter((r) => !served.includes(r)).sort(), [], 'documented but not served');
});

test('every documented operation declares each of its path parameters, required, and no other', () => {
  const wrong: string[] = [];
  for (const [path, ops] of Object.entries(spec.paths)) {
    const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
    for (const [method, op] of Object.entries(ops)) {
      const params = (op.parameters ?? []).filter((p) => p.in === 'path');
      const names = params.map((p) => p.name).sort();
      if (JSON.stringify(names) !== JSON.stringify(inPath)) wrong.push(`${method.toUpperCase()} ${path}: declares ${names.join(',') || 'none'}`);
      for (const p of params) if (p.required !== true) wrong.push(`${method.toUpperCase()} ${path}: ${p.name} not required`);
    }
  }
  assert.deepEqual(wrong, []);
});

/** The schema documented for `status` of one operation: its own code, else `4XX`/`5XX`. */
function documentedError(path: string, method: string, status: number): any {
  const responses = spec.paths[path]?.[method]?.responses ?? {};
  const r = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses[`${String(status)[0]}xx`];
  return r?.content?.['application/json']?.schema;
}

test('every operation that can refuse documents its refusals in the error format ({error:{code,message,rule?,article?,…}})', () => {
  const wrong: string[] = [];
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const errors = Object.entries(op.responses ?? {}).filter(([code]) => /^[45]/.test(code));
      // liveness (and `/`, which says where things are) answers 200 whenever the process does; readiness documents its own 503
      if (path === '/' || path === '/healthz' || path === '/readyz') continue;
      if (!errors.some(([code]) => /^4/.test(code))) wrong.push(`${method.toUpperCase()} ${path}: no 4xx documented`);
      for (const [code, r] of errors) {
        const s = r.content?.['application/json']?.schema;
        const e = s?.properties?.error;
        if (!e || !['code', 'message'].every((k) => e.required?.includes(k)) || !['rule', 'article', 'field'].every((k) => e.properties?.[k])) wrong.push(`${method.toUpperCase()} ${path} ${code}: not the error format`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});

test('real rejections validate against the schema documented for their status, with a catalogued code, and the rule and article of a refusal by role or ownership', async () => {
  const regulator = { authorization: `Bearer ${(await g.app.auth.createToken('regulator', 'inspector')).token}` };
  const json = { 'content-type': 'application/json' };
  const msg = (await http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: '13800138000', text: '【示例】您的验证码是123456。', type: 'verification' } })).json();
  // [method, url, headers, payload, OpenAPI path, status, code, rule expected]
  const cases: [string, string, Record<string, string> | undefined, unknown, string, number, string, string?][] = [
    ['POST', '/v1/messages', cp.auth, {}, '/v1/messages', 400, 'invalid_request'],
    // a field beside a batch's messages (an idempotency key put in the body): refused, not dropped
    ['POST', '/v1/messages/batch', cp.auth, { messages: [{ from: '10690001', to: '13800138001', text: '【示例】您的验证码是123456。', type: 'verification' }], idempotencyKey: 'k' }, '/v1/messages/batch', 400, 'invalid_request'],
    ['POST', '/v1/messages', undefined, { from: '10690001' }, '/v1/messages', 401, 'unauthorized'],
    ['POST', '/v1/messages', { authorization: 'Bearer sgk_nope' }, {}, '/v1/messages', 401, 'unauthorized'],
    // a role the route's use case does not admit: refused before the body is read, naming the access rule
    ['POST', '/v1/messages', g.admin, { from: '10690001' }, '/v1/messages', 403, 'forbidden', 'access.role'],
    ['POST', '/v1/dnd', cp.auth, { numbers: ['13800138000'] }, '/v1/dnd', 403, 'forbidden', 'access.role'],
    ['POST', '/v1/credit/entries/ce_x/publish', cp.auth, undefined, '/v1/credit/entries/{id}/publish', 403, 'forbidden', 'access.role'],
    ['POST', '/v1/upstream-links/simulator/stop', regulator, undefined, '/v1/upstream-links/{name}/stop', 403, 'forbidden', 'access.role'],
    // another provider's data
    ['GET', `/v1/content-providers/${other.id}`, cp.auth, undefined, '/v1/content-providers/{id}', 403, 'forbidden', 'access.own-data'],
    ['GET', `/v1/messages/${msg.id}`, other.auth, undefined, '/v1/messages/{id}', 403, 'forbidden', 'access.own-data'],
    ['DELETE', `/v1/messages/${msg.id}`, other.auth, undefined, '/v1/messages/{id}', 403, 'forbidden', 'access.own-data'],
    ['GET', `/v1/usage?contentProviderId=${other.id}`, cp.auth, undefined, '/v1/usage', 403, 'forbidden', 'access.own-data'],
    ['GET', `/v1/records?contentProviderId=${other.id}`, cp.auth, undefined, '/v1/records', 403, 'forbidden', 'access.own-data'],
    ['GET', `/v1/content-providers/${other.id}/api-keys`, cp.auth, undefined, '/v1/content-providers/{id}/api-keys', 403, 'forbidden', 'access.own-data'],
    ['GET', '/v1/messages/msg_nope', cp.auth, undefined, '/v1/messages/{id}', 404, 'not_found'],
    ['GET', '/v1/content-providers/cp_nope', g.admin, undefined, '/v1/content-providers/{id}', 404, 'not_found'],
    ['POST', '/v1/ports', g.admin, { number: '10690001', contentProviderId: cp.id, kind: 'service' }, '/v1/ports', 409, 'conflict'],
    ['POST', '/v1/messages', cp.auth, { from: '10699999', to: '13800138000', text: '【示例】您的验证码是123456。', type: 'verification' }, '/v1/messages', 422, 'unknown_port', 'sender.port-exists'],
    ['POST', '/v1/messages', cp.auth, { from: '10690001', to: '13800138000', text: '【示例】您的验证码是654321。', type: 'verification' }, '/v1/messages', 422, 'frequency_exceeded', 'verification.frequency'],
    // a number refused in a filter or the simulator's outbox names its rule as a submission's does
    ['GET', '/v1/cases?msisdn=12345', g.admin, undefined, '/v1/cases', 422, 'invalid_msisdn', 'recipient.msisdn'],
    ['GET', '/v1/simulator/outbox?to=12345', undefined, undefined, '/v1/simulator/outbox', 422, 'invalid_msisdn', 'recipient.msisdn'],
  ];
  const wrong: string[] = [];
  for (const [method, url, headers, payload, path, status, code, rule] of cases) {
    const r = await http.inject({ method: method as 'GET', url, headers: payload === undefined ? headers : { ...json, ...headers }, ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }) });
    const what = `${method} ${url} (${headers === cp.auth ? 'cp' : headers === other.auth ? 'other' : headers === g.admin ? 'admin' : headers === regulator ? 'regulator' : 'none'})`;
    if (r.statusCode !== status) { wrong.push(`${what}: ${r.statusCode} ${r.body}`); continue; }
    const body = r.json();
    if (!(ERROR_CODES as readonly string[]).includes(body.error?.code) || body.error.code !== code) wrong.push(`${what}: code ${body.error?.code}, wanted ${code}`);
    const schema = documentedError(path, method.toLowerCase(), status);
    if (!schema) { wrong.push(`${what}: ${status} not documented`); continue; }
    for (const e of [...schemaErrors(schema, body), ...unlisted(schema, body)]) wrong.push(`${what}: ${e}`);
    // RFC 9110 §11.6.1: a 401 names the scheme that would do (an HTTP client retries with credentials on it)
    if (status === 401 && r.headers['www-authenticate'] !== 'Bearer') wrong.push(`${what}: WWW-Authenticate ${r.headers['www-authenticate']}`);
    if (rule !== undefined && (body.error.rule !== rule || typeof body.error.article !== 'string' || !body.error.article)) wrong.push(`${what}: rule ${body.error.rule}, article ${body.error.article}; wanted rule ${rule} with its article`);
  }
  assert.deepEqual(wrong, []);
});

test('refusals the framework makes (a body too large, not JSON, malformed JSON, no route) are in the error format too', async () => {
  const cases: [string, Record<string, string>, string, number][] = [
    ['/v1/messages', { 'content-type': 'application/x-www-form-urlencoded' }, 'a=b', 415],
    ['/v1/messages', { 'content-type': 'application/json' }, '{"from":', 400],
    ['/v1/messages', { 'content-type': 'application/json' }, JSON.stringify({ text: 'x'.repeat(1024 * 1024 + 10) }), 413],
    ['/v1/nothing-here', { 'content-type': 'application/json' }, '{}', 404],
  ];
  for (const [url, headers, payload, status] of cases) {
    const r = await http.inject({ method: 'POST', url, headers: { ...headers, ...cp.auth }, payload });
    assert.equal(r.statusCode, status, `${url} ${r.body.slice(0, 200)}`);
    const schema = documentedError('/v1/messages', 'post', 400);
    assert.deepEqual(schemaErrors(schema, r.json()), [], `${status}: ${r.body.slice(0, 200)}`);
    assert.ok((ERROR_CODES as readonly string[]).includes(r.json().error.code));
  }
});

test('the gateway\'s own rules name their article as the profiles\' do: a key reused (api.idempotency), a rate passed (provider.throughput, with Retry-After)', async () => {
  const send = (headers: Record<string, string>, to: string, extra: Record<string, string> = {}) => http.inject({ method: 'POST', url: '/v1/messages', headers: { ...headers, ...extra }, payload: { from: '10698001', to, text: '【别家】您的验证码是123456。', type: 'verification' } });
  assert.equal((await send(other.auth, '13700137000', { 'idempotency-key': 'k-1' })).statusCode, 202);
  const reused = await send(other.auth, '13700137001', { 'idempotency-key': 'k-1' });
  const patched = await http.inject({ method: 'PATCH', url: `/v1/content-providers/${other.id}`, headers: g.admin, payload: { httpThroughput: 1 } });
  assert.equal(patched.statusCode, 200, patched.body);
  let throttled = await send(other.auth, '13700137002');
  if (throttled.statusCode !== 429) throttled = await send(other.auth, '13700137003');
  const wrong: string[] = [];
  for (const [r, status, rule] of [[reused, 422, 'api.idempotency'], [throttled, 429, 'provider.throughput']] as const) {
    if (r.statusCode !== status) { wrong.push(`${rule}: ${r.statusCode} ${r.body}`); continue; }
    const e = r.json().error;
    if (e.rule !== rule || typeof e.article !== 'string' || !/^operational, not regulation \(/.test(e.article)) wrong.push(`${rule}: rule ${e.rule}, article ${e.article}`);
    for (const x of schemaErrors(documentedError('/v1/messages', 'post', status), r.json())) wrong.push(`${rule}: ${x}`);
  }
  assert.deepEqual(wrong, []);
  assert.match(String(throttled.headers['retry-after']), /^[1-9]\d*$/, 'a 429 says when to retry');
});

test('paging reads the same on every list: `limit` an integer with its minimum, maximum and default documented (the query schema applies it: useDefaults), `cursor` beside `nextCursor`', () => {
  const wrong: string[] = [];
  for (const [path, ops] of Object.entries(spec.paths)) {
    const op = ops.get;
    if (!op) continue;
    const q = new Map((op.parameters ?? []).filter((p) => p.in === 'query').map((p) => [p.name, p as { name: string; description?: string; schema?: Record<string, unknown> }]));
    const limit = q.get('limit')?.schema;
    // the default as `default`, or said (`default 100`) where the route must not fill it in (a regulator's records query is recorded as asked)
    const stated = limit?.default ?? /\bdefault (\d+)\b/.exec(`${q.get('limit')?.description ?? ''} ${String(limit?.description ?? '')}`)?.[1];
    if (limit && !(limit.type === 'integer' && limit.minimum === 1 && typeof limit.maximum === 'number' && stated !== undefined)) wrong.push(`GET ${path}: limit ${JSON.stringify(limit)}`);
    const props = op.responses?.['200']?.content?.['application/json']?.schema?.properties ?? {};
    if (q.has('cursor') !== ('nextCursor' in props)) wrong.push(`GET ${path}: cursor ${q.has('cursor')}, nextCursor ${'nextCursor' in props}`);
  }
  assert.deepEqual(wrong, []);
});

test('the document says when to retry: Retry-After on every 429 and 503, a 500 internal_error and a 503 store_unavailable on every operation but the probes, Idempotent-Replayed on the keyed submits', () => {
  const wrong: string[] = [];
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const responses = op.responses as Record<string, { headers?: Record<string, unknown> }>;
      const what = `${method.toUpperCase()} ${path}`;
      if (path !== '/' && path !== '/healthz' && path !== '/readyz' && !(responses['503'] && responses['500'])) wrong.push(`${what}: no 500 or 503`);
      for (const code of ['429', '503']) if (responses[code] && path !== '/readyz' && !responses[code].headers?.['Retry-After']) wrong.push(`${what} ${code}: no Retry-After`);
    }
  }
  for (const path of ['/v1/messages', '/v1/messages/batch']) {
    const responses = spec.paths[path]!.post!.responses as Record<string, { headers?: Record<string, unknown> }>;
    if (!responses['429']) wrong.push(`POST ${path}: no 429`);
    for (const code of Object.keys(responses).filter((c) => /^2/.test(c))) if (!responses[code].headers?.['Idempotent-Replayed']) wrong.push(`POST ${path} ${code}: no Idempotent-Replayed`);
  }
  assert.deepEqual(wrong, []);
});

const SAMPLE: Record<string, string> = { month: '2026-11', from: '2026-11-01', to: '2026-12-01' };

test('every list and read refuses a query parameter it does not know, naming it (a misspelt filter was ignored and the whole list answered)', async () => {
  const wrong: string[] = [];
  const tried: string[] = [];
  for (const [path, ops] of Object.entries(spec.paths)) {
    const op = ops.get;
    if (!op || !(op.parameters ?? []).some((p) => p.in === 'query')) continue;
    // what a parameter the route requires is given, so that the unknown one is what it answers about
    const needed = (op.parameters ?? []).filter((p) => p.in === 'query' && p.required).map((p) => `${p.name}=${encodeURIComponent(SAMPLE[p.name] ?? 'x')}&`).join('');
    const url = `${path.replace(/\{[^}]+\}/g, (m) => (m === '{id}' && path.startsWith('/v1/content-providers/') ? cp.id : m === '{msisdn}' ? '13800138000' : 'x'))}?${needed}contentproviderId=${cp.id}`;
    const r = await http.inject({ method: 'GET', url, headers: g.admin });
    tried.push(path);
    if (r.statusCode !== 400 || r.json().error?.field !== 'contentproviderId') wrong.push(`GET ${url}: ${r.statusCode} ${r.body.slice(0, 120)}`);
  }
  assert.ok(tried.length >= 15, tried.join());
  assert.deepEqual(wrong, []);
});

test('every time in an answer is documented as README says times are given: an ISO-8601 date-time, or epoch milliseconds as an integer', () => {
  const wrong: string[] = [];
  const walk = (s: any, where: string): void => {
    if (!s || typeof s !== 'object') return;
    for (const alt of s.anyOf ?? s.oneOf ?? []) walk(alt, where);
    for (const [k, v] of Object.entries<any>(s.properties ?? {})) {
      if (/(At|^at|Since|Until)$/.test(k)) {
        const types = [v.type].flat().filter((t) => t !== 'null');
        if (!(types.length === 1 && (types[0] === 'integer' || (types[0] === 'string' && v.format === 'date-time')))) wrong.push(`${where}.${k}: ${JSON.stringify(v.type)}${v.format ? ` ${v.format}` : ''}`);
      }
      walk(v, `${where}.${k}`);
    }
    if (s.items) walk(s.items, `${where}[]`);
  };
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      for (const [code, r] of Object.entries(op.responses ?? {})) if (/^2/.test(code)) walk(r.content?.['application/json']?.schema, `${method.toUpperCase()} ${path} ${code}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('a path whose parameter is left empty (`/v1/messages/`) is no route, as any other path none serves: 404 not_found, whatever the token', async () => {
  const wrong: string[] = [];
  for (const [path, ops] of Object.entries(spec.paths)) {
    if (!/\{[^}]+\}$/.test(path)) continue;
    for (const method of Object.keys(ops)) {
      const url = path.replace(/\{[^}]+\}$/, '').replace(/\{[^}]+\}/g, 'x');
      const r = await http.inject({ method: method.toUpperCase() as 'GET', url, headers: g.admin });
      if (r.statusCode !== 404 || !/^no route /.test(r.json().error?.message ?? '')) wrong.push(`${method.toUpperCase()} ${url}: ${r.statusCode} ${r.body.slice(0, 100)}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('POST /v1/messages documents the bounds every door applies to a submission\'s fields (validate.ts SUBMIT_LIMITS), and they hold at the bound', async () => {
  const body = (spec.paths['/v1/messages']!.post as { requestBody: { content: Record<string, { schema: { properties: Record<string, { minLength?: number; maxLength?: number }> } }> } }).requestBody.content['application/json']!.schema;
  for (const [field, l] of Object.entries(SUBMIT_LIMITS)) {
    const p = body.properties[field]!;
    assert.deepEqual([p.minLength, p.maxLength], ['min' in l ? l.min : undefined, l.max], field);
  }
  const send = (extra: Record<string, string>) => http.inject({ method: 'POST', url: '/v1/messages', headers: cp.auth, payload: { from: '10690001', to: '13800138000', text: '【示例】您的订单已发货。', type: 'notification', ...extra } });
  assert.equal((await send({ clientRef: 'r'.repeat(SUBMIT_LIMITS.clientRef.max) })).statusCode, 202);
  const over = await send({ clientRef: 'r'.repeat(SUBMIT_LIMITS.clientRef.max + 1) });
  assert.deepEqual([over.statusCode, over.json().error.field], [400, 'clientRef']);
});

/**
 * String fields of request bodies the document leaves unbounded on purpose, each with why: no use case
 * bounds them by length (a refusal then is another rule's), or what bounds them is not a length.
 */
const UNBOUNDED_BODY_STRINGS: Record<string, string> = {
  'POST /v1/dnd msisdns/[]': 'each number is read (normalizeMsisdn) and one that is none is reported in `invalid` by its index, not refused',
  'POST /v1/content-providers/{id}/smpp-credentials allowedIps/[]': 'an address or CIDR range, refused by parseIpRange when it is none; no length of its own',
  'POST /v1/simulator/mo from': 'the simulator\'s deliver_sm as an SMSC would send it: receiveMo refuses none by length',
  'POST /v1/simulator/mo to': 'as from',
  'POST /v1/simulator/mo text': 'receiveMo keeps the first 2000 characters of a part (MO_PART_MAX) and refuses none',
  'POST /v1/simulator/clock set': 'a date-time read by Date.parse, refused when it is none or out of range; no length of its own',
};

/** Every string field of every JSON request body: `METHOD path field/path` → its schema. */
function bodyStrings(): Map<string, { maxLength?: number; minLength?: number; enum?: unknown; format?: string; description?: string }> {
  const out = new Map<string, any>();
  const walk = (s: any, at: string, op: string): void => {
    if (!s || typeof s !== 'object') return;
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (types.includes('string')) out.set(`${op} ${at}`, s);
    for (const [k, v] of Object.entries(s.properties ?? {})) walk(v, at ? `${at}/${k}` : k, op);
    if (s.items) walk(s.items, `${at}/[]`, op);
    for (const x of [...(s.oneOf ?? []), ...(s.anyOf ?? [])]) walk(x, at, op);
  };
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [m, op] of Object.entries(ops)) walk((op.requestBody as any)?.content?.['application/json']?.schema, '', `${m.toUpperCase()} ${path}`);
  }
  return out;
}

test('every string field of a request body states its bound (maxLength, or in its description when a schema bound would pre-empt another refusal), or is listed as unbounded with why', () => {
  const unsaid = [...bodyStrings()].filter(([k, f]) => f.maxLength === undefined && f.enum === undefined && f.format === undefined && !/\d characters/.test(f.description ?? '') && !(k in UNBOUNDED_BODY_STRINGS)).map(([k]) => k);
  assert.deepEqual(unsaid, []);
  for (const k of Object.keys(UNBOUNDED_BODY_STRINGS)) assert.ok(bodyStrings().has(k), `${k} is listed but is no body field`);
});

test('the bounds a request body states are its use case\'s, from the same tables: set where the use case reads the field first, said where another refusal comes first', () => {
  const f = bodyStrings();
  const set = (key: string, l: { min?: number; max: number }): void => {
    const s = f.get(key);
    assert.ok(s, key);
    assert.deepEqual([s!.minLength, s!.maxLength], [l.min, l.max], key);
  };
  const said = (key: string, l: { min?: number; max: number }): void => {
    const s = f.get(key);
    assert.ok(s, key);
    assert.equal(s!.maxLength, undefined, `${key}: a schema bound would answer 400 before the use case's earlier refusal`);
    assert.ok(s!.description?.includes(boundSaid(l)), `${key}: ${s!.description} should say ${boundSaid(l)}`);
  };
  set('POST /v1/messages validUntil', SUBMIT_LIMITS.validUntil);
  set('PATCH /v1/messages/{id} scheduledAt', SUBMIT_LIMITS.scheduledAt);
  set('PATCH /v1/messages/{id} text', SUBMIT_LIMITS.text);
  set('POST /v1/content-providers name', REGISTRY_LIMITS.name);
  set('POST /v1/content-providers creditCode', REGISTRY_LIMITS.creditCode);
  said('POST /v1/content-providers licenseNumber', REGISTRY_LIMITS.licenseNumber);
  set('PATCH /v1/content-providers/{id} reason', REGISTRY_LIMITS.statusReason);
  said('POST /v1/content-providers/{id}/signatures signature', REGISTRY_LIMITS.signature);
  set('POST /v1/ports number', REGISTRY_LIMITS.number);
  said('POST /v1/ports contentProviderId', REGISTRY_LIMITS.contentProviderId);
  set('DELETE /v1/ports/{number} reason', REGISTRY_LIMITS.reason);
  set('PUT /v1/content-providers/{id}/callbacks statusUrl', { min: 1, max: CALLBACK_URL_MAX });
  set('POST /v1/consents msisdn', CONSENT_LIMITS.msisdn);
  said('POST /v1/consents category', SUBMIT_LIMITS.category);
  said('POST /v1/consents proof/reference', CONSENT_LIMITS.proofReference);
  said('DELETE /v1/consents/{id} proof/channel', CONSENT_LIMITS.proofChannel);
  for (const k of ['from', 'to', 'category', 'text'] as const) set(`POST /v1/consent-requests ${k}`, CONSENT_REQUEST_LIMITS[k]);
  said('POST /v1/subscribers/{msisdn}/lift-opt-out reason', LIFT_LIMITS.reason);
  set('POST /v1/dnd source', DND_SOURCE_LIMITS);
  said('DELETE /v1/dnd/{msisdn} reason', DND_REMOVE_LIMITS.reason);
  assert.equal(f.get('PUT /v1/refusal-phrases phrases/[]')?.maxLength, PHRASE_LIMITS.max);
  for (const k of ['msisdn', 'sender', 'text', 'request', 'screenshot'] as const) said(`POST /v1/complaints ${k}`, COMPLAINT_LIMITS[k]);
  said('POST /v1/cases/{id}/transitions text', CASE_LIMITS.text);
  said('POST /v1/cases/{id}/transitions measures/[]/note', CASE_LIMITS.measureNote);
  said('POST /v1/credit/entries publicSummary', CREDIT_ENTRY_LIMITS.publicSummary);
  said('POST /v1/content-providers/{id}/smpp-credentials password', SMPP_CREDENTIAL_LIMITS.password);
});

test('a too-long field answers as its use case did: 400 invalid_request naming it where the schema bounds it, the earlier refusal with its rule where it only says it', async () => {
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const long = await http.inject({ method: 'POST', url: '/v1/content-providers', headers: admin, payload: { name: 'n'.repeat(REGISTRY_LIMITS.name.max + 1), creditCode: '91350100M000000001' } });
  assert.deepEqual([long.statusCode, long.json().error.code, long.json().error.field, long.json().error.rule], [400, 'invalid_request', 'name', undefined]);
  const url = await http.inject({ method: 'PUT', url: `/v1/content-providers/${cp.id}/callbacks`, headers: admin, payload: { statusUrl: `https://a.example/${'x'.repeat(CALLBACK_URL_MAX)}` } });
  assert.deepEqual([url.statusCode, url.json().error.code, url.json().error.field], [400, 'invalid_request', 'statusUrl']);
  // a number that is none and a category too long: the number's refusal, with its rule, as before
  const consent = await http.inject({ method: 'POST', url: '/v1/consents', headers: cp.auth, payload: { msisdn: '12345', category: 'c'.repeat(SUBMIT_LIMITS.category.max + 1), frequency: { count: 1, per: 'month' }, expiresAt: new Date(g.clock.now() + 86_400_000).toISOString() } });
  assert.deepEqual([consent.json().error.code, consent.json().error.rule], ['invalid_msisdn', 'recipient.msisdn'], consent.body);
  // a signature too long for a provider that does not exist: 404, as before
  const sig = await http.inject({ method: 'POST', url: '/v1/content-providers/cp_nope/signatures', headers: admin, payload: { signature: `【${'长'.repeat(REGISTRY_LIMITS.signature.max)}】` } });
  assert.equal(sig.statusCode, 404, sig.body);
});

test('the answer checker (SMSGUARD_TEST_CHECK_ANSWERS=1 for every test gateway) catches an answer its document does not allow, and passes one it does', async () => {
  const answers = documentedAnswers();
  const app = await buildHttpApp({ app: g.app, plugins: [answers.plugin, async (f) => {
    f.get('/v1/zz-checked', { schema: { response: { 200: { type: 'object', properties: { a: { type: 'integer' } }, required: ['a'] } } } }, async (req, reply) => ((req.query as { ok?: string }).ok ? { a: 1 } : reply.type('application/json; charset=utf-8').send('{"b":1}')));
  }] });
  try {
    assert.equal((await app.inject({ method: 'GET', url: '/v1/zz-checked?ok=1' })).statusCode, 200);
    assert.deepEqual(answers.violations, []);
    await app.inject({ method: 'GET', url: '/v1/zz-checked' });
    assert.deepEqual(answers.violations, ["GET /v1/zz-checked 200: $ must have required property 'a'", 'GET /v1/zz-checked 200: $.b']);
  } finally {
    await app.close();
  }
});

test('a path that exists, asked with a method it does not take: 405 method_not_allowed with Allow, saying which it takes', async () => {
  // Before: `no route PUT /v1/messages`, as for a mistyped path, leaving the caller to doubt the path;
  // then a 404 naming the methods, which a client or proxy could not tell from a wrong path.
  const ask = async (method: 'PUT' | 'POST' | 'GET' | 'OPTIONS', url: string) => http.inject({ method, url, headers: g.admin });
  const put = await ask('PUT', '/v1/messages');
  assert.equal(put.statusCode, 405);
  assert.equal(put.headers.allow, 'GET, HEAD, POST');
  assert.deepEqual(put.json().error, { code: 'method_not_allowed', message: 'PUT /v1/messages: /v1/messages takes GET, POST' });
  const post = await ask('POST', '/v1/messages/msg_x');
  assert.equal(post.headers.allow, 'DELETE, GET, HEAD, PATCH');
  assert.equal(post.json().error.message, 'POST /v1/messages/msg_x: /v1/messages/msg_x takes DELETE, GET, PATCH');
  // a browser's CORS preflight: no cross-origin answer, the methods said
  const pre = await http.inject({ method: 'OPTIONS', url: '/v1/messages', headers: { origin: 'http://example.com', 'access-control-request-method': 'POST' } });
  assert.equal(pre.statusCode, 405);
  assert.equal(pre.headers['access-control-allow-origin'], undefined);
  const none = await ask('GET', '/v1/nothing');
  assert.equal(none.statusCode, 404);
  assert.equal(none.json().error.message, 'no route GET /v1/nothing');
  // every documented path, asked with a method the document gives it none of
  const wrong: string[] = [];
  for (const [path, ops] of Object.entries(spec.paths)) {
    const method = ['put', 'patch', 'delete', 'post', 'get'].find((m) => !(m in (ops as object)));
    if (!method || !path.startsWith('/v1/')) continue;
    const url = path.replace(/\{[^}]+\}/g, 'x1');
    const r = await http.inject({ method: method.toUpperCase() as 'GET', url, headers: g.admin });
    if (r.statusCode !== 405 || !r.json().error.message.startsWith(`${method.toUpperCase()} ${url}: ${url} takes `) || !r.headers.allow) wrong.push(`${method.toUpperCase()} ${url}: ${r.statusCode} ${r.body.slice(0, 160)}`);
  }
  assert.deepEqual(wrong, []);
});
