/** Statutory records (admin, regulator), newest first with a keyset cursor. */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/app.js';
import { requireAuth } from '../auth.js';
import { bearerSecurity } from '../schemas.js';

export async function recordRoutes(f: FastifyInstance, opts: { app: App }): Promise<void> {
  const { app } = opts;
  f.get('/v1/records', {
    preHandler: requireAuth,
    schema: {
      tags: ['records'], security: bearerSecurity, summary: 'Records: every submission, status, MO, consent and opt-out, newest first',
      querystring: {
        type: 'object',
        properties: {
          msisdn: { type: 'string' }, contentProviderId: { type: 'string' },
          from: { type: 'string', description: 'ISO-8601, inclusive' }, to: { type: 'string', description: 'ISO-8601, exclusive' },
          limit: { type: 'integer', minimum: 1, maximum: 1000 }, cursor: { type: 'string' },
        },
      },
    },
  }, async (req) => app.queryRecords(req.principal, req.query as Record<string, string> & { limit?: number }));
}
