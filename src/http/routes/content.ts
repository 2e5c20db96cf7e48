/**
 * Content governance routes (docs/CONTENT.md): templates and their review, signature review,
 * per-provider content settings, early-warning alerts and actions. Registered through
 * `HttpDeps.plugins` with the ContentGovernance service built in src/main.ts.
 */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/app.js';
import type { ContentGovernance } from '../../app/content-governance.js';
import { requireAuth, requireRoles } from '../auth.js';
import { ROLES } from '../../app/access.js';
import { KEYSET_CURSOR_PARAM, NEXT_CURSOR, bearerSecurity, errorBody, idParam, ownDataFilter, unknownProviderFilter, reasonBody } from '../schemas.js';

const violation = { type: 'object', properties: { rule: { type: 'string' }, message: { type: 'string' } } } as const;
const template = {
  type: 'object',
  properties: {
    id: { type: 'string' }, contentProviderId: { type: 'string' }, signature: { type: 'string' }, type: { type: 'string' }, body: { type: 'string' },
    status: { type: 'string', enum: ['pending', 'approved', 'rejected'] }, violations: { type: 'array', items: violation }, reason: { type: ['string', 'null'] },
    createdAt: { type: 'integer' }, reviewedAt: { type: ['integer', 'null'] }, reviewedBy: { type: ['string', 'null'] },
  },
} as const;
const actionSchema = { type: 'object', properties: { kind: { type: 'string', enum: ['alert', 'throttle', 'hold', 'suspend'] }, perSecond: { type: 'number' } } } as const;
const figures = { type: 'object', additionalProperties: { type: 'number' } } as const;
const alert = {
  type: 'object',
  properties: {
    id: { type: 'string' }, rule: { type: 'string' }, metric: { type: 'string' }, scope: { type: 'string' }, key: { type: 'string' }, contentProviderId: { type: 'string' },
    severity: { type: 'string' }, value: { type: 'number' }, threshold: { type: 'number' }, figures, windowStart: { type: 'integer' }, at: { type: 'integer' },
    action: actionSchema, actionId: { type: ['string', 'null'] },
  },
} as const;
const actionRecord = {
  type: 'object',
  properties: {
    id: { type: 'string' }, scope: { type: 'string' }, key: { type: 'string' }, contentProviderId: { type: 'string' }, action: actionSchema, rule: { type: 'string' },
    figures, at: { type: 'integer' }, liftedAt: { type: 'integer' }, liftedBy: { type: 'string' },
  },
} as const;
const baselineParams = { type: 'object', properties: { scope: { type: 'string', maxLength: 16 }, key: { type: 'string', minLength: 1, maxLength: 64 } }, required: ['scope', 'key'] } as const;
const baselineView = {
  type: 'object',
  properties: { scope: { type: 'string', enum: ['provider', 'port'] }, key: { type: 'string' }, contentProviderId: { type: 'string' }, figures, resetAt: { type: ['integer', 'null'] } },
} as const;
/** A provider's content settings as PUT answers them and GET reads them (`updatedAt` null on GET when never set). */
const contentSettings = (updatedAt: 'integer' | readonly ['integer', 'null']) => ({
  type: 'object',
  properties: {
    contentProviderId: { type: 'string' }, templates: { type: 'string', enum: ['required', 'preferred', 'off'] }, linkDomains: { type: 'array', items: { type: 'string' } },
    updatedAt: { type: updatedAt, description: 'epoch ms of the last PUT' },
  },
}) as const;
const review = {
  type: 'object', additionalProperties: false,
  properties: { decision: { type: 'string', enum: ['approve', 'reject'] }, reason: { type: 'string', maxLength: 1000 } },
  required: ['decision'],
} as const;

export function contentRoutes(gov: ContentGovernance) {
  return async function contentRoutesPlugin(f: FastifyInstance, _opts: { app: App }): Promise<void> {
    f.post('/v1/templates', {
      onRequest: requireRoles(ROLES.submitTemplate),
      schema: {
        tags: ['content'], security: bearerSecurity,
        summary: 'Submit a template; machine checks run at once and every violation is reported together (status rejected), else it waits for review (pending)',
        body: {
          type: 'object', additionalProperties: false,
          properties: {
            signature: { type: 'string', maxLength: 40 }, type: { type: 'string', enum: ['verification', 'notification', 'commercial', 'public_welfare'] },
            body: { type: 'string', maxLength: 1000, description: 'Text with ${name} or ${name:kind(max)} placeholders; kinds code, number, money, date, time, phone, text' },
            contentProviderId: { type: 'string', maxLength: 64, description: 'Admins only: on whose behalf' },
          },
          required: ['signature', 'type', 'body'],
        },
        response: { 201: template, '4xx': errorBody },
      },
    }, async (req, reply) => reply.code(201).send(await gov.submitTemplate(req.principal, req.body as Record<string, unknown>)));

    f.get('/v1/templates', {
      onRequest: requireAuth,
      schema: {
        tags: ['content'], security: bearerSecurity, summary: 'Templates (providers see their own; another provider\'s contentProviderId: 403 forbidden, rule access.own-data)',
        querystring: { type: 'object', additionalProperties: false, properties: { status: { type: 'string', enum: ['pending', 'approved', 'rejected'] }, contentProviderId: { type: 'string', maxLength: 64 } } },
        response: { 200: { type: 'object', properties: { templates: { type: 'array', items: template } } }, 403: ownDataFilter('a role that reads no templates'), 404: unknownProviderFilter(), '4xx': errorBody },
      },
    }, async (req) => ({ templates: await gov.listTemplates(req.principal, req.query as { status?: string; contentProviderId?: string }) }));

    f.get('/v1/templates/:id', {
      onRequest: requireAuth,
      schema: { tags: ['content'], security: bearerSecurity, summary: 'One template', params: idParam, response: { 200: template, '4xx': errorBody } },
    }, async (req) => gov.getTemplate(req.principal, (req.params as { id: string }).id));

    f.post('/v1/templates/:id/review', {
      onRequest: requireRoles(ROLES.reviewTemplate),
      schema: { tags: ['content'], security: bearerSecurity, summary: 'Approve or reject a template (admin; a reason is required to reject)', params: idParam, body: review, response: { 200: template, '4xx': errorBody } },
    }, async (req) => gov.reviewTemplate(req.principal, (req.params as { id: string }).id, req.body as Record<string, unknown>));

    f.get('/v1/content-providers/:id/content-settings', {
      onRequest: requireAuth,
      schema: {
        tags: ['content'], security: bearerSecurity, params: idParam,
        summary: 'The template requirement and link-domain allow-list in force for a content provider (admin; a provider its own): the defaults (templates off, no domain, updatedAt null) until set',
        response: { 200: contentSettings(['integer', 'null']), '4xx': errorBody },
      },
    }, async (req) => gov.getContentSettings(req.principal, (req.params as { id: string }).id));

    f.put('/v1/content-providers/:id/content-settings', {
      onRequest: requireRoles(ROLES.setContentSettings),
      schema: {
        tags: ['content'], security: bearerSecurity, summary: 'Template requirement (required | preferred | off) and link-domain allow-list of a content provider (admin)', params: idParam,
        description: 'Takes effect at once. A field left out keeps what is in force. An approved template linking to a domain no longer on the list stops matching (it stays approved; listing the domain again restores it).',
        body: {
          type: 'object', additionalProperties: false,
          properties: { templates: { type: 'string', enum: ['required', 'preferred', 'off'] }, linkDomains: { type: 'array', maxItems: 100, items: { type: 'string', maxLength: 253 } } },
        },
        response: { 200: contentSettings('integer'), '4xx': errorBody },
      },
    }, async (req) => gov.setContentSettings(req.principal, (req.params as { id: string }).id, req.body as Record<string, unknown>));

    f.post('/v1/signatures', {
      onRequest: requireRoles(ROLES.submitSignature),
      schema: {
        tags: ['content'], security: bearerSecurity, summary: 'A content provider applies for a signature; it is pending (and does not pass) until reviewed',
        description: 'Inside the brackets 2–16 visible characters: a space or an invisible character (zero-width space or joiner, BOM, bidi override, variation selector…) is 400, named by code point, since it reads on the handset as another signature. Recorded as audit signature.submit (the provider, when, which signature). A text registered to anyone and not revoked is 409 conflict. A revoked text may be asked for again: it waits for review like any other, and the request is also recorded as audit signature.reassign naming the earlier holder and tenure.',
        body: { type: 'object', additionalProperties: false, properties: { signature: { type: 'string', maxLength: 40 } }, required: ['signature'] },
        response: { 201: { type: 'object', properties: { id: { type: 'string' }, signature: { type: 'string' }, status: { type: 'string' } } }, '4xx': errorBody },
      },
    }, async (req, reply) => reply.code(201).send(await gov.submitSignature(req.principal, req.body as Record<string, unknown>)));

    f.post('/v1/signatures/:id/review', {
      onRequest: requireRoles(ROLES.reviewSignature),
      schema: {
        tags: ['content'], security: bearerSecurity, summary: 'Approve or reject a signature (admin)', params: idParam, body: review,
        response: { 200: { type: 'object', properties: { id: { type: 'string' }, signature: { type: 'string' }, status: { type: 'string' } } }, '4xx': errorBody },
      },
    }, async (req) => gov.reviewSignature(req.principal, (req.params as { id: string }).id, req.body as Record<string, unknown>));

    f.get('/v1/alerts', {
      onRequest: requireAuth,
      schema: {
        tags: ['content'], security: bearerSecurity, summary: 'Early-warning alerts, newest first, a page at a time (keyset cursor; providers see their own, another provider\'s contentProviderId is 403 forbidden, rule access.own-data; a regulator token limited to a province or dates sees the alerts inside them); an id no provider has: 404 not_found (for a token limited to a province, none, as for another province\'s provider)',
        querystring: { type: 'object', additionalProperties: false, properties: { contentProviderId: { type: 'string', maxLength: 64 }, since: { type: 'string', pattern: '^[0-9]{1,15}$' }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 }, cursor: KEYSET_CURSOR_PARAM } },
        response: { 200: { type: 'object', properties: { alerts: { type: 'array', items: alert }, nextCursor: NEXT_CURSOR }, required: ['alerts', 'nextCursor'] }, 403: ownDataFilter('a role that reads no alerts'), 404: unknownProviderFilter(), '4xx': errorBody },
      },
    }, async (req) => {
      await gov.flush();
      const q = req.query as { contentProviderId?: string; since?: string; limit?: number; cursor?: string };
      return gov.listAlerts(req.principal, { contentProviderId: q.contentProviderId, since: q.since === undefined ? undefined : Number(q.since), limit: q.limit, cursor: q.cursor });
    });

    f.get('/v1/early-warning/actions', {
      onRequest: requireAuth,
      schema: {
        tags: ['content'], security: bearerSecurity, summary: 'Automatic actions with the figures that triggered them (in force unless all=true; a regulator token limited to a province or dates sees the actions inside them)',
        querystring: { type: 'object', additionalProperties: false, properties: { all: { type: 'string', enum: ['true', 'false'] } } },
        response: { 200: { type: 'object', properties: { actions: { type: 'array', items: actionRecord } } }, '4xx': errorBody },
      },
    }, async (req) => ({ actions: await gov.listActions(req.principal, (req.query as { all?: string }).all !== 'true') }));

    f.post('/v1/early-warning/actions/:id/lift', {
      onRequest: requireRoles(ROLES.liftAction),
      schema: { tags: ['content'], security: bearerSecurity, summary: 'Lift an automatic action (admin; an optional reason is recorded with the lift)', params: idParam, body: reasonBody(false), response: { 200: actionRecord, '4xx': errorBody } },
    }, async (req) => gov.liftAction(req.principal, (req.params as { id: string }).id, (req.body as { reason?: string } | undefined)?.reason));

    f.get('/v1/early-warning/baselines/:scope/:key', {
      onRequest: requireAuth,
      schema: {
        tags: ['content'], security: bearerSecurity, params: baselineParams,
        summary: 'A provider\'s or port\'s early-warning window and baseline as the monitor sees them now (admin; a provider its own id and ports)',
        response: { 200: baselineView, '4xx': errorBody },
      },
    }, async (req) => {
      const q = req.params as { scope: string; key: string };
      return gov.baselineView(req.principal, q.scope, q.key);
    });

    f.post('/v1/early-warning/baselines/:scope/:key/reset', {
      onRequest: requireRoles(ROLES.resetBaseline),
      schema: {
        tags: ['content'], security: bearerSecurity, params: baselineParams,
        summary: 'Reset a provider\'s or port\'s early-warning baseline: accept its current volume as the new normal (admin; audited with an optional reason, kept across restarts and processes)',
        body: reasonBody(false), response: { 200: baselineView, '4xx': errorBody },
      },
    }, async (req) => {
      const q = req.params as { scope: string; key: string };
      return gov.resetBaseline(req.principal, q.scope, q.key, (req.body as { reason?: string } | undefined)?.reason);
    });
  };
}
