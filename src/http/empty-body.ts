/**
 * An empty body sent with `content-type: application/json` (many clients set the header on every
 * POST, `curl -X POST -H …` with no `-d`): Fastify refused it with "Body cannot be empty when
 * content-type is set to 'application/json'", naming no field, even on a route that takes no body.
 * Read here as what it says, nothing: `{}` on a route that declares a body, so its schema names the
 * required fields that are missing (errors.ts), and no body on a route that declares none. Any other
 * body goes to Fastify's own parser (prototype poisoning refused as before).
 *
 * No body at all (no content-type, `curl -X POST` or `curl -X DELETE` without `-d`) is read the
 * same way: `{}` where the route's body is an object. Fastify validated `undefined` and answered
 * "body: must be object", which named no field to send and refused a route whose fields are all
 * optional (`POST …/api-keys` without a label).
 *
 * A body that is not UTF-8 (JSON is UTF-8, RFC 8259 §8.1) is refused as such. A GBK body, as `curl
 * -d` sends one from a Windows console on code page 936, was decoded with U+FFFD in place of every
 * Chinese character and answered `signature_missing`, since 【 had become �: a refusal that sent its
 * sender looking at the signature rather than the encoding.
 *
 * A JSON body sent to a route that declares none (a release, a lift, a reset, a DELETE) is refused
 * 400 `invalid_request` naming its first field (`reason: unknown field (…takes no body…)`), as an
 * unknown field is everywhere else: it was dropped in silence, so a `{"reason":"…"}` the caller meant
 * for the record went nowhere. No body, a blank one and `{}` are still no body. A route that reads a
 * body its schema cannot state (12321 reports: a JSON array or `{reports}`) says so with
 * `config: { ownBody: true }`. Only JSON is concerned: the pages' form posts have their own parser.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SmsguardError } from '../domain/errors.js';
import { jsonProblem } from '../config/json-problem.js';

const NOT_BLANK = /\S/;

export function registerEmptyJsonBody(f: FastifyInstance): void {
  const json = f.getDefaultJsonParser('error', 'error');
  f.removeContentTypeParser('application/json');
  f.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    // `\S` stops at the first character of any real body: a batch of 1,000 messages is not copied
    if (typeof body === 'string' && !NOT_BLANK.test(body)) return done(null, req.routeOptions.schema?.body ? {} : undefined);
    // U+FFFD is what the UTF-8 decoding left of bytes that are none; one scan, native (a literal U+FFFD
    // would reach a handset as the same broken mark, so nothing sendable is lost)
    if (typeof body === 'string' && body.includes('\uFFFD')) return done(notUtf8(), undefined);
    const text = String(body);
    return json(req, text, (err, value) => (err ? done(malformed(text)) : done(null, value)));
  });
  f.addHook('preValidation', async (req) => {
    if (req.body === undefined && takesObject(req.routeOptions.schema?.body)) req.body = {};
  });
  // A route that takes no body gets its own hook refusing one, decided once as the route is made: the
  // parser above does not ask which route it serves (`req.routeOptions` builds a fresh object on each
  // read), so POST /v1/messages pays nothing for routes that take no body.
  f.addHook('onRoute', (route) => {
    if (route.schema?.body || route.config?.ownBody) return;
    const own = route.preValidation;
    route.preValidation = own === undefined ? [refuseJsonBody] : [refuseJsonBody, ...(Array.isArray(own) ? own : [own])];
  });
}

const JSON_TYPE = /^\s*application\/json\s*(;|$)/i;

/** preValidation of a route that takes no body: a JSON body is refused, `{}` is read as none. */
async function refuseJsonBody(req: FastifyRequest): Promise<void> {
  if (req.body === undefined || !JSON_TYPE.test(req.headers['content-type'] ?? '')) return;
  const extra = unexpectedBody(req.body);
  if (extra) throw extra;
  req.body = undefined;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route reads a body its schema does not declare (12321 reports): a body is not refused. */
    ownBody?: boolean;
  }
}

/**
 * The refusal for a JSON body the parser refused, saying where it breaks (`body: not valid JSON at
 * line 1, column 9: Unexpected end of JSON input`). Fastify said only "Body is not valid JSON but
 * content-type is set to 'application/json'", which sent a caller whose shell dropped a quote or who
 * left a trailing comma reading the whole body; the position is given as a line and column, never
 * the text around it (it may hold a number or a message). Parsed again only on this failure path.
 * A body that is JSON was refused for a prototype key (`__proto__`, `constructor.prototype`).
 */
function malformed(text: string): SmsguardError {
  try {
    JSON.parse(text);
  } catch (e) {
    return new SmsguardError('invalid_request', `body: not valid JSON${jsonProblem(e as Error, text)}`, {}, 'body');
  }
  return new SmsguardError('invalid_request', 'body: a key __proto__ or constructor.prototype is not accepted', {}, 'body');
}

/** The refusal for a body on a route that takes none, or null for `{}` (no body either). */
function unexpectedBody(value: unknown): SmsguardError | null {
  const why = 'this route takes no body: send none, or {}';
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const first = Object.keys(value)[0];
    return first === undefined ? null : new SmsguardError('invalid_request', `${first}: unknown field (${why})`, {}, first);
  }
  return new SmsguardError('invalid_request', `body: ${why}`, {}, 'body');
}

/**
 * The refusal of a body that is not UTF-8 (`what` it was sent as: JSON, JSONL, a form), found by the
 * U+FFFD its decoding left: the JSON parser here, the 12321 JSONL parser and the pages' form parser.
 */
export function notUtf8(what = 'JSON'): SmsguardError {
  return new SmsguardError('invalid_request', `body: not UTF-8 (${what} is sent as UTF-8; a GBK or other encoding garbles every Chinese character): send it as UTF-8`, {}, 'body', { id: 'body_not_utf8' });
}

/** Whether a route's body schema is an object (or an object or null): only then is "nothing" `{}`. */
function takesObject(schema: unknown): boolean {
  const t = (schema as { type?: unknown } | undefined)?.type;
  return t === 'object' || (Array.isArray(t) && t.includes('object'));
}
