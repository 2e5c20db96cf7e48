/** Credit files: regulator entries and publication, the public list, and complaint rates. */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/app.js';
import { complaintsOf } from '../../app/complaint-service.js';
import { requireAuth } from '../auth.js';
import { bearerSecurity, errorBody, idParam } from '../schemas.js';

export async function creditRoutes(f: FastifyInstance, opts: { app: App }): Promise<void> {
  const svc = () => complaintsOf(opts.app);
  f.get('/v1/credit/entries', {
    onRequest: requireAuth,
    schema: {
      tags: ['supervision'], security: bearerSecurity, summary: 'Credit-file entries, newest first, keyset-paged (regulator, operator; a provider sees its own; a regulator token limited to a province or dates sees the entries inside them, selected before the page is cut)',
      querystring: { type: 'object', properties: { contentProviderId: { type: 'string' }, limit: { type: 'integer', minimum: 1, maximum: 1000 }, cursor: { type: 'string', maxLength: 20 } } },
    },
  }, async (req) => {
    const q = req.query as { contentProviderId?: string; limit?: number; cursor?: string };
    return svc().creditEntries(req.principal, { contentProviderId: q.contentProviderId, limit: q.limit === undefined ? undefined : Number(q.limit), cursor: q.cursor });
  });

  f.post('/v1/credit/entries', {
    onRequest: requireAuth,
    schema: {
      tags: ['supervision'], security: bearerSecurity, summary: 'Add an entry (regulator): warning, fine with amount, supervision talk with notes, correction order',
      body: {
        type: 'object',
        properties: {
          contentProviderId: { type: 'string' }, subjectType: { type: 'string', enum: ['content-provider', 'operator'] }, subjectId: { type: 'string' },
          kind: { type: 'string', enum: ['warning', 'fine', 'supervision_talk', 'correction_order', 'note'] },
          amountYuan: { type: 'number' }, notes: { type: 'string' }, publicSummary: { type: 'string' }, evidence: { type: 'object' },
        },
        required: ['kind'],
      },
      response: { '4xx': errorBody },
    },
  }, async (req, reply) => reply.code(201).send(await svc().addCreditEntry(req.principal, req.body as Record<string, unknown>)));

  f.post('/v1/credit/entries/:id/publish', {
    onRequest: requireAuth,
    schema: { tags: ['supervision'], security: bearerSecurity, summary: 'Publish an entry on the public page (regulator)', params: idParam },
  }, async (req) => svc().publishCreditEntry(req.principal, (req.params as { id: string }).id));

  f.get('/v1/credit/public', {
    schema: {
      tags: ['supervision'], summary: 'Published credit-file entries (public; no personal data)',
      querystring: { type: 'object', properties: { q: { type: 'string', maxLength: 100 } } },
    },
  }, async (req) => ({ entries: await svc().publicCreditEntries((req.query as { q?: string }).q) }));

  f.get('/v1/content-providers/:id/complaint-rate', {
    onRequest: requireAuth,
    schema: {
      tags: ['supervision'], security: bearerSecurity, params: idParam,
      summary: 'Complaints per million accepted messages in a Shanghai month, against the profile threshold (a provider its own; a regulator token limited to a province or dates: 403 outside them)',
      querystring: { type: 'object', properties: { month: { type: 'string', pattern: '^\\d{4}-\\d{2}$' } }, required: ['month'] },
    },
  }, async (req) => svc().complaintRateFor(req.principal, (req.params as { id: string }).id, (req.query as { month: string }).month));
}
