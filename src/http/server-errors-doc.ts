/**
 * The OpenAPI document's word on server errors and when to retry, added to @fastify/swagger's output
 * (its response schemas describe bodies, not headers): every 429 and 503 the document lists carries
 * `Retry-After` (src/http/errors.ts sends it), and every operation but the probes documents the 503
 * `store_unavailable` any of them may answer while PostgreSQL is out of reach and the 500
 * `internal_error` of a failure nobody expected, both in the error format. A client learnt of them
 * only from the README.
 */
import { errorResponse } from './schemas.js';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

const RETRY_AFTER = {
  description: 'Whole seconds to wait before trying again: on a 429 of a rate (rule provider.throughput, complaints.public-intake, complaints.status-lookup) until it lets the request through, absent for a batch that can never fit (its message says what to send) and for a message refused under an early-warning throttle (rule monitor.early-warning, recorded; its message gives the rate); on a 503, 1',
  schema: { type: 'integer', minimum: 1 },
};

/** The probes answer for themselves: liveness never fails, readiness documents its own 503; `/` (where things are) as liveness. */
const PROBES = new Set(['/', '/healthz', '/readyz']);

const INTERNAL_ERROR = errorResponse('internal_error: a failure smsguard did not expect (logged; no detail in the answer)');
const STORE_UNAVAILABLE = errorResponse('store_unavailable: the database (PostgreSQL) could not be reached just now; the request may not have taken effect: retry it (with the same Idempotency-Key where the route takes one)');

/** Adds the 500, the 503 and the `Retry-After` headers to `doc` (an OpenAPI 3 object), in place; returns it. */
export function documentServerErrors<T extends { paths?: unknown }>(doc: T): T {
  for (const [path, ops] of Object.entries(isObj(doc.paths) ? doc.paths : {})) {
    if (PROBES.has(path)) continue;
    for (const op of Object.values(isObj(ops) ? ops : {})) {
      if (!isObj(op)) continue;
      const responses = (op.responses ??= {}) as Record<string, unknown>;
      responses['500'] ??= {
        description: INTERNAL_ERROR.description,
        content: { 'application/json': { schema: { type: INTERNAL_ERROR.type, properties: INTERNAL_ERROR.properties } } },
      };
      responses['503'] ??= {
        description: STORE_UNAVAILABLE.description,
        content: { 'application/json': { schema: { type: STORE_UNAVAILABLE.type, properties: STORE_UNAVAILABLE.properties } } },
      };
      for (const code of ['429', '503']) {
        const r = responses[code];
        if (isObj(r)) r.headers = { ...(isObj(r.headers) ? r.headers : {}), 'Retry-After': RETRY_AFTER };
      }
    }
  }
  return doc;
}
