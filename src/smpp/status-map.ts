/**
 * The one table from smsguard error codes to SMPP command_status (docs/SMPP.md). Exhaustive: a new
 * code in src/domain/errors.ts does not compile until it is mapped here. Where SMPP 3.4 has a fitting
 * status it is used (so stock ESMEs react sensibly: ESME_RTHROTTLED → slow down and retry); rules
 * SMPP knows nothing about get vendor-specific codes in 0x400–0x4FF (SMPP 3.4 §5.1.3 reserves
 * 0x400–0x4FF for SMSC vendors).
 */
import type { ErrorCode } from '../domain/errors.js';
import { CommandStatus } from './pdu/constants.js';

export const SMPP_STATUS: Readonly<Record<ErrorCode, number>> = {
  invalid_request: CommandStatus.ESME_RSUBMITFAIL,
  unauthorized: CommandStatus.ESME_RINVPASWD,
  forbidden: 0x400,
  not_found: 0x401,
  // HTTP only (a request's method): never answered on SMPP; should it be, SMPP's own word for an
  // operation not offered (vendor statuses are one code each)
  method_not_allowed: CommandStatus.ESME_RINVCMDID,
  conflict: 0x402,
  // HTTP only (the Idempotency-Key header): never answered on SMPP today. Should it be, each says
  // what its HTTP answer says: another request under a used key never goes (the generic refusal);
  // a key still in flight is "retry shortly" (HTTP 409), a status peers back off on and send again
  // (Kannel requeues ESME_RMSGQFUL, smsguard's client waits 0.5 s doubling): ESME_RSUBMITFAIL
  // would have made them drop it.
  idempotency_key_reused: CommandStatus.ESME_RSUBMITFAIL,
  idempotency_key_in_flight: CommandStatus.ESME_RMSGQFUL,
  unknown_port: CommandStatus.ESME_RINVSRCADR,
  port_not_owned: 0x403,
  invalid_msisdn: CommandStatus.ESME_RINVDSTADR,
  invalid_credit_code: 0x404,
  sender_suspended: 0x405,
  signature_missing: 0x406,
  signature_unregistered: 0x407,
  // after quiet_hours (0x412): the next free code of the rules block
  signature_multiple: 0x413,
  port_kind_mismatch: 0x408,
  commercial_content_in_non_commercial: 0x409,
  // content governance (docs/CONTENT.md): a block of vendor codes of its own
  prohibited_content: 0x430,
  template_mismatch: 0x431,
  // Held for review: recorded and parked, may be released later. Not an error on SMPP: the server
  // answers ESME_ROK with the message id (the message was taken in, as HTTP's 202 says), and this
  // status is the `err:` of the REJECTD receipt if an operator rejects it (docs/SMPP.md).
  held_for_review: 0x432,
  message_too_long: CommandStatus.ESME_RINVMSGLEN,
  frequency_exceeded: 0x40a,
  // after charged_already_subscribed (0x415): the next free code of the rules block
  duplicate_content: 0x416,
  throttled: CommandStatus.ESME_RTHROTTLED,
  consent_missing: 0x40b,
  consent_expired: 0x40c,
  consent_frequency_exceeded: 0x40d,
  consent_proof_required: 0x40e,
  consent_request_incomplete: 0x40f,
  consent_request_repeated: 0x410,
  opted_out: 0x411,
  quiet_hours: 0x412,
  // a submit naming a charged service (vendor TLV 0x1403) to a number that did not confirm it (rule 8)
  charge_not_confirmed: 0x414,
  // HTTP only (a subscription's notice is asked over HTTP); listed because the table is exhaustive
  charged_already_subscribed: 0x415,
  upstream_unavailable: CommandStatus.ESME_RMSGQFUL,
  // as before the code existed (a store failure was internal_error): the ESME's system error
  store_unavailable: CommandStatus.ESME_RSYSERR,
  internal_error: CommandStatus.ESME_RSYSERR,
};

/** command_status for an error code (unknown strings → ESME_RSYSERR). */
export function smppStatusFor(code: string): number {
  return (SMPP_STATUS as Record<string, number>)[code] ?? CommandStatus.ESME_RSYSERR;
}

/** Reverse lookup for vendor codes (0x400–0x4FF) → our error code, for tools reading our answers. */
export function errorCodeForVendorStatus(status: number): ErrorCode | undefined {
  if (status < 0x400 || status > 0x4ff) return undefined;
  for (const [code, s] of Object.entries(SMPP_STATUS)) if (s === status) return code as ErrorCode;
  return undefined;
}
