/**
 * The one catalogue of stable error codes. Every rejection anywhere in smsguard is one of these,
 * together with the rule id and article that produced it. Edges map codes to their protocol through
 * exhaustive tables (src/http/error-map.ts, src/smpp/status-map.ts; the pages' labels in
 * src/web/code-labels.ts): adding a code here makes the compiler demand a mapping there.
 */
export const ERROR_CODES = [
  // request shape and identity
  'invalid_request',
  'unauthorized',
  'forbidden',
  'not_found',
  // an API path asked with a method it does not take (HTTP only: 405 with `Allow`)
  'method_not_allowed',
  'conflict',
  // safe retries (Idempotency-Key, src/app/idempotency.ts): API hygiene, no regulation article
  'idempotency_key_reused',
  'idempotency_key_in_flight',
  // sender identity and ports (true sender, port separation)
  'unknown_port',
  'port_not_owned',
  'invalid_msisdn',
  'invalid_credit_code',
  'sender_suspended',
  'signature_missing',
  'signature_unregistered',
  'signature_multiple',
  'port_kind_mismatch',
  // content
  'commercial_content_in_non_commercial',
  'prohibited_content',
  'template_mismatch',
  // not a rejection: parked for an operator's review (early-warning hold, docs/CONTENT.md)
  'held_for_review',
  'message_too_long',
  // volume
  'frequency_exceeded',
  // the same text to the same number again within the profile's window (content.duplicate)
  'duplicate_content',
  'throttled',
  // consent and refusal
  'consent_missing',
  'consent_expired',
  'consent_frequency_exceeded',
  'consent_proof_required',
  'consent_request_incomplete',
  'consent_request_repeated',
  'opted_out',
  'quiet_hours',
  // charged services (docs/REGULATION.md rule 8, src/app/charged-services.ts)
  'charge_not_confirmed',
  // a notice asked for a number already subscribed to the service (409)
  'charged_already_subscribed',
  // operations
  'upstream_unavailable',
  // the store (PostgreSQL) could not be reached just now: try again (src/http/errors.ts)
  'store_unavailable',
  'internal_error',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Where a rejection came from: the rule id, the article (or source) and the profile in force. */
export interface RuleRef {
  rule?: string;
  article?: string;
  profile?: string;
}

/** The JSON body every door returns for a rejection: `{error:{code,message,rule?,article?,profile?}}`. */
export interface ErrorBody extends RuleRef {
  code: ErrorCode;
  message: string;
  /** For `invalid_request`: the field at fault, as a JSON path (`messages/3/to`). */
  field?: string;
}

/**
 * Why a rejection under a broad code (`invalid_request`, `forbidden`, `not_found`, `conflict`) was
 * made, when the reason is one a person at a form can act on or must be told (which case is missing,
 * what the case's state allows now): a stable id with its parameters, which the web pages say in
 * their language (src/web/form-errors.ts has a text for every id) while the message says the same in
 * English. Not part of the API's body (its schema is unchanged); a rejection without one is shown by
 * its message.
 */
export const WHY_IDS = [
  // any text field (src/app/validate.ts `str`)
  'not_text', 'too_short', 'too_long', 'bad_pattern',
  // a NUL or lone surrogate: no store or handset takes it (`storableText`)
  'not_storable',
  // a control character in a person's words (free text: other than tab and line breaks; a line: any) (`plainText`)
  'control_char', 'control_char_line',
  // a body that is not UTF-8 (JSON, a 12321 JSONL file, a form)
  'body_not_utf8',
  // who may
  'role_required',
  // complaints and reports
  'sender_shape', 'report_not_json', 'report_not_object', 'report_field_unknown', 'report_reference_missing', 'report_reference_taken', 'reports_too_many', 'provider_unregistered',
  // cases: which one, its state, who acts (allowed and action as action ids, state a state id)
  'case_not_found', 'case_other_provider', 'case_final', 'action_not_allowed', 'action_for_roles', 'action_unknown',
  'case_already_forwarded', 'case_no_provider', 'case_changed', 'evidence_case_final', 'action_field_misplaced', 'state_unknown', 'cursor_invalid',
  // case actions
  'forward_no_provider', 'forward_other_provider', 'forward_operator_provider_unregistered', 'answer_blank', 'finding_unknown',
  'measures_too_many', 'measure_kind_unknown', 'measure_operator_case', 'measure_operator_only', 'measure_amount', 'measure_rate', 'measure_param_misplaced',
  // credit files and the annual report
  'credit_kind_unknown', 'fine_amount', 'amount_fen', 'amount_not_fine', 'talk_needs_notes', 'year_range', 'year_outside_dates', 'month_outside_dates', 'range_outside_dates',
  'provider_not_found', 'provider_other_province', 'operator_file_province', 'today_outside_dates', 'entry_not_found', 'entry_published', 'entry_withdrawn', 'entry_not_admins',
  'annual_own_only',
  // the registry's reads, and what the operator's pages act on
  'provider_own_only', 'provider_filter_own_only', 'provider_status_unknown', 'signature_not_found', 'port_not_found', 'link_not_found',
  // numbers, days and reasons typed into the staff pages' forms
  'msisdn_not_mainland', 'range_reversed', 'reason_required', 'field_required', 'day_format', 'month_format', 'datetime_format',
  // content governance, the review queue and consents as the pages act on them
  // the records search's filters
  'filter_port_digits', 'filter_value_unknown', 'filter_value_meant',
  'template_not_found', 'template_status_unknown', 'action_not_in_force', 'held_not_found', 'consent_not_found', 'not_opted_out', 'governance_off', 'baseline_not_found',
  // a web form posted again while its first post, on another process, has given no answer (src/web/form-once.ts)
  'form_already_sent',
] as const;
export type WhyId = (typeof WHY_IDS)[number];
export interface Why {
  id: WhyId;
  params?: Readonly<Record<string, string | number>>;
}

/** A rejection raised by a use case; edges turn it into HTTP or SMPP status via their tables. */
export class SmsguardError extends Error {
  readonly code: ErrorCode;
  readonly ref: RuleRef;
  readonly field?: string;
  /** For the pages: why, as an id they translate (see {@link Why}); never in {@link toBody}. */
  readonly why?: Why;
  constructor(code: ErrorCode, message: string, ref: RuleRef = {}, field?: string, why?: Why) {
    super(message);
    this.name = 'SmsguardError';
    this.code = code;
    this.ref = ref;
    this.field = field;
    this.why = why;
  }
  toBody(): ErrorBody {
    const body: ErrorBody = { code: this.code, message: this.message, ...this.ref };
    if (this.field !== undefined) body.field = this.field;
    return body;
  }
}

/**
 * A `throttled` refusal a caller may try again after `retryAfterMs` (the HTTP door says it as
 * Retry-After, whole seconds rounded up); undefined when waiting would not help.
 */
export class RetryLaterError extends SmsguardError {
  constructor(message: string, ref: RuleRef, readonly retryAfterMs: number | undefined) {
    super('throttled', message, ref);
  }
}

/** Socket failures of a store connection (Node's errno codes). */
const UNREACHABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** What the PostgreSQL driver and its pool say of a connection lost or not made (they carry no code). */
const UNREACHABLE_MESSAGE = /^(Connection terminated( unexpectedly| due to connection timeout)?|timeout exceeded when trying to connect|Client has encountered a connection error and is not queryable)$/;

/**
 * A failure that says the store could not be reached, not that a request or the code is wrong: a
 * refused or reset connection, a connection ended under a query (a server restart, a network blip),
 * SQLSTATE class 08 (connection exception) or 57P01–57P03 (the server shutting down or starting).
 * Returned as `store_unavailable` (HTTP 503 with Retry-After) for the edges to say, in place of a
 * 500 `internal_error` that reads as a bug; null for anything else. A connection lost during COMMIT
 * leaves its outcome unknown, so the message says so: a submit retried with its Idempotency-Key is
 * answered once either way.
 */
export function storeUnavailable(e: unknown): SmsguardError | null {
  if (e instanceof SmsguardError || !(e instanceof Error)) return null;
  const code = (e as { code?: unknown }).code;
  const down = typeof code === 'string'
    ? UNREACHABLE_ERRNO.has(code) || /^08[0-9A-Z]{3}$/.test(code) || code === '57P01' || code === '57P02' || code === '57P03'
    : UNREACHABLE_MESSAGE.test(e.message);
  if (!down) return null;
  return new SmsguardError('store_unavailable', 'the database could not be reached just now; the request may not have taken effect: try it again shortly (a submit with the same Idempotency-Key is answered once)');
}

export function isErrorCode(x: unknown): x is ErrorCode {
  return typeof x === 'string' && (ERROR_CODES as readonly string[]).includes(x);
}
