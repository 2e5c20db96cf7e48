/** Cases for staff: the centre, the operator, regulators, and each provider for its own cases. */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/app.js';
import { complaintsOf } from '../../app/complaint-service.js';
import { caseSummary } from '../../app/case-views.js';
import { requireAuth, requireRoles } from '../auth.js';
import { ROLES } from '../../app/access.js';
import { isCaseAction } from '../../domain/case.js';
import { requireCaseAction } from '../../app/case-workflow.js';
import { boundSaid, bearerSecurity, errorBody, errorResponse, ownDataFilter, unknownProviderFilter, UNAUTHORIZED } from '../schemas.js';
import { CASE_LIMITS } from '../../app/case-workflow.js';
import { caseDetail, caseList, caseView } from '../case-schemas.js';

/** A case in the path: its id or its reference, either opens it (loadVisible, src/app/case-workflow.ts). */
const caseParam = { type: 'object', properties: { id: { type: 'string', maxLength: 64, description: 'The case id (case_…) or its reference (C20261201AD38193F, in either case)' } }, required: ['id'] } as const;

/** The 404 of a case id: none, or (a regulator) none it may see, said alike so as not to tell which. */
const noCase = errorResponse('No case with this id (for a regulator: none within its province and dates)');

export async function caseRoutes(f: FastifyInstance, opts: { app: App }): Promise<void> {
  const svc = () => complaintsOf(opts.app);
  f.get('/v1/cases', {
    onRequest: requireAuth,
    schema: {
      tags: ['complaints'], security: bearerSecurity, summary: 'List cases, newest first, keyset-paged (a provider sees its own; a regulator token limited to a province or dates sees the cases inside them, selected before the page is cut)',
      // A misspelt filter is refused (400 naming it), not dropped: the whole list came back unfiltered.
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          state: { type: 'string', description: 'Comma-separated states' }, contentProviderId: { type: 'string' }, msisdn: { type: 'string' },
          externalRef: { type: 'string', maxLength: 200, description: "The 12321 centre's own reference of the report the case was filed from (`reference` of POST /v1/reports)" },
          overdue: { type: 'string', enum: ['true', 'false'], description: 'true: the deadline the case owes (deadline.dueAt) has passed, escalated cases included; false: one is running and has not. A case owing none (answered, closed, withdrawn) is in neither' },
          from: { type: 'string', description: 'Filed at or after: an ISO-8601 date-time with its offset (2026-12-01T00:00:00+08:00; in a URL the + as %2B)' },
          to: { type: 'string', description: 'Filed before (exclusive), as from' },
          limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 }, cursor: { type: 'string', maxLength: 20 },
        },
      },
      response: {
        200: caseList,
        400: errorResponse('A state, number, overdue, from/to or cursor that is not valid'),
        401: UNAUTHORIZED,
        403: ownDataFilter('a role that reads no cases'),
        404: unknownProviderFilter('providers-and-operator'),
        '4xx': errorBody,
      },
    },
  }, async (req) => {
    const q = req.query as Record<string, string | undefined>;
    return svc().listCases(req.principal, {
      state: q.state, contentProviderId: q.contentProviderId, msisdn: q.msisdn, externalRef: q.externalRef, overdue: q.overdue, from: q.from, to: q.to,
      limit: q.limit === undefined ? undefined : Number(q.limit), cursor: q.cursor,
    });
  });

  f.get('/v1/cases/:id', {
    onRequest: requireAuth,
    schema: {
      tags: ['complaints'], security: bearerSecurity, summary: 'One case with its evidence, trail, measures and deadline, by its id (case_…) or its reference (C…)', params: caseParam,
      response: {
        200: caseDetail,
        401: UNAUTHORIZED,
        403: errorResponse('A provider\'s token for another provider\'s case, or a role that may not read cases'),
        404: noCase,
        '4xx': errorBody,
      },
    },
  }, async (req) => svc().getCase(req.principal, (req.params as { id: string }).id));

  f.post('/v1/cases/:id/transitions', {
    onRequest: requireAuth,
    // Every staff role takes some action, so none is refused before the body; the action named in it
    // decides, checked before the schema reads the other fields (403 before 400, as requireRoles does).
    preValidation: async (req) => {
      const action = (req.body as { action?: unknown } | null | undefined)?.action;
      if (isCaseAction(action)) requireCaseAction(req.principal, action);
    },
    schema: {
      tags: ['complaints'], security: bearerSecurity, params: caseParam,
      summary: 'Move a case: forward, investigate, answer, close, reopen, escalate, withdraw (see docs/COMPLAINTS.md for who may)',
      // A field it does not know is refused (400 naming it), not dropped: a misspelt finding or
      // measures closed the case without them.
      body: {
        type: 'object', additionalProperties: false,
        properties: {
          action: { type: 'string', enum: ['forward', 'investigate', 'answer', 'close', 'reopen', 'escalate', 'withdraw'] },
          // bounds said, not set: the case is found (404) and the action judged against its state
          // (409, rule complaints.workflow) before these are read (case-workflow.ts CASE_LIMITS)
          reason: { type: 'string', description: boundSaid(CASE_LIMITS.reason) },
          contentProviderId: { type: 'string', description: `forward: the provider, when the case names none or names the operator's account (left out there: the operator's own handling); ${boundSaid(CASE_LIMITS.contentProviderId)}` },
          text: { type: 'string', description: `answer: the answer the user receives by SMS; ${boundSaid(CASE_LIMITS.text)}` },
          finding: { type: 'string', enum: ['confirmed', 'partly_confirmed', 'unfounded'], description: "answer: the provider's finding; close: the closer's own, in its place (a field another action does not read is 400 naming it)" },
          measures: { type: 'array', items: { type: 'object', additionalProperties: false, properties: { kind: { type: 'string', enum: ['opt_out', 'block_template', 'throttle', 'suspend', 'refund', 'other'] }, note: { type: 'string', description: boundSaid(CASE_LIMITS.measureNote) }, amountYuan: { type: 'number' }, perSecond: { type: 'number', description: 'throttle: messages a second (default 1)' }, templateId: { type: 'string', description: `block_template: the template to reject (default: the one the matched message used); ${boundSaid(CASE_LIMITS.templateId)}` } }, required: ['kind'] } },
        },
        required: ['action'],
      },
      response: {
        200: { ...caseView, description: 'The case after the transition, as GET /v1/cases lists it' },
        401: UNAUTHORIZED,
        403: errorResponse('A role that may not take this action, or a provider\'s token for another provider\'s case'),
        404: noCase,
        409: errorResponse('No such transition from the case\'s state (rule complaints.workflow)'),
        '4xx': errorBody,
      },
    },
  }, async (req) => {
    const body = req.body as Record<string, unknown>;
    const c = await svc().act(req.principal, (req.params as { id: string }).id, body.action, body);
    return caseSummary(c, req.principal, opts.app.ctx.clock.now());
  });

  f.post('/v1/cases/:id/evidence', {
    onRequest: requireRoles(ROLES.rematchEvidence),
    schema: {
      tags: ['complaints'], security: bearerSecurity, params: caseParam,
      summary: 'Match the evidence again (centre, operator, regulator), optionally with the sender learnt since; the state stays',
      body: { type: 'object', additionalProperties: false, properties: { sender: { type: 'string', description: boundSaid(CASE_LIMITS.sender) }, reason: { type: 'string', description: boundSaid(CASE_LIMITS.reason) } } },
      response: {
        200: { ...caseView, description: 'The case with its evidence matched again, as GET /v1/cases lists it' },
        401: UNAUTHORIZED,
        403: errorResponse('A content provider\'s token (the centre, the operator or a regulator re-matches)'),
        404: noCase,
        409: errorResponse('The case is closed or withdrawn, or changed meanwhile'),
        '4xx': errorBody,
      },
    },
  }, async (req) => {
    const c = await svc().rematch(req.principal, (req.params as { id: string }).id, (req.body ?? {}) as Record<string, unknown>);
    return caseSummary(c, req.principal, opts.app.ctx.clock.now());
  });
}
