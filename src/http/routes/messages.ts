/** Message routes (content providers): submit one, submit a batch, read one's status and verdicts. */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/app.js';
import { SmsguardError } from '../../domain/errors.js';
import { HTTP_STATUS } from '../error-map.js';
import { requireAuth } from '../auth.js';
import { bearerSecurity, errorBody, idParam, messageInput, submitResult } from '../schemas.js';

export const MAX_BATCH = 1000;

export async function messageRoutes(f: FastifyInstance, opts: { app: App }): Promise<void> {
  const { app } = opts;
  f.post('/v1/messages', {
    preHandler: requireAuth,
    schema: {
      tags: ['messages'], security: bearerSecurity, summary: 'Submit one message; 202 when accepted, 422 with the rule and article when rejected',
      body: messageInput,
      response: { 202: submitResult, '4xx': errorBody },
    },
  }, async (req, reply) => {
    const o = await app.submitMessage(req.principal, req.body, 'http');
    if (o.ok) return reply.code(202).send(o);
    const body = o.id ? { id: o.id, error: o.error } : { error: o.error };
    return reply.code(HTTP_STATUS[o.error.code]).send(body);
  });

  f.post('/v1/messages/batch', {
    preHandler: requireAuth,
    bodyLimit: 8 * 1024 * 1024,
    schema: {
      tags: ['messages'], security: bearerSecurity, summary: `Submit up to ${MAX_BATCH} messages; each result as for a single submit`,
      body: { type: 'object', properties: { messages: { type: 'array', maxItems: MAX_BATCH, items: { type: 'object' } } }, required: ['messages'] },
      response: { 200: { type: 'object', properties: { results: { type: 'array', items: submitResult } } }, '4xx': errorBody },
    },
  }, async (req) => {
    const { messages } = req.body as { messages: unknown[] };
    if (messages.length === 0) throw new SmsguardError('invalid_request', 'messages: must not be empty', {}, 'messages');
    const results = await app.submitMessages(req.principal, messages, 'http', 'messages');
    return { results: results.map((o) => (o.ok ? o : o.id ? { id: o.id, error: o.error } : { error: o.error })) };
  });

  f.get('/v1/messages/:id', {
    preHandler: requireAuth,
    schema: { tags: ['messages'], security: bearerSecurity, summary: 'A message with its status history and every verdict', params: idParam },
  }, async (req) => app.getMessage(req.principal, (req.params as { id: string }).id));
}
