/**
 * Error code → HTTP status, exhaustive: a new code in src/domain/errors.ts fails the type check
 * until it is mapped here. Compliance rejections are 422 (the request was understood, the rules
 * say no); throttling is 429; identity problems are 401/403.
 */
import type { ErrorCode } from '../domain/errors.js';

export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  idempotency_key_reused: 422,
  idempotency_key_in_flight: 409,
  unknown_port: 422,
  port_not_owned: 422,
  invalid_msisdn: 422,
  invalid_credit_code: 422,
  sender_suspended: 422,
  signature_missing: 422,
  signature_unregistered: 422,
  signature_multiple: 422,
  port_kind_mismatch: 422,
  commercial_content_in_non_commercial: 422,
  prohibited_content: 422,
  template_mismatch: 422,
  // recorded and parked, not refused: an operator releases (sent) or rejects it (docs/CONTENT.md)
  held_for_review: 202,
  message_too_long: 422,
  frequency_exceeded: 422,
  duplicate_content: 422,
  throttled: 429,
  consent_missing: 422,
  consent_expired: 422,
  consent_frequency_exceeded: 422,
  consent_proof_required: 422,
  consent_request_incomplete: 422,
  charge_not_confirmed: 422,
  // a state of the number's, as the one-open-question conflict: nothing to confirm again
  charged_already_subscribed: 409,
  consent_request_repeated: 422,
  opted_out: 422,
  quiet_hours: 422,
  upstream_unavailable: 503,
  store_unavailable: 503,
  internal_error: 500,
};
