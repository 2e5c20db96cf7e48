/** The 12321 centre's bulk reports: a JSON array (or {reports:[…]}) or JSONL, each with its own reference. */
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app/app.js';
import { complaintsOf } from '../../app/complaint-service.js';
import { parseJsonl } from '../../app/complaint-intake.js';
import { requireRoles } from '../auth.js';
import { ROLES } from '../../app/access.js';
import { SmsguardError } from '../../domain/errors.js';
import { bearerSecurity, errorBody, errorResponse, UNAUTHORIZED } from '../schemas.js';
import { notUtf8 } from '../empty-body.js';
import { filedCase } from '../case-schemas.js';

/**
 * ReportResult (src/app/complaint-intake.ts), one per report in the order given: a filed case (a
 * reference filed before with the same report gives that case again; with another report, 409 conflict), or why that report opened none.
 */
const reportResult = {
  type: 'object',
  properties: {
    ok: { type: 'boolean' },
    alreadyFiled: { type: 'boolean', description: 'A filed report (ok true): true when its reference was filed before with the same report (an import retried; its case given again, nothing opened now), false when its case was opened now' },
    ...filedCase.properties,
    reference: { type: ['string', 'null'], description: 'The case\'s reference (C…); for a failed report, the centre\'s reference it gave, if any' },
    error: { ...errorBody.properties.error, description: 'Only for a failed report (ok false)' },
  },
  required: ['ok', 'reference'],
} as const;

export async function reportRoutes(f: FastifyInstance, opts: { app: App }): Promise<void> {
  // JSONL imports arrive as text; each line is one report. Scoped to this plugin.
  // A file that is not UTF-8 (a GBK export) is refused whole, as a JSON body is: decoded, every
  // Chinese character became U+FFFD and each report filed with its text garbled.
  f.addContentTypeParser(['application/x-ndjson', 'application/jsonl', 'application/x-jsonlines'], { parseAs: 'string', bodyLimit: 8 * 1024 * 1024 }, (_req, body, done) => {
    const text = String(body);
    if (text.includes('\uFFFD')) return done(notUtf8('JSONL'), undefined);
    return done(null, parseJsonl(text));
  });
  f.post('/v1/reports', {
    onRequest: requireRoles(ROLES.fileReports),
    bodyLimit: 8 * 1024 * 1024,
    // a JSON array or {reports:[…]}, read by the handler (no body schema states both): src/http/empty-body.ts
    config: { ownBody: true },
    schema: {
      tags: ['complaints'], security: bearerSecurity,
      summary: 'File reports from the 12321 centre (role report-centre): JSON array, {reports:[…]}, or JSONL (application/x-ndjson)',
      description: 'Each report: {reference, msisdn, sender?, text?, receivedAt?, request?, screenshot?, contentProviderId?}; a field it does not know fails that report, naming it. A report that names or matches a provider is forwarded to it at once; a reference filed before returns its case when the report is the same (number, sender, text, receivedAt, request, screenshot: an import retried), and fails that report with 409 conflict (reports/3/reference, naming the case) when it is another. contentProviderId must name a registered provider; an item that fails (named by its index, reports/3/…; a JSONL line that is not JSON by its line number) opens no case.',
      response: {
        200: {
          type: 'object',
          properties: {
            results: { type: 'array', items: reportResult },
            filed: { type: 'integer', description: 'Reports that filed (or found) a case' },
            alreadyFiled: { type: 'integer', description: 'Of those, reports filed before (an import retried: their cases found, none opened now)' },
            failed: { type: 'integer', description: 'Reports that opened none' },
          },
          required: ['results', 'filed', 'alreadyFiled', 'failed'],
        },
        401: UNAUTHORIZED,
        403: errorResponse('A role other than report-centre or admin'),
        '4xx': errorBody,
      },
    },
  }, async (req) => {
    const b = req.body as unknown;
    const items = Array.isArray(b) ? b : b && typeof b === 'object' && Array.isArray((b as { reports?: unknown }).reports) ? (b as { reports: unknown[] }).reports : null;
    if (!items) throw new SmsguardError('invalid_request', 'body: a JSON array of reports, {reports:[…]}, or JSONL', {}, 'reports');
    // Beside `reports`, a key is a slip (a batch label, a misspelt option) that would be dropped in silence.
    const extra = Array.isArray(b) ? undefined : Object.keys(b as object).find((k) => k !== 'reports');
    if (extra !== undefined) throw new SmsguardError('invalid_request', `${extra}: unknown field`, {}, extra);
    const results = await complaintsOf(opts.app).fileReports(req.principal, items);
    return { results, filed: results.filter((r) => r.ok).length, alreadyFiled: results.filter((r) => r.ok && r.alreadyFiled).length, failed: results.filter((r) => !r.ok).length };
  });
}
