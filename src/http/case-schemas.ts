/**
 * Response schemas of the complaint cases: the reads (GET /v1/cases, /v1/cases/{id}, the
 * complainant's GET /v1/complaints/{reference}), the views of src/app/case-views.ts, which the
 * writes answer with too (a transition or a re-match: the case's CaseView), and a filed case
 * (src/app/complaint-intake.ts). The response serializer drops any property a schema does not list,
 * so every field of a view is listed, and objects recorded as given (a case's evidence, an event's
 * or a measure's detail) stay open (test/e2e/complaint-views-schema.test.ts and
 * test/e2e/write-responses-schema.test.ts check that each view round-trips whole).
 */
import { CASE_STATES, FINDINGS, MEASURES, TRANSITIONS } from '../domain/case.js';

const iso = { type: 'string', format: 'date-time' } as const;
const isoOrNull = { type: ['string', 'null'], format: 'date-time' } as const;
const strOrNull = { type: ['string', 'null'] } as const;
/** An object kept whole, whatever its keys. */
const open = { type: 'object', additionalProperties: true } as const;

const caseState = { type: 'string', enum: [...CASE_STATES] } as const;
const actions = { type: 'array', items: { type: 'string', enum: [...new Set(TRANSITIONS.map((t) => t.action))] }, description: 'What this caller may do now (POST /v1/cases/{id}/transitions)' } as const;

const deadlineProperties = {
  running: { type: ['string', 'null'], enum: ['forward', 'answer', null], description: 'The deadline the case owes: forward while it is received, answer while forwarded or investigating; in escalated the forward when it was never forwarded, else the answer (past or still running: an escalated case is still forwarded or answered); none once answered or final' },
  dueAt: isoOrNull,
  workingDaysLeft: { type: ['integer', 'null'], description: 'Whole working days left (negative: overdue by that many)' },
  overdue: { type: 'boolean' },
} as const;

/** CaseView: what staff see of a case in a list. */
const caseViewProperties = {
  id: { type: 'string' },
  reference: { type: 'string', description: 'The complainant\'s reference (C…)' },
  externalRef: { ...strOrNull, description: 'The 12321 centre\'s own reference' },
  source: { type: 'string', enum: ['web', 'api', 'sms', 'report-centre'] },
  state: caseState,
  msisdn: { type: 'string', description: 'The complainant\'s number' },
  sender: { ...strOrNull, description: 'Port or signature the user named' },
  contentProviderId: strOrNull,
  messageText: strOrNull,
  receivedMessageAt: isoOrNull,
  request: { ...strOrNull, description: 'What the user wants' },
  hasScreenshot: { type: 'boolean' },
  matchedMessageId: { ...strOrNull, description: 'The message the complaint was matched to (GET /v1/messages/{id})' },
  createdAt: iso,
  forwardedAt: isoOrNull,
  answeredAt: isoOrNull,
  closedAt: isoOrNull,
  forwardDueAt: iso,
  answerDueAt: iso,
  deadline: {
    type: 'object',
    properties: { ...deadlineProperties, calendarCovered: { type: 'boolean', description: 'False when the deadline reaches a year the holiday calendar does not cover yet' } },
    required: ['running', 'dueAt', 'workingDaysLeft', 'overdue', 'calendarCovered'],
  },
  finding: { type: ['string', 'null'], enum: [...FINDINGS, null] },
  answerText: strOrNull,
  answerMessageId: strOrNull,
  escalatedReason: strOrNull,
  allowedActions: actions,
} as const;

export const caseView = { type: 'object', properties: caseViewProperties, required: Object.keys(caseViewProperties) } as const;

/** GET /v1/cases: a page, newest first; `nextCursor` (null on the last page) asks for the next. */
export const caseList = {
  type: 'object',
  properties: {
    cases: { type: 'array', items: caseView },
    nextCursor: { ...strOrNull, description: 'Pass as `cursor` for the next page (null or absent: the last page)' },
  },
  required: ['cases'],
} as const;

/** GET /v1/cases/{id}: CaseDetail, the view with the evidence, the trail and the measures. */
export const caseDetail = {
  type: 'object',
  properties: {
    ...caseViewProperties,
    evidence: { ...open, description: 'What the records showed at intake (src/app/case-evidence.ts), kept as matched' },
    events: {
      type: 'array',
      description: 'The trail, oldest first: every change of state, measure, note and re-match',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          caseId: { type: 'string' },
          at: iso,
          kind: { type: 'string', enum: [...new Set(TRANSITIONS.map((t) => t.action)), 'created', 'measure', 'note', 'evidence'] },
          fromState: { type: ['string', 'null'], enum: [...CASE_STATES, null] },
          toState: { type: ['string', 'null'], enum: [...CASE_STATES, null] },
          actor: { type: 'string', enum: ['report-centre', 'content-provider', 'admin', 'regulator', 'system', 'complainant'] },
          actorId: { type: 'string' },
          reason: strOrNull,
          detail: open,
        },
        required: ['id', 'caseId', 'at', 'kind', 'fromState', 'toState', 'actor', 'actorId', 'reason', 'detail'],
      },
    },
    measures: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          caseId: { type: 'string' },
          contentProviderId: strOrNull,
          kind: { type: 'string', enum: [...MEASURES] },
          at: iso,
          actorId: { type: 'string' },
          detail: open,
        },
        required: ['id', 'caseId', 'contentProviderId', 'kind', 'at', 'actorId', 'detail'],
      },
    },
    screenshot: { ...strOrNull, description: 'The screenshot as a data URL' },
  },
  required: [...Object.keys(caseViewProperties), 'evidence', 'events', 'measures', 'screenshot'],
} as const;

/** GET /v1/complaints/{reference}: the complainant's view (number masked, no evidence). */
export const publicCaseStatus = {
  type: 'object',
  properties: {
    reference: { type: 'string' },
    state: caseState,
    msisdn: { type: 'string', description: 'Masked (138****8000)' },
    createdAt: iso,
    forwardedAt: isoOrNull,
    answeredAt: isoOrNull,
    closedAt: isoOrNull,
    answerText: strOrNull,
    finding: { type: ['string', 'null'], enum: [...FINDINGS, null] },
    deadline: { type: 'object', properties: deadlineProperties, required: ['running', 'dueAt', 'workingDaysLeft', 'overdue'] },
    allowedActions: { ...actions, description: 'What the complainant may do now (withdraw: POST /v1/complaints/{reference}/withdraw)' },
  },
  required: ['reference', 'state', 'msisdn', 'createdAt', 'forwardedAt', 'answeredAt', 'closedAt', 'answerText', 'finding', 'deadline', 'allowedActions'],
} as const;

/**
 * FiledCase (src/app/complaint-intake.ts): POST /v1/complaints, and each report POST /v1/reports
 * filed. The access code only to the complainant, once; the centre's own reference only for a report.
 */
export const filedCase = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    reference: { type: 'string', description: 'The complainant\'s reference (C…)' },
    state: caseState,
    accessCode: { type: 'string', description: 'Only to the complainant, once: with the reference it opens GET /v1/complaints/{reference}' },
    contentProviderId: strOrNull,
    matchedMessageId: { ...strOrNull, description: 'The message the complaint was matched to (GET /v1/messages/{id})' },
    forwardDueAt: iso,
    answerDueAt: iso,
    externalRef: { ...strOrNull, description: 'A report\'s: the 12321 centre\'s own reference' },
  },
  required: ['id', 'reference', 'state', 'contentProviderId', 'matchedMessageId', 'forwardDueAt', 'answerDueAt'],
} as const;
