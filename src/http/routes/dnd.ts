/** Do-not-disturb import and the operator's refusal phrases (admin). */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/app.js';
import { DND_SOURCE_LIMITS, importDnd, MAX_DND_IMPORT } from '../../app/consent-dnd.js';
import { getRefusalPhrases, setRefusalPhrases } from '../../app/consent-settings.js';
import { requireAuth, requireRoles } from '../auth.js';
import { ROLES } from '../../app/access.js';
import { boundSaid, bounded, bearerSecurity, errorBody, errorResponse } from '../schemas.js';
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

export async function dndRoutes(f: FastifyInstance, opts: { app: App }): Promise<void> {
  const { app } = opts;
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
        401: errorResponse('No token, or one that is not valid'),
        403: errorResponse('A role other than admin or regulator'),
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
        401: errorResponse('No token, or one that is not valid'),
        403: errorResponse('A role other than admin'),
        '4xx': errorBody,
      },
    },
  }, async (req) => setRefusalPhrases(app.ctx, req.principal, req.body as Record<string, unknown>));
}
