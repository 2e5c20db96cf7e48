/** The subscriber's view: every consent, request, refusal, opt-out and withdrawal of one number. */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/app.js';
import { getSubscriber, getSubscriberConsents } from '../../app/consent-subscribers.js';
import { liftOptOut } from '../../app/consent-lift-opt-out.js';
import { requireAuth } from '../auth.js';
import { bearerSecurity } from '../schemas.js';

const params = { type: 'object', properties: { msisdn: { type: 'string', maxLength: 32 } }, required: ['msisdn'] } as const;

export async function subscriberRoutes(f: FastifyInstance, opts: { app: App }): Promise<void> {
  const { app } = opts;
  f.get('/v1/subscribers/:msisdn', {
    onRequest: requireAuth,
    schema: { tags: ['consent'], security: bearerSecurity, summary: 'Admin, regulator: one number’s subscription records across every provider', params },
  }, async (req) => getSubscriber(app.ctx, req.principal, (req.params as { msisdn: string }).msisdn));
  f.get('/v1/subscribers/:msisdn/consents', {
    onRequest: requireAuth,
    schema: { tags: ['consent'], security: bearerSecurity, summary: 'Content provider: its own consents, requests, opt-outs and withdrawals for one number', params },
  }, async (req) => getSubscriberConsents(app.ctx, req.principal, (req.params as { msisdn: string }).msisdn));
  f.post('/v1/subscribers/:msisdn/lift-opt-out', {
    onRequest: requireAuth,
    schema: {
      tags: ['consent'], security: bearerSecurity, params,
      summary: "Admin: lift a number's opt-out from one provider, on the user's own request (evidence required); grants no consent",
      body: {
        type: 'object', additionalProperties: false, required: ['contentProviderId', 'reason', 'evidence'],
        properties: {
          contentProviderId: { type: 'string', minLength: 1, maxLength: 64 },
          reason: { type: 'string', minLength: 1, maxLength: 500 },
          evidence: {
            type: 'object', additionalProperties: false, required: ['channel', 'reference', 'capturedAt'],
            properties: { channel: { type: 'string', minLength: 1, maxLength: 64 }, reference: { type: 'string', minLength: 1, maxLength: 512 }, capturedAt: { type: 'string', minLength: 1, maxLength: 40 } },
          },
        },
      },
    },
  }, async (req) => liftOptOut(app.ctx, req.principal, (req.params as { msisdn: string }).msisdn, req.body as Record<string, unknown>));
}
