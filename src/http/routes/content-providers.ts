/** Registry routes (admin): content providers, their signatures, ports; revoking a signature, retiring a port. */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/app.js';
import { requireRoles } from '../auth.js';
import { ROLES } from '../../app/access.js';
import { boundSaid, bounded, bearerSecurity, errorBody, errorResponse, idParam } from '../schemas.js';
import { REGISTRY_LIMITS } from '../../app/onboarding.js';

const iso = { type: 'string', format: 'date-time' } as const;
// Every body here refuses a field it does not know (additionalProperties: false): a misspelt one
// (`credit_code`, `httpthroughput`) was dropped in silence, the request answered as if it were fine.
const reasonBody = {
  type: 'object', additionalProperties: false,
  properties: { reason: { type: 'string', ...bounded(REGISTRY_LIMITS.reason), description: 'Why (brand lost, complaint, regulator order, allocation withdrawn…); kept with the row and in the statutory records' } },
  required: ['reason'],
} as const;
import { HTTP_THROUGHPUT_MAX } from '../../app/http-throughput.js';
import { TOKEN_CACHE_MS } from '../../app/auth.js';

export async function contentProviderRoutes(f: FastifyInstance, opts: { app: App }): Promise<void> {
  const { app } = opts;
  f.post('/v1/content-providers', {
    onRequest: requireRoles(ROLES.createContentProvider),
    schema: {
      tags: ['registry'], security: bearerSecurity, summary: 'Register a content provider (admin); returns its API key once',
      body: { type: 'object', additionalProperties: false, properties: { name: { type: 'string', ...bounded(REGISTRY_LIMITS.name) }, creditCode: { type: 'string', ...bounded(REGISTRY_LIMITS.creditCode), description: 'Unified social credit code (GB 32100-2015)' }, licenseNumber: { type: 'string', description: `${boundSaid(REGISTRY_LIMITS.licenseNumber)} (checked after the credit code, whose refusal has its rule)` } }, required: ['name', 'creditCode'] },
      response: { 201: { type: 'object', properties: { id: { type: 'string' }, apiKey: { type: 'string' } } }, '4xx': errorBody },
    },
  }, async (req, reply) => reply.code(201).send(await app.createContentProvider(req.principal, req.body as Record<string, unknown>)));

  f.patch('/v1/content-providers/:id', {
    onRequest: requireRoles(ROLES.updateContentProvider),
    schema: {
      tags: ['registry'], security: bearerSecurity, summary: 'Suspend or reactivate a content provider, or set its HTTP throughput (admin)', params: idParam,
      description: `Give status (with an optional reason), httpThroughput, or both. httpThroughput: messages a second over POST /v1/messages and /v1/messages/batch (a batch counts its messages), a replacement (PATCH /v1/messages/{id}) counting 1, 1–${HTTP_THROUGHPUT_MAX}, or null for no limit; past it a request is refused whole with 429 throttled (rule provider.throughput) and Retry-After. Held for the deployment: each gateway process serving HTTP holds the provider to its share (the rate divided by the processes serving, at least 1 a second); a change binds this process at once and others within ${TOKEN_CACHE_MS / 1000} s. SMPP credentials have their own throughput.`,
      body: {
        type: 'object', additionalProperties: false,
        properties: {
          status: { type: 'string', enum: ['active', 'suspended'] }, reason: { type: 'string', ...bounded(REGISTRY_LIMITS.statusReason) },
          httpThroughput: { type: ['integer', 'null'], minimum: 1, maximum: HTTP_THROUGHPUT_MAX, description: 'Messages a second over HTTP; null: no limit' },
        },
      },
      response: { 200: { type: 'object', properties: { id: { type: 'string' }, status: { type: 'string' }, httpThroughput: { type: ['integer', 'null'] } } }, '4xx': errorBody },
    },
  }, async (req) => app.updateContentProvider(req.principal, (req.params as { id: string }).id, req.body as Record<string, unknown>));

  f.post('/v1/content-providers/:id/signatures', {
    onRequest: requireRoles(ROLES.addSignature),
    schema: {
      tags: ['registry'], security: bearerSecurity, summary: 'Register a signature 【…】 to a content provider (admin)', params: idParam,
      description: 'Approved at once (an admin\'s registration is the review), recorded as audit signature.register (who, when, which signature). A text registered to anyone and not revoked is 409 conflict. A revoked text (DELETE /v1/content-providers/{id}/signatures/{signatureId}) may be registered again, to its former holder or another: a new registration beside the revoked one, which stays listed with status revoked, and the record names the earlier holder and tenure (audit signature.reassign). Messages the earlier holder had queued before the revocation are still stopped at send time.',
      body: { type: 'object', additionalProperties: false, properties: { signature: { type: 'string', description: `【…】, ${boundSaid(REGISTRY_LIMITS.signature)} (checked after the provider is found: an unknown one is 404)` } }, required: ['signature'] },
      response: { 201: { type: 'object', properties: { id: { type: 'string' }, signature: { type: 'string' }, status: { type: 'string' } } }, '4xx': errorBody },
    },
  }, async (req, reply) => reply.code(201).send(await app.addSignature(req.principal, (req.params as { id: string }).id, req.body as Record<string, unknown>)));

  f.post('/v1/ports', {
    onRequest: requireRoles(ROLES.addPort),
    schema: {
      tags: ['registry'], security: bearerSecurity, summary: 'Register a port to a content provider (admin)',
      description: 'Recorded as audit port.register (who, when, which number, provider and kind). A number in use is 409 conflict; a retired one (DELETE /v1/ports/{number}) may be registered again, to its former holder or another, and the record names the earlier tenure (audit port.reassign). The report port (SMSGUARD_REPORT_PORT, default 12321) is reserved: 409 conflict (rule ports.reserved). Only that exact number is the report port, so longer numbers starting with it can be registered as ordinary ports. An MO goes to the port it was sent to, else to the longest registered port its destination extends (extension digits, 扩展码).',
      body: { type: 'object', additionalProperties: false, properties: { number: { type: 'string', ...bounded(REGISTRY_LIMITS.number), pattern: '^[0-9]+$' }, contentProviderId: { type: 'string', description: `${boundSaid(REGISTRY_LIMITS.contentProviderId)} (checked after the number, whose reservation refusal has its rule)` }, kind: { type: 'string', enum: ['service', 'commercial', 'public_welfare'] } }, required: ['number', 'contentProviderId', 'kind'] },
      response: { 201: { type: 'object', properties: { number: { type: 'string' }, contentProviderId: { type: 'string' }, kind: { type: 'string' } } }, '4xx': errorBody },
    },
  }, async (req, reply) => reply.code(201).send(await app.addPort(req.principal, req.body as Record<string, unknown>)));

  f.delete('/v1/content-providers/:id/signatures/:signatureId', {
    onRequest: requireRoles(ROLES.revokeSignature),
    schema: {
      tags: ['registry'], security: bearerSecurity, summary: 'Revoke a content provider\'s signature (admin)',
      params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 }, signatureId: { type: 'string', maxLength: 64 } }, required: ['id', 'signatureId'] },
      description: 'The signature stays listed with status revoked, revokedAt and revokedReason, and the revocation is recorded (audit signature.revoke). From then on a message starting with it is refused 422 signature_unregistered (SMPP 0x407), the message saying it was revoked and when, on every door and every gateway process at once; messages accepted before and still queued are stopped at send time (rejected, rule sender.signature). A revoked signature is not reviewed again (409 conflict). Its text may be registered again by an admin (POST /v1/content-providers/{id}/signatures, to the same or another provider): a new registration, the revoked one staying listed, recorded as audit signature.reassign; messages accepted before the revocation stay stopped. Revoking a revoked signature answers it as it stands.',
      body: reasonBody,
      response: {
        200: { type: 'object', properties: { id: { type: 'string' }, signature: { type: 'string' }, status: { type: 'string', enum: ['revoked'] }, createdAt: iso, revokedAt: iso, revokedReason: { type: 'string' } } },
        404: errorResponse('No such content provider, or no such signature of it'),
        '4xx': errorBody,
      },
    },
  }, async (req) => {
    const { id, signatureId } = req.params as { id: string; signatureId: string };
    return app.revokeSignature(req.principal, id, signatureId, req.body as Record<string, unknown> | undefined);
  });

  f.delete('/v1/ports/:number', {
    onRequest: requireRoles(ROLES.retirePort),
    schema: {
      tags: ['registry'], security: bearerSecurity, summary: 'Retire a port (admin)',
      params: { type: 'object', properties: { number: { type: 'string', maxLength: 21 } }, required: ['number'] },
      description: 'The port stays listed with retiredAt and retiredReason, and the retirement is recorded (audit port.retire). From then on a message from it is refused 422 unknown_port (SMPP ESME_RINVSRCADR), the message saying it was retired and when; messages accepted before and still queued are stopped at send time (rejected, rule sender.port-exists). MO to it still reaches its holder: a refusal (R, TD…) opts the user out and is recorded. The number may be registered again (POST /v1/ports, to the same or another provider; audit port.reassign). Retiring a retired port answers it as it stands.',
      body: reasonBody,
      response: {
        200: { type: 'object', properties: { number: { type: 'string' }, contentProviderId: { type: 'string' }, kind: { type: 'string' }, createdAt: iso, retiredAt: iso, retiredReason: { type: 'string' } } },
        404: errorResponse('No such port'),
        '4xx': errorBody,
      },
    },
  }, async (req) => app.retirePort(req.principal, (req.params as { number: string }).number, req.body as Record<string, unknown> | undefined));
}
