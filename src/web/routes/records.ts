/**
 * The statutory records: GET /v1/records's use case as a search form, a month's verification, and the
 * signed inspection export.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../app/app.js';
import type { Principal } from '../../app/types.js';
import { requireRole } from '../../app/access.js';
import { buildExport } from '../../app/inspect-export-api.js';
import { verifyMonth, type MonthVerification } from '../../app/records-verify-month.js';
import { SmsguardError } from '../../domain/errors.js';
import { shanghaiMonth } from '../../domain/case.js';
import { normalizeMsisdnLenient } from '../../domain/msisdn.js';
import { exportFileName, sendTar } from '../../http/routes/record-inspection.js';
import { t } from '../i18n.js';
import { EXPORT_FIELDS, RECORD_FIELD_MAX, RECORD_SEARCH_FIELDS, recordsPage, shanghaiDays, type ExportSearch, type RecordSearch } from '../pages/records.js';
import { langOf } from '../request.js';
import type { ProviderName } from '../html.js';
import { staffRejection } from '../rejection.js';
import type { WebContext } from './context.js';

/** /web/records, /web/records/verify and /web/records/export. */
export function registerRecordRoutes(f: FastifyInstance, w: WebContext): void {
  const { app, render, staffPage, hide } = w;
  /**
   * The page with the search (asked when the form was sent: any of its fields in the address) and,
   * for the operator and regulators, the verification of `month` when one was asked for.
   */
  const showRecords = async (req: FastifyRequest, reply: FastifyReply, p: Principal, verify: string | null, exported?: { ask: ExportSearch; error: { message: string; status: number } }) => {
    const lang = langOf(req, reply);
    const q = req.query as Record<string, unknown>;
    const text = (k: string) => (typeof q[k] === 'string' ? (q[k] as string).trim() : '');
    const showProvider = p.role !== 'content-provider';
    const search = Object.fromEntries(RECORD_SEARCH_FIELDS.map((k) => [k, exported || (k === 'contentProviderId' && !showProvider) ? '' : text(k)])) as unknown as RecordSearch;
    const asked = verify === null && !exported && [...RECORD_SEARCH_FIELDS, 'cursor'].some((k) => typeof q[k] === 'string');
    // A provider's form names no provider (its own records); an id in the address (a link edited by hand)
    // goes to the use case as GET /v1/records takes it: another's or an unknown one is the API's 403,
    // never the provider's own records under another's name. The operator's and a regulator's, from the form.
    const providerAsked = showProvider ? search.contentProviderId : text('contentProviderId');
    const canVerify = p.role === 'admin' || p.role === 'regulator';
    const month = verify ?? shanghaiMonth(app.ctx.clock.now());
    // A role that may not read records learns it here, not after filling in the form (the API's roles).
    requireRole(p, 'admin', 'regulator', 'content-provider');
    let result: Awaited<ReturnType<App['queryRecords']>> | null = null;
    let verification: MonthVerification | null = null;
    let error: { message: string; status: number } | undefined;
    if (asked) {
      try {
        // The API's schema bounds its parameters; the page calls the use case behind it, so it keeps them too.
        for (const [k, max] of Object.entries(RECORD_FIELD_MAX)) {
          const v = k === 'cursor' ? text('cursor') : k === 'contentProviderId' ? providerAsked : search[k as keyof RecordSearch];
          if (v.length > max) throw new SmsguardError('invalid_request', `${k}: at most ${max} characters`, {}, k, { id: 'too_long', params: { max } });
        }
        const days = shanghaiDays(search.from, search.to);
        // A number as a person types it, read as the complaint form reads one; what is no number goes to
        // the use case as typed, whose refusal names the form's field.
        const msisdn = search.number ? normalizeMsisdnLenient(search.number) ?? search.number : undefined;
        result = await app.queryRecords(p, {
          msisdn, contentProviderId: providerAsked || undefined, port: search.port || undefined, kind: search.kind || undefined, type: search.type || undefined,
          decision: search.decision || undefined, rule: search.rule || undefined, from: days.from, to: days.to, cursor: text('cursor') || undefined, limit: 50,
        });
      } catch (e) {
        const named = e instanceof SmsguardError && e.field === 'msisdn' ? new SmsguardError(e.code, e.message, e.ref, 'number', e.why) : e;
        error = staffRejection(named, lang);
      }
    }
    let verifyError: string | undefined;
    if (verify !== null) {
      try {
        verification = await verifyMonth(app.ctx, p, verify);
      } catch (e) {
        error = staffRejection(e, lang);
        // said beside the month's form; a provider, who has none, reads it at the top
        verifyError = canVerify ? error.message : undefined;
      }
    }
    // the providers by name, through the registry's use cases: the operator's and a regulator's list, a provider its own entry
    const providers = showProvider
      ? (await app.listContentProviders(p)).map((c): ProviderName => ({ id: c.id, name: c.name }))
      : [{ id: p.contentProviderId!, name: (await app.getContentProvider(p, p.contentProviderId)).name }];
    return render(req, reply, lang, t(lang, 'recordsTitle'), recordsPage(lang, {
      search, result, showProvider, providers, canVerify, month, verification, searchError: verifyError ? undefined : error?.message, verifyError,
      exportAsk: exported?.ask, exportError: exported?.error.message,
    }), p, exported?.error.status ?? error?.status ?? 200);
  };
  f.get('/web/records', hide, staffPage((req, reply, p) => showRecords(req, reply, p, null)));
  f.get('/web/records/verify', hide, staffPage((req, reply, p) => {
    const month = (req.query as Record<string, unknown>).month;
    return showRecords(req, reply, p, typeof month === 'string' ? month.trim() : '');
  }));

  // The signed inspection export: GET /v1/records/export's use case (roles, scope, the chain check,
  // the inspect.export audit), its tar downloaded; a refusal is said in the page's export form.
  f.get('/web/records/export', hide, staffPage(async (req, reply, p) => {
    const lang = langOf(req, reply);
    const q = req.query as Record<string, unknown>;
    const ask = Object.fromEntries(EXPORT_FIELDS.map((k) => [k, typeof q[k] === 'string' ? (q[k] as string).trim() : ''])) as unknown as ExportSearch;
    try {
      if (ask.contentProviderId.length > 64) throw new SmsguardError('invalid_request', 'contentProviderId: at most 64 characters', {}, 'contentProviderId', { id: 'too_long', params: { max: 64 } });
      const days = shanghaiDays(ask.from, ask.to);
      // A provider's form names no provider (its own records); an id in the address (a link edited by
      // hand) goes to the use case as GET /v1/records/export takes it: another's is the API's 403, an
      // empty one its 400, never the provider's own records under another's name.
      const named = typeof q.contentProviderId === 'string';
      const built = await buildExport(app.ctx, p, {
        contentProviderId: p.role === 'content-provider' && !named ? p.contentProviderId : ask.contentProviderId || undefined,
        from: days.from, to: days.to, format: ask.format || 'jsonl',
      });
      return sendTar(reply, built, exportFileName(built));
    } catch (e) {
      return await showRecords(req, reply, p, null, { ask, error: staffRejection(e, lang) });
    }
  }));
}
