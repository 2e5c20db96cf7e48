/**
 * API keys of a content provider (README "Revoking keys"): `POST /v1/content-providers/{id}/api-keys`
 * (admin) issues another key, shown once; `GET` (admin or the provider) lists them without secrets;
 * `DELETE …/api-keys/{keyId}` (admin) revokes one, idempotently.
 */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/app.js';
import { requireAuth, requireRoles } from '../auth.js';
import { ROLES } from '../../app/access.js';
import { bearerSecurity, errorBody, errorResponse, idParam } from '../schemas.js';

const apiKeyView = {
  type: 'object',
  properties: {
    id: { type: 'string' }, label: { type: 'string' }, createdAt: { type: 'integer' },
    revokedAt: { type: ['integer', 'null'], description: 'when it was revoked; null = live' },
  },
} as const;

const keyParams = { type: 'object', properties: { id: { type: 'string', maxLength: 64 }, keyId: { type: 'string', maxLength: 64 } }, required: ['id', 'keyId'] } as const;

export async function apiKeyRoutes(f: FastifyInstance, opts: { app: App }): Promise<void> {
  const { app } = opts;
  f.post('/v1/content-providers/:id/api-keys', {
    onRequest: requireRoles(ROLES.createApiKey),
    schema: {
      tags: ['registry'], security: bearerSecurity, params: idParam,
      summary: 'Issue another API key for a content provider (admin); returns it once',
      description: 'Stored hashed, as the first key. To rotate: issue a new key, move the client to it, revoke the old one.',
      body: { type: 'object', additionalProperties: false, properties: { label: { type: 'string', minLength: 1, maxLength: 200, description: 'what the key is for (default "api key")' } } },
      response: { 201: { type: 'object', properties: { id: { type: 'string' }, apiKey: { type: 'string', description: 'the secret: shown only in this answer' } } }, '4xx': errorBody },
    },
  }, async (req, reply) => reply.code(201).send(await app.createApiKey(req.principal, (req.params as { id: string }).id, (req.body ?? {}) as Record<string, unknown>)));

  f.get('/v1/content-providers/:id/api-keys', {
    onRequest: requireAuth,
    schema: {
      tags: ['registry'], security: bearerSecurity, params: idParam,
      summary: 'A content provider\'s API keys, live and revoked (admin or the provider; never a secret)',
      response: { 200: { type: 'object', properties: { apiKeys: { type: 'array', items: apiKeyView } } }, '4xx': errorBody },
    },
  }, async (req) => app.listApiKeys(req.principal, (req.params as { id: string }).id));

  f.delete('/v1/content-providers/:id/api-keys/:keyId', {
    onRequest: requireRoles(ROLES.revokeApiKey),
    schema: {
      tags: ['registry'], security: bearerSecurity, params: keyParams,
      summary: 'Revoke a content provider\'s API key (admin)',
      description: 'The key answers 401 unauthorized at once on this process, and within 10 s on other processes sharing a PostgreSQL store (their token cache). Revoking a revoked key answers 204 again.',
      response: {
        204: { type: 'null', description: 'Revoked (or revoked already); no body' },
        404: errorResponse('No such content provider, or no such key of it'),
        '4xx': errorBody,
      },
    },
  }, async (req, reply) => {
    const { id, keyId } = req.params as { id: string; keyId: string };
    await app.revokeApiKey(req.principal, id, keyId);
    return reply.code(204).send();
  });
}
