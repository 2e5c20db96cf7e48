/**
 * Review-queue routes (docs/CONTENT.md): messages an early-warning hold parked, listed and released or
 * rejected by an operator. Not `/v1/holds`: that path is the records feature's legal holds.
 */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/app.js';
import { ReviewQueue } from '../../app/review-queue.js';
import { requireAuth, requireRoles } from '../auth.js';
import { ROLES } from '../../app/access.js';
import { KEYSET_CURSOR_PARAM, NEXT_CURSOR, bearerSecurity, errorBody, idParam, ownDataFilter, reasonBody, unknownProviderFilter } from '../schemas.js';

const held = {
  type: 'object',
  properties: {
    id: { type: 'string' }, contentProviderId: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' },
    text: { type: 'string' }, registeredDelivery: { type: 'boolean' }, heldAt: { type: 'integer' }, status: { type: 'string' },
    validUntil: { type: 'integer', description: 'Epoch ms; only when its sender gave a validity (SMPP validity_period, HTTP validUntil)' },
    expiresAt: { type: 'integer', description: 'Epoch ms (in the list): when the hold ends undecided and the message expires (status expired): validUntil or heldAt + the maximum hold (--review-hold-max-hours), whichever comes first' },
  },
} as const;

export async function reviewQueueRoutes(f: FastifyInstance, opts: { app: App }): Promise<void> {
  const queue = new ReviewQueue(opts.app.ctx);

  f.get('/v1/review-queue', {
    onRequest: requireAuth,
    schema: {
      tags: ['content'], security: bearerSecurity, summary: 'Messages held for review by an early-warning hold, oldest first, a page at a time (keyset cursor; admin; providers see their own, another provider\'s contentProviderId is 403 forbidden, rule access.own-data)',
      querystring: { type: 'object', additionalProperties: false, properties: { contentProviderId: { type: 'string', maxLength: 64 }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 }, cursor: KEYSET_CURSOR_PARAM } },
      response: { 200: { type: 'object', properties: { messages: { type: 'array', items: held }, nextCursor: NEXT_CURSOR }, required: ['messages', 'nextCursor'] }, 403: ownDataFilter('a role that reads no review queue'), 404: unknownProviderFilter(), '4xx': errorBody },
    },
  }, async (req) => queue.list(req.principal, req.query as { contentProviderId?: string; limit?: number; cursor?: string }));

  f.post('/v1/review-queue/:id/release', {
    // the reason is optional, so is the body: an empty POST releases
    preValidation: async (req) => {
      req.body ??= {};
    },
    onRequest: requireRoles(ROLES.releaseHeld),
    schema: {
      tags: ['content'], security: bearerSecurity, summary: 'Release a held message: it joins the egress queue and is sent (admin; the reason is recorded)',
      params: idParam, body: reasonBody(false), response: { 200: held, '4xx': errorBody },
    },
  }, async (req) => queue.release(req.principal, (req.params as { id: string }).id, req.body as { reason?: unknown }));

  f.post('/v1/review-queue/:id/reject', {
    onRequest: requireRoles(ROLES.rejectHeld),
    schema: {
      tags: ['content'], security: bearerSecurity, summary: 'Reject a held message for good (admin; a reason is required and recorded)',
      params: idParam, body: reasonBody(true), response: { 200: held, '4xx': errorBody },
    },
  }, async (req) => queue.reject(req.principal, (req.params as { id: string }).id, req.body as { reason?: unknown }));
}
