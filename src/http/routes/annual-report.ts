/**
 * The annual inspection report over the API (rule 11: compliance is reviewed at the annual licence
 * inspection): the same use case as the page (/web/reports/annual) and the CLI (`smsguard inspect
 * report`), so a regulator's or a provider's own system fetches what the page shows.
 */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/app.js';
import { annualReportFor, MESSAGE_CLASSES, REPORT_YEARS, type AnnualReport } from '../../app/report-annual.js';
import { CASE_STATES, FINDINGS, MEASURES } from '../../domain/case.js';
import { requireAuth } from '../auth.js';
import { bearerSecurity, errorBody, errorResponse, idParam, roleRefused, UNAUTHORIZED } from '../schemas.js';
import { creditEntry } from './credit.js';

/** A count per key (a message class, a state, a channel…): only keys with something to count are present. */
const counts = (description: string) => ({ type: 'object', additionalProperties: { type: 'integer' }, description } as const);
const classes = `a message class (${MESSAGE_CLASSES.join(', ')})`;

const monthFigures = {
  type: 'object',
  properties: {
    month: { type: 'string', description: 'Shanghai month YYYY-MM' },
    accepted: counts(`Messages accepted in the month, by ${classes}; a held message released counts in the month of its release`),
    rejected: { type: 'integer', description: 'Messages refused in the month (a held message never released among them, as held_for_review)' },
    system: { type: 'integer', description: 'The gateway\'s own messages in the month (consent confirmations, opt-out replies): not the provider\'s sending' },
    optOuts: { type: 'integer', description: 'Opt-outs recorded in the month' },
    complaints: { type: 'integer', description: 'Complaint cases filed in the month' },
  },
  required: ['month', 'accepted', 'rejected', 'system', 'optOuts', 'complaints'],
} as const;

/** AnnualReport (src/app/report-annual.ts), every field: the serializer drops what is not listed. */
const annualReport = {
  type: 'object',
  properties: {
    year: { type: 'integer', description: 'The calendar year covered (Shanghai time, 1 January to 31 December)' },
    generatedAt: { type: 'string', format: 'date-time', description: 'When the report was made: figures of a year still running, and the answer deadlines counted as missed, are as of then' },
    profile: { type: 'string', description: 'The regulation profile the gateway runs (its answer limit is the one applied)' },
    provider: {
      type: 'object',
      properties: {
        id: { type: 'string' },
        name: { type: 'string', description: 'Registered name' },
        creditCode: { type: 'string', description: 'Unified social credit code' },
        licenseNumber: { type: ['string', 'null'], description: 'Value-added telecom licence number, if registered' },
        status: { type: 'string', description: 'The provider\'s status now (active, suspended…)' },
      },
      required: ['id', 'name', 'creditCode', 'licenseNumber', 'status'],
    },
    months: { type: 'array', items: monthFigures, description: 'The twelve months, January first' },
    totals: {
      type: 'object',
      properties: {
        accepted: { type: 'integer', description: 'Messages accepted in the year' },
        rejected: { type: 'integer', description: 'Messages refused in the year' },
        system: { type: 'integer', description: 'The gateway\'s own messages in the year' },
        byClass: counts(`Accepted messages by ${classes}`),
      },
      required: ['accepted', 'rejected', 'system', 'byClass'],
    },
    consent: {
      type: 'object',
      properties: {
        commercialAccepted: { type: 'integer', description: 'Commercial messages accepted' },
        withConsent: { type: 'integer', description: 'Of those, sent under a recorded consent (rule 9: prior consent for commercial messages)' },
        coverage: { type: ['number', 'null'], description: 'withConsent / commercialAccepted, 0 to 1 (null: no commercial message accepted)' },
        granted: { type: 'integer', description: 'Consents granted in the year' },
        withdrawn: { type: 'integer', description: 'Consents withdrawn in the year' },
      },
      required: ['commercialAccepted', 'withConsent', 'coverage', 'granted', 'withdrawn'],
    },
    optOuts: {
      type: 'object',
      properties: {
        total: { type: 'integer', description: 'Opt-outs recorded in the year' },
        byChannel: counts('Opt-outs by the channel they came by (sms, api, web…)'),
      },
      required: ['total', 'byChannel'],
    },
    rejections: {
      type: 'array', description: 'Refused messages by error code, most frequent first',
      items: { type: 'object', properties: { code: { type: 'string', description: 'The refusal\'s stable code (held_for_review: held, never released)' }, count: { type: 'integer' } }, required: ['code', 'count'] },
    },
    complaints: {
      type: 'object',
      properties: {
        total: { type: 'integer', description: 'Complaint cases filed in the year' },
        byState: counts(`Cases by state now (${CASE_STATES.join(', ')})`),
        byFinding: counts(`Cases by finding (${FINDINGS.join(', ')}, or none)`),
        bySource: counts('Cases by how they came (web, api, sms, report-centre)'),
        answered: { type: 'integer', description: 'Cases the provider answered' },
        answeredOnTime: { type: 'integer', description: 'Of those, answered before the answer deadline' },
        escalated: { type: 'integer', description: 'Cases escalated, for any reason: a deadline the sweeper saw pass (the forward is the operator\'s), or taken up by the centre or a regulator' },
        answerOverdue: { type: 'integer', description: 'Cases forwarded to the provider whose answer deadline it missed: answered after it, or not answered by generatedAt' },
        answerDays: { type: 'array', items: { type: 'integer' }, description: 'Working days from forwarding to answer, one entry per answered case' },
        medianAnswerDays: { type: ['integer', 'null'], description: 'The median of answerDays (the lower of the two middle ones; null: none answered)' },
        answerLimit: { type: 'integer', description: 'The profile\'s answer limit in working days' },
      },
      required: ['total', 'byState', 'byFinding', 'bySource', 'answered', 'answeredOnTime', 'escalated', 'answerOverdue', 'answerDays', 'medianAnswerDays', 'answerLimit'],
    },
    measures: counts(`Measures taken on the provider's cases in the year, by kind (${MEASURES.join(', ')})`),
    credit: {
      type: 'array', items: creditEntry,
      description: 'The provider\'s credit-file entries of the year, as GET /v1/credit/entries gives them to the caller (times in epoch ms, as there): a provider\'s own without notes and evidence',
    },
    recordsScanned: { type: 'integer', description: 'Statutory records read to make the report (its basis)' },
  },
  required: ['year', 'generatedAt', 'profile', 'provider', 'months', 'totals', 'consent', 'optOuts', 'rejections', 'complaints', 'measures', 'credit', 'recordsScanned'],
} as const;

/** The report as the API gives it: the time it was made as an ISO-8601 date-time, as the API's other times. */
export type AnnualReportView = Omit<AnnualReport, 'generatedAt'> & { generatedAt: string };

/** {@link AnnualReport} as the route answers it. */
export function annualReportView(r: AnnualReport): AnnualReportView {
  return { ...r, generatedAt: new Date(r.generatedAt).toISOString() };
}

export async function annualReportRoutes(f: FastifyInstance, opts: { app: App }): Promise<void> {
  f.get('/v1/content-providers/:id/annual-report', {
    onRequest: requireAuth,
    schema: {
      tags: ['supervision'], security: bearerSecurity, params: idParam,
      summary: 'The annual inspection report of a provider for a calendar year (rule 11), as the page /web/reports/annual and `smsguard inspect report` show it: volumes by class and month, consent coverage, opt-outs, refusals, complaints and their answer times, measures, credit-file entries (operator any provider\'s; a provider its own; a regulator token limited to a province or dates: 403 outside them; a regulator\'s read is audited, report.annual)',
      querystring: {
        type: 'object', additionalProperties: false,
        // A string, read here: the use case refuses whatever is not a year in range with what to give
        // (year_range), where Ajv's type check said only `must be integer`.
        properties: { year: { type: 'string', maxLength: 10, description: `a calendar year from ${REPORT_YEARS.min} to ${REPORT_YEARS.max}, as YYYY (2026)` } },
        required: ['year'],
      },
      response: {
        200: annualReport,
        400: errorResponse(`No year, or one that is not a whole year from ${REPORT_YEARS.min} to ${REPORT_YEARS.max} (field year)`),
        401: UNAUTHORIZED,
        403: errorResponse(`${roleRefused('admin, regulator or content-provider').description}; another provider's report (rule access.own-data); or (a regulator) a provider or year outside the token's province or dates (rule supervision.province-scope or supervision.date-scope, with its article)`),
        404: errorResponse('No content provider with this id'),
        '4xx': errorBody,
      },
    },
  }, async (req) => {
    const text = (req.query as { year: string }).year;
    // Digits only: Number() would take 0x7EA, 2e3 or blanks as years.
    const year = /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
    return annualReportView(await annualReportFor(opts.app.ctx, req.principal, (req.params as { id: string }).id, year));
  });
}
