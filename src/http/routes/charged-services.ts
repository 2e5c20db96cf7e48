/**
 * Charged services (docs/REGULATION.md rule 8; src/app/charged-services.ts): the operator registers
 * a provider's services, the provider subscribes a number through smsguard's own notice and ends a
 * subscription, and lists a service's subscriptions. A subscription's status and history are its
 * notice's: GET /v1/consent-requests/{id}.
 */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/app.js';
import { CHARGED_SERVICE_LIMITS, SUBSCRIPTION_PAGE, createChargedService, endChargedSubscription, listChargedServices, listChargedSubscriptions, subscribeToChargedService } from '../../app/charged-services.js';
import { requireAuth, requireRoles } from '../auth.js';
import { ROLES } from '../../app/access.js';
import { KEYSET_CURSOR_PARAM, NEXT_CURSOR, bearerSecurity, bounded, errorBody, errorResponse, idParam } from '../schemas.js';

const tariff = {
  type: 'object', additionalProperties: false,
  properties: {
    amountFen: { type: 'integer', minimum: CHARGED_SERVICE_LIMITS.amountFen.min, maximum: CHARGED_SERVICE_LIMITS.amountFen.max, description: 'The price in fen (分, 1/100 yuan), an integer > 0' },
    per: { type: 'string', enum: ['message', 'month'], description: 'How it is charged: per message received, or per month subscribed' },
  },
  required: ['amountFen', 'per'],
} as const;

const subscription = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'The subscription\'s id, its notice\'s: GET /v1/consent-requests/{id} shows its history and the user\'s confirmation' },
    msisdn: { type: 'string' },
    status: { type: 'string', enum: ['active', 'ended'], description: 'active: its messages may charge; ended: they are refused (and stopped at send time) charge_not_confirmed' },
    startedAt: { type: 'string', format: 'date-time', description: 'When the user\'s Y confirmed it' },
    endedAt: { type: 'string', format: 'date-time', description: 'Only once ended' },
    endReason: { type: 'string', enum: ['unsubscribed', 'opt_out'], description: 'Only once ended: unsubscribed (the provider\'s DELETE), opt_out (the user refused the provider: TD or another refusal)' },
  },
  required: ['id', 'msisdn', 'status', 'startedAt'],
} as const;

const service = {
  type: 'object',
  properties: {
    id: { type: 'string' }, contentProviderId: { type: 'string' }, name: { type: 'string' }, port: { type: 'string' }, tariff,
    createdAt: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'contentProviderId', 'name', 'port', 'tariff', 'createdAt'],
} as const;

export async function chargedServiceRoutes(f: FastifyInstance, opts: { app: App }): Promise<void> {
  const { app } = opts;
  f.post('/v1/charged-services', {
    onRequest: requireRoles(ROLES.createChargedService),
    schema: {
      tags: ['consent'], security: bearerSecurity,
      summary: 'Register a content provider\'s charged service (rule 8): its name, the provider\'s port it is offered from, and its tariff',
      description: 'Rejections: 404 not_found (no such provider), 422 unknown_port / port_not_owned (the port is not the provider\'s).',
      body: {
        type: 'object', additionalProperties: false,
        properties: {
          contentProviderId: { type: 'string', ...bounded(CHARGED_SERVICE_LIMITS.contentProviderId) },
          name: { type: 'string', ...bounded(CHARGED_SERVICE_LIMITS.name), description: 'The service as the notice names it' },
          port: { type: 'string', ...bounded(CHARGED_SERVICE_LIMITS.port), description: 'The provider\'s port (digits) the notice is sent from; replies to it answer the notice' },
          tariff,
        },
        required: ['contentProviderId', 'name', 'port', 'tariff'],
      },
      response: { 201: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] }, '4xx': errorBody },
    },
  }, async (req, reply) => reply.code(201).send(await createChargedService(app.ctx, req.principal, req.body)));

  f.get('/v1/charged-services', {
    onRequest: requireAuth,
    schema: {
      tags: ['consent'], security: bearerSecurity,
      summary: 'Charged services, oldest first: an admin\'s or a regulator\'s of every provider (or of contentProviderId), a provider\'s its own',
      description: 'A regulator reads them (not audited: no numbers); a regulator token limited to a province lists only the services of providers registered there, and its dates do not limit the list. Rejections: 403 forbidden (a provider naming another provider, rule access.own-data; a province-limited regulator naming a provider registered elsewhere, rule supervision.province-scope).',
      querystring: { type: 'object', additionalProperties: false, properties: { contentProviderId: { type: 'string', maxLength: 64 } } },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: service } }, required: ['items'] }, '4xx': errorBody },
    },
  }, async (req) => listChargedServices(app.ctx, req.principal, (req.query as { contentProviderId?: string }).contentProviderId));

  f.post('/v1/charged-services/:id/subscriptions', {
    onRequest: requireRoles(ROLES.subscribeChargedService),
    schema: {
      tags: ['consent'], security: bearerSecurity,
      summary: 'Subscribe a number to the provider\'s own charged service: smsguard sends its notice (service, tariff, charging method, Y to confirm, TD to unsubscribe; free) and the subscription is pending until the user replies Y',
      description: 'The notice is a consent request (GET /v1/consent-requests/{id} shows its status: granted = subscribed). Rejections: 404 not_found / 403 forbidden (no such service, or another provider\'s), 422 opted_out (the number refused the provider, or is on the do-not-disturb list), 422 quiet_hours (rule commercial.quiet-hours: outside the sending hours, as a consent request), 409 conflict (rule consent.one-pending: a question to this number awaits its answer), 409 charged_already_subscribed (rule charging.one-subscription: the number\'s subscription to the service is live; field msisdn).',
      params: idParam,
      body: { type: 'object', additionalProperties: false, properties: { msisdn: { type: 'string', minLength: 1, maxLength: 32, description: 'Mainland mobile number: 13800138000, +8613800138000 or 8613800138000' } }, required: ['msisdn'] },
      response: {
        202: { type: 'object', properties: { id: { type: 'string' }, status: { type: 'string', enum: ['pending'] }, text: { type: 'string', description: 'The notice as sent' }, messageId: { type: 'string' }, deadlineAt: { type: 'string', format: 'date-time' } }, required: ['id', 'status', 'text'] },
        '4xx': errorBody,
      },
    },
  }, async (req, reply) => reply.code(202).send(await subscribeToChargedService(app.ctx, req.principal, (req.params as { id: string }).id, req.body)));

  f.get('/v1/charged-services/:id/subscriptions', {
    onRequest: requireAuth,
    schema: {
      tags: ['consent'], security: bearerSecurity,
      summary: 'A charged service\'s confirmed subscriptions, live and ended, oldest first, a page at a time (keyset cursor): a provider its own services\' only, an admin and a regulator any',
      description: 'A notice still awaiting its answer is no subscription (GET /v1/consent-requests/{id}). A regulator\'s read is audited (charged_subscriptions.read); a regulator token limited to a province reads only services of providers registered there (another\'s: 404 not_found, as if absent), one limited to dates only the subscriptions started within them. Rejections: 404 not_found (no such service, or outside a regulator token\'s province), 403 forbidden (a provider\'s token for another provider\'s service, rule access.own-data), 400 invalid_request (a cursor this API did not return).',
      params: idParam,
      querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: SUBSCRIPTION_PAGE.max, default: SUBSCRIPTION_PAGE.default }, cursor: KEYSET_CURSOR_PARAM } },
      response: {
        200: { type: 'object', properties: { items: { type: 'array', items: subscription }, nextCursor: NEXT_CURSOR }, required: ['items', 'nextCursor'] },
        403: errorResponse('A provider\'s token for another provider\'s service (rule access.own-data), or a role that reads none'),
        404: errorResponse('No such charged service, or one outside a regulator token\'s province'),
        '4xx': errorBody,
      },
    },
  }, async (req) => listChargedSubscriptions(app.ctx, req.principal, (req.params as { id: string }).id, req.query as { limit?: number; cursor?: string }));

  f.delete('/v1/charged-services/:id/subscriptions/:msisdn', {
    onRequest: requireRoles(ROLES.subscribeChargedService),
    schema: {
      tags: ['consent'], security: bearerSecurity, summary: 'End a number\'s subscription to the provider\'s own charged service (recorded charged_subscription_ended); its messages may charge no more',
      params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 }, msisdn: { type: 'string', maxLength: 32 } }, required: ['id', 'msisdn'] },
      response: { 200: { type: 'object', properties: { serviceId: { type: 'string' }, msisdn: { type: 'string' }, status: { type: 'string', enum: ['ended'] } } }, '4xx': errorBody },
    },
  }, async (req) => {
    const p = req.params as { id: string; msisdn: string };
    return endChargedSubscription(app.ctx, req.principal, p.id, p.msisdn);
  });
}
