/** The do-not-disturb list (import, listing, one number, removal) and the operator's refusal phrases (admin). */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/app.js';
import { DND_PAGE, DND_REMOVE_LIMITS, DND_SOURCE_LIMITS, importDnd, listDnd, MAX_DND_IMPORT, removeDnd } from '../../app/consent-dnd.js';
import { getRefusalPhrases, setRefusalPhrases } from '../../app/consent-settings.js';
import { requireAuth, requireRoles } from '../auth.js';
import { ROLES } from '../../app/access.js';
import { boundSaid, bounded, bearerSecurity, errorBody, errorResponse, KEYSET_CURSOR_PARAM, NEXT_CURSOR, UNAUTHORIZED, roleRefused, msisdnParam } from '../schemas.js';
import { MAX_PHRASES, PHRASE_LIMITS } from '../../app/consent-settings.js';

/** GET /v1/refusal-phrases: the phrases in force; PUT answers with the operator's own as stored. */
const refusalPhrases = {
  type: 'object',
  properties: {
    defaults: { type: 'array', items: { type: 'string' }, description: 'Built in: matched anywhere in a reply, unless negated' },
    operator: { type: 'array', items: { type: 'string' }, description: 'The operator’s own (PUT /v1/refusal-phrases)' },
    keywords: { type: 'array', items: { type: 'string' }, description: 'The profile’s opt-out keywords: a refusal when they are the whole reply' },
    resubscribeKeywords: { type: 'array', items: { type: 'string' }, description: 'The profile’s re-subscribe keywords: as the whole reply to a provider’s port, they lift the number’s opt-out from it (empty: off); a refusal always wins' },
  },
  required: ['defaults', 'operator', 'keywords', 'resubscribeKeywords'],
} as const;

/** One number on the do-not-disturb list (src/app/consent-dnd.ts DndEntryView). */
const dndEntry = {
  type: 'object',
  properties: {
    msisdn: { type: 'string', description: 'The number, normalized (+86…)' },
    listedAt: { type: 'string', format: 'date-time', description: 'When it was put on the list (its import)' },
    source: { type: 'string', description: 'The source label of the import that listed it (import when none was given)' },
  },
  required: ['msisdn', 'listedAt', 'source'],
} as const;

export async function dndRoutes(f: FastifyInstance, opts: { app: App }): Promise<void> {
  const { app } = opts;
  f.get('/v1/dnd', {
    onRequest: requireRoles(ROLES.readDnd),
    schema: {
      tags: ['consent'], security: bearerSecurity,
      summary: 'Admin: the do-not-disturb list, oldest entry first (keyset cursor), or one number\'s entry (?msisdn=)',
      description: 'Each entry: the number, since when it is listed and the source label of its import. With `msisdn` (read as the import reads a number: 13800138000, +86… or 86…), `items` holds that number\'s entry, or none when it is not on the list (who imported it: the dnd_added record, GET /v1/subscribers/{msisdn}). Without, a page of the list in (listedAt, msisdn) order: numbers imported while one pages come after, none twice.',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          msisdn: { type: 'string', maxLength: 32, description: 'One number: its entry alone (a number that is none: 422 invalid_msisdn, rule recipient.msisdn)' },
          limit: { type: 'integer', minimum: 1, maximum: DND_PAGE.max, default: DND_PAGE.default },
          cursor: KEYSET_CURSOR_PARAM,
        },
      },
      response: {
        200: { type: 'object', properties: { items: { type: 'array', items: dndEntry }, nextCursor: NEXT_CURSOR }, required: ['items', 'nextCursor'] },
        400: errorResponse('A limit out of range, a cursor this API did not return, or a query parameter the route does not take (named in field)'),
        401: UNAUTHORIZED,
        403: roleRefused('admin'),
        422: errorResponse('msisdn is not a mainland mobile number (invalid_msisdn, rule recipient.msisdn)'),
        '4xx': errorBody,
      },
    },
  }, async (req) => listDnd(app.ctx, req.principal, req.query as { msisdn?: string; limit?: number; cursor?: string }));

  f.delete('/v1/dnd/:msisdn', {
    onRequest: requireRoles(ROLES.removeDnd),
    schema: {
      tags: ['consent'], security: bearerSecurity, params: msisdnParam,
      summary: 'Admin: take a number off the do-not-disturb list, with the reason (recorded dnd_removed and audit dnd.remove)',
      description: 'The number (read as the import reads one) leaves the list at once: its commercial messages and consent requests are decided by the ordinary consent rules again. Only the list is touched: an opt-out the number made from a provider, a withdrawn consent and a refused request stand (still opted_out, consent_missing…). Recorded as a subscription record dnd_removed (platform, channel admin, evidence {actor, reason, source, listedAt}) and an audit record dnd.remove under the number, in the removal\'s transaction.',
      body: {
        type: 'object', additionalProperties: false, required: ['reason'],
        // said, not bounded: read after the number, whose refusal (invalid_msisdn) has its rule
        properties: { reason: { type: 'string', description: `${boundSaid(DND_REMOVE_LIMITS.reason)}, not blank: why the operator takes it off (an import in error, the owner's request…)` } },
      },
      response: {
        204: { type: 'null', description: 'Removed; no body' },
        400: errorResponse('No reason, a blank or too long one, or another field (named in field)'),
        401: UNAUTHORIZED,
        403: roleRefused('admin'),
        404: errorResponse('The number is not on the do-not-disturb list (field msisdn)'),
        422: errorResponse('Not a mainland mobile number (invalid_msisdn, rule recipient.msisdn)'),
        '4xx': errorBody,
      },
    },
  }, async (req, reply) => {
    await removeDnd(app.ctx, req.principal, (req.params as { msisdn: string }).msisdn, req.body as Record<string, unknown> | undefined);
    return reply.code(204).send();
  });

  f.post('/v1/dnd', {
    onRequest: requireRoles(ROLES.importDnd),
    bodyLimit: 8 * 1024 * 1024,
    schema: {
      tags: ['consent'], security: bearerSecurity, summary: 'Admin: add numbers to the do-not-disturb list (no commercial message from any provider); received = added + alreadyListed + duplicateCount + invalidCount',
      body: { type: 'object', additionalProperties: false, properties: { msisdns: { type: 'array', maxItems: MAX_DND_IMPORT, items: { type: 'string', description: 'A number in any form a submission takes; one that is no mainland mobile number is reported in `invalid` by its index, not refused with the import' } }, source: { type: 'string', ...bounded(DND_SOURCE_LIMITS) } }, required: ['msisdns'] },
      response: { 200: { type: 'object', properties: { received: { type: 'integer' }, added: { type: 'integer' }, alreadyListed: { type: 'integer' }, duplicateCount: { type: 'integer', description: 'Repeats within this import of a number given earlier in it (any spelling)' }, invalidCount: { type: 'integer' }, invalid: { type: 'array', description: 'The first 100 entries that are not mainland mobile numbers, each with the refusal POST /v1/consents gives one (invalid_msisdn, rule recipient.msisdn; field msisdns/<index>)', items: { type: 'object', properties: { index: { type: 'integer' }, value: { type: 'string' }, error: errorBody.properties.error } } } } }, '4xx': errorBody },
    },
  }, async (req) => importDnd(app.ctx, req.principal, req.body as Record<string, unknown>));

  f.get('/v1/refusal-phrases', {
    onRequest: requireAuth,
    schema: {
      tags: ['consent'], security: bearerSecurity, summary: 'Refusal phrases in force: defaults, the operator’s own, and the profile’s whole-reply keywords (opt-out and re-subscribe)',
      response: {
        200: refusalPhrases,
        401: UNAUTHORIZED,
        403: roleRefused('admin or regulator'),
        '4xx': errorBody,
      },
    },
  }, async (req) => getRefusalPhrases(app.ctx, req.principal));
  f.put('/v1/refusal-phrases', {
    onRequest: requireRoles(ROLES.setRefusalPhrases),
    schema: {
      tags: ['consent'], security: bearerSecurity, summary: 'Admin: replace the operator’s refusal phrases (matched anywhere in a reply, unless negated)',
      body: { type: 'object', additionalProperties: false, properties: { phrases: { type: 'array', maxItems: MAX_PHRASES, items: { type: 'string', maxLength: PHRASE_LIMITS.max, description: `${boundSaid(PHRASE_LIMITS)} (at least ${PHRASE_LIMITS.min} once trimmed)` } } }, required: ['phrases'] },
      response: {
        200: {
          type: 'object',
          properties: { operator: { ...refusalPhrases.properties.operator, description: 'The operator’s phrases now, as stored: trimmed, each once' } },
          required: ['operator'],
        },
        401: UNAUTHORIZED,
        403: roleRefused('admin'),
        '4xx': errorBody,
      },
    },
  }, async (req) => setRefusalPhrases(app.ctx, req.principal, req.body as Record<string, unknown>));
}
