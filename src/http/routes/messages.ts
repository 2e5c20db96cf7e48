/** Message routes (content providers): submit one, submit a batch, list them by number or clientRef, read one's status and verdicts, cancel or replace one still held. */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/app.js';
import { SmsguardError } from '../../domain/errors.js';
import { HTTP_STATUS } from '../error-map.js';
import { retryAfterSeconds } from '../errors.js';
import { requireAuth, requireRoles } from '../auth.js';
import { ROLES } from '../../app/access.js';
import { bounded, bearerSecurity, errorBody, errorResponse, idParam, messageInput, messageView, submitResult, UNAUTHORIZED } from '../schemas.js';
import { submitResultJson, submitResultsJson } from '../submit-results.js';
import { answerOf, idempotencyKeyOf, sendKeyed } from '../idempotency-key.js';
import { requestHash } from '../../domain/idempotency.js';
import { DEFAULT_LIMIT, MAX_LIMIT, MESSAGE_STATUSES, SCAN_BUDGET, type MessageListFilter } from '../../app/message-list.js';
import { SUBMIT_LIMITS, validateReplaceInput } from '../../app/validate.js';

export const MAX_BATCH = 1000;
/**
 * A batch item is checked by validateSubmitInput alone, so one bad item is that item's result and not
 * the whole batch's 400; the schema only describes it for the OpenAPI document. It names no type:
 * `type: 'object'` here made an item that is no object (`null`, a string) the whole batch's 400.
 */
const batchItem = {
  description: `A message as for POST /v1/messages (from, to, text, type, category?, clientRef?, registeredDelivery?: ${messageInput.properties.registeredDelivery.enum.map((v) => JSON.stringify(v)).join(' | ')}); a malformed item is reported in its own result as invalid_request naming messages/<index>/<field>`,
} as const;
/** What fastify sends for a JSON body it serialized itself. */
const JSON_TYPE = 'application/json; charset=utf-8';

/** The 429s of a submit, for the OpenAPI document (Retry-After is added with every 429: retry-headers-doc.ts). */
const THROTTLED = errorResponse('throttled: over the content provider\'s HTTP throughput (rule provider.throughput; nothing recorded, nothing of a batch taken), or a message under an early-warning throttle (rule monitor.early-warning; recorded, with its id; in a batch, that item\'s result). Retry-After: the whole seconds until the limit admits a message again (not on a batch larger than one second\'s worth, nor on a replayed Idempotency-Key answer)');

export async function messageRoutes(f: FastifyInstance, opts: { app: App }): Promise<void> {
  const { app } = opts;
  f.post('/v1/messages', {
    onRequest: requireRoles(ROLES.submitMessages),
    schema: {
      tags: ['messages'], security: bearerSecurity, summary: 'Submit one message; 202 when accepted, 422 with the rule and article when rejected',
      body: messageInput,
      response: { 202: submitResult, 429: THROTTLED, '4xx': errorBody },
    },
  }, async (req, reply) => {
    // The provider's HTTP throughput, before anything is decided (http-throughput.ts); the role check is submitMessage's.
    const p = req.principal;
    if (p.role === 'content-provider') {
      const wait = app.httpThroughput.admit(p.contentProviderId, 1);
      if (wait) await wait;
    }
    const key = idempotencyKeyOf(req);
    if (key !== undefined) {
      // the wait of a throttle's refusal, for the first answer only: a replay's wait is long past
      let wait: number | undefined;
      // the answer as the lines below send it, as bytes kept with the decision (README "Retrying safely")
      const a = await app.submitMessagesOnce(req.principal, [req.body], 'http', undefined, {
        key, requestHash: requestHash('POST', '/v1/messages', req.body),
        answer: ([o]) => {
          if (!o.ok) wait = o.retryAfterMs;
          return answerOf(o.ok ? 202 : HTTP_STATUS[o.error.code], submitResultJson(o));
        },
      });
      if (wait !== undefined && !a.replayed) reply.header('retry-after', retryAfterSeconds(wait));
      return sendKeyed(reply, a);
    }
    const o = await app.submitMessage(req.principal, req.body, 'http');
    // JSON bytes as the 202 schema gives them (submit-results.ts), without the schema serializer's passes
    if (o.ok) return reply.code(202).type(JSON_TYPE).send(submitResultJson(o));
    const body = o.id ? { id: o.id, error: o.error } : { error: o.error };
    // an early-warning throttle's refusal: when its next token is due, as every other 429 says it
    if (o.retryAfterMs !== undefined) reply.header('retry-after', retryAfterSeconds(o.retryAfterMs));
    return reply.code(HTTP_STATUS[o.error.code]).send(body);
  });

  f.post('/v1/messages/batch', {
    onRequest: requireRoles(ROLES.submitMessages),
    bodyLimit: 8 * 1024 * 1024,
    schema: {
      tags: ['messages'], security: bearerSecurity, summary: `Submit up to ${MAX_BATCH} messages; each result as for a single submit`,
      // beside `messages` nothing: a key meant as the Idempotency-Key header, or a callback URL, was dropped unseen
      body: { type: 'object', additionalProperties: false, properties: { messages: { type: 'array', maxItems: MAX_BATCH, items: batchItem } }, required: ['messages'] },
      response: { 200: { type: 'object', properties: { results: { type: 'array', items: submitResult } } }, 429: THROTTLED, '4xx': errorBody },
    },
  }, async (req, reply) => {
    const key = idempotencyKeyOf(req);
    const { messages } = req.body as { messages: unknown[] };
    if (messages.length === 0) throw new SmsguardError('invalid_request', 'messages: must not be empty', {}, 'messages');
    // A batch counts its messages (a malformed item too: it was sent); one that does not fit whole is refused whole.
    const p = req.principal;
    if (p.role === 'content-provider') {
      const wait = app.httpThroughput.admit(p.contentProviderId, messages.length);
      if (wait) await wait;
    }
    if (key !== undefined) {
      const a = await app.submitMessagesOnce(req.principal, messages, 'http', 'messages', {
        key, requestHash: requestHash('POST', '/v1/messages/batch', req.body),
        answer: (results) => answerOf(200, submitResultsJson(results)),
      });
      return sendKeyed(reply, a);
    }
    const results = await app.submitMessages(req.principal, messages, 'http', 'messages');
    // The 200 schema's JSON, written as bytes (submit-results.ts): ~1.3 µs per result less than the
    // schema serializer on the event loop that decides every message (docs/PERFORMANCE.md).
    return reply.type(JSON_TYPE).send(submitResultsJson(results));
  });

  f.get('/v1/messages', {
    onRequest: requireAuth,
    schema: {
      tags: ['messages'], security: bearerSecurity,
      summary: 'Messages to a number in a range, or by clientRef, with their status; newest first (keyset cursor)',
      description: 'Each item is the view GET /v1/messages/{id} gives. Needs `msisdn`, or `clientRef` with `from` and `to` at most 24 hours apart. '
        + 'Admins see every provider\'s messages, content providers their own, regulators those within their token\'s province and dates (each query recorded). '
        + `With clientRef or status, one request reads at most ${SCAN_BUDGET} submissions: a page may come back short with a nextCursor to read on.`,
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          msisdn: { type: 'string', maxLength: 32, description: 'Recipient, in any form a submission accepts: 13800138000, +8613800138000 or 8613800138000' },
          from: { type: 'string', maxLength: 40, description: 'ISO-8601 with its offset, inclusive' }, to: { type: 'string', maxLength: 40, description: 'ISO-8601 with its offset, exclusive; must be after from (400 naming to otherwise)' },
          clientRef: { type: 'string', maxLength: 128, description: 'The clientRef the message was submitted with' },
          status: { type: 'string', enum: [...MESSAGE_STATUSES], description: 'The message\'s current status' },
          contentProviderId: { type: 'string', maxLength: 64, description: 'One provider\'s (a provider may name only itself)' },
          limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT }, cursor: { type: 'string', maxLength: 16 },
        },
      },
      response: {
        200: {
          type: 'object',
          properties: {
            messages: { type: 'array', items: messageView },
            nextCursor: { type: ['string', 'null'], description: 'Pass as `cursor` for the next page (null: the last page)' },
          },
          required: ['messages', 'nextCursor'],
        },
        400: errorResponse('Neither msisdn nor clientRef with a range of at most 24 hours, a to not after from (naming to), or a field that is not valid (named in the error)'),
        401: UNAUTHORIZED,
        403: errorResponse('Another provider\'s id (a provider), a provider outside a regulator token\'s province, or a role that may not read messages'),
        '4xx': errorBody,
      },
    },
  }, async (req) => app.listMessages(req.principal, req.query as MessageListFilter));

  f.get('/v1/messages/:id', {
    onRequest: requireAuth,
    schema: {
      tags: ['messages'], security: bearerSecurity, summary: 'A message with its status history and every verdict', params: idParam,
      response: {
        200: messageView,
        401: UNAUTHORIZED,
        403: errorResponse('A provider\'s token for another provider\'s message, or a role that may not read messages'),
        404: errorResponse('No message with this id (for a regulator: none within its province and dates)'),
        '4xx': errorBody,
      },
    },
  }, async (req) => app.getMessage(req.principal, (req.params as { id: string }).id));

  f.delete('/v1/messages/:id', {
    onRequest: requireRoles(ROLES.cancelMessage),
    schema: {
      tags: ['messages'], security: bearerSecurity, params: idParam,
      summary: 'Cancel a message the gateway still holds (queued and not yet taken for sending, or held for review), or one sent and not final that the carrier takes back (cancel_sm upstream; in scale-out by the egress process owning the partition of its recipient); it ends cancelled',
      response: {
        200: { type: 'object', properties: { id: { type: 'string' }, status: { type: 'string', enum: ['cancelled'] } }, required: ['id', 'status'] },
        401: UNAUTHORIZED,
        403: errorResponse('A provider\'s token for another provider\'s message, or a role that may not cancel messages'),
        404: errorResponse('No message with this id'),
        409: errorResponse('Too late: being handed to the carrier, sent and the carrier would not take it back (refused, no answer in 5 s, link down; scale-out: no egress process answered), or otherwise final (delivered, rejected, expired, cancelled). A long message the carrier took back only in part: the message names which parts were cancelled, refused, unanswered or not asked, the message stays submitted, and its history notes it'),
        '4xx': errorBody,
      },
    },
  }, async (req) => app.cancelMessage(req.principal, (req.params as { id: string }).id));

  f.patch('/v1/messages/:id', {
    onRequest: requireRoles(ROLES.replaceMessage),
    schema: {
      tags: ['messages'], security: bearerSecurity, params: idParam,
      summary: 'Replace the text (and optionally the schedule, validity or receipt request) of a message the gateway still holds unwritten (queued, taken by a batch that has not written it, or held for review), as SMPP replace_sm does; the new text is decided by every rule again, and a refusal leaves the message as it was',
      body: {
        type: 'object',
        properties: {
          text: messageInput.properties.text,
          scheduledAt: { type: ['string', 'null'], ...bounded(SUBMIT_LIMITS.scheduledAt), description: 'As for POST /v1/messages; absent: the message keeps its own; null (or a time at or near now): it loses it and goes as soon as possible' },
          validUntil: { type: ['string', 'null'], ...bounded(SUBMIT_LIMITS.validUntil), description: 'As for POST /v1/messages; absent or null: the message keeps its own' },
          registeredDelivery: { ...messageInput.properties.registeredDelivery, description: 'As for POST /v1/messages; absent: the message keeps its own' },
        },
        required: ['text'],
      },
      response: {
        200: { type: 'object', properties: { id: { type: 'string' }, status: { type: 'string', enum: ['accepted', 'held'] }, text: { type: 'string' }, segments: { type: 'integer' } }, required: ['id', 'status', 'text', 'segments'] },
        400: errorResponse('A field that is not valid, or one a replacement cannot change (from, to, type, category), named in the error'),
        401: UNAUTHORIZED,
        403: errorResponse('A provider\'s token for another provider\'s message, or a role that may not replace messages (only its sender may)'),
        404: errorResponse('No message with this id'),
        409: errorResponse('Too late: written to the carrier (in whole or part), being written, or final'),
        422: errorResponse('The new text refused by a rule (its code, rule and article): the message stays as it was'),
        429: errorResponse('throttled: over the content provider\'s HTTP throughput (rule provider.throughput), which a replacement counts 1 against as a POST /v1/messages does; nothing decided, the message as it was. Retry-After: the whole seconds until the limit admits one again'),
        '4xx': errorBody,
      },
    },
  }, async (req) => {
    // A replacement decides a text as a submission does (a whole decision in a store transaction), so
    // it takes one token of the provider's HTTP throughput, as POST /v1/messages, before anything is
    // decided: past the rate a client cannot reach the store with replacements more often than with submits.
    const p = req.principal;
    if (p.role === 'content-provider') {
      const wait = app.httpThroughput.admit(p.contentProviderId, 1);
      if (wait) await wait;
    }
    return app.replaceMessage(p, (req.params as { id: string }).id, validateReplaceInput(req.body), 'http');
  });
}
