/**
 * Statutory records: filtered, keyset-paginated reads (admin, regulator, a provider's own), the
 * signed chain heads, a month's verification and the inspection export, and legal holds. Hold,
 * head and inspection routes live in their own plugins below.
 */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/app.js';
import { requireAuth } from '../auth.js';
import { bearerSecurity, errorBody, errorResponse, UNAUTHORIZED } from '../schemas.js';
import { holdRoutes } from './holds.js';
import { recordHeadRoutes } from './record-heads.js';
import { recordInspectionRoutes } from './record-inspection.js';

/**
 * A page of RecordItem (src/app/record-items.ts: the stored row, its header columns, and the
 * clientRef and rejection read from its body), newest first. Every field is listed, since the response
 * serializer drops the rest; a record's body is kept whole, as recorded (one whose stored body is
 * damaged reads `{unreadable: <the body as stored>}`).
 */
const recordPage = {
  type: 'object',
  properties: {
    records: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          seq: { type: 'integer', description: 'Order of writing' },
          id: { type: 'string' },
          at: { type: 'integer', description: 'Epoch ms' },
          kind: { type: 'string', enum: ['mt', 'mo', 'status', 'subscription', 'audit'] },
          contentProviderId: { type: ['string', 'null'] },
          msisdn: { type: ['string', 'null'] },
          ref: { type: ['string', 'null'], description: 'What the record is about: the message id (mt, status), the MO id (mo), the consent or consent request id (subscription); null on most audit records' },
          clientRef: { type: ['string', 'null'], description: 'The sender\'s clientRef of a submission (mt); null when it gave none, and on other kinds' },
          port: { type: ['string', 'null'], description: 'Sending port of an MT, the port an MO reached (what `port` matches); null on other kinds' },
          type: { type: ['string', 'null'], description: 'Message type of an MT, event of a subscription record, action of an audit record (what `type` matches); null on other kinds' },
          decision: { type: ['string', 'null'], enum: ['accepted', 'held', 'rejected', null], description: 'An MT\'s decision (what `decision` matches); null on other kinds' },
          rule: { type: ['string', 'null'], description: 'The rule of a rejection: a rejected MT\'s failing rule (what `rule` matches), or the rule a status record says stopped its message after it was queued (not matched by `rule`); null otherwise' },
          code: { type: ['string', 'null'], description: 'The error code of that rejection (a held MT: held_for_review); null otherwise' },
          article: { type: ['string', 'null'], description: 'The article of `rule` in the profile the record names, as GET /v1/messages/{id} gives it; null when none' },
          body: { type: 'object', additionalProperties: true, description: 'The record as written: a submission with its verdicts, a status, an MO, a subscription event, an audit entry' },
          hash: { type: 'string', description: 'The record\'s hash in its chain (hex; smsguard records verify)' },
        },
        required: ['seq', 'id', 'at', 'kind', 'contentProviderId', 'msisdn', 'ref', 'clientRef', 'port', 'type', 'decision', 'rule', 'code', 'article', 'body'],
      },
    },
    nextCursor: { type: ['string', 'null'], description: 'Pass as `cursor` for the next page (null: the last page)' },
  },
  required: ['records', 'nextCursor'],
} as const;

export async function recordRoutes(f: FastifyInstance, opts: { app: App }): Promise<void> {
  const { app } = opts;
  f.get('/v1/records', {
    onRequest: requireAuth,
    schema: {
      tags: ['records'], security: bearerSecurity,
      summary: 'Records: every submission, status, MO, consent, opt-out and audit entry, newest first (keyset cursor)',
      description: 'Admins see everything; regulators everything within their token\'s province and date range (every query is itself recorded); content providers their own records.',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          msisdn: { type: 'string', maxLength: 32 },
          contentProviderId: { type: 'string', maxLength: 64 },
          port: { type: 'string', maxLength: 21, description: 'Sending port of an MT, or the port an MO reached' },
          kind: { type: 'string', enum: ['mt', 'mo', 'status', 'subscription', 'audit'] },
          type: { type: 'string', maxLength: 64, description: 'Message type of an MT (verification, notification, commercial, public_welfare), event of a subscription record (consent_granted, opt_out…), action of an audit record (one the gateway records: records.query, content_provider.create… src/domain/audit-actions.ts); anything else is 400 naming type, with the value it likely meant when one is near (did you mean …?)' },
          decision: { type: 'string', enum: ['accepted', 'held', 'rejected'], description: 'An MT\'s decision (held: held for review when decided)' },
          rule: { type: 'string', maxLength: 64, description: 'Rule id of the failing verdict of a rejected MT: a rule code of the profiles (commercial.consent…); anything else is 400 naming rule and listing them' },
          from: { type: 'string', maxLength: 40, description: 'ISO-8601 with its offset, inclusive' }, to: { type: 'string', maxLength: 40, description: 'ISO-8601 with its offset, exclusive; must be after from (400 naming to otherwise)' },
          // the default said, not set (`default`): a regulator's query is recorded with its filter as asked
          limit: { type: 'integer', minimum: 1, maximum: 1000, description: 'default 100' }, cursor: { type: 'string', maxLength: 16 },
        },
      },
      response: {
        200: recordPage,
        400: errorResponse('A malformed filter (a rule, type, kind or decision no record can hold: the message lists what it may be), a cursor the API did not hand out, or a to not after from (invalid_request naming the parameter)'),
        401: UNAUTHORIZED,
        403: errorResponse('Another provider\'s records (a provider), or a content provider outside a regulator token\'s province (rule supervision.province-scope, with its article)'),
        404: errorResponse('contentProviderId: no content provider registered under it (nor the operator\'s own account): a misspelt id, not a provider without records'),
        '4xx': errorBody,
      },
    },
  }, async (req) => app.queryRecords(req.principal, req.query as Record<string, string> & { limit?: number }));
  await f.register(recordHeadRoutes, opts);
  await f.register(recordInspectionRoutes, opts);
  await f.register(holdRoutes, opts);
}
