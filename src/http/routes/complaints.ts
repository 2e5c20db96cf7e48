/** Complaint intake for users (no login): file a complaint, check its status, withdraw it. */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/app.js';
import { complaintsOf } from '../../app/complaint-service.js';
import { boundSaid, errorBody, errorResponse } from '../schemas.js';
import { COMPLAINT_LIMITS } from '../../app/complaint-intake.js';
import { CASE_LIMITS } from '../../app/case-workflow.js';
import { filedCase, publicCaseStatus } from '../case-schemas.js';

/** POST /v1/complaints/{reference}/withdraw: the case's reference and its state now (withdrawn). */
const withdrawn = {
  type: 'object',
  properties: { reference: publicCaseStatus.properties.reference, state: publicCaseStatus.properties.state },
  required: ['reference', 'state'],
} as const;

/** The status view's and the withdrawal's: the case reference in the path, and the 404 of a reference and access code that match no case. */
const referenceParam = { type: 'object', properties: { reference: { type: 'string', maxLength: 40 } }, required: ['reference'] } as const;
const noSuchCase = errorResponse('No case with this reference and access code');

export async function complaintRoutes(f: FastifyInstance, opts: { app: App }): Promise<void> {
  const svc = () => complaintsOf(opts.app);
  f.post('/v1/complaints', {
    schema: {
      tags: ['complaints'], summary: 'File a complaint about a message (no login needed; any token also works)',
      description: 'Matched against the records at once. The answer keeps the reference and an access code for GET /v1/complaints/{reference}.',
      // A field it does not know is refused (400 naming it), not dropped: a misspelt receivedAt filed
      // the case without the time the evidence is matched around.
      body: {
        type: 'object', additionalProperties: false,
        properties: {
          // bounds said, not set: the per-address limit counts a request (429) before its fields are read (complaint-intake.ts COMPLAINT_LIMITS)
          msisdn: { type: 'string', description: `Your number (the one that received the message); spaces, dashes, 0086 and full-width digits are fine; ${boundSaid(COMPLAINT_LIMITS.msisdn)}` },
          sender: { type: 'string', description: `Sending port (digits) or signature 【…】; ${boundSaid(COMPLAINT_LIMITS.sender)}` },
          text: { type: 'string', description: `What the message said; ${boundSaid(COMPLAINT_LIMITS.text)}` },
          receivedAt: { type: 'string', description: `When you received it: 2026-11-30T09:15 (Shanghai time) or with its offset (2026-11-30T09:15:00+08:00); from 2000 on, not in the future; ${boundSaid(COMPLAINT_LIMITS.receivedAt)}` },
          request: { type: 'string', description: `What you want done (e.g. stop sending); ${boundSaid(COMPLAINT_LIMITS.request)}` },
          screenshot: { type: 'string', description: `data:image/png;base64,… (up to ~500 KB: ${boundSaid(COMPLAINT_LIMITS.screenshot)})` },
          contentProviderId: { type: 'string', description: `The content provider, when the complainant (or the operator filing for one) knows its id; must be a registered one; ${boundSaid(COMPLAINT_LIMITS.contentProviderId)}` },
        },
        required: ['msisdn'],
      },
      response: { 201: filedCase, 429: errorResponse('Without a token: more than the complaints one address may file a minute (20 by default; rule complaints.public-intake); Retry-After says when the minute ends'), '4xx': errorBody },
    },
  }, async (req, reply) => reply.code(201).send(await svc().fileComplaint(req.principal, req.body, 'api', req.ip)));

  f.get('/v1/complaints/:reference', {
    schema: {
      tags: ['complaints'], summary: "The complainant's status view (reference and access code)",
      params: referenceParam,
      querystring: { type: 'object', additionalProperties: false, properties: { accessCode: { type: 'string', maxLength: 40 } }, required: ['accessCode'] },
      response: {
        200: publicCaseStatus,
        400: errorResponse('No access code, or a reference or code too long'),
        404: noSuchCase,
        429: errorResponse('Too many wrong references or access codes from this address in 15 minutes (rule complaints.status-lookup); Retry-After says when to try again'),
        '4xx': errorBody,
      },
    },
  }, async (req) => svc().publicStatus((req.params as { reference: string }).reference, (req.query as { accessCode: string }).accessCode, req.ip));

  f.post('/v1/complaints/:reference/withdraw', {
    schema: {
      tags: ['complaints'], summary: 'Withdraw a complaint (reference and access code)',
      params: referenceParam,
      body: { type: 'object', additionalProperties: false, properties: { accessCode: { type: 'string', maxLength: 40 }, reason: { type: 'string', description: `${boundSaid(CASE_LIMITS.reason)}; read once the access code is checked (wrong ones count towards the address's limit)` } }, required: ['accessCode'] },
      response: {
        200: withdrawn,
        404: noSuchCase,
        409: errorResponse('The case is answered, closed or withdrawn already: no withdrawal from there (rule complaints.workflow)'),
        429: errorResponse('Too many wrong references or access codes from this address in 15 minutes (rule complaints.status-lookup), counted with the status lookup'),
        '4xx': errorBody,
      },
    },
  }, async (req) => {
    const c = await svc().withdraw((req.params as { reference: string }).reference.toUpperCase(), req.body as Record<string, unknown>, req.ip);
    return { reference: c.reference, state: c.state };
  });
}
