/**
 * What makes @fastify/swagger's output a valid OpenAPI 3.0 document that client generators take,
 * beyond what the route schemas say (test/e2e/openapi-valid.test.ts holds the document to the
 * OpenAPI Specification's own JSON Schema and to openapi-typescript):
 *
 * - the route schemas are JSON Schema draft-07 (fastify's ajv validates requests with them), whose
 *   `exclusiveMinimum: 0` is a number; OpenAPI 3.0's Schema Object takes the older form, `minimum: 0`
 *   with `exclusiveMinimum: true`, and @fastify/swagger copies the number through. Only the document's
 *   copy is rewritten (@fastify/swagger resolves each route schema into a clone): requests are
 *   validated as before.
 * - every operation gets an `operationId`, the name generators give its function, derived here from
 *   its method and path (stable while the path is: paths are the contract), unless its route schema
 *   names one.
 */

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Subschemas of a Schema Object, by keyword: one schema, a map of them, or a list. */
const ONE = ['items', 'additionalProperties', 'not'] as const;
const MAP = ['properties'] as const;
const LIST = ['allOf', 'anyOf', 'oneOf'] as const;

/** `exclusiveMinimum: n` (draft-06 on) as OpenAPI 3.0 says it, keeping the stricter of it and a `minimum`; likewise for the maximum. */
function oas30Bound(s: Record<string, unknown>, exclusive: 'exclusiveMinimum' | 'exclusiveMaximum', inclusive: 'minimum' | 'maximum'): void {
  const x = s[exclusive];
  if (typeof x !== 'number') return;
  const m = s[inclusive];
  const inclusiveIsStricter = typeof m === 'number' && (inclusive === 'minimum' ? m > x : m < x);
  if (inclusiveIsStricter) delete s[exclusive];
  else {
    s[inclusive] = x;
    s[exclusive] = true;
  }
}

function walkSchema(s: unknown): void {
  if (!isObj(s)) return;
  oas30Bound(s, 'exclusiveMinimum', 'minimum');
  oas30Bound(s, 'exclusiveMaximum', 'maximum');
  for (const k of ONE) if (Array.isArray(s[k])) (s[k] as unknown[]).forEach(walkSchema); else walkSchema(s[k]);
  for (const k of MAP) if (isObj(s[k])) Object.values(s[k]).forEach(walkSchema);
  for (const k of LIST) if (Array.isArray(s[k])) (s[k] as unknown[]).forEach(walkSchema);
}

/** The schemas of a parameter, a header or a media type map (`{schema}` or `{content: {type: {schema}}}`). */
function walkHolder(h: unknown): void {
  if (!isObj(h)) return;
  walkSchema(h.schema);
  if (isObj(h.content)) for (const media of Object.values(h.content)) if (isObj(media)) walkSchema(media.schema);
}

function walkOperation(op: Record<string, unknown>): void {
  if (Array.isArray(op.parameters)) op.parameters.forEach(walkHolder);
  walkHolder(op.requestBody);
  for (const r of Object.values(isObj(op.responses) ? op.responses : {})) {
    walkHolder(r);
    if (isObj(r) && isObj(r.headers)) Object.values(r.headers).forEach(walkHolder);
  }
}

/**
 * `operationId` for `method path`: the method, then each path segment in camelCase, a parameter as
 * `By` and its name: `POST /v1/messages` → `postV1Messages`,
 * `DELETE /v1/content-providers/{id}/api-keys/{keyId}` → `deleteV1ContentProvidersByIdApiKeysByKeyId`,
 * `GET /` → `getRoot`.
 */
export function operationIdOf(method: string, path: string): string {
  const words = path.split('/').filter((seg) => seg !== '').flatMap((seg) => {
    const param = /^\{(.+)\}$/.exec(seg);
    return param ? ['by', ...param[1].split(/[^A-Za-z0-9]+/)] : seg.split(/[^A-Za-z0-9]+/);
  }).filter((w) => w !== '');
  const cap = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);
  return method.toLowerCase() + (words.length === 0 ? 'Root' : words.map(cap).join(''));
}

/** Rewrites `doc` (an OpenAPI 3.0 object from @fastify/swagger) in place as above; returns it. */
export function oas30Document<T extends { paths?: unknown; components?: unknown }>(doc: T): T {
  for (const [path, item] of Object.entries(isObj(doc.paths) ? doc.paths : {})) {
    if (!isObj(item)) continue;
    if (Array.isArray(item.parameters)) item.parameters.forEach(walkHolder);
    for (const method of METHODS) {
      const op = item[method];
      if (!isObj(op)) continue;
      walkOperation(op);
      op.operationId ??= operationIdOf(method, path);
    }
  }
  const schemas = isObj(doc.components) && isObj(doc.components.schemas) ? doc.components.schemas : {};
  Object.values(schemas).forEach(walkSchema);
  return doc;
}
