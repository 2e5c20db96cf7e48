/** The subscriber's view: every consent, request, refusal, opt-out and withdrawal of one number. */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/app.js';
import { getSubscriber, getSubscriberConsents } from '../../app/consent-subscribers.js';
import { liftOptOut } from '../../app/consent-lift-opt-out.js';
import { requireAuth, requireRoles } from '../auth.js';
import { ROLES } from '../../app/access.js';
import { boundSaid, bearerSecurity, errorBody, errorResponse, proofSchema, UNAUTHORIZED, roleRefused, msisdnParam } from '../schemas.js';
import { LIFT_LIMITS } from '../../app/consent-lift-opt-out.js';

const iso = { type: 'string', format: 'date-time' } as const;
const isoOrNull = { type: ['string', 'null'], format: 'date-time' } as const;
const strOrNull = { type: ['string', 'null'] } as const;
const open = { type: 'object', additionalProperties: true } as const;
const frequency = { type: 'object', properties: { count: { type: 'integer' }, per: { type: 'string', enum: ['day', 'week', 'month'], description: 'the calendar period counted: day, week (Monday first) or month, in Asia/Shanghai (docs/CONSENT.md)' } }, required: ['count', 'per'] } as const;

/**
 * SubscriberView (src/app/consent-subscribers.ts). Every field is listed, since the response
 * serializer drops the rest; proofs and evidence are kept whole, as recorded
 * (test/e2e/subscriber-view-schema.test.ts checks the round trip).
 */
const subscriberView = {
  type: 'object',
  properties: {
    msisdn: { type: 'string' },
    doNotDisturb: {
      type: ['object', 'null'],
      description: 'On the do-not-disturb list (for a provider: source is platform)',
      properties: { at: iso, source: { type: 'string' } },
      required: ['at', 'source'],
    },
    optOuts: {
      type: 'array',
      items: {
        type: 'object',
        properties: { contentProviderId: { type: 'string' }, at: iso, signatures: { type: 'array', items: { type: 'string' }, description: 'The signatures opted out of (`*`: every one of the provider)' } },
        required: ['contentProviderId', 'at', 'signatures'],
      },
    },
    consents: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' }, contentProviderId: { type: 'string' }, category: { type: 'string' }, frequency,
          state: { type: 'string', enum: ['live', 'expired', 'withdrawn'] },
          counts: { type: 'boolean', description: 'Whether it lets commercial messages through now under the running profile: live, and (under a profile requiring proof, cn-2026) recorded with proof. A live consent recorded without proof under cn-2015 is false under cn-2026 (docs/CONSENT.md, "The proof requirement")' },
          grantedAt: iso, expiresAt: iso, withdrawnAt: isoOrNull, channel: { type: 'string' },
          proof: { ...open, description: 'How the consent was given, as recorded: {channel, reference, capturedAt} given to POST /v1/consents, {channel: "sms", reference, capturedAt, requestId, requestMessageId, requestText, moId, reply, profile} for a reply to a consent request, and {} for one recorded without proof (cn-2015; `counts` says whether it lets messages through)' },
          withdrawal: {
            type: ['object', 'null'],
            description: 'How it was withdrawn, from its consent_withdrawn record (null while not withdrawn, or when no record names it)',
            properties: {
              recordId: { type: 'string', description: 'The consent_withdrawn record (also in events)' },
              channel: { type: 'string', description: 'http: DELETE /v1/consents/{id}; sms, …: by an opt-out' },
              evidence: { ...open, description: 'As recorded: {consentId, category, proof?} (proof: how the user refused, as the provider gave it), or reason opt_out' },
            },
            required: ['recordId', 'channel', 'evidence'],
          },
        },
        required: ['id', 'contentProviderId', 'category', 'frequency', 'state', 'counts', 'grantedAt', 'expiresAt', 'withdrawnAt', 'channel', 'proof', 'withdrawal'],
      },
    },
    requests: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string', description: 'GET /v1/consent-requests/{id}' }, contentProviderId: { type: 'string' }, from: { type: 'string', description: 'The commercial port it was sent from' },
          category: { type: 'string' }, frequency, durationDays: { type: 'integer' }, text: { type: 'string' },
          status: { type: 'string', enum: ['pending', 'granted', 'refused', 'deemed_refused', 'lapsed'] },
          createdAt: iso, deadlineAt: iso, resolvedAt: isoOrNull, consentId: strOrNull,
          chargedServiceId: { type: 'string', description: 'Only on a charged service\'s notice (docs/CONSENT.md, "Charged services (rule 8)"): the service; granted = subscribed' },
        },
        required: ['id', 'contentProviderId', 'from', 'category', 'frequency', 'durationDays', 'text', 'status', 'createdAt', 'deadlineAt', 'resolvedAt', 'consentId'],
      },
    },
    relationships: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          contentProviderId: { type: 'string' }, startedAt: iso, endedAt: isoOrNull, endReason: strOrNull,
          keepRecordsMonthsAfterEnd: { type: 'integer', description: 'Subscription records are kept this many months after the relationship ended' },
        },
        required: ['contentProviderId', 'startedAt', 'endedAt', 'endReason', 'keepRecordsMonthsAfterEnd'],
      },
    },
    events: {
      type: 'array',
      description: 'Every subscription record, oldest first',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string', description: 'Record id' }, at: iso,
          event: { type: 'string', description: 'consent_granted, consent_withdrawn, opt_out, opt_in, dnd_added, consent_requested, …; unreadable for a damaged record' },
          contentProviderId: strOrNull, channel: { type: 'string' },
          evidence: { ...open, description: 'As recorded ({ unreadable: <stored text> } for a damaged record)' },
        },
        required: ['id', 'at', 'event', 'contentProviderId', 'channel', 'evidence'],
      },
    },
  },
  required: ['msisdn', 'doNotDisturb', 'optOuts', 'consents', 'requests', 'relationships', 'events'],
} as const;

/** The 422 of a path number that is none (invalid_msisdn, rule recipient.msisdn). */
const notMsisdn = errorResponse('Not a mainland mobile number');

export async function subscriberRoutes(f: FastifyInstance, opts: { app: App }): Promise<void> {
  const { app } = opts;
  f.get('/v1/subscribers/:msisdn', {
    onRequest: requireAuth,
    schema: {
      tags: ['consent'], security: bearerSecurity, summary: 'Admin, regulator: one number’s subscription records across every provider', params: msisdnParam,
      response: {
        200: subscriberView,
        422: notMsisdn,
        401: UNAUTHORIZED,
        403: roleRefused('admin or regulator'),
        '4xx': errorBody,
      },
    },
  }, async (req) => getSubscriber(app.ctx, req.principal, (req.params as { msisdn: string }).msisdn));
  f.get('/v1/subscribers/:msisdn/consents', {
    onRequest: requireAuth,
    schema: {
      tags: ['consent'], security: bearerSecurity, summary: 'Content provider: its own consents, requests, opt-outs and withdrawals for one number', params: msisdnParam,
      response: {
        200: subscriberView,
        422: notMsisdn,
        401: UNAUTHORIZED,
        403: errorResponse('A role other than content provider'),
        '4xx': errorBody,
      },
    },
  }, async (req) => getSubscriberConsents(app.ctx, req.principal, (req.params as { msisdn: string }).msisdn));
  f.post('/v1/subscribers/:msisdn/lift-opt-out', {
    onRequest: requireRoles(ROLES.liftOptOut),
    schema: {
      tags: ['consent'], security: bearerSecurity, params: msisdnParam,
      summary: "Admin: lift a number's opt-out from one provider, on the user's own request (evidence required); grants no consent",
      body: {
        type: 'object', additionalProperties: false, required: ['contentProviderId', 'reason', 'evidence'],
        properties: {
          // Lengths are the use case's (UTF-16 code units, as on every consent route); Ajv's maxLength counts code points and answered in other words.
          // said, not bounded: read after the number, whose refusal (invalid_msisdn) has its rule
          contentProviderId: { type: 'string', description: boundSaid(LIFT_LIMITS.contentProviderId) },
          reason: { type: 'string', description: `${boundSaid(LIFT_LIMITS.reason)}, not blank: why the operator lifts it` },
          evidence: {
            ...proofSchema('ISO-8601; not before 2000-01-01 (gateway limit, as a consent\'s proof), not after the gateway clock (no skew: the request was already made) and not before the opt-out it lifts'),
            description: "The user's own request to hear from the provider again, made after the opt-out: the same shape and limits as a consent's proof (parseProof), capturedAt also not in the future nor before the opt-out",
          },
        },
      },
      response: {
        200: {
          type: 'object',
          properties: {
            msisdn: { type: 'string', description: 'The number, normalized' },
            contentProviderId: { type: 'string' },
            liftedAt: { ...iso, description: 'When the opt-out was lifted (recorded as a subscription event)' },
          },
          required: ['msisdn', 'contentProviderId', 'liftedAt'],
        },
        401: UNAUTHORIZED,
        403: roleRefused('admin'),
        404: errorResponse('No such content provider, or the number has not opted out of it'),
        422: notMsisdn,
        '4xx': errorBody,
      },
    },
  }, async (req) => liftOptOut(app.ctx, req.principal, (req.params as { msisdn: string }).msisdn, req.body as Record<string, unknown>));
}
