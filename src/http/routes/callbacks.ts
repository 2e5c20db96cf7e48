/**
 * HTTP callbacks (webhooks) of a content provider (README "HTTP callbacks"):
 * `PUT /v1/content-providers/{id}/callbacks` (admin) sets the status and MO URLs and returns the
 * signing secret when one is made; `GET` (admin or the provider) reads the URLs, never the secret.
 */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/app.js';
import { requireAuth } from '../auth.js';
import { bearerSecurity, callbackInput, callbackUrls, errorBody, idParam } from '../schemas.js';

export async function callbackRoutes(f: FastifyInstance, opts: { app: App }): Promise<void> {
  const { app } = opts;
  f.put('/v1/content-providers/:id/callbacks', {
    onRequest: requireAuth,
    schema: {
      tags: ['registry'], security: bearerSecurity, params: idParam, body: callbackInput,
      summary: 'Set a content provider\'s callback URLs (admin); returns the signing secret when one is made',
      description: 'smsguard POSTs JSON to statusUrl on every status change of the provider\'s messages and to moUrl for every MO to its ports, signed with `X-Smsguard-Signature: sha256=<hex HMAC-SHA256 of the body>`, at least once (retried for 24 h; `X-Smsguard-Event-Id` is the same on every repeat). The secret is made the first time a URL is set and on rotateSecret, and shown only in that answer.',
      response: {
        200: { ...callbackUrls, properties: { ...callbackUrls.properties, secret: { type: 'string', description: 'The signing secret: only when made by this request (first URL set, rotateSecret)' } } },
        '4xx': errorBody,
      },
    },
  }, async (req) => app.setCallbacks(req.principal, (req.params as { id: string }).id, req.body as Record<string, unknown>));

  f.get('/v1/content-providers/:id/callbacks', {
    onRequest: requireAuth,
    schema: {
      tags: ['registry'], security: bearerSecurity, params: idParam,
      summary: 'A content provider\'s callback URLs (admin or the provider; never the secret)',
      response: { 200: callbackUrls, '4xx': errorBody },
    },
  }, async (req) => app.getCallbacks(req.principal, (req.params as { id: string }).id));
}
