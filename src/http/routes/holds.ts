/** Legal holds (admin, regulator): keep records about a number or a content provider past retention. */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/app.js';
import { requireAuth, requireRoles } from '../auth.js';
import { ROLES } from '../../app/access.js';
import { bearerSecurity, errorBody, idParam, reasonBody } from '../schemas.js';
import { createHold, listHolds, releaseHold } from '../../app/holds.js';

const hold = {
  type: 'object',
  properties: {
    id: { type: 'string' }, msisdn: { type: ['string', 'null'] }, contentProviderId: { type: ['string', 'null'] }, reason: { type: 'string' },
    createdAt: { type: 'integer' }, createdBy: { type: 'string' }, releasedAt: { type: ['integer', 'null'] }, releasedBy: { type: ['string', 'null'] },
  },
} as const;

export async function holdRoutes(f: FastifyInstance, opts: { app: App }): Promise<void> {
  const { app } = opts;
  f.post('/v1/holds', {
    onRequest: requireRoles(ROLES.createHold),
    schema: {
      tags: ['records'], security: bearerSecurity, summary: 'Place a legal hold: matching records are kept past retention until released (a regulator token: 403 for a provider of another province, rule supervision.province-scope, or when today is outside its dates, supervision.date-scope)',
      body: { type: 'object', additionalProperties: false, properties: { msisdn: { type: 'string', maxLength: 32 }, contentProviderId: { type: 'string', maxLength: 64 }, reason: { type: 'string', maxLength: 1000 } }, required: ['reason'] },
      response: { 201: hold, '4xx': errorBody },
    },
  }, async (req, reply) => reply.code(201).send(await createHold(app.ctx, req.principal, req.body as Record<string, unknown>)));

  f.get('/v1/holds', {
    onRequest: requireAuth,
    schema: {
      tags: ['records'], security: bearerSecurity, summary: 'Legal holds (active unless all=true; a regulator token limited to a province or dates sees its province\'s providers\' holds and every number hold, placed inside its dates)',
      querystring: { type: 'object', additionalProperties: false, properties: { all: { type: 'string', enum: ['true', 'false'] } } },
      response: { 200: { type: 'object', properties: { holds: { type: 'array', items: hold } } }, '4xx': errorBody },
    },
  }, async (req) => ({ holds: await listHolds(app.ctx, req.principal, (req.query as { all?: string }).all !== 'true') }));

  f.post('/v1/holds/:id/release', {
    onRequest: requireRoles(ROLES.releaseHold),
    schema: { tags: ['records'], security: bearerSecurity, summary: 'Release a legal hold (the next purge may remove what it kept; a regulator token limited to a province or dates: 404 for a hold it cannot list, 403 for a hold it did not place itself, rule supervision.province-scope or supervision.date-scope). An optional reason is recorded with the release', params: idParam, body: reasonBody(false), response: { 200: hold, '4xx': errorBody } },
  }, async (req) => releaseHold(app.ctx, req.principal, (req.params as { id: string }).id, (req.body as { reason?: string } | undefined)?.reason));
}
