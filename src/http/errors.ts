/** One error handler: stable codes, `{error:{code,message,rule?,article?,profile?}}`, never a stack trace. */
import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RetryLaterError, SmsguardError, storeUnavailable, type ErrorBody } from '../domain/errors.js';
import { HTTP_STATUS } from './error-map.js';
import { closestName } from '../app/closest-name.js';

function fieldOf(e: FastifyError): string | undefined {
  const v = e.validation?.[0];
  if (!v) return undefined;
  const path = (v.instancePath ?? '').replace(/^\//, '');
  // A missing field, or an unknown one (additionalProperties): named, as the use cases name them, not the object holding it.
  const params = v.params as { missingProperty?: string; additionalProperty?: string } | undefined;
  const f = [path, params?.missingProperty ?? params?.additionalProperty].filter(Boolean).join('/');
  return f || (e.validationContext ?? undefined);
}

/**
 * Every required top-level body field the request lacks, in the schema's order, when the first
 * refusal is one of them (Ajv stops at the first): `{}` or an empty body learns all it must send at
 * once, not one field per try. Empty when the refusal is another, or is inside the body.
 */
function missingBodyFields(e: FastifyError, req: FastifyRequest): string[] {
  const v = e.validation?.[0];
  if (e.validationContext !== 'body' || v?.keyword !== 'required' || (v.instancePath ?? '') !== '') return [];
  const required = (req.routeOptions.schema?.body as { required?: unknown } | undefined)?.required;
  const body = req.body;
  if (!Array.isArray(required) || !body || typeof body !== 'object') return [];
  return required.filter((k): k is string => typeof k === 'string' && !Object.prototype.hasOwnProperty.call(body, k));
}

/** A JSON pointer's segments (`/frequency/per`, `#/properties/proof/required`), unescaped. */
function pointer(p: string): string[] {
  return p.replace(/^#?\//, '').split('/').filter((s) => s !== '').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** At most this many unknown keys are named: a body of thousands of them needs no answer as long. */
const UNKNOWN_NAMED = 5;

const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/**
 * The body schema object a validation error's keyword sits in (its `schemaPath` less the keyword)
 * and the body value it judged (its `instancePath`), for the refusal's hints below.
 */
function failedAt(req: FastifyRequest, schemaPath: string, instancePath: string | undefined): { schema: unknown; data: unknown } {
  let schema: unknown = req.routeOptions.schema?.body;
  for (const s of pointer(schemaPath).slice(0, -1)) schema = schema && typeof schema === 'object' ? (schema as Record<string, unknown>)[s] : undefined;
  let data: unknown = req.body;
  for (const s of pointer(instancePath ?? '')) data = data && typeof data === 'object' && has(data, s) ? (data as Record<string, unknown>)[s] : undefined;
  return { schema, data };
}

/**
 * What to append to a refusal for a missing required body field when the object that lacks it holds
 * keys its schema does not list: a misspelt required field (`{"msisdn":[…]}` for `msisdns`,
 * `{"signatur":…}`) was answered `msisdns: must have required property 'msisdns'`, never naming
 * the key the caller did send (Ajv, `allErrors` off, stops at the missing field, reported before an
 * unknown one). `(unknown field: msisdn, did you mean msisdns?)`: each such key by its path, as a
 * field is named, and the name it likely meant ({@link closestName}) of those the object lacks.
 * The object's schema is the route's own, found by the error's `schemaPath`; one left open on
 * purpose (`additionalProperties: true`, evidence kept as given) has no unknown keys. Empty when
 * there is nothing to add.
 */
function unknownBesideMissing(e: FastifyError, req: FastifyRequest): string {
  const v = e.validation?.[0];
  if (e.validationContext !== 'body' || v?.keyword !== 'required' || !v.schemaPath?.startsWith('#/')) return '';
  const { schema, data } = failedAt(req, v.schemaPath, v.instancePath);
  const { properties, additionalProperties } = (schema ?? {}) as { properties?: unknown; additionalProperties?: unknown };
  if (!properties || typeof properties !== 'object' || additionalProperties || !data || typeof data !== 'object' || Array.isArray(data)) return '';
  const unknown = Object.keys(data).filter((k) => !has(properties, k));
  if (!unknown.length) return '';
  const lacking = Object.keys(properties).filter((k) => !has(data as object, k));
  const at = (v.instancePath ?? '').replace(/^\//, '');
  const named = unknown.slice(0, UNKNOWN_NAMED).map((k) => {
    const meant = closestName(k, lacking);
    return `${at ? `${at}/` : ''}${k}${meant ? `, did you mean ${meant}?` : ''}`;
  });
  const more = unknown.length > UNKNOWN_NAMED ? `; and ${unknown.length - UNKNOWN_NAMED} more` : '';
  return ` (unknown field${unknown.length > 1 ? 's' : ''}: ${named.join('; ')}${more})`;
}

/**
 * ` (did you mean proof?)` for an unknown body key (Ajv's `additionalProperties`) near a field its
 * object's schema lists and the object lacks ({@link closestName}), as for a missing field above and
 * a message's own fields (src/app/validate.ts); a misspelt optional field (`{"proff":…}` in a
 * consent) was answered `proff: unknown field` alone. Empty when no name is near.
 */
function unknownMeant(e: FastifyError, req: FastifyRequest): string {
  const v = e.validation?.[0];
  const key = (v?.params as { additionalProperty?: unknown } | undefined)?.additionalProperty;
  if (e.validationContext === 'querystring' && v?.keyword === 'additionalProperties' && typeof key === 'string') return unknownParameter(key, req);
  if (e.validationContext !== 'body' || v?.keyword !== 'additionalProperties' || typeof key !== 'string' || !v.schemaPath?.startsWith('#/')) return '';
  const { schema, data } = failedAt(req, v.schemaPath, v.instancePath);
  const { properties } = (schema ?? {}) as { properties?: unknown };
  if (!properties || typeof properties !== 'object' || !data || typeof data !== 'object' || Array.isArray(data)) return '';
  const meant = closestName(key, Object.keys(properties).filter((k) => !has(data as object, k)));
  return meant ? ` (did you mean ${meant}?)` : '';
}

/**
 * ` (did you mean state? GET /v1/cases takes state, contentProviderId, …)` for a query parameter the
 * route does not take: the parameters it does, and the one likely meant. `?status=received` or
 * `?overdue=true` on a list was answered `status: unknown field` alone, leaving the caller to find
 * the filters' names in the OpenAPI document.
 */
function unknownParameter(key: string, req: FastifyRequest): string {
  const { properties } = (req.routeOptions.schema?.querystring ?? {}) as { properties?: unknown };
  const names = properties && typeof properties === 'object' ? Object.keys(properties) : [];
  if (names.length === 0) return ` (${req.method} ${req.routeOptions.url ?? ''} takes no query parameters)`;
  const meant = closestName(key, names.filter((k) => !has(req.query as object ?? {}, k)));
  return ` (${meant ? `did you mean ${meant}? ` : ''}${req.method} ${req.routeOptions.url ?? ''} takes ${names.join(', ')})`;
}

/**
 * ` (month: a Shanghai month, YYYY-MM)` for a required query parameter the request lacks, from its
 * schema's description: Ajv's `must have required property 'month'` named it but not what to give
 * (`GET /v1/content-providers/{id}/complaint-rate` without `?month=`).
 */
function missingParameterSaid(e: FastifyError, req: FastifyRequest): string {
  const v = e.validation?.[0];
  const key = (v?.params as { missingProperty?: unknown } | undefined)?.missingProperty;
  if (e.validationContext !== 'querystring' || v?.keyword !== 'required' || typeof key !== 'string') return '';
  const { properties } = (req.routeOptions.schema?.querystring ?? {}) as { properties?: Record<string, { description?: unknown }> };
  const description = properties?.[key]?.description;
  return typeof description === 'string' ? ` (${key}: ${description})` : '';
}

/**
 * Why a route that exists in some configurations is not served here, for the 404's message (the
 * simulator routes: their absence is the configuration, not a typo in the path).
 */
export type NotFoundHint = (method: string, path: string) => string | undefined;

/** A wait in ms as Retry-After says it: whole seconds, rounded up, at least 1. */
export function retryAfterSeconds(ms: number): string {
  return String(Math.max(1, Math.ceil(ms / 1000)));
}

export function registerErrorHandler(f: FastifyInstance, notFoundHint?: NotFoundHint): void {
  f.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof SmsguardError) {
      const status = HTTP_STATUS[err.code];
      if (err instanceof RetryLaterError && err.retryAfterMs !== undefined) reply.header('retry-after', retryAfterSeconds(err.retryAfterMs));
      // A 503 is always worth a retry soon (a link's thread or the egress processes did not answer in
      // time; store_unavailable below): say so as that one does, 1 s, rather than leave a client guessing.
      else if (status === 503) reply.header('retry-after', '1');
      // RFC 9110 §11.6.1: a 401 says which scheme would do (HTTP clients that retry with credentials read it)
      if (status === 401) reply.header('www-authenticate', 'Bearer');
      return reply.code(status).send({ error: err.toBody() });
    }
    if (err.validation) {
      const field = fieldOf(err);
      const v = err.validation[0];
      // Ajv's enum message does not say what is allowed; the client needs to know.
      const allowed = v?.keyword === 'enum' ? (v.params as { allowedValues?: unknown[] }).allowedValues : undefined;
      const missing = missingBodyFields(err, req);
      // Ajv joins a field's several types with a comma (`must be integer,null`): said in words.
      const types = v?.keyword === 'type' ? (v.params as { type?: unknown }).type : undefined;
      const list = typeof types === 'string' ? types.split(',') : Array.isArray(types) ? types.map(String) : [];
      const typed = list.length > 1 ? list : undefined;
      const detail = typed ? `must be ${typed.slice(0, -1).join(', ')} or ${typed[typed.length - 1]}`
        : v?.keyword === 'additionalProperties' ? `unknown field${unknownMeant(err, req)}`
        : missing.length > 1 ? `${v?.message ?? 'invalid'} (missing: ${missing.join(', ')})`
        : `${v?.message ?? 'invalid'}${allowed ? ` (${allowed.map((a) => JSON.stringify(a)).join(', ')})` : ''}`;
      // appended, so the answer before it (what clients match on) is unchanged
      const besides = unknownBesideMissing(err, req) + missingParameterSaid(err, req);
      const body: ErrorBody = { code: 'invalid_request', message: `${field ? `${field}: ` : ''}${detail}${besides}` };
      if (field) body.field = field;
      return reply.code(400).send({ error: body });
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Malformed JSON, wrong content type, body too large: the client's fault, said plainly. Fastify
      // says only "Unsupported Media Type" for a body not sent as JSON, which is what `curl -d` without
      // `-H 'content-type: application/json'` sends (as a form): name what came and what to send.
      const message = err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
        ? `content-type: ${req.headers['content-type'] ? `${req.headers['content-type'].split(';')[0]} is` : 'none given, a body is'} not accepted here; send the body as JSON with the header content-type: application/json`
        : err.message;
      return reply.code(status).send({ error: { code: 'invalid_request', message } satisfies ErrorBody });
    }
    const down = storeUnavailable(err);
    if (down) {
      req.log.warn({ err: { message: err.message, code: (err as { code?: unknown }).code } }, 'store unavailable');
      reply.header('retry-after', '1');
      return reply.code(HTTP_STATUS[down.code]).send({ error: down.toBody() });
    }
    req.log.error({ err: { message: err.message, stack: err.stack } }, 'unhandled error');
    return reply.code(500).send({ error: { code: 'internal_error', message: 'internal error' } satisfies ErrorBody });
  });
  // Which methods each API path takes, for a 404 whose path exists with other methods (`PUT
  // /v1/messages` said only "no route", as for a path that is none, leaving the caller to doubt the path).
  const routes: { pattern: RegExp; methods: Set<string> }[] = [];
  f.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/v1/')) return;
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).map(String).filter((m) => m !== 'HEAD');
    if (!methods.length) return;
    const pattern = new RegExp(`^${route.url.split('/').map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/')}$`);
    const known = routes.find((r) => r.pattern.source === pattern.source);
    if (known) for (const m of methods) known.methods.add(m);
    else routes.push({ pattern, methods: new Set(methods) });
  });
  /** The methods the API's routes take at `path` (HEAD with GET, as the router answers it), sorted; none: no such path. */
  const methodsAt = (path: string): string[] => {
    const taken = new Set<string>();
    for (const r of routes) if (r.pattern.test(path)) for (const m of r.methods) taken.add(m);
    if (taken.has('GET')) taken.add('HEAD');
    return [...taken].sort();
  };
  f.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0];
    const hint = notFoundHint?.(req.method, path);
    const taken = hint ? [] : methodsAt(path);
    // A path that exists under other methods: 405 with the Allow header HTTP asks of it (RFC 9110
    // §15.5.6), so a client or proxy tells a wrong method from a wrong path (a 404 until 2026-12-07).
    // An OPTIONS preflight gets it too: the API answers no cross-origin requests (README).
    if (taken.length && !taken.includes(req.method)) {
      reply.header('allow', taken.join(', '));
      return reply.code(405).send({ error: { code: 'method_not_allowed', message: `${req.method} ${path}: ${path} takes ${taken.filter((m) => m !== 'HEAD').join(', ')}` } satisfies ErrorBody });
    }
    return reply.code(404).send({ error: { code: 'not_found', message: `no route ${req.method} ${path}${hint ? `: ${hint}` : ''}` } satisfies ErrorBody });
  });
}

/**
 * A path whose parameter is empty (`/v1/messages/`, `/v1/ports/`: a trailing slash, an id left out of
 * a template) is no route, answered as every other path none serves (404 `no route …`, before any
 * token is looked at). The router matched it with an empty id, and each route said something else:
 * `no message `, a 400 about a body field, a 403, a 422 invalid_msisdn, and PATCH
 * /v1/content-providers/ was even decided for the id ''. Fastify's wildcards (`*`) are not parameters
 * of this kind and are left alone, and so are the pages' addresses (/web/…), which answer in HTML.
 */
export function registerEmptyParamsNotFound(f: FastifyInstance): void {
  // Added to the API's routes that have a parameter only (at their registration), not as an
  // instance-wide hook: the submit routes have none, so the message path runs no hook for it.
  const check = (req: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    const params = req.params as Record<string, unknown> | undefined;
    for (const k in params) {
      // answered here: the chain stops without done()
      if (k !== '*' && params[k] === '') return void reply.callNotFound();
    }
    done();
  };
  f.addHook('onRoute', (route) => {
    // the API's paths only: the pages answer their own addresses in HTML (src/web)
    if (!route.url.startsWith('/v1/') || !route.url.includes(':')) return;
    const own = route.onRequest;
    route.onRequest = own === undefined ? [check] : Array.isArray(own) ? [check, ...own] : [check, own];
  });
}

/**
 * Fastify's `clientErrorHandler`: a request Node's HTTP parser refuses before any route or hook sees
 * it (a raw, unencoded UTF-8 byte in the query string, a malformed header) gets the API's error body,
 * not Fastify's `{"error":"Bad Request","message":"Client Error"}`. Only the socket exists here, so
 * the response is written by hand, as Fastify's own handler does, and the connection is closed.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const message = status === 408 ? 'request timed out'
    : status === 431 ? 'request headers too large'
      : err.code === 'HPE_INVALID_URL' ? 'malformed URL: a URL must be ASCII, percent-encode other characters (encodeURIComponent)'
        : 'malformed HTTP request';
  const body = JSON.stringify({ error: { code: 'invalid_request', message } satisfies ErrorBody });
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(err);
}
