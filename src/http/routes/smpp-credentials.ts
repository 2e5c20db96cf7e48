/**
 * SMPP credentials of a content provider (docs/SMPP.md): `POST /v1/content-providers/{id}/smpp-credentials`
 * → 201 and `GET` to list them (never the password). Built by `smppCredentialRoutes(creds)` and passed
 * to buildHttpApp through `plugins`, so the HTTP app keeps no SMPP dependency of its own.
 */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/app.js';
import type { SmppCredentials } from '../../smpp/server/credentials.js';
import { requireAuth } from '../auth.js';
import { bearerSecurity, errorBody, idParam } from '../schemas.js';

const credential = {
  type: 'object',
  properties: {
    id: { type: 'string' }, contentProviderId: { type: 'string' }, systemId: { type: 'string' },
    allowedIps: { type: ['array', 'null'], items: { type: 'string' } }, maxBinds: { type: ['integer', 'null'] }, throughput: { type: ['number', 'null'] },
    defaultCategory: { type: ['string', 'null'], description: 'consent category of commercial submits that carry no TLV 0x1401; null = none' }, createdAt: { type: 'integer' },
  },
};

export function smppCredentialRoutes(creds: SmppCredentials) {
  return async function routes(f: FastifyInstance, _opts: { app: App }): Promise<void> {
    f.post('/v1/content-providers/:id/smpp-credentials', {
      onRequest: requireAuth,
      schema: {
        tags: ['registry'], security: bearerSecurity, summary: 'Create SMPP bind credentials for a content provider (admin or the provider); the password is stored hashed', params: idParam,
        body: {
          type: 'object',
          properties: {
            systemId: { type: 'string', description: 'SMPP system_id, 1–15 printable ASCII characters' },
            password: { type: 'string', description: '1–8 printable ASCII characters (SMPP 3.4 limit)' },
            allowedIps: { type: 'array', items: { type: 'string' }, description: 'source addresses allowed to bind; omitted = any' },
            maxBinds: { type: 'integer', minimum: 1, description: 'simultaneous binds allowed' },
            throughput: { type: 'number', exclusiveMinimum: 0, description: 'submit_sm per second across all binds; past it ESME_RTHROTTLED' },
            defaultCategory: { type: 'string', minLength: 1, maxLength: 64, description: 'consent category a commercial submit_sm/data_sm without TLV 0x1401 takes (stock ESMEs cannot add TLVs); NFKC (full-width → ASCII) and trimmed, not blank; a TLV given wins; omitted = none' },
          },
          required: ['systemId', 'password'],
        },
        response: { 201: credential, '4xx': errorBody },
      },
    }, async (req, reply) => reply.code(201).send(await creds.create(req.principal, (req.params as { id: string }).id, req.body)));

    f.get('/v1/content-providers/:id/smpp-credentials', {
      onRequest: requireAuth,
      schema: {
        tags: ['registry'], security: bearerSecurity, summary: 'List SMPP credentials of a content provider (never the password)', params: idParam,
        response: { 200: { type: 'object', properties: { credentials: { type: 'array', items: credential } } }, '4xx': errorBody },
      },
    }, async (req) => ({ credentials: await creds.list(req.principal, (req.params as { id: string }).id) }));
  };
}
