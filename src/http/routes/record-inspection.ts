/**
 * What an inspection takes from the records, remotely: a month's verification
 * (`GET /v1/records/verify`, the use case behind the `/web/records/verify` page) and the signed
 * inspection export (`GET /v1/records/export`, the export `smsguard inspect export` writes, as a tar
 * of its two files). Both under `GET /v1/records`'s roles and a regulator token's scope.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { App } from '../../app/app.js';
import { requireAuth } from '../auth.js';
import { bearerSecurity, errorBody, errorResponse, UNAUTHORIZED } from '../schemas.js';
import { verifyMonth } from '../../app/records-verify-month.js';
import { buildExport, type BuiltExport } from '../../app/inspect-export-api.js';
import { tarOf } from '../tar.js';

const REASONS = ['hash_mismatch', 'missing', 'head_mismatch', 'truncated', 'signature_invalid', 'unchained', 'provider_head_mismatch'] as const;

/** MonthVerification (src/app/records-verify-month.ts): every field listed, since the serializer drops the rest. */
export const monthVerification = {
  type: 'object',
  properties: {
    month: { type: 'string', description: 'YYYY-MM (Asia/Shanghai)' },
    found: { type: 'boolean', description: 'False when the month has no chain (no records were written in it, or it was purged); ok is then true and checked 0' },
    ok: { type: 'boolean', description: 'The recomputed chain matches every stored hash and every signed head of the month' },
    checked: { type: 'integer', description: 'Records recomputed' },
    firstSeq: { type: 'integer' }, lastSeq: { type: 'integer' },
    headsChecked: { type: 'integer', description: 'Signed heads of the month checked against the recomputed chain (0: none signed yet)' },
    pending: { type: 'integer', description: 'Records written during the run and not linked into the chain yet (not checked; PostgreSQL)' },
    failure: {
      type: 'object',
      description: 'The first broken link. `id` and `detail` only for the operator and a regulator not limited to a province (the record may be another province\'s provider\'s)',
      properties: {
        seq: { type: 'integer' },
        reason: { type: 'string', enum: REASONS, description: 'hash_mismatch (changed record), missing (removed record), head_mismatch (rewritten tail), truncated (cut end), signature_invalid (head signature), unchained (stored but not linked), provider_head_mismatch (a content provider\'s signed provider head no longer matches its records in the month)' },
        id: { type: 'string' }, detail: { type: 'string' },
      },
      required: ['seq', 'reason'],
    },
    purged: {
      type: 'object',
      description: 'A month with no chain whose signed heads are kept: purged past retention (smsguard records purge). Its records are gone; what was kept past retention (legal holds, live relationships) is in the retained chain. Absent for a month never written',
      properties: {
        heads: { type: 'integer', description: 'Signed heads of the month kept' },
        firstSeq: { type: 'integer' }, lastSeq: { type: 'integer' },
        count: { type: 'integer', description: 'Records the last kept head covered' },
      },
      required: ['heads', 'firstSeq', 'lastSeq', 'count'],
    },
  },
  required: ['month', 'found', 'ok', 'checked', 'headsChecked'],
} as const;

/** Streams a built export as one tar and removes its directory once the response is done (or dropped). */
function sendTar(reply: FastifyReply, built: BuiltExport, fileName: string): FastifyReply {
  let removing: Promise<void> | null = null;
  const remove = () => (removing ??= built.remove());
  const body = Readable.from((async function* () {
    try {
      yield* tarOf(built.files, Date.parse(built.manifest.generatedAt));
    } finally {
      // before the stream ends: the directory is gone when the client has the last byte
      await remove();
    }
  })());
  // a client gone before the end: the generator may never resume to its finally
  reply.raw.once('close', () => void remove());
  return reply
    .header('content-type', 'application/x-tar')
    .header('content-disposition', `attachment; filename="${fileName}"`)
    .header('x-smsguard-export-sha256', built.manifest.file.sha256)
    .header('x-smsguard-export-records', String(built.manifest.counts.total))
    .send(body);
}

/**
 * `inspection-<provider>-<from>-<to>.tar`, the range in Asia/Shanghai time (compacted, `+0800`): an
 * export of 2026-11-01 to 2026-11-30 was named `…-20261031T160000Z-20261130T160000Z.tar`, the UTC
 * instants of the manifest, which read as the wrong days to the inspector it is for.
 */
export function exportFileName(built: BuiltExport): string {
  const t = (iso: string) => `${new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 19).replace(/[-:]/g, '')}+0800`;
  const f = built.manifest.filter;
  return `inspection-${f.contentProviderId.replace(/[^\w.-]/g, '_')}-${t(f.from)}-${t(f.to)}.tar`;
}

export async function recordInspectionRoutes(f: FastifyInstance, opts: { app: App }): Promise<void> {
  const { app } = opts;
  f.get('/v1/records/verify', {
    onRequest: requireAuth,
    schema: {
      tags: ['records'], security: bearerSecurity,
      summary: 'Verify one month\'s hash chain (smsguard records verify --month): recomputed from its genesis against every signed head',
      description: 'The operator and regulators (a provider verifies nothing: the chain is every provider\'s month). A regulator limited to dates verifies only a month wholly inside them (403, supervision.date-scope); one limited to a province is not given the broken record\'s id or detail. A regulator\'s verification is recorded (records.verify). The same use case as the /web/records/verify page; two requests for one month share one run. A large month takes as long as the command.',
      querystring: { type: 'object', additionalProperties: false, required: ['month'], properties: { month: { type: 'string', maxLength: 7, description: 'YYYY-MM (Asia/Shanghai)' } } },
      response: {
        200: monthVerification,
        400: errorResponse('Not a month (YYYY-MM): invalid_request naming month'),
        401: UNAUTHORIZED,
        403: errorResponse('A role that verifies nothing (a provider, the report centre), or a month not wholly inside a regulator token\'s dates (rule supervision.date-scope, with its article)'),
        '4xx': errorBody,
      },
    },
  }, async (req) => verifyMonth(app.ctx, req.principal, (req.query as { month: string }).month));

  f.get('/v1/records/export', {
    onRequest: requireAuth,
    schema: {
      tags: ['records'], security: bearerSecurity,
      summary: 'Inspection export (smsguard inspect export): one provider\'s records over a range with the signed manifest, as a tar of records.jsonl|csv and manifest.json',
      description: 'The same export the command writes (the same two files, byte for byte in form; the chains the range draws on verified first), built when asked and then streamed as application/x-tar: `tar -xf` gives the command\'s --out directory. '
        + 'Who: the operator any provider; a regulator a provider of its token\'s province, over the part of the range inside its token\'s dates (the manifest\'s filter states the range exported); a content provider its own records, as GET /v1/records gives them. '
        + 'A damaged chain refuses it (409 conflict, rule records.retention); allowDamaged=true (the operator only) exports it with the damage stated in the signed manifest. Recorded as inspect.export (who, filter, rows, the file\'s SHA-256). One export runs at a time; others wait for it. docs/RECORDS.md says how to check the files.',
      querystring: {
        type: 'object',
        additionalProperties: false,
        required: ['contentProviderId', 'from', 'to'],
        properties: {
          contentProviderId: { type: 'string', maxLength: 64 },
          from: { type: 'string', maxLength: 40, description: 'ISO-8601, inclusive' },
          to: { type: 'string', maxLength: 40, description: 'ISO-8601, exclusive' },
          format: { type: 'string', enum: ['jsonl', 'csv'], default: 'jsonl' },
          allowDamaged: { type: 'boolean', description: 'The operator only: export even over a damaged chain (smsguard inspect export --allow-damaged)' },
        },
      },
      response: {
        200: {
          description: 'A ustar archive: records.jsonl (or records.csv), then manifest.json (signed). Headers x-smsguard-export-sha256 (the records file\'s, as in the manifest) and x-smsguard-export-records',
          content: { 'application/x-tar': { schema: { type: 'string', format: 'binary' } } },
        },
        400: errorResponse('A missing or malformed parameter (invalid_request naming it); from not before to'),
        401: UNAUTHORIZED,
        403: errorResponse('Another provider\'s records (a provider); a provider outside a regulator token\'s province (supervision.province-scope) or a range wholly outside its dates (supervision.date-scope); allowDamaged from anyone but the operator'),
        404: errorResponse('No such content provider'),
        409: errorResponse('A hash chain the range draws on is damaged (rule records.retention): export refused; the message names month, seq and reason'),
        '4xx': errorBody,
      },
    },
  }, async (req, reply) => {
    const q = req.query as { contentProviderId: string; from: string; to: string; format?: string; allowDamaged?: boolean };
    const built = await buildExport(app.ctx, req.principal, q);
    return sendTar(reply, built, exportFileName(built));
  });
}

export { sendTar };
