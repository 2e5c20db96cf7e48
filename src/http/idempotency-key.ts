/**
 * The `Idempotency-Key` header at the HTTP door (README "Retrying safely"; the use case is
 * src/app/idempotency.ts): the submit routes' keyed path, how its answer is sent, and the header in
 * the OpenAPI document.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { StoredAnswer } from '../ports/store.js';
import type { KeyedAnswer } from '../app/idempotency.js';
import { IDEMPOTENCY_HEADER, IDEMPOTENCY_KEPT_MS, REPLAYED_HEADER, readIdempotencyKey } from '../domain/idempotency.js';

/** What fastify sends for a JSON body it serialized itself. */
const JSON_TYPE = 'application/json; charset=utf-8';
/** Node gives header names in lower case. */
const HEADER = IDEMPOTENCY_HEADER.toLowerCase();

/** The request's key, undefined without the header (one property read: the unkeyed path pays nothing else). */
export function idempotencyKeyOf(req: FastifyRequest): string | undefined {
  const raw = req.headers[HEADER];
  return raw === undefined ? undefined : readIdempotencyKey(raw);
}

/** An answer as bytes: the same for the first request and each replay (the body is kept as sent). */
export function answerOf(status: number, body: Buffer): StoredAnswer {
  return { status, body: body.toString('utf8') };
}

/** Sends a keyed answer: its status and body, with `Idempotent-Replayed: true` when it is a replay. */
export function sendKeyed(reply: FastifyReply, a: KeyedAnswer): FastifyReply {
  if (a.replayed) reply.header(REPLAYED_HEADER, 'true');
  return reply.code(a.status).type(JSON_TYPE).send(Buffer.from(a.body, 'utf8'));
}

/** The routes that take the header, as the OpenAPI document names them. */
const KEYED_ROUTES = [['/v1/messages', 'post'], ['/v1/messages/batch', 'post']] as const;

/**
 * Adds the header to the keyed routes in the OpenAPI document. Documented here rather than as the
 * routes' `headers` schema, which fastify would validate on every request, with the header or not.
 */
export function documentIdempotencyKey<T extends { paths?: unknown }>(doc: T): T {
  const paths = doc.paths as Record<string, Record<string, { parameters?: unknown[]; responses?: Record<string, { headers?: Record<string, unknown> }> }> | undefined> | undefined;
  for (const [path, method] of KEYED_ROUTES) {
    const op = paths?.[path]?.[method];
    if (!op) continue;
    (op.parameters ??= []).push({
      name: IDEMPOTENCY_HEADER,
      in: 'header',
      required: false,
      description: `Makes a retry safe (README "Retrying safely"): 1 to 255 printable ASCII characters, per content provider, kept ${IDEMPOTENCY_KEPT_MS / 3_600_000} hours. `
        + `The same key with the same request is answered as the first time (same status and body, with \`${REPLAYED_HEADER}: true\`) and nothing is decided or sent again; `
        + 'with another request, 422 `idempotency_key_reused`; while another process holds it, 409 `idempotency_key_in_flight`.',
      schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7e]+$' },
    });
    // every answer a key can replay (a success and a decided refusal alike; a 429 or a 5xx keeps no key) may carry the replay's header
    for (const [code, r] of Object.entries(op.responses ?? {})) {
      if (code === '429' || code.startsWith('5')) continue;
      r.headers = { ...r.headers, [REPLAYED_HEADER]: { description: 'true when this is the kept answer to an earlier request with the same Idempotency-Key, byte for byte; absent otherwise', schema: { type: 'string', enum: ['true'] } } };
    }
  }
  return doc;
}
