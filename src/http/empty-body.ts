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
 */
import type { FastifyInstance } from 'fastify';
import { SmsguardError } from '../domain/errors.js';

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
    return json(req, String(body), done);
  });
  f.addHook('preValidation', async (req) => {
    if (req.body === undefined && takesObject(req.routeOptions.schema?.body)) req.body = {};
  });
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
