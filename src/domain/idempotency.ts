/**
 * Safe retries (README "Retrying safely"): the `Idempotency-Key` header of the HTTP submit routes.
 * What a key may be, how long it is kept, and the hash that tells "the same request again" from
 * "another request under the same key". Pure: no clock, no store.
 */
import { createHash } from 'node:crypto';
import { SmsguardError, type RuleRef } from './errors.js';
import { GATEWAY_ARTICLES } from './gateway-articles.js';
import { canonicalJson } from './hash-chain.js';

/** The request header (HTTP header names are case-insensitive; Node gives them in lower case). */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** The header a replayed answer carries. */
export const REPLAYED_HEADER = 'Idempotent-Replayed';
/** A key is kept this long after its first request; later, the same key is a new request. */
export const IDEMPOTENCY_KEPT_MS = 86_400_000;
/** The rule id on the errors of this feature: API hygiene, no regulation article. */
export const IDEMPOTENCY_RULE = 'api.idempotency';
/** Its `{rule, article}` on every error of this feature: the article says it is the gateway's own. */
const IDEMPOTENCY_REF: Readonly<RuleRef> = Object.freeze({ rule: IDEMPOTENCY_RULE, article: GATEWAY_ARTICLES.idempotency.en });

/** 1–255 printable ASCII characters (space to tilde). */
const KEY_SHAPE = /^[\x20-\x7e]{1,255}$/;

/**
 * The header's key, undefined when the header is absent; a header given twice, empty, longer than
 * 255 characters or with anything but printable ASCII is refused (400 invalid_request naming it).
 */
export function readIdempotencyKey(raw: string | string[] | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !KEY_SHAPE.test(raw)) {
    throw new SmsguardError('invalid_request', `${IDEMPOTENCY_HEADER}: must be 1 to 255 printable ASCII characters, given once`, IDEMPOTENCY_REF, IDEMPOTENCY_HEADER);
  }
  return raw;
}

/** What a store throws when a live row holds the key (another request's, committed or committing). */
export function keyInUse(): SmsguardError {
  return new SmsguardError('idempotency_key_in_flight', `${IDEMPOTENCY_HEADER}: a request with this key is being processed; retry it shortly`, IDEMPOTENCY_REF, IDEMPOTENCY_HEADER);
}

/** The answer to the same key with another request. */
export function keyReused(): SmsguardError {
  return new SmsguardError('idempotency_key_reused', `${IDEMPOTENCY_HEADER}: this key was used in the last 24 hours for another request (method, route or body); use a new key for a new request`, IDEMPOTENCY_REF, IDEMPOTENCY_HEADER);
}

/**
 * The request's fingerprint: SHA-256 of method, route and the body as canonical JSON (the records'
 * own, hash-chain.ts: object keys sorted at every depth), so the same JSON with its fields in another
 * order or other spacing is the same request, and any other value is not.
 */
export function requestHash(method: string, route: string, body: unknown): string {
  return createHash('sha256').update(`${method.toUpperCase()} ${route}\n${canonicalJson(body)}`).digest('hex');
}
