/**
 * Statutory records: filtered, keyset-paginated reads (admin, regulator, a provider's own), the
 * signed chain heads, and legal holds. Hold and head routes live in their own plugins below.
 */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/app.js';
import { requireAuth } from '../auth.js';
import { bearerSecurity, errorBody } from '../schemas.js';
import { holdRoutes } from './holds.js';
import { recordHeadRoutes } from './record-heads.js';

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
          type: { type: 'string', maxLength: 64, description: 'Message type of an MT (verification…), event of a subscription record, action of an audit record' },
          decision: { type: 'string', enum: ['accepted', 'rejected'] },
          rule: { type: 'string', maxLength: 64, description: 'Rule id of the failing verdict of a rejected MT' },
          from: { type: 'string', maxLength: 40, description: 'ISO-8601, inclusive' }, to: { type: 'string', maxLength: 40, description: 'ISO-8601, exclusive' },
          limit: { type: 'integer', minimum: 1, maximum: 1000 }, cursor: { type: 'string', maxLength: 16 },
        },
      },
      response: { '4xx': errorBody },
    },
  }, async (req) => app.queryRecords(req.principal, req.query as Record<string, string> & { limit?: number }));
  await f.register(recordHeadRoutes, opts);
  await f.register(holdRoutes, opts);
}
