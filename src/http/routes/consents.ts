/** Consent routes (content providers): record a consent with its proof, withdraw one. */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/app.js';
import { requireRoles } from '../auth.js';
import { ROLES } from '../../app/access.js';
import { boundSaid, bounded, bearerSecurity, errorBody, errorResponse, idParam, proofSchema, UNAUTHORIZED } from '../schemas.js';
import { CONSENT_LIMITS } from '../../app/consents.js';
import { SUBMIT_LIMITS } from '../../app/validate.js';

/** A proof, on a consent and on its withdrawal: the same shape and limits (parseProof, src/app/consents.ts). */
const proof = proofSchema('ISO-8601; not before 2000-01-01 (gateway limit), at most 5 minutes after the gateway clock');

export async function consentRoutes(f: FastifyInstance, opts: { app: App }): Promise<void> {
  const { app } = opts;
  // A DELETE without a body (also with a JSON content type set out of habit) is a withdrawal without
  // proof, as docs/CONSENT.md promises: src/http/empty-body.ts reads an empty JSON body as `{}`.
  f.post('/v1/consents', {
    onRequest: requireRoles(ROLES.grantConsent),
    schema: {
      tags: ['consent'], security: bearerSecurity, summary: 'Record a consent the provider obtained, with its proof',
      body: {
        type: 'object', additionalProperties: false,
        properties: {
          msisdn: { type: 'string', ...bounded(CONSENT_LIMITS.msisdn) },
          // checked after the number, whose refusal (invalid_msisdn) has its rule: said, not bounded
          category: { type: 'string', description: `${boundSaid(SUBMIT_LIMITS.category)}, NFKC-folded and trimmed` },
          frequency: { type: 'object', properties: { count: { type: 'integer' }, per: { type: 'string', enum: ['day', 'week', 'month'], description: 'the calendar period counted: day, week (Monday first) or month, in Asia/Shanghai (docs/CONSENT.md)' } }, required: ['count', 'per'] },
          expiresAt: { type: 'string', format: 'date-time', description: 'in the future, after proof.capturedAt, and at most 3650 days after it (without proof, after now): a gateway limit, not a regulation' },
          proof: { ...proof, type: ['object', 'null'], description: 'How the user gave the consent (null or absent: none; cn-2026 requires it, and under cn-2026 a consent recorded without it under cn-2015 does not count for sending: consent_missing)' },
        },
        required: ['msisdn', 'category', 'frequency', 'expiresAt'],
      },
      response: { 201: { type: 'object', properties: { id: { type: 'string' } } }, '4xx': errorBody },
    },
  }, async (req, reply) => reply.code(201).send(await app.grantConsent(req.principal, req.body as Record<string, unknown>)));

  f.delete('/v1/consents/:id', {
    onRequest: requireRoles(ROLES.withdrawConsent),
    schema: {
      tags: ['consent'], security: bearerSecurity, summary: 'Withdraw a consent (recorded as a withdrawal), optionally with proof of how the user refused',
      description: 'No body, or {proof}: the withdrawal takes effect now and its consent_withdrawn record carries the proof (shown in the subscriber views).',
      params: idParam,
      body: {
        type: ['object', 'null'], additionalProperties: false,
        properties: { proof: { ...proof, type: ['object', 'null'], description: '(null or absent: none) How the user refused (reply, call to customer service, web form…); capturedAt also not before the consent was given' } },
      },
      response: {
        204: { type: 'null', description: 'Withdrawn (or withdrawn already); no body' },
        401: UNAUTHORIZED,
        403: errorResponse('Another provider\'s consent, or a role other than content provider'),
        404: errorResponse('No consent with this id'),
        '4xx': errorBody,
      },
    },
  }, async (req, reply) => {
    await app.withdrawConsent(req.principal, (req.params as { id: string }).id, req.body);
    return reply.code(204).send();
  });
}
