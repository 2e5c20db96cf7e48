/** JSON schemas shared by routes (validation and the OpenAPI document at /docs). */
import { CALLBACK_URL_MAX } from '../app/callbacks.js';
import { CONSENT_LIMITS } from '../app/consents.js';
import { KEYSET_CURSOR_MAX } from '../domain/page-cursor.js';
import { MESSAGE_STATUSES } from '../app/message-list.js';
import { SUBMIT_LIMITS as L, TIME_FIELD_LIMITS } from '../app/validate.js';

/** A use case's bound on a string field, in characters (its own table: SUBMIT_LIMITS, REGISTRY_LIMITS…). */
export interface TextBound {
  readonly min?: number;
  readonly max: number;
}

/**
 * The schema bounds of a string body field, from the table its use case checks with (one source, not
 * a copy). Only for a field the use case reads before any refusal of another code or with a rule:
 * Ajv answers a too-long field 400 invalid_request naming it, as `str` does, but before the handler
 * runs (a field read after a 404, a 429 or a rule's refusal gets {@link boundSaid} instead). Ajv
 * counts code points and `str` UTF-16 units, so the schema never refuses what the use case accepts.
 */
export function bounded(l: TextBound): { minLength?: number; maxLength: number } {
  return l.min !== undefined ? { minLength: l.min, maxLength: l.max } : { maxLength: l.max };
}

/**
 * The same bound said in a field's description, for a field the schema must not bound (see
 * {@link bounded}): `1–64 characters`, `up to 2,000 characters`.
 */
export function boundSaid(l: TextBound): string {
  const n = (x: number) => x.toLocaleString('en-US');
  return l.min !== undefined && l.min > 0 ? `${n(l.min)}–${n(l.max)} characters` : `up to ${n(l.max)} characters`;
}

export const errorBody = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'Record id of a recorded rejection' },
    error: {
      type: 'object',
      properties: {
        code: { type: 'string', description: 'Stable error code (README lists them); `invalid_request` for a request of the wrong shape' },
        message: { type: 'string', description: 'What is wrong, in English, starting with the field; for missing required fields, every one missing (`missing: from, to, text, type`), and any key beside them the object does not take, with the field it likely meant (`(unknown field: form, did you mean from?)`)' },
        rule: { type: 'string', description: 'The rule that refused: a profile\'s (`commercial.consent`), or the gateway\'s own (`access.role` a role the operation is not for, `access.own-data` another provider\'s data, `api.idempotency`…); absent for a request of the wrong shape' },
        article: { type: 'string', description: 'Where the rule comes from: the article of the Regulations, or `practice (…)` / `operational, not regulation (…)`' },
        profile: { type: 'string', description: 'The regulation profile in force, for a rule that differs between profiles' },
        field: { type: 'string', description: 'The input at fault: its path in the body (`proof/capturedAt`, `reports/3/text`), or a path or query parameter\'s name; the first one missing when several are. A NUL or a lone surrogate in any text is refused naming its field (PostgreSQL cannot store a NUL)' },
      },
      required: ['code', 'message'],
    },
  },
} as const;

export const messageInput = {
  type: 'object',
  properties: {
    // the bounds validateSubmitInput applies (the same table), so the document states them
    from: { type: 'string', minLength: L.from.min, maxLength: L.from.max, pattern: '^[0-9]+$', description: 'Sending port (digits)' },
    to: { type: 'string', minLength: L.to.min, maxLength: L.to.max, description: 'Mainland mobile number: 13800138000, +8613800138000 or 8613800138000 (ASCII digits), recorded as E.164' },
    text: { type: 'string', minLength: L.text.min, maxLength: L.text.max, description: 'Text starting with a registered signature 【…】' },
    type: { type: 'string', enum: ['verification', 'notification', 'commercial', 'public_welfare'] },
    // null is "none", as for a batch item (validateSubmitInput reads both the same way)
    category: { type: ['string', 'null'], minLength: L.category.min, maxLength: L.category.max, description: 'Consent category; required for commercial (null or absent: none). NFKC-folded and trimmed, as a consent\'s is (ｍａｒｋｅｔｉｎｇ is marketing)' },
    clientRef: { type: ['string', 'null'], maxLength: L.clientRef.max, description: 'The client\'s own reference, kept with the message and shown by GET /v1/messages/{id} (null or absent: none)' },
    // The same three values validateSubmitInput accepts (src/app/validate.ts), so the schema and the
    // batch path (which validates items there alone) give one answer.
    registeredDelivery: { enum: [true, false, 'failure'], description: 'Delivery receipt: true (every final status), false (none, the default) or "failure" (failures only)' },
    validUntil: { type: ['string', 'null'], ...bounded(L.validUntil), description: 'ISO-8601 date-time with its offset, ahead of now (and of scheduledAt): not sent after it (status expired; the carrier is given it as the validity period). Null or absent: no limit' },
    chargedServiceId: { type: ['string', 'null'], ...bounded(L.chargedServiceId), description: 'A charged message (docs/REGULATION.md rule 8): the charged service (POST /v1/charged-services) it charges for. Refused charge_not_confirmed (422) unless the number confirmed a subscription to it (replied Y to its notice); not_found / forbidden for an unknown or another provider\'s service. Over SMPP: vendor TLV 0x1403 on submit_sm / data_sm / submit_multi (docs/SMPP.md). Null or absent: not charged' },
    scheduledAt: { type: ['string', 'null'], ...bounded(L.scheduledAt), description: 'ISO-8601 date-time with its offset: not sent before it (scheduled delivery, at most 35 days ahead). The rules judge the message as if sent then (a commercial message scheduled outside the sending hours is refused now); a commercial one is judged again when it goes. Within 10 s of now, in the past, null or absent: sent at once' },
  },
  required: ['from', 'to', 'text', 'type'],
} as const;

export const submitResult = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    status: { type: 'string' },
    text: { type: 'string' },
    segments: { type: 'integer' },
    error: errorBody.properties.error,
  },
} as const;

/**
 * A proof `{channel, reference, capturedAt}`: a consent's, a withdrawal's, and the user's request
 * behind lifting an opt-out (`evidence`). One shape, checked by one function (parseProof,
 * src/app/consents.ts), which gives every error (the schema adds no limit of its own, so each door
 * gets the same answer); `capturedAt` says the use's own limits.
 */
export const proofSchema = (capturedAt: string) => ({
  type: 'object', required: ['channel', 'reference', 'capturedAt'],
  properties: {
    channel: { type: 'string', description: `${boundSaid(CONSENT_LIMITS.proofChannel)}: web, app, sms, phone, call-centre, the provider's own system…` },
    reference: { type: 'string', description: `${boundSaid(CONSENT_LIMITS.proofReference)}: where the evidence is kept (form id, ticket, recording)` },
    capturedAt: { type: 'string', description: `${capturedAt} (${boundSaid(TIME_FIELD_LIMITS)})` },
  },
} as const);

/**
 * The body of an operator's act that may say why (a release, a lift, a reset): `{reason}`, recorded
 * with the act's audit record; `required` where the act must be explained (a rejection).
 */
export const reasonBody = (required: boolean) => ({
  type: 'object', additionalProperties: false,
  properties: { reason: { type: 'string', maxLength: 1000 } },
  ...(required ? { required: ['reason'] } : {}),
}) as const;

export const idParam = { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] } as const;

/** A mobile number in the path (`/v1/dnd/:msisdn`, `/v1/subscribers/:msisdn`), in any form a submission takes. */
export const msisdnParam = { type: 'object', properties: { msisdn: { type: 'string', maxLength: 32 } }, required: ['msisdn'] } as const;

export const bearerSecurity = [{ bearer: [] }];

/** Every status a message's history can hold (MessageStatus, plus `held` and `rejected`). */
const messageStatus = { type: 'string', enum: [...MESSAGE_STATUSES] } as const;

/**
 * GET /v1/messages/{id}: MessageView (src/ports/store.ts) as records.getMessage returns it. The
 * response serializer drops any property not listed here, so every field of the view is listed
 * (test/e2e/message-view-schema.test.ts checks that a view round-trips whole).
 */
export const messageView = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    contentProviderId: { type: 'string', description: 'The sending provider (the operator\'s own account for a system message)' },
    from: { type: 'string', description: 'Sending port' },
    to: { type: 'string', description: 'Recipient: the normalized number, or as given when it was not a valid one (rejected)' },
    type: { type: 'string', enum: ['verification', 'notification', 'commercial', 'public_welfare'] },
    category: { type: ['string', 'null'], description: 'Consent category (commercial)' },
    text: { type: 'string', description: 'The text as sent (or as it would have been): with the refusal notice where one was appended' },
    decision: { type: 'string', enum: ['accepted', 'rejected', 'held'] },
    status: { ...messageStatus, description: 'The latest status: held while parked for review, rejected for a rejection (when the submission record is damaged: the latest status recorded)' },
    segments: { type: ['integer', 'null'], description: 'SMS parts the final text takes (null for a system message)' },
    receivedAt: { type: 'integer', description: 'Epoch ms' },
    clientRef: { type: ['string', 'null'] },
    registeredDelivery: { enum: [true, false, 'failure'], description: 'Delivery receipt asked for: true (every final status), false (none) or "failure" (failures only)' },
    clientPartIds: { type: 'array', items: { type: 'string' }, description: 'Only for a long message sent in parts over SMPP: the ids its sender was given for the earlier parts' },
    dataCoding: { type: 'integer', description: 'Only for a message submitted over SMPP (since 2026-12-07): the data_coding its text came in, in which a replace_sm\'s new text is read' },
    validUntil: { type: 'integer', description: 'Epoch ms; only when its sender gave a validity (HTTP validUntil, SMPP validity_period): not sent after it (then expired)' },
    scheduledAt: { type: 'integer', description: 'Epoch ms; only when it was scheduled (HTTP scheduledAt, SMPP schedule_delivery_time): not sent before it' },
    chargedServiceId: { type: 'string', description: 'Only for a charged message (HTTP chargedServiceId): the charged service it charges for (docs/CONSENT.md, "Charged services (rule 8)")' },
    profile: { type: ['string', 'null'], description: 'The regulation profile that decided (null for a system message)' },
    verdicts: {
      type: 'array',
      description: 'Every stage that ran, in order',
      items: {
        type: 'object',
        properties: {
          rule: { type: 'string' },
          outcome: { type: 'string', enum: ['pass', 'skip', 'fail'] },
          code: { type: 'string' },
          message: { type: 'string' },
          note: { type: 'string' },
          article: { type: 'string' },
          // records written before verdicts were stored compactly (verdict-codec.ts) kept each verdict whole
          profile: { type: 'string', description: 'Only in records from before verdicts were stored compactly' },
        },
        required: ['rule', 'outcome'],
      },
    },
    history: {
      type: 'array',
      description: 'Status history, oldest first. A status may appear again with a detail that notes something without moving it: `submitted` with "cancel at the carrier: parts 1, 2 of 3 cancelled; part 3 refused (…)" when the carrier took back only part of a long message (DELETE /v1/messages/{id} answered 409; the other parts may still arrive)',
      items: {
        type: 'object',
        properties: {
          status: messageStatus, at: { type: 'integer', description: 'Epoch ms' }, detail: { type: 'string' },
          rejection: {
            type: 'object',
            description: 'Only on `rejected` of a message stopped in the queue before it was sent (the number refused, the consent was withdrawn or expired, the provider was suspended): the rule that stopped it, as a submission\'s rejection names it',
            properties: { code: { type: 'string' }, rule: { type: 'string' }, article: { type: 'string' }, profile: { type: 'string' } },
            required: ['code', 'rule', 'article', 'profile'],
          },
        },
        required: ['status', 'at'],
      },
    },
    unreadable: {
      type: 'array',
      description: 'Only when records of this message have a damaged or edited body (not a JSON object, or a field of the wrong type): each record\'s id and its body as stored. What such a record would have given is left out (the submission\'s fields from, to, type, category, text, decision, segments, clientRef, profile; a status in the history); `smsguard records verify` names them too',
      items: { type: 'object', properties: { id: { type: 'string', description: 'Record id' }, body: { type: 'string', description: 'The body as stored' } }, required: ['id', 'body'] },
    },
  },
  // Only what the view builder (store/message-view.ts) sets itself, never what it copies from the
  // record's body: a missing required field is a 500, and a damaged body (listed in unreadable) gives
  // none of its fields (test/unit/records/damaged-record.test.ts).
  required: ['id', 'contentProviderId', 'status', 'receivedAt', 'registeredDelivery', 'verdicts', 'history'],
} as const;

/**
 * The 403 of a list with a `contentProviderId` filter, for a content provider naming another provider
 * (or an id that is none): rule `access.own-data` (src/app/access.ts `ownFilter`), one rule for every
 * list. `more`: the route's other refusals.
 */
export function ownDataFilter(more?: string) {
  return errorResponse(`contentProviderId: a content provider naming another provider, or an id that is none (forbidden, rule access.own-data with its article, field contentProviderId; its own id, or none, lists its own)${more ? `; ${more}` : ''}`);
}

/** An error body with what it means for one route (the OpenAPI document shows the description). */
export function errorResponse(description: string) {
  return { ...errorBody, description };
}

/**
 * The 401 of every route behind a token (src/http/auth.ts, before the body is read): no token, one
 * not sent as `Bearer <token>`, or one unknown or revoked.
 */
export const UNAUTHORIZED = errorResponse('No token, or one that is not valid');

/**
 * The 403 of a route only some roles may use (src/app/access.ts `ROLES`, refused with rule
 * `access.role`): `roles` as the route says them, `admin`, `admin or regulator`.
 */
export function roleRefused(roles: string) {
  return errorResponse(`A role other than ${roles} (rule access.role)`);
}

/**
 * The 404 of a list whose `contentProviderId` filter names no registered provider (src/app/known-provider.ts
 * `mustBeFilterAccount`): a misspelt id, not a provider with nothing listed. `operator`: the list also
 * takes the operator's own account id.
 */
export function unknownProviderFilter(accounts: 'providers' | 'providers-and-operator' = 'providers') {
  return errorResponse(`contentProviderId: no content provider registered under it${accounts === 'providers-and-operator' ? ' (nor the operator\'s own account, operator)' : ''}: a misspelt id, not a provider with nothing to list`);
}

/** A content provider's HTTP callback URLs (src/app/callbacks.ts), as GET and PUT answer them. */
export const callbackUrls = {
  type: 'object',
  properties: {
    statusUrl: { type: ['string', 'null'], description: 'Gets a `message.status` POST on every status change of the provider\'s messages; null: none' },
    moUrl: { type: ['string', 'null'], description: 'Gets an `mo` POST for every user message to the provider\'s ports; one the gateway acted on itself carries `action`: `opted_out` (a refusal; `signature` when it covers one signature only), `resubscribed`, `consent_granted` or `consent_refused` (with `consentRequestId`), or `consent_reply_late` (a yes or no to the request `consentRequestId` after it closed: nothing changed, the user was told so); an ordinary reply has no `action`; null: none' },
  },
  required: ['statusUrl', 'moUrl'],
} as const;

/**
 * The keyset lists' paging (review queue, alerts, given-up callbacks: src/domain/page-cursor.ts): a
 * `cursor` query parameter and a `nextCursor` answer, as the records, cases and messages lists have.
 */
export const KEYSET_CURSOR_PARAM = { type: 'string', minLength: 1, maxLength: KEYSET_CURSOR_MAX, description: 'nextCursor of the previous page, unchanged (a cursor this API did not return: 400 invalid_request)' } as const;
export const NEXT_CURSOR = { type: ['string', 'null'], description: 'Pass as `cursor` for the next page (null: the last page); rows added meanwhile neither shift a page nor repeat (keyset)' } as const;

/** GET /v1/content-providers/{id}/callbacks/failed (src/app/failed-callbacks.ts). */
export const failedCallbacks = {
  type: 'object',
  properties: {
    failed: {
      type: 'array',
      description: 'Given-up callbacks (24 h after they were queued), oldest failure first; kept 7 days after failing',
      items: {
        type: 'object',
        properties: {
          eventId: { type: 'string', description: 'X-Smsguard-Event-Id: `<messageId>:<status>` or `mo:<moId>`' },
          kind: { type: 'string', enum: ['status', 'mo'] },
          url: { type: 'string', description: 'Where it would go now (the current statusUrl or moUrl); absent when none is set' },
          queuedAt: { type: 'string', format: 'date-time', description: 'When it was queued (or last put back by a retry)' },
          failedAt: { type: 'string', format: 'date-time' },
          attempts: { type: 'integer' },
          lastError: { type: 'string', description: 'What the last attempt got: `HTTP 500`, `timeout`, a connection error, `no statusUrl set`…' },
        },
        required: ['eventId', 'kind', 'queuedAt', 'failedAt', 'attempts', 'lastError'],
      },
    },
    pending: { type: 'integer', description: 'The provider\'s callbacks still to send (not given up)' },
    nextCursor: NEXT_CURSOR,
  },
  required: ['failed', 'pending', 'nextCursor'],
} as const;

/** POST /v1/content-providers/{id}/callbacks/failed/retry: all given-up callbacks, or those named. */
export const retryFailedInput = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: {
    eventIds: { type: 'array', maxItems: 1000, items: { type: 'string', minLength: 1, maxLength: 200 }, description: 'Only these given-up callbacks; absent: all of the provider\'s. Ids that are not its given-up callbacks are passed over' },
  },
} as const;

/** PUT /v1/content-providers/{id}/callbacks: each URL absent (unchanged), null (removed) or an http(s) URL. */
export const callbackInput = {
  // a misspelt URL field (`statusURL`) was dropped and the answer showed no URL set, as if none had been asked for
  type: 'object', additionalProperties: false,
  properties: {
    statusUrl: { type: ['string', 'null'], minLength: 1, maxLength: CALLBACK_URL_MAX, description: `Absolute http or https URL, at most ${CALLBACK_URL_MAX} characters; null removes it; absent: unchanged` },
    moUrl: { type: ['string', 'null'], minLength: 1, maxLength: CALLBACK_URL_MAX, description: `Absolute http or https URL, at most ${CALLBACK_URL_MAX} characters; null removes it; absent: unchanged` },
    rotateSecret: { type: 'boolean', description: 'Make a new signing secret (the old one stops at once)' },
  },
} as const;
