/** Registry routes (admin): content providers, their signatures, ports. */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/app.js';
import { requireAuth } from '../auth.js';
import { bearerSecurity, errorBody, idParam } from '../schemas.js';
import { HTTP_THROUGHPUT_MAX } from '../../app/http-throughput.js';
import { TOKEN_CACHE_MS } from '../../app/auth.js';

export async function contentProviderRoutes(f: FastifyInstance, opts: { app: App }): Promise<void> {
  const { app } = opts;
  f.post('/v1/content-providers', {
    onRequest: requireAuth,
    schema: {
      tags: ['registry'], security: bearerSecurity, summary: 'Register a content provider (admin); returns its API key once',
      body: { type: 'object', properties: { name: { type: 'string' }, creditCode: { type: 'string', description: 'Unified social credit code (GB 32100-2015)' }, licenseNumber: { type: 'string' } }, required: ['name', 'creditCode'] },
      response: { 201: { type: 'object', properties: { id: { type: 'string' }, apiKey: { type: 'string' } } }, '4xx': errorBody },
    },
  }, async (req, reply) => reply.code(201).send(await app.createContentProvider(req.principal, req.body as Record<string, unknown>)));

  f.patch('/v1/content-providers/:id', {
    onRequest: requireAuth,
    schema: {
      tags: ['registry'], security: bearerSecurity, summary: 'Suspend or reactivate a content provider, or set its HTTP throughput (admin)', params: idParam,
      description: `Give status (with an optional reason), httpThroughput, or both. httpThroughput: messages a second over POST /v1/messages and /v1/messages/batch (a batch counts its messages), 1–${HTTP_THROUGHPUT_MAX}, or null for no limit; past it a request is refused whole with 429 throttled (rule provider.throughput) and Retry-After. Held for the deployment: each gateway process serving HTTP holds the provider to its share (the rate divided by the processes serving, at least 1 a second); a change binds this process at once and others within ${TOKEN_CACHE_MS / 1000} s. SMPP credentials have their own throughput.`,
      body: {
        type: 'object',
        properties: {
          status: { type: 'string', enum: ['active', 'suspended'] }, reason: { type: 'string' },
          httpThroughput: { type: ['integer', 'null'], minimum: 1, maximum: HTTP_THROUGHPUT_MAX, description: 'Messages a second over HTTP; null: no limit' },
        },
      },
      response: { 200: { type: 'object', properties: { id: { type: 'string' }, status: { type: 'string' }, httpThroughput: { type: ['integer', 'null'] } } }, '4xx': errorBody },
    },
  }, async (req) => app.updateContentProvider(req.principal, (req.params as { id: string }).id, req.body as Record<string, unknown>));

  f.post('/v1/content-providers/:id/signatures', {
    onRequest: requireAuth,
    schema: {
      tags: ['registry'], security: bearerSecurity, summary: 'Register a signature 【…】 to a content provider (admin)', params: idParam,
      body: { type: 'object', properties: { signature: { type: 'string' } }, required: ['signature'] },
      response: { 201: { type: 'object', properties: { id: { type: 'string' }, signature: { type: 'string' }, status: { type: 'string' } } }, '4xx': errorBody },
    },
  }, async (req, reply) => reply.code(201).send(await app.addSignature(req.principal, (req.params as { id: string }).id, req.body as Record<string, unknown>)));

  f.post('/v1/ports', {
    onRequest: requireAuth,
    schema: {
      tags: ['registry'], security: bearerSecurity, summary: 'Register a port to a content provider (admin)',
      description: 'The report port (SMSGUARD_REPORT_PORT, default 12321) is reserved: 409 conflict (rule ports.reserved). Only that exact number is the report port, so longer numbers starting with it can be registered as ordinary ports. An MO goes to the port it was sent to, else to the longest registered port its destination extends (extension digits, 扩展码).',
      body: { type: 'object', properties: { number: { type: 'string' }, contentProviderId: { type: 'string' }, kind: { type: 'string', enum: ['service', 'commercial', 'public_welfare'] } }, required: ['number', 'contentProviderId', 'kind'] },
      response: { 201: { type: 'object', properties: { number: { type: 'string' }, contentProviderId: { type: 'string' }, kind: { type: 'string' } } }, '4xx': errorBody },
    },
  }, async (req, reply) => reply.code(201).send(await app.addPort(req.principal, req.body as Record<string, unknown>)));
}
