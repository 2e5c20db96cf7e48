/** Consent requests (content providers): send one, read its status and history. */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/app.js';
import { getConsentRequest, requestConsent } from '../../app/consent-requests.js';
import { requireAuth, requireRoles } from '../auth.js';
import { ROLES } from '../../app/access.js';
import { bounded, bearerSecurity, errorBody, errorResponse, idParam, UNAUTHORIZED } from '../schemas.js';
import { CONSENT_REQUEST_LIMITS } from '../../app/consent-requests.js';

const frequency = { type: 'object', properties: { count: { type: 'integer' }, per: { type: 'string', enum: ['day', 'week', 'month'], description: 'the calendar period counted: day, week (Monday first) or month, in Asia/Shanghai (docs/CONSENT.md)' } }, required: ['count', 'per'] } as const;
const iso = { type: 'string', format: 'date-time' } as const;

/**
 * GET /v1/consent-requests/{id}: ConsentRequestView (src/app/consent-requests.ts). Every field is
 * listed, since the response serializer drops the rest; an event's evidence is kept whole, whatever
 * its fields (test/e2e/consent-requests.test.ts checks the round trip).
 */
const consentRequestView = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    contentProviderId: { type: 'string' },
    from: { type: 'string', description: 'The commercial port it was sent from' },
    to: { type: 'string' },
    category: { type: 'string' },
    frequency,
    durationDays: { type: 'integer' },
    text: { type: 'string', description: 'The request as sent' },
    messageId: { type: 'string', description: 'The message that carried it (GET /v1/messages/{id})' },
    status: { type: 'string', enum: ['pending', 'granted', 'refused', 'deemed_refused', 'lapsed'] },
    createdAt: iso,
    deadlineAt: iso,
    resolvedAt: { type: ['string', 'null'], format: 'date-time' },
    consentId: { type: ['string', 'null'], description: 'The consent a grant recorded' },
    chargedServiceId: { type: 'string', description: 'Only on a charged service’s notice (POST /v1/charged-services/{id}/subscriptions): the service; granted = subscribed (docs/CONSENT.md, “Charged services (rule 8)”)' },
    profile: { type: 'string' },
    history: {
      type: 'array',
      items: {
        type: 'object',
        properties: { at: iso, event: { type: 'string' }, channel: { type: 'string' }, evidence: { type: 'object', additionalProperties: true } },
        required: ['at', 'event'],
      },
    },
  },
  required: ['id', 'status', 'history'],
} as const;

export async function consentRequestRoutes(f: FastifyInstance, opts: { app: App }): Promise<void> {
  const { app } = opts;
  f.post('/v1/consent-requests', {
    onRequest: requireRoles(ROLES.requestConsent),
    schema: {
      tags: ['consent'], security: bearerSecurity,
      summary: 'Ask a number for consent: one message from a commercial port stating category, frequency, duration and how to answer',
      description: 'Rejections carry code and rule (docs/CONSENT.md): e.g. 409 conflict with rule consent.one-pending while a request from this provider to this number awaits its answer (a gateway rule, not a regulation); 422 consent_request_repeated (consent.no-repeat) after a refusal.',
      body: {
        type: 'object', additionalProperties: false,
        properties: {
          from: { type: 'string', ...bounded(CONSENT_REQUEST_LIMITS.from), description: 'Commercial port (digits)' },
          to: { type: 'string', ...bounded(CONSENT_REQUEST_LIMITS.to), description: 'Mainland mobile number: 13800138000, +8613800138000 or 8613800138000 (ASCII digits)' },
          category: { type: 'string', ...bounded(CONSENT_REQUEST_LIMITS.category) },
          frequency,
          durationDays: { type: 'integer', description: 'How long the consent would last, 1–3650 days' },
          text: { type: ['string', 'null'], ...bounded(CONSENT_REQUEST_LIMITS.text), description: '(null or absent: smsguard writes it) Own wording; must state category, frequency (每月不超过4条), duration (有效期180天) and how to answer (同意请回复“是”)' },
        },
        required: ['from', 'to', 'category', 'frequency', 'durationDays'],
      },
      response: {
        202: { type: 'object', properties: { id: { type: 'string' }, status: { type: 'string' }, text: { type: 'string' }, messageId: { type: 'string' }, deadlineAt: iso } },
        '4xx': errorBody,
      },
    },
  }, async (req, reply) => reply.code(202).send(await requestConsent(app.ctx, req.principal, req.body)));

  f.get('/v1/consent-requests/:id', {
    onRequest: requireAuth,
    schema: {
      tags: ['consent'], security: bearerSecurity, summary: 'A consent request: status (pending, granted, refused, deemed_refused, lapsed) and its history', params: idParam,
      response: {
        200: consentRequestView,
        401: UNAUTHORIZED,
        403: errorResponse('A provider\'s token for another provider\'s request, or a role that may not read them'),
        404: errorResponse('No consent request with this id (for a regulator: none within its province and dates)'),
        '4xx': errorBody,
      },
    },
  }, async (req) => getConsentRequest(app.ctx, req.principal, (req.params as { id: string }).id));
}
