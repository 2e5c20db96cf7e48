/**
 * `GET /v1/usage` (README "Usage"): usage figures per content provider and Shanghai day or month,
 * from the counters kept with every decision and status (src/app/usage.ts says who reads what).
 */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/app.js';
import { requireAuth } from '../auth.js';
import { bearerSecurity, errorBody, errorResponse, unknownProviderFilter } from '../schemas.js';

const count = (description: string) => ({ type: 'integer', minimum: 0, description });

/** One entry of the answer (UsageFigures). */
const usageFigures = {
  type: 'object',
  properties: {
    contentProviderId: { type: 'string' },
    period: { type: 'string', description: 'YYYY-MM-DD (granularity day) or YYYY-MM (month, only its days inside from…to), Asia/Shanghai' },
    submitted: count('Submissions decided, whatever the decision'),
    accepted: count('Accepted at submission'),
    rejected: count('Refused at submission (the sum of rejectedByCode)'),
    rejectedByCode: { type: 'object', additionalProperties: { type: 'integer' }, description: 'Refusals by stable error code' },
    held: count('Held for an operator\'s review'),
    released: count('Held messages an operator released'),
    reviewRejected: count('Held messages an operator rejected'),
    segments: count('What carriers bill: segments of accepted and released messages'),
    sent: count('Taken by the carrier (status submitted)'),
    delivered: count('Delivery receipts: delivered'),
    undeliverable: count('Delivery receipts: undeliverable'),
    expired: count('Expired (carrier, or its sender\'s validity ran out in the queue)'),
    failed: count('Could not be sent'),
    rejectedUpstream: count('Refused by the carrier'),
    stopped: count('Stopped in the queue before sending (status rejected)'),
    cancelled: count('Cancelled by their sender'),
  },
  required: ['contentProviderId', 'period', 'submitted', 'accepted', 'rejected', 'rejectedByCode', 'held', 'released', 'reviewRejected', 'segments', 'sent', 'delivered', 'undeliverable', 'expired', 'failed', 'rejectedUpstream', 'stopped', 'cancelled'],
} as const;

export async function usageRoutes(f: FastifyInstance, opts: { app: App }): Promise<void> {
  const { app } = opts;
  f.get('/v1/usage', {
    onRequest: requireAuth,
    schema: {
      tags: ['messages'], security: bearerSecurity,
      summary: 'Usage figures per content provider and Shanghai day or month: submitted, accepted, rejected by code, held, segments, and the statuses reached (delivered, undeliverable…)',
      description: 'Admin: any provider, or all. A content provider: its own (the default; another is 403 forbidden). A regulator: any provider, or with a token limited to a province those registered there (another, or an id no provider has: 403, rule supervision.province-scope). Otherwise an id no provider has: 404 not_found. Statuses count on the day they happened. Periods with nothing counted are left out.',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          contentProviderId: { type: 'string', maxLength: 64, description: 'Default: the calling provider; for the operator or a regulator, every provider it may read' },
          from: { type: 'string', maxLength: 10, description: 'First day YYYY-MM-DD (Asia/Shanghai), inclusive; default the first of to\'s month' },
          to: { type: 'string', maxLength: 10, description: 'Last day YYYY-MM-DD (Asia/Shanghai), inclusive; default today; at most 366 days from from' },
          granularity: { type: 'string', enum: ['day', 'month'], description: 'Default day' },
        },
      },
      response: {
        200: { type: 'object', properties: { usage: { type: 'array', items: usageFigures } }, required: ['usage'] },
        400: errorResponse('A day that is not YYYY-MM-DD, from after to, more than 366 days, or an unknown granularity (invalid_request naming the field)'),
        403: errorResponse('Another provider\'s figures, or (a regulator) a provider outside the token\'s province'),
        404: unknownProviderFilter(),
        '4xx': errorBody,
      },
    },
  }, async (req) => ({ usage: await app.readUsage(req.principal, req.query as Record<string, unknown>) }));
}
