/**
 * For response-schema tests: the schema serializer drops whatever a route's schema does not list,
 * so a test compares the HTTP body with the use case's value, and checks here that the OpenAPI
 * document at /docs/json lists every key that value holds.
 */
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';

type Schema = { type?: string | string[]; properties?: Record<string, Schema>; items?: Schema; additionalProperties?: boolean | Schema; anyOf?: Schema[]; oneOf?: Schema[] };

/**
 * The paths of keys in `value` that `schema` does not list (empty: all listed). An object whose
 * schema has `additionalProperties: true` is taken whole (evidence recorded as given).
 */
export function unlisted(schema: Schema | undefined, value: unknown, path = '$'): string[] {
  if (value === null || typeof value !== 'object') return [];
  if (!schema) return [path];
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) {
    // the alternative that lists most of the value
    return alternatives.map((s) => unlisted(s, value, path)).sort((a, b) => a.length - b.length)[0] ?? [path];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => unlisted(schema.items, v, `${path}[${i}]`));
  if (schema.additionalProperties === true && !schema.properties) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    const s = schema.properties?.[k];
    if (!s) {
      // a map whose values have a schema of their own (additionalProperties: {…}): each value by it
      if (typeof schema.additionalProperties === 'object') out.push(...unlisted(schema.additionalProperties, v, `${path}.${k}`));
      else if (schema.additionalProperties !== true) out.push(`${path}.${k}`);
      continue;
    }
    out.push(...unlisted(s, v, `${path}.${k}`));
  }
  return out;
}

/** A route's response schema as /docs/json lists it (OpenAPI path spelling: `/v1/cases/{id}`). */
export async function documentedResponse(http: FastifyInstance, path: string, code = '200', method = 'get'): Promise<Schema | undefined> {
  const spec = (await http.inject({ method: 'GET', url: '/docs/json' })).json();
  return spec.paths[path]?.[method]?.responses?.[code]?.content?.['application/json']?.schema;
}

/** The same value as JSON would carry it (what a body without a response schema would be). */
export const asJson = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/**
 * GETs `url` with headers `h` and checks the body both ways: equal to `want` (the use case's value)
 * as JSON carries it, and every key of it listed by the response schema /docs/json gives `docPath`.
 * Returns the body.
 */
export async function roundTrip(http: FastifyInstance, url: string, h: Record<string, string> | undefined, want: unknown, docPath: string): Promise<Record<string, any>> {
  const r = await http.inject({ method: 'GET', url, headers: h });
  assert.equal(r.statusCode, 200, `${url}: ${r.body}`);
  const expected = asJson(want);
  assert.deepEqual(r.json(), expected, url);
  assert.deepEqual(unlisted(await documentedResponse(http, docPath), expected), [], `${docPath}: /docs/json lists every key`);
  return expected as Record<string, any>;
}

/**
 * For HttpDeps.plugins: records each reply's payload as the route handed it to the serializer (a
 * hook on the root, so it sees every route), so a test can compare the body sent with it: what a
 * response schema dropped is what differs. `take()` returns the last one (as JSON) and forgets it.
 */
export function captureSerialized(): { plugin: (f: FastifyInstance) => Promise<void>; take(): unknown } {
  let last: unknown;
  const plugin = Object.assign(async (f: FastifyInstance) => {
    f.addHook('preSerialization', async (_req, _reply, payload) => {
      last = asJson(payload);
      return payload;
    });
  }, { [Symbol.for('skip-override')]: true });
  return { plugin, take() { const v = last; last = undefined; return v; } };
}

const ajv = new Ajv({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv) => void)(ajv);

/** Where `value` breaks `schema` (as /docs/json gives it: OpenAPI 3.0, `nullable`), as Ajv words it; empty when it validates. */
export function schemaErrors(schema: object, value: unknown): string[] {
  const v = ajv.compile(schema);
  return v(value) ? [] : (v.errors ?? []).map((e) => `${e.instancePath || '$'} ${e.message}`);
}

/**
 * The operations of an OpenAPI document whose success answer says nothing of its body: no 2xx
 * response, or one (other than a 204, which has none) without a schema (JSON's, or a download's own
 * media type's).
 */
export function undocumentedSuccess(spec: { paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>> }): string[] {
  const out: string[] = [];
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const ok = Object.entries(op.responses ?? {}).filter(([code]) => /^2/.test(code));
      if (ok.length === 0) out.push(`${method.toUpperCase()} ${path}: no success response`);
      // a download (GET /v1/records/export's tar) documents its own media type's schema instead of JSON's
      for (const [code, r] of ok) if (code !== '204' && !Object.values(r.content ?? {}).some((c) => c.schema)) out.push(`${method.toUpperCase()} ${path}: ${code} without a schema`);
    }
  }
  return out;
}

/**
 * For HttpDeps.plugins: checks every JSON answer the app sends against the schema the OpenAPI document
 * gives its operation and status (its own code, else `4XX`/`5XX`): every key listed, every value of its
 * type. `violations` lists what did not; a test (or `SMSGUARD_TEST_CHECK_ANSWERS=1` in
 * test/helpers/gateway.ts, for every e2e test that starts a gateway) asserts it empty.
 */
export function documentedAnswers(): { plugin: (f: FastifyInstance) => Promise<void>; violations: string[] } {
  const violations: string[] = [];
  let spec: { paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: Schema }> }> }>> } | undefined;
  const plugin = Object.assign(async (f: FastifyInstance) => {
    f.addHook('onSend', async (req, reply, payload) => {
      const url = req.routeOptions.url;
      if (!url || !String(reply.getHeader('content-type') ?? '').startsWith('application/json') || typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
      spec ??= (f as unknown as { swagger(): typeof spec }).swagger();
      const op = spec?.paths[url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')]?.[req.method.toLowerCase()];
      if (!op) return payload; // the pages, /docs, /metrics: not in the document
      const status = String(reply.statusCode);
      const r = op.responses?.[status] ?? op.responses?.[`${status[0]}XX`];
      const schema = r?.content?.['application/json']?.schema;
      const what = `${req.method} ${url} ${status}`;
      if (!schema) { violations.push(`${what}: not documented`); return payload; }
      let body: unknown;
      try { body = JSON.parse(payload.toString()); } catch { violations.push(`${what}: not JSON`); return payload; }
      for (const e of [...schemaErrors(schema, body), ...unlisted(schema, body)]) violations.push(`${what}: ${e}`);
      return payload;
    });
  }, { [Symbol.for('skip-override')]: true });
  return { plugin, violations };
}
