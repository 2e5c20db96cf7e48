/**
 * Registry reads: content providers, their signatures and ports, as the operator, a regulator and
 * the provider itself may see them (src/app/directory-views.ts says who sees what). The writes are
 * content-providers.ts; these answer with the field names those take.
 */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/app.js';
import { requireAuth } from '../auth.js';
import { bearerSecurity, errorBody, idParam, ownDataFilter, unknownProviderFilter } from '../schemas.js';

const iso = { type: 'string', format: 'date-time' } as const;

const provider = {
  id: { type: 'string' },
  name: { type: 'string' },
  creditCode: { type: 'string', description: 'Unified social credit code (GB 32100-2015); characters 3–4 are the province it is registered in' },
  licenseNumber: { type: ['string', 'null'] },
  status: { type: 'string', enum: ['active', 'suspended'] },
  createdAt: iso,
} as const;

const signature = {
  type: 'object',
  properties: {
    id: { type: 'string' }, signature: { type: 'string' },
    status: { type: 'string', enum: ['pending', 'approved', 'rejected', 'revoked'], description: 'Only approved signatures pass the pipeline; revoked: taken back by the operator (DELETE /v1/content-providers/{id}/signatures/{signatureId})' },
    createdAt: iso, revokedAt: { type: ['string', 'null'], format: 'date-time' }, revokedReason: { type: ['string', 'null'] },
  },
} as const;

const port = {
  type: 'object',
  properties: {
    number: { type: 'string' }, contentProviderId: { type: 'string' }, kind: { type: 'string', enum: ['service', 'commercial', 'public_welfare'] }, createdAt: iso,
    retiredAt: { type: ['string', 'null'], format: 'date-time', description: 'Set once retired (DELETE /v1/ports/{number}): sends nothing, still takes MO (refusals)' }, retiredReason: { type: ['string', 'null'] },
  },
} as const;

const WHO = 'The operator (admin) any provider; a provider itself only (another provider: 403 forbidden); a regulator token any provider, or, limited to a province, those registered there (another: 403 forbidden, rule supervision.province-scope). Unknown id: 404 not_found.';

export async function directoryRoutes(f: FastifyInstance, opts: { app: App }): Promise<void> {
  const { app } = opts;
  f.get('/v1/content-providers', {
    onRequest: requireAuth,
    schema: {
      tags: ['registry'], security: bearerSecurity, summary: 'List content providers (admin; a regulator token limited to a province: those registered there), oldest first; never an API key',
      querystring: { type: 'object', additionalProperties: false, properties: { status: { type: 'string', enum: ['active', 'suspended'] } } },
      response: { 200: { type: 'object', properties: { contentProviders: { type: 'array', items: { type: 'object', properties: provider } } } }, '4xx': errorBody },
    },
  }, async (req) => ({ contentProviders: await app.listContentProviders(req.principal, req.query as { status?: string }) }));

  f.get('/v1/content-providers/:id', {
    onRequest: requireAuth,
    schema: {
      tags: ['registry'], security: bearerSecurity, params: idParam,
      summary: 'A content provider with its signatures and ports; its SMPP credentials are at /v1/content-providers/{id}/smpp-credentials',
      description: WHO,
      response: {
        200: { type: 'object', properties: { ...provider, httpThroughput: { type: ['integer', 'null'], description: 'Messages a second over HTTP (PATCH /v1/content-providers/{id}); null: no limit' }, signatures: { type: 'array', items: signature }, ports: { type: 'array', items: port } } },
        '4xx': errorBody,
      },
    },
  }, async (req) => app.getContentProvider(req.principal, (req.params as { id: string }).id));

  f.get('/v1/content-providers/:id/signatures', {
    onRequest: requireAuth,
    schema: {
      tags: ['registry'], security: bearerSecurity, params: idParam, summary: 'A content provider\'s signatures, oldest first, in every review state', description: WHO,
      response: { 200: { type: 'object', properties: { signatures: { type: 'array', items: signature } } }, '4xx': errorBody },
    },
  }, async (req) => ({ signatures: await app.listSignatures(req.principal, (req.params as { id: string }).id) }));

  f.get('/v1/ports', {
    onRequest: requireAuth,
    schema: {
      tags: ['registry'], security: bearerSecurity, summary: 'Registered ports by number, retired ones too (retiredAt): the operator all or one provider\'s; a provider its own (another contentProviderId: 403 forbidden, rule access.own-data); a regulator token limited to a province those of its providers (another province, or an id no provider has: 403 forbidden, rule supervision.province-scope); otherwise an id no provider has: 404 not_found',
      querystring: { type: 'object', additionalProperties: false, properties: { contentProviderId: { type: 'string', maxLength: 64 } } },
      response: { 200: { type: 'object', properties: { ports: { type: 'array', items: port } } }, 403: ownDataFilter('a provider outside a regulator token\'s province (rule supervision.province-scope)'), 404: unknownProviderFilter(), '4xx': errorBody },
    },
  }, async (req) => ({ ports: await app.listPorts(req.principal, req.query as { contentProviderId?: string }) }));
}
