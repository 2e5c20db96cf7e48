/** Credit files: regulator entries and publication, the public list, and complaint rates. */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/app.js';
import { complaintsOf } from '../../app/complaint-service.js';
import { requireAuth, requireRoles } from '../auth.js';
import { ROLES } from '../../app/access.js';
import type { CreditKind } from '../../ports/cases.js';
import { boundSaid, bearerSecurity, errorBody, errorResponse, idParam, ownDataFilter, unknownProviderFilter, UNAUTHORIZED } from '../schemas.js';
import { CREDIT_ENTRY_LIMITS, CREDIT_KINDS, PUBLIC_PAGE } from '../../app/credit.js';


/** Every kind the store holds is in the schema's enum: a kind added to CreditKind fails the type check until listed here. */
const everyKindListed: Exclude<CreditKind, (typeof CREDIT_KINDS)[number]> extends never ? true : never = true;
void everyKindListed;
const strOrNull = { type: ['string', 'null'] } as const;

/**
 * GET /v1/credit/entries: CreditEntryView (src/app/credit.ts); the entry a regulator adds or publishes
 * (POST /v1/credit/entries, …/publish) is the same, whole. Every field is listed, since the response
 * serializer drops the rest; the evidence is kept whole, whatever its keys; `notes` and `evidence` are
 * left out of a provider's own file, `evidence` of the operator's entries for a token limited to a
 * province (test/e2e/complaint-views-schema.test.ts and write-responses-schema.test.ts check the round
 * trip, test/e2e/credit-notes.test.ts what a provider reads, regulator-scope-lists.test.ts the province's).
 */
/** A system-made summary's stable key and parameters (src/domain/credit-summary.ts). */
const summaryTemplate = {
  type: ['object', 'null'],
  properties: {
    key: { type: 'string', description: 'Stable key of the system-made summary (e.g. complaint_confirmed, answer_overdue, violation_threshold, fine)' },
    params: { type: 'object', additionalProperties: true, description: 'What fills it in: case reference, working days, month, threshold, amount in yuan' },
  },
  description: 'A system-made summary (or a regulator entry\'s default) as a key with parameters, from which the web pages render it in the reader\'s language; null when a regulator typed the summary and for entries stored before keys existed',
} as const;

export const creditEntry = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    subjectType: { type: 'string', enum: ['content-provider', 'operator'] },
    subjectId: { type: 'string', description: 'The content provider\'s id, or the operator\'s name' },
    kind: { type: 'string', enum: CREDIT_KINDS },
    at: { type: 'integer', description: 'Epoch ms' },
    actorId: { type: 'string', description: 'The regulator\'s token id, or system' },
    amountYuan: { type: ['number', 'null'], description: 'A fine\'s amount in RMB yuan' },
    notes: { ...strOrNull, description: 'The regulator\'s internal notes: left out when a provider reads its own file' },
    publicSummary: { type: 'string', description: 'What the public page shows: a system-made summary in Chinese and English (`中文 / English`), one a regulator typed as typed' },
    summaryTemplate,
    evidence: { type: 'object', additionalProperties: true, description: 'Linked case ids, record ids, months, counts, as recorded: left out when a provider reads its own file, and of the operator\'s entries for a regulator token limited to a province (it may name other complainants\' numbers and other providers\' cases)' },
    dedupKey: { ...strOrNull, description: 'For a system entry: one per case or per provider and month' },
    publishedAt: { type: ['integer', 'null'], description: 'Epoch ms' },
    publishedBy: strOrNull,
    withdrawal: {
      type: ['object', 'null'],
      properties: {
        at: { type: 'integer', description: 'Epoch ms' },
        by: { type: 'string', description: 'The token id of who withdrew it' },
        reason: { type: 'string', description: 'Why: published in error, overturned on appeal…' },
      },
      required: ['at', 'by', 'reason'],
      description: 'The entry\'s withdrawal (POST /v1/credit/entries/{id}/withdraw), else null: a withdrawn entry stays in the file with who, when and why, and is off the public register',
    },
  },
  required: ['id', 'subjectType', 'subjectId', 'kind', 'at', 'actorId', 'amountYuan', 'publicSummary', 'dedupKey', 'publishedAt', 'publishedBy', 'withdrawal'],
} as const;

/** GET /v1/credit/public: PublicEntry (src/app/credit.ts), no personal data. */
const publicEntry = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    subject: { type: 'string', description: 'The provider\'s registered name (or the subject\'s id)' },
    creditCode: { ...strOrNull, description: 'Unified social credit code' },
    kind: { type: 'string', enum: CREDIT_KINDS },
    at: { type: 'string', format: 'date-time' },
    publishedAt: { type: 'string', format: 'date-time' },
    amountYuan: { type: ['number', 'null'] },
    summary: { type: 'string', description: 'As publicSummary: a system-made one in Chinese and English, one a regulator typed as typed' },
    summaryTemplate,
  },
  required: ['id', 'subject', 'creditCode', 'kind', 'at', 'publishedAt', 'amountYuan', 'summary'],
} as const;

/** GET /v1/content-providers/{id}/complaint-rate: ComplaintRate (src/app/credit.ts). */
const complaintRate = {
  type: 'object',
  properties: {
    contentProviderId: { type: 'string' },
    month: { type: 'string', description: 'Shanghai month YYYY-MM' },
    messages: { type: 'integer', description: 'Accepted messages in the month' },
    complaints: { type: 'integer', description: 'Cases that count (not withdrawn, not found unfounded)' },
    confirmed: { type: 'integer', description: 'Cases found confirmed or partly confirmed' },
    complainants: { type: 'integer', description: 'Distinct complainant numbers among the cases that count: what the rate counts (one person complaining five times is one)' },
    confirmedComplainants: { type: 'integer', description: 'Distinct complainant numbers among the confirmed cases' },
    ratePerMillion: { type: ['number', 'null'], description: 'Complainants per million messages (null: no messages)' },
    confirmedPerMillion: { type: ['number', 'null'], description: 'Confirmed complainants per million messages (null: no messages)' },
    thresholdPerMillion: { type: 'number', description: 'The profile\'s threshold' },
    exceeded: { type: 'boolean' },
  },
  required: ['contentProviderId', 'month', 'messages', 'complaints', 'confirmed', 'complainants', 'confirmedComplainants', 'ratePerMillion', 'confirmedPerMillion', 'thresholdPerMillion', 'exceeded'],
} as const;

export async function creditRoutes(f: FastifyInstance, opts: { app: App }): Promise<void> {
  const svc = () => complaintsOf(opts.app);
  f.get('/v1/credit/entries', {
    onRequest: requireAuth,
    schema: {
      tags: ['supervision'], security: bearerSecurity, summary: 'Credit-file entries, newest first, keyset-paged (regulator, operator; a provider sees its own; a regulator token limited to a province or dates sees the entries inside them, selected before the page is cut)',
      querystring: { type: 'object', additionalProperties: false, properties: { contentProviderId: { type: 'string' }, kind: { type: 'string', maxLength: 300, description: `Comma-separated kinds: ${CREDIT_KINDS.join(', ')}` }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 200 }, cursor: { type: 'string', maxLength: 20 } } },
      response: {
        200: {
          type: 'object',
          properties: {
            entries: { type: 'array', items: creditEntry },
            nextCursor: { ...strOrNull, description: 'Pass as `cursor` for the next page (null or absent: the last page)' },
          },
          required: ['entries'],
        },
        400: errorResponse('A kind, limit or cursor that is not valid'),
        401: UNAUTHORIZED,
        403: ownDataFilter('a role that may not read credit files'),
        404: unknownProviderFilter('providers-and-operator'),
        '4xx': errorBody,
      },
    },
  }, async (req) => {
    const q = req.query as { contentProviderId?: string; kind?: string; limit?: number; cursor?: string };
    return svc().creditEntries(req.principal, { contentProviderId: q.contentProviderId, kind: q.kind, limit: q.limit === undefined ? undefined : Number(q.limit), cursor: q.cursor });
  });

  f.get('/v1/credit/entries/:id', {
    onRequest: requireAuth,
    schema: {
      tags: ['supervision'], security: bearerSecurity, params: idParam,
      summary: 'One credit-file entry by its id (the id the public register or a list gives), as GET /v1/credit/entries shows it to the caller',
      response: {
        200: { ...creditEntry, description: 'The entry: whole for the operator and regulators (a token limited to a province: an entry about the operator without evidence), without notes and evidence for a provider\'s own' },
        401: UNAUTHORIZED,
        403: errorResponse('A role that may not read credit files (the report centre)'),
        404: errorResponse('No such entry, or none the caller may list: another provider\'s, or (a regulator token) one outside its province or dates'),
        '4xx': errorBody,
      },
    },
  }, async (req) => svc().creditEntry(req.principal, (req.params as { id: string }).id));

  f.post('/v1/credit/entries', {
    onRequest: requireRoles(ROLES.addRegulatorEntry),
    schema: {
      tags: ['supervision'], security: bearerSecurity, summary: 'Add an entry (regulator): warning, fine with amount, supervision talk with notes, correction order (a regulator token limited to a province: 403 for a provider of another province or for the operator)',
      body: {
        type: 'object', additionalProperties: false,
        properties: {
          // bounds said, not set: the kind, the subject and a fine's amount (rule supervision.penalties) are judged first (credit.ts CREDIT_ENTRY_LIMITS)
          contentProviderId: { type: 'string', description: boundSaid(CREDIT_ENTRY_LIMITS.subjectId) }, subjectType: { type: 'string', enum: ['content-provider', 'operator'] }, subjectId: { type: 'string', description: `${boundSaid(CREDIT_ENTRY_LIMITS.subjectId)} (a refusal names contentProviderId)` },
          kind: { type: 'string', enum: ['warning', 'fine', 'supervision_talk', 'correction_order', 'note'] },
          amountYuan: { type: 'number' }, notes: { type: 'string', description: boundSaid(CREDIT_ENTRY_LIMITS.notes) }, publicSummary: { type: 'string', description: boundSaid(CREDIT_ENTRY_LIMITS.publicSummary) }, evidence: { type: 'object' },
        },
        required: ['kind'],
      },
      response: {
        201: { ...creditEntry, description: 'The entry as recorded, with its notes' },
        401: UNAUTHORIZED,
        403: errorResponse('A role other than regulator, or a subject or today outside the province or dates a regulator token is limited to (rule supervision.province-scope or supervision.date-scope, with its article)'),
        404: errorResponse('No content provider with this id'),
        '4xx': errorBody,
      },
    },
  }, async (req, reply) => reply.code(201).send(await svc().addCreditEntry(req.principal, req.body as Record<string, unknown>)));

  f.post('/v1/credit/entries/:id/publish', {
    onRequest: requireRoles(ROLES.publishCreditEntry),
    schema: {
      tags: ['supervision'], security: bearerSecurity, summary: 'Publish an entry on the public page (regulator; a token limited to a province or dates: 404 for an entry it cannot list, and one limited to a province 403 for an entry about the operator)', params: idParam,
      response: {
        200: { ...creditEntry, description: 'The entry, published (publishedAt, publishedBy), with its notes' },
        401: UNAUTHORIZED,
        403: errorResponse('A role other than regulator, or a token limited to a province publishing an entry about the operator (rule supervision.province-scope)'),
        404: errorResponse('No entry with this id (for a regulator token limited to a province or dates: none within them)'),
        409: errorResponse('The entry is published already, or withdrawn (rule supervision.credit-withdrawal)'),
        '4xx': errorBody,
      },
    },
  }, async (req) => svc().publishCreditEntry(req.principal, (req.params as { id: string }).id));

  f.post('/v1/credit/entries/:id/withdraw', {
    onRequest: requireRoles(ROLES.withdrawCreditEntry),
    schema: {
      tags: ['supervision'], security: bearerSecurity, params: idParam,
      summary: 'Withdraw an entry published in error or overturned on appeal (regulator, operator): off the public register, kept in the file with who, when and why (audit credit.withdraw, in the same transaction); a token limited to a province or dates: 404 for an entry it cannot list, and one limited to a province 403 for an entry about the operator',
      // bounds said, not set: a missing or blank reason is the use case's 400, naming its rule (supervision.credit-withdrawal)
      body: { type: 'object', additionalProperties: false, properties: { reason: { type: 'string', description: `Required: why it is withdrawn (published in error, overturned on appeal…); ${boundSaid(CREDIT_ENTRY_LIMITS.withdrawalReason)}` } } },
      response: {
        200: { ...creditEntry, description: 'The entry, withdrawn (withdrawal: at, by, reason), with its notes' },
        400: errorResponse('No reason, or a blank one (rule supervision.credit-withdrawal)'),
        401: UNAUTHORIZED,
        403: errorResponse('A role other than regulator or admin, or a token limited to a province withdrawing an entry about the operator (rule supervision.province-scope)'),
        404: errorResponse('No entry with this id (for a regulator token limited to a province or dates: none within them)'),
        409: errorResponse('The entry is withdrawn already (rule supervision.credit-withdrawal)'),
        '4xx': errorBody,
      },
    },
  }, async (req) => svc().withdrawCreditEntry(req.principal, (req.params as { id: string }).id, (req.body ?? {}) as Record<string, unknown>));

  f.get('/v1/credit/public', {
    schema: {
      tags: ['supervision'], summary: 'Published credit-file entries (public; no personal data), newest first, a page at a time',
      description: '`q` searches the public summary, the kind and the subject: a provider\'s registered name or unified social credit code (运营方 / the operator for the operator\'s own entries). Every published entry can be read: follow `nextCursor`.',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          q: { type: 'string', maxLength: 100 },
          limit: { type: 'integer', minimum: 1, maximum: PUBLIC_PAGE.max, default: PUBLIC_PAGE.default },
          cursor: { type: 'string', maxLength: 20 },
        },
      },
      response: {
        200: {
          type: 'object',
          properties: {
            entries: { type: 'array', items: publicEntry },
            nextCursor: { ...strOrNull, description: 'Pass as `cursor` for the next page (null: the last page)' },
          },
          required: ['entries', 'nextCursor'],
        },
        400: errorResponse('A search longer than 100 characters, or a limit or cursor that is not valid'),
        '4xx': errorBody,
      },
    },
  }, async (req) => {
    const q = req.query as { q?: string; limit?: number; cursor?: string };
    return svc().publicCreditEntries({ q: q.q, limit: q.limit === undefined ? undefined : Number(q.limit), cursor: q.cursor });
  });

  f.get('/v1/content-providers/:id/complaint-rate', {
    onRequest: requireAuth,
    schema: {
      tags: ['supervision'], security: bearerSecurity, params: idParam,
      summary: 'Complainants (distinct numbers) per million accepted messages in a Shanghai month, against the profile threshold (a provider its own; a regulator token limited to a province or dates: 403 outside them; a regulator\'s read is audited, complaint_rate.read)',
      querystring: { type: 'object', additionalProperties: false, properties: { month: { type: 'string', pattern: '^\\d{4}-\\d{2}$', description: 'the Shanghai month, as YYYY-MM (2026-11)' } }, required: ['month'] },
      response: {
        200: complaintRate,
        400: errorResponse('No month, or one that is not YYYY-MM'),
        401: UNAUTHORIZED,
        403: errorResponse('Another provider\'s rate, or (a regulator) a provider or month outside the token\'s province or dates (rule supervision.province-scope or supervision.date-scope, with its article)'),
        404: errorResponse('No content provider with this id'),
        '4xx': errorBody,
      },
    },
  }, async (req) => svc().complaintRateFor(req.principal, (req.params as { id: string }).id, (req.query as { month: string }).month));
}
