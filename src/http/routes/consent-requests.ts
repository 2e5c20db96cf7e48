/** Consent requests (content providers): send one, read its status and history. */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/app.js';
import { getConsentRequest, requestConsent } from '../../app/consent-requests.js';
import { requireAuth } from '../auth.js';
import { bearerSecurity, errorBody, idParam } from '../schemas.js';

const frequency = { type: 'object', properties: { count: { type: 'integer' }, per: { type: 'string', enum: ['day', 'week', 'month'] } }, required: ['count', 'per'] } as const;

export async function consentRequestRoutes(f: FastifyInstance, opts: { app: App }): Promise<void> {
  const { app } = opts;
  f.post('/v1/consent-requests', {
    onRequest: requireAuth,
    schema: {
      tags: ['consent'], security: bearerSecurity,
      summary: 'Ask a number for consent: one message from a commercial port stating category, frequency, duration and how to answer',
      body: {
        type: 'object',
        properties: {
          from: { type: 'string', description: 'Commercial port (digits)' },
          to: { type: 'string', description: 'Mainland mobile number' },
          category: { type: 'string' },
          frequency,
          durationDays: { type: 'integer', description: 'How long the consent would last' },
          text: { type: 'string', description: 'Own wording; must state category, frequency (每月不超过4条), duration (有效期180天) and how to answer (同意请回复“是”)' },
        },
        required: ['from', 'to', 'category', 'frequency', 'durationDays'],
      },
      response: {
        202: { type: 'object', properties: { id: { type: 'string' }, status: { type: 'string' }, text: { type: 'string' }, messageId: { type: 'string' }, deadlineAt: { type: 'string' } } },
        '4xx': errorBody,
      },
    },
  }, async (req, reply) => reply.code(202).send(await requestConsent(app.ctx, req.principal, req.body)));

  f.get('/v1/consent-requests/:id', {
    onRequest: requireAuth,
    schema: { tags: ['consent'], security: bearerSecurity, summary: 'A consent request: status (pending, granted, refused, deemed_refused, lapsed) and its history', params: idParam },
  }, async (req) => getConsentRequest(app.ctx, req.principal, (req.params as { id: string }).id));
}
