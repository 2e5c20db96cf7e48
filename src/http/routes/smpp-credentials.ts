/**
 * SMPP credentials of a content provider (docs/SMPP.md): `POST /v1/content-providers/{id}/smpp-credentials`
 * → 201, `GET` to list them (never the password) and `DELETE …/{systemId}` (admin) to revoke one. Built by `smppCredentialRoutes(creds)` and passed
 * to buildHttpApp through `plugins`, so the HTTP app keeps no SMPP dependency of its own.
 */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/app.js';
import type { SmppCredentials } from '../../smpp/server/credentials.js';
import { SMPP_CREDENTIAL_LIMITS } from '../../smpp/server/credentials.js';
import { requireAuth } from '../auth.js';
import { boundSaid, bearerSecurity, errorBody, errorResponse, idParam } from '../schemas.js';

const credential = {
  type: 'object',
  properties: {
    id: { type: 'string' }, contentProviderId: { type: 'string' }, systemId: { type: 'string' },
    allowedIps: { type: ['array', 'null'], items: { type: 'string' } }, maxBinds: { type: ['integer', 'null'] }, throughput: { type: ['number', 'null'] },
    defaultCategory: { type: ['string', 'null'], description: 'consent category of commercial submits that carry no TLV 0x1401; null = none' }, createdAt: { type: 'integer' },
    revokedAt: { type: ['integer', 'null'], description: 'when it was revoked; null = live' },
  },
};

const credentialParams = { type: 'object', properties: { id: { type: 'string', maxLength: 64 }, systemId: { type: 'string', maxLength: 64 } }, required: ['id', 'systemId'] } as const;

export function smppCredentialRoutes(creds: SmppCredentials) {
  return async function routes(f: FastifyInstance, _opts: { app: App }): Promise<void> {
    f.post('/v1/content-providers/:id/smpp-credentials', {
      onRequest: requireAuth,
      schema: {
        tags: ['registry'], security: bearerSecurity, summary: 'Create SMPP bind credentials for a content provider (admin or the provider); the password is stored hashed', params: idParam,
        description: 'Recorded as audit smpp_credential.create (who, when, systemId and provider; never the password nor its hash), in the creation\'s own transaction.',
        body: {
          // a misspelt limit (`max_binds`, `Throughput`) was dropped, leaving the credential without it
          type: 'object', additionalProperties: false,
          properties: {
            systemId: { type: 'string', description: `SMPP system_id, ${boundSaid(SMPP_CREDENTIAL_LIMITS.systemId)}, printable ASCII` },
            password: { type: 'string', description: `${boundSaid(SMPP_CREDENTIAL_LIMITS.password)}, printable ASCII (SMPP 3.4 limit)` },
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

    f.delete('/v1/content-providers/:id/smpp-credentials/:systemId', {
      onRequest: requireAuth,
      schema: {
        tags: ['registry'], security: bearerSecurity, params: credentialParams,
        summary: 'Revoke a content provider\'s SMPP credential (admin)',
        description: 'Binds with it are refused from now on with ESME_RINVSYSID, as for a system_id never created; its live binds on this process are sent unbind and closed. Binds held by other smsguard processes sharing the store stay until they end (docs/SMPP.md). The system_id may then be created again. Revoking a revoked credential answers 204 again.',
        response: {
          204: { type: 'null', description: 'Revoked (or revoked already); no body' },
          404: errorResponse('No such content provider, or no credential of it with this system_id'),
          '4xx': errorBody,
        },
      },
    }, async (req, reply) => {
      const { id, systemId } = req.params as { id: string; systemId: string };
      await creds.revoke(req.principal, id, systemId);
      return reply.code(204).send();
    });
  };
}
