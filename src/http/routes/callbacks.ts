/**
 * HTTP callbacks (webhooks) of a content provider (README "HTTP callbacks"):
 * `PUT /v1/content-providers/{id}/callbacks` (admin) sets the status and MO URLs and returns the
 * signing secret when one is made; `GET` (admin or the provider) reads the URLs, never the secret;
 * `GET …/callbacks/failed` lists the given-up callbacks and `POST …/callbacks/failed/retry` sends
 * them again (admin or the provider; src/app/failed-callbacks.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/app.js';
import { requireAuth, requireRoles } from '../auth.js';
import { ROLES } from '../../app/access.js';
import { FAILED_CALLBACKS_MAX } from '../../app/failed-callbacks.js';
import { KEYSET_CURSOR_PARAM, bearerSecurity, callbackInput, callbackUrls, errorBody, failedCallbacks, idParam, retryFailedInput } from '../schemas.js';

export async function callbackRoutes(f: FastifyInstance, opts: { app: App }): Promise<void> {
  const { app } = opts;
  f.put('/v1/content-providers/:id/callbacks', {
    onRequest: requireRoles(ROLES.setCallbacks),
    schema: {
      tags: ['registry'], security: bearerSecurity, params: idParam, body: callbackInput,
      summary: 'Set a content provider\'s callback URLs (admin); returns the signing secret when one is made',
      description: 'smsguard POSTs JSON to statusUrl on every status change of the provider\'s messages and to moUrl for every MO to its ports (`event: mo`; a reply the gateway acted on itself, a refusal, re-subscription or consent answer, adds `action`: `opted_out`, `resubscribed`, `consent_granted`, `consent_refused`, `consent_reply_late` (a yes or no to a request after it closed, which changed nothing), with `signature` for a per-signature opt-out and `consentRequestId` for an answer to a request; an ordinary reply has none), signed with `X-Smsguard-Signature: sha256=<hex HMAC-SHA256 of the body>`, at least once (retried for 24 h; `X-Smsguard-Event-Id` is the same on every repeat). The secret is made the first time a URL is set and on rotateSecret, and shown only in that answer.',
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
  f.get('/v1/content-providers/:id/callbacks/failed', {
    onRequest: requireAuth,
    schema: {
      tags: ['registry'], security: bearerSecurity, params: idParam,
      querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: FAILED_CALLBACKS_MAX, default: FAILED_CALLBACKS_MAX, description: 'At most this many a page' }, cursor: KEYSET_CURSOR_PARAM } },
      summary: 'A content provider\'s given-up callbacks and how many are still pending (admin or the provider)',
      description: 'A callback not taken (2xx) within 24 h of being queued is given up and kept here for 7 days; POST …/callbacks/failed/retry sends it again.',
      response: { 200: failedCallbacks, '4xx': errorBody },
    },
  }, async (req) => {
    const q = req.query as { limit?: number; cursor?: string };
    return app.listFailedCallbacks(req.principal, (req.params as { id: string }).id, q.limit === undefined ? undefined : Number(q.limit), q.cursor);
  });

  f.post('/v1/content-providers/:id/callbacks/failed/retry', {
    onRequest: requireAuth,
    schema: {
      tags: ['registry'], security: bearerSecurity, params: idParam, body: retryFailedInput,
      summary: 'Send a content provider\'s given-up callbacks again (admin or the provider)',
      description: 'The given-up callbacks (all, or those eventIds names) go back to the queue, due now with attempts reset and a fresh 24 h before they are given up again. Same event ids and bodies as before, signed with the current secret.',
      response: {
        200: { type: 'object', properties: { requeued: { type: 'integer', description: 'How many went back to the queue' } }, required: ['requeued'] },
        '4xx': errorBody,
      },
    },
  }, async (req) => app.retryFailedCallbacks(req.principal, (req.params as { id: string }).id, (req.body ?? undefined) as Record<string, unknown> | undefined));
}
