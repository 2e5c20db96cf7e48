/**
 * The web pages as one Fastify plugin under /web: public complaint form, status and credit register;
 * staff sign-in (a personal token kept in an HttpOnly, SameSite=Strict cookie), case list and case
 * page, the regulator's credit-file view, the registry (who is set up) and the annual report. Forms post urlencoded bodies and
 * redirect (303) after success, so reload never repeats an action. A rejection is shown in the page
 * with the HTTP status the JSON API gives its code (src/http/error-map.ts): forbidden 403, not found
 * 404, bad input 400, a rule's refusal 422, throttled 429.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../app/app.js';
import type { Principal } from '../app/types.js';
import { annualReportFor, requireReportYear } from '../app/report-annual.js';
import { SmsguardError } from '../domain/errors.js';
import { shanghaiMonth } from '../domain/case.js';
import type { ComplaintRate } from '../app/credit.js';
import { providersVisibleTo } from '../app/records-scope.js';
import { esc } from './html.js';
import { colon, t, tkOr, type Lang } from './i18n.js';
import { complaintForm, filedPage, loginPage, publicCreditPage, statusForm } from './pages/public.js';
import { caseListPage, casePage, importPage, type PostedAction } from './pages/cases.js';
import { parseJsonl, requireReportFiler, SCREENSHOT, SCREENSHOT_MAX } from '../app/complaint-intake.js';
import { HTTP_STATUS } from '../http/error-map.js';
import { creditPage } from './pages/credit.js';
import { annualChooserPage } from './pages/annual.js';
import { providerListPage, providerPage } from './pages/providers.js';
import { messageListPage, shanghaiDay, type MessageSearch } from './pages/messages.js';
import { linksPage } from './pages/links.js';
import { EXPORT_FIELDS, RECORD_FIELD_MAX, RECORD_SEARCH_FIELDS, recordsPage, shanghaiDays, type ExportSearch, type RecordSearch } from './pages/records.js';
import { buildExport } from '../app/inspect-export-api.js';
import { exportFileName, sendTar } from '../http/routes/record-inspection.js';
import { verifyMonth, type MonthVerification } from '../app/records-verify-month.js';
import { baselineKey, heldActionId, reviewCursors, reviewPage, REVIEW_ALERTS_PAGE, REVIEW_HELD_PAGE, type ReviewCursors, type ReviewFlash, type ReviewView } from './pages/review.js';
import { ReviewQueue } from '../app/review-queue.js';
import { templatesPage, type TemplatesFlash, type TemplatesView } from './pages/templates.js';
import { contentGovernanceOf, type BaselineView, type ContentGovernance } from '../app/content-governance.js';
import type { ActionRecord } from '../content/actions.js';
import { codeLabel } from './code-labels.js';
import { shanghaiLocal, subscriberPage, type SubscriberFlash } from './pages/subscribers.js';
import { getSubscriber, getSubscriberConsents } from '../app/consent-subscribers.js';
import { liftOptOut } from '../app/consent-lift-opt-out.js';
import { normalizeMsisdnLenient } from '../domain/msisdn.js';
import { renderAnnualReport } from './annual-report.js';
import { newFormToken } from './form-once.js';
import type { FiledCase } from '../app/complaint-intake.js';
import { chargedErrorText, importErrorText, subscriberErrorText } from './form-errors.js';
import { createChargedService, endChargedSubscription, listChargedServices, listChargedSubscriptions, subscribeToChargedService, type ChargedServiceView } from '../app/charged-services.js';
import { chargedServicePage, chargedServicesPage, type ChargedFlash, type SubscribeForm } from './pages/charged-services.js';
import { requireRole, requireRoleIn, ROLES } from '../app/access.js';
import { one, many, type Form } from './form.js';
import { langOf, cookies, fromElsewhere, secure, pageOf } from './request.js';
import { rejection, publicRejection, staffRejection } from './rejection.js';
import { webContext } from './routes/context.js';
import { registerHooks } from './routes/hooks.js';
import { registerSiteRoutes } from './routes/site.js';

export async function webRoutes(f: FastifyInstance, opts: { app: App }): Promise<void> {
  const { app } = opts;
  const w = webContext(app);
  const { svc, onceOf, who, html, render, needStaff, errorPage, showAgain, hide } = w;
  const complaintOnce = onceOf<FiledCase>('complaint');
  const entryOnce = onceOf<void>('credit-entry');
  // a case's action: the second post of a double click got 409 (the first had moved the case on) and the
  // person read that the forward or answer had failed
  const caseActOnce = onceOf<void>('case-action');
  registerHooks(f, w);
  registerSiteRoutes(f, w);

  // ---- public: complaint form, receipt, status, withdraw, credit register
  f.get('/web/complaint', hide, async (req, reply) => {
    const lang = langOf(req, reply);
    return render(req, reply, lang, t(lang, 'formTitle'), complaintForm(lang, { once: newFormToken() }), await who(req));
  });
  f.post('/web/complaint', hide, async (req, reply) => {
    const lang = langOf(req, reply);
    const form = req.body as Form;
    const body = Object.fromEntries(['msisdn', 'sender', 'text', 'receivedAt', 'request', 'screenshot'].map((k) => [k, one(form, k)]));
    const once = one(form, 'once');
    try {
      const filed = await complaintOnce.run(once, Date.now(), () => svc().fileComplaint({ role: 'public', actorId: 'public' }, body, 'web', req.ip));
      return render(req, reply, lang, t(lang, 'filedTitle'), filedPage(lang, filed), await who(req), 201);
    } catch (e) {
      const r = publicRejection(e, lang);
      // A screenshot that is one goes back in the form with the rest, so the user does not have to pick it again
      // (nor learn, after fixing the number, that a complaint with only a screenshot now says nothing).
      const screenshot = SCREENSHOT.test(body.screenshot) && body.screenshot.length <= SCREENSHOT_MAX ? body.screenshot : '';
      return render(req, reply, lang, t(lang, 'formTitle'), complaintForm(lang, { ...body, screenshot, once }, r.message), await who(req), r.status);
    }
  });
  /** `refused`: a withdraw the use case refused, shown above the status it left. */
  const status = async (req: FastifyRequest, reply: FastifyReply, v: { reference: string; accessCode: string }, refused?: { message: string; status: number }) => {
    const lang = langOf(req, reply);
    let s: Record<string, unknown> | null = null;
    let error = refused;
    if (v.reference && v.accessCode) {
      try { s = await svc().publicStatus(v.reference, v.accessCode, req.ip); } catch (e) { error ??= publicRejection(e, lang); }
    }
    return render(req, reply, lang, t(lang, 'statusTitle'), statusForm(lang, v, s, error?.message), await who(req), error?.status ?? 200);
  };
  f.get('/web/complaint/status', hide, async (req, reply) => {
    const q = req.query as Record<string, string>;
    return status(req, reply, { reference: q.reference ?? '', accessCode: '' });
  });
  f.post('/web/complaint/status', hide, async (req, reply) => status(req, reply, { reference: one(req.body as Form, 'reference'), accessCode: one(req.body as Form, 'accessCode') }));
  f.post('/web/complaint/withdraw', hide, async (req, reply) => {
    const form = req.body as Form;
    const v = { reference: one(form, 'reference').toUpperCase(), accessCode: one(form, 'accessCode') };
    // A refusal (the case was answered meanwhile, a wrong code) is said above the status, not dropped.
    let refused: { message: string; status: number } | undefined;
    try { await svc().withdraw(v.reference, { accessCode: v.accessCode }, req.ip, { reasonCode: 'withdrawn_on_status_page' }); } catch (e) { refused = publicRejection(e, langOf(req, reply)); }
    return status(req, reply, v, refused);
  });
  f.get('/web/public/credit', hide, async (req, reply) => {
    const lang = langOf(req, reply);
    const query = req.query as Record<string, string>;
    const q = String(query.q ?? '').slice(0, 100);
    try {
      const page = await svc().publicCreditEntries({ q, cursor: query.cursor || undefined });
      return render(req, reply, lang, t(lang, 'publicTitle'), publicCreditPage(lang, q, page.entries, page.nextCursor), await who(req));
    } catch (e) {
      // A cursor the register refuses (an edited or stale link) is a page with the reason, not the API's JSON.
      return errorPage(req, reply, await who(req), e);
    }
  });

  // ---- sign-in
  f.get('/web/login', hide, async (req, reply) => {
    const lang = langOf(req, reply);
    const q = req.query as Record<string, string>;
    // Sent here from a page: why. A cookie that no longer signs in (its token revoked, or expired) is
    // said as such, not as a first visit; either way, a form posted on the way was not kept.
    const tok = cookies(req).sg_token;
    const stale = !!tok && (await app.auth.principalFor(tok)).role === 'public';
    const why = stale ? t(lang, 'loginStale') : q.next ? t(lang, 'loginNeeded') : '';
    const notice = [why, q.sent === '1' ? t(lang, 'loginNotSaved') : ''].filter(Boolean).join(lang === 'en' ? ' ' : '');
    return render(req, reply, lang, t(lang, 'loginTitle'), loginPage(lang, undefined, q.next, notice || undefined), null);
  });
  f.post('/web/login', hide, async (req, reply) => {
    const lang = langOf(req, reply);
    // SameSite=Strict keeps the cookie off other sites' forms, but not off this response: a page elsewhere
    // could post its own token here and sign the visitor in as someone else (login CSRF). Browsers mark such
    // a post cross-site (same-site from a sibling host); a sign-in comes from this site's own form.
    if (fromElsewhere(req)) {
      return render(req, reply, lang, t(lang, 'loginTitle'), loginPage(lang, t(lang, 'loginCrossSite')), null, HTTP_STATUS.forbidden);
    }
    const form = req.body as Form;
    const token = one(form, 'token').trim();
    const next = one(form, 'next');
    const p = token ? await app.auth.principalFor(token) : ({ role: 'public', actorId: 'public' } as Principal);
    // a mistyped token keeps the page to go back to, so the second try still leads there
    if (p.role === 'public') return render(req, reply, lang, t(lang, 'loginTitle'), loginPage(lang, lang === 'zh' ? '令牌无效或已撤销' : 'Unknown or revoked token', next), null, HTTP_STATUS.unauthorized);
    // `next` is this site's page as its address was sent (percent-encoded, printable ASCII); anything
    // else (a hand-made link with raw Chinese or a line break in it) could not be a Location header:
    // Node refused it and the sign-in answered 500 after the token was right. The default page then.
    const dest = /^\/web\/[\x21-\x7e]*$/.test(next) ? next : p.role === 'regulator' ? '/web/credit' : '/web/cases';
    reply.header('set-cookie', `sg_token=${encodeURIComponent(token)}; Path=/web; HttpOnly; SameSite=Strict; Max-Age=43200${secure(req)}`);
    return reply.redirect(dest, 303);
  });
  // The address typed (a GET) is a page with the sign-out button, not a sign-out: a GET changes
  // nothing, so a link or an image on another page cannot sign anyone out; the button posts below.
  f.get('/web/logout', hide, async (req, reply) => {
    const lang = langOf(req, reply);
    const p = await who(req);
    const body = p.role === 'public'
      ? `<p id="logout-ask">${esc(t(lang, 'logoutNotSignedIn'))}${lang === 'en' ? ' ' : ''}<a href="/web/login">${esc(t(lang, 'navLogin'))}</a></p>`
      : `<p id="logout-ask">${esc(t(lang, 'logoutAsk').replace('{role}', tkOr(lang, `ar_${p.role}`) ?? p.role))}</p>
<form method="post" action="/web/logout" id="logout-form"><button type="submit">${esc(t(lang, 'navLogout'))}</button></form>`;
    return render(req, reply, lang, t(lang, 'logoutTitle'), body, p);
  });
  f.post('/web/logout', hide, async (req, reply) => {
    // another site's form does not sign the person out either (the cookie is cleared by this response)
    if (fromElsewhere(req)) {
      const lang = langOf(req, reply);
      return render(req, reply, lang, t(lang, 'error'), `<p role="alert">${esc(`${t(lang, 'formCrossSite')} (forbidden)`)}</p>`, null, HTTP_STATUS.forbidden);
    }
    reply.header('set-cookie', `sg_token=; Path=/web; HttpOnly; SameSite=Strict; Max-Age=0${secure(req)}`);
    return reply.redirect('/web/login', 303);
  });

  // ---- cases
  f.get('/web/cases', hide, async (req, reply) => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    const lang = langOf(req, reply);
    const q = req.query as Record<string, string>;
    const state = q.state ?? '';
    try {
      const r = await svc().listCases(p, { state: state || undefined, cursor: q.cursor, limit: 100 });
      const names = new Map((await app.ctx.store.directory.listContentProviders()).map((c) => [c.id, c.name]));
      return render(req, reply, lang, t(lang, 'casesTitle'), caseListPage(lang, r.cases, state, names, r.nextCursor), p);
    } catch (e) {
      // A state or cursor the list refuses (an edited or stale link) is a page with the reason, not the API's JSON.
      return errorPage(req, reply, p, e);
    }
  });
  const showCase = async (req: FastifyRequest, reply: FastifyReply, p: Principal, id: string, flash: { done?: string; error?: string; posted?: PostedAction }, code = 200) => {
    const lang = langOf(req, reply);
    const c = await svc().getCase(p, id);
    const providers = p.role === 'content-provider' ? [] : await app.ctx.store.directory.listContentProviders();
    if (p.role === 'content-provider') {
      const own = await app.ctx.store.directory.getContentProvider(p.contentProviderId);
      if (own) providers.push(own);
    }
    return render(req, reply, lang, `${t(lang, 'caseTitle')} ${c.reference}`, casePage(lang, c, p, providers, flash), p, code);
  };
  f.get('/web/cases/:id', hide, async (req, reply) => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    const q = req.query as Record<string, string>;
    try {
      return await showCase(req, reply, p, (req.params as { id: string }).id, { done: q.done });
    } catch (e) {
      return errorPage(req, reply, p, e);
    }
  });
  f.post('/web/cases/:id/act', hide, async (req, reply) => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    const id = (req.params as { id: string }).id;
    const form = req.body as Form;
    const action = one(form, 'action');
    const note = one(form, 'measureNote') || undefined;
    const body: Record<string, unknown> = {
      reason: one(form, 'reason') || undefined, text: one(form, 'text') || undefined, finding: one(form, 'finding') || undefined,
      contentProviderId: one(form, 'contentProviderId') || undefined, measures: many(form, 'measures').map((kind) => ({ kind, note })),
    };
    // On a refusal the form comes back as it was sent: an answer typed out is not lost to one wrong field.
    const posted: PostedAction = { action, values: Object.fromEntries(['reason', 'text', 'finding', 'contentProviderId', 'measureNote', 'once'].map((k) => [k, one(form, k)])), measures: many(form, 'measures') };
    try {
      await caseActOnce.run(one(form, 'once'), Date.now(), async () => {
        await svc().act(p, id, action, body);
      });
      return reply.redirect(`/web/cases/${encodeURIComponent(id)}?done=${encodeURIComponent(action)}`, 303);
    } catch (e) {
      return showAgain(req, reply, p, e, (error, code) => showCase(req, reply, p, id, { error, posted }, code));
    }
  });

  f.post('/web/cases/:id/evidence', hide, async (req, reply) => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    const id = (req.params as { id: string }).id;
    const sender = one(req.body as Form, 'sender');
    try {
      await svc().rematch(p, id, { sender: sender || undefined });
      return reply.redirect(`/web/cases/${encodeURIComponent(id)}?done=evidence`, 303);
    } catch (e) {
      // the sender as typed comes back, not the case's, so the clerk corrects it rather than types it again
      const posted: PostedAction = { action: 'rematch', values: { sender }, measures: [] };
      return showAgain(req, reply, p, e, (error, code) => showCase(req, reply, p, id, { error, posted }, code));
    }
  });

  // ---- 12321 bulk import (report centre, operator)
  f.get('/web/reports/import', hide, async (req, reply) => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    // The form is only worth showing to whom may post it: others learn which role it needs (403).
    try { requireReportFiler(p); } catch (e) { return errorPage(req, reply, p, e); }
    const lang = langOf(req, reply);
    return render(req, reply, lang, t(lang, 'importTitle'), importPage(lang), p);
  });
  f.post('/web/reports/import', hide, async (req, reply) => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    const lang = langOf(req, reply);
    const text = one(req.body as Form, 'jsonl');
    try {
      // Each refused line said in the page's language, from its rejection as raised (the result's body is the API's).
      const refused = new Map<number, SmsguardError>();
      const results = await svc().fileReports(p, parseJsonl(text), (i, e) => refused.set(i, e));
      // The lines that failed go back into the text area (results follow the non-blank lines, as parseJsonl
      // reads them), so the clerk corrects and imports them again instead of finding them in the file.
      const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
      const failed = lines.filter((_, i) => results[i] && !results[i].ok).join('\n');
      const shown = results.map((r, i) => (r.ok ? r : { ...r, said: importErrorText(lang, refused.get(i) ?? new SmsguardError(r.error.code, r.error.message, {}, r.error.field)) }));
      return render(req, reply, lang, t(lang, 'importTitle'), importPage(lang, shown, failed), p);
    } catch (e) {
      const r = rejection(e);
      return render(req, reply, lang, t(lang, 'importTitle'), `<div class="alert" role="alert">${esc(importErrorText(lang, e as SmsguardError))}</div>${importPage(lang, undefined, text)}`, p, r.status);
    }
  });

  // ---- credit files (regulator adds and publishes; operator and providers read)
  /**
   * `cursor`: the API's cursor of the entries page to show (the first without one). `asked`: the month
   * of the rates table from the address (`?month=YYYY-MM`, as GET /v1/content-providers/{id}/complaint-rate
   * takes it), else the current Shanghai month; one the use case refuses (not YYYY-MM, month 13) is said
   * in the page's alert with the API's status, the table left without figures.
   */
  const showCredit = async (req: FastifyRequest, reply: FastifyReply, p: Principal, flash: { done?: string; error?: string; values?: Record<string, string> }, code = 200, cursor?: string, asked?: string) => {
    const lang = langOf(req, reply);
    const month = asked ?? shanghaiMonth(app.ctx.clock.now());
    let providers = await app.ctx.store.directory.listContentProviders();
    if (p.role === 'content-provider') providers = providers.filter((c) => c.id === p.contentProviderId);
    // A regulator token limited to a province lists only the providers registered there.
    providers = providersVisibleTo(p, providers);
    // Through the same use case as the API; a month outside a token's dates leaves the row without figures.
    let rates = new Map<string, ComplaintRate>();
    let monthError: { message: string; status: number } | undefined;
    try {
      rates = await svc().complaintRatesFor(p, providers.slice(0, 500).map((c) => c.id), month);
    } catch (e) {
      if (!(e instanceof SmsguardError && e.field === 'month')) throw e;
      monthError = staffRejection(e, lang);
    }
    const { entries, nextCursor } = await svc().creditEntries(p, { limit: 500, cursor });
    // the add form's token: the one posted when it comes back refused, else a fresh one
    const values = { once: newFormToken(), ...flash.values };
    const shown = monthError ? null : month;
    const title = shown ? `${t(lang, 'creditTitle')} · ${shown}` : t(lang, 'creditTitle');
    const year = Number((shown ?? shanghaiMonth(app.ctx.clock.now())).slice(0, 4));
    return render(req, reply, lang, title, creditPage(lang, p, providers, rates, entries, nextCursor, year, { ...flash, error: flash.error ?? monthError?.message, values }, { month, valid: shown !== null, asked: asked !== undefined }), p, monthError?.status ?? code);
  };
  f.get('/web/credit', hide, async (req, reply) => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    try {
      const q = req.query as Record<string, string | undefined>;
      const month = typeof q.month === 'string' && q.month.trim() ? q.month.trim() : undefined;
      return await showCredit(req, reply, p, { done: q.done }, 200, q.cursor || undefined, month);
    } catch (e) {
      return errorPage(req, reply, p, e);
    }
  });
  f.post('/web/credit/entries', hide, async (req, reply) => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    const form = req.body as Form;
    const values = Object.fromEntries(['contentProviderId', 'kind', 'amountYuan', 'notes', 'publicSummary', 'once'].map((k) => [k, one(form, k)]));
    try {
      await entryOnce.run(values.once, Date.now(), async () => {
        await svc().addCreditEntry(p, {
          contentProviderId: values.contentProviderId, kind: values.kind, amountYuan: values.amountYuan || undefined,
          notes: values.notes || undefined, publicSummary: values.publicSummary?.trim() ? values.publicSummary : undefined,
        });
      });
      return reply.redirect('/web/credit?done=add', 303);
    } catch (e) {
      // The form comes back filled in as it was sent, so fixing one field does not mean typing the notes again.
      return showAgain(req, reply, p, e, (error, code) => showCredit(req, reply, p, { error, values }, code));
    }
  });
  f.post('/web/credit/entries/:id/publish', hide, async (req, reply) => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    try {
      await svc().publishCreditEntry(p, (req.params as { id: string }).id);
      return reply.redirect('/web/credit?done=publish', 303);
    } catch (e) {
      return showAgain(req, reply, p, e, (error, code) => showCredit(req, reply, p, { error }, code));
    }
  });
  f.post('/web/credit/entries/:id/withdraw', hide, async (req, reply) => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    try {
      await svc().withdrawCreditEntry(p, (req.params as { id: string }).id, { reason: one(req.body as Form, 'reason') });
      return reply.redirect('/web/credit?done=withdraw', 303);
    } catch (e) {
      return showAgain(req, reply, p, e, (error, code) => showCredit(req, reply, p, { error }, code));
    }
  });

  // ---- the registry, read-only: who is set up (operator, regulators within their province, a provider itself)
  f.get('/web/providers', hide, async (req, reply) => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    const lang = langOf(req, reply);
    // A provider's part of the registry is its own entry: the list is not its to read (the use case says
    // so with 403), so its way in goes there instead of to a refusal.
    if (p.role === 'content-provider') return reply.redirect(`/web/providers/${encodeURIComponent(p.contentProviderId)}`, 303);
    const status = (req.query as Record<string, unknown>).status;
    try {
      // An edited link's status (neither active nor suspended) is the use case's 400, said on the error page.
      const providers = await app.listContentProviders(p, { status: status === '' ? undefined : status });
      return render(req, reply, lang, t(lang, 'providersTitle'), providerListPage(lang, providers, typeof status === 'string' ? status : ''), p);
    } catch (e) {
      return errorPage(req, reply, p, e);
    }
  });
  f.get('/web/providers/:id', hide, async (req, reply) => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    const lang = langOf(req, reply);
    try {
      // Another provider's id is 403 and an unknown one 404, from the same checks as the API's.
      const d = await app.getContentProvider(p, (req.params as { id: string }).id);
      const done = (req.query as Record<string, unknown>).done;
      return render(req, reply, lang, d.name, providerPage(lang, d, p.role !== 'content-provider', { manage: p.role === 'admin', done: done === 'revoke' || done === 'retire' ? done : undefined }), p);
    } catch (e) {
      return errorPage(req, reply, p, e);
    }
  });
  // the operator's revoke and retire forms: the same use cases as DELETE /v1/content-providers/{id}/
  // signatures/{signatureId} and DELETE /v1/ports/{number} (admin, a reason required, recorded); the
  // SameSite=Strict sign-in cookie keeps other sites' forms out, as for every /web form. A refusal
  // (a blank reason, another role) shows the page again with it; the act done redirects (303) to the
  // page with its confirmation, so a reload does not post again.
  const registryAct = (act: 'revoke' | 'retire') => async (req: FastifyRequest, reply: FastifyReply) => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    const lang = langOf(req, reply);
    const params = req.params as { id: string; signatureId?: string; number?: string };
    const body = { reason: one(req.body as Form | undefined, 'reason') };
    try {
      if (act === 'revoke') await app.revokeSignature(p, params.id, params.signatureId!, body);
      else {
        // The port must be this provider's: the page acts only on what it lists.
        const port = (await app.getContentProvider(p, params.id)).ports.find((x) => x.number === params.number);
        if (!port) throw new SmsguardError('not_found', `content provider ${params.id} has no port ${params.number}`, {}, undefined, { id: 'port_not_found', params: { id: params.id, number: params.number ?? '' } });
        await app.retirePort(p, params.number!, body);
      }
      return reply.redirect(`/web/providers/${encodeURIComponent(params.id)}?done=${act}`, 303);
    } catch (e) {
      return showAgain(req, reply, p, e, async (error, code) => {
        const d = await app.getContentProvider(p, params.id);
        return render(req, reply, lang, d.name, providerPage(lang, d, p.role !== 'content-provider', { manage: p.role === 'admin', error }), p, code);
      });
    }
  };
  f.post('/web/providers/:id/signatures/:signatureId/revoke', hide, registryAct('revoke'));
  f.post('/web/providers/:id/ports/:number/retire', hide, registryAct('retire'));

  // ---- the message list: what was sent to a number on a day, or the message with a clientRef, and did it arrive
  f.get('/web/messages', hide, async (req, reply) => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    const lang = langOf(req, reply);
    const q = req.query as Record<string, unknown>;
    const text = (k: string) => (typeof q[k] === 'string' ? (q[k] as string).trim() : '');
    const s: MessageSearch = { msisdn: text('msisdn'), date: text('date'), clientRef: text('clientRef'), contentProviderId: p.role === 'content-provider' ? '' : text('contentProviderId') };
    const showProvider = p.role !== 'content-provider';
    const asked = !!(s.msisdn || s.date || s.clientRef);
    try {
      // A role that may not list messages learns it here, not after filling in the form.
      requireRole(p, 'admin', 'regulator', 'content-provider');
      if (!asked) return render(req, reply, lang, t(lang, 'messagesTitle'), messageListPage(lang, s, null, showProvider), p);
      const day = s.date ? shanghaiDay(s.date) : undefined;
      // A number as a person types it (spaces, dashes, full-width digits), read as the complaint form
      // reads one; what is no number at all goes to the use case as typed, which names the field.
      const msisdn = s.msisdn ? normalizeMsisdnLenient(s.msisdn) ?? s.msisdn : undefined;
      const result = await app.listMessages(p, {
        msisdn, clientRef: s.clientRef || undefined, contentProviderId: s.contentProviderId || undefined,
        from: day?.from, to: day?.to, cursor: text('cursor') || undefined, limit: 50,
      });
      return render(req, reply, lang, t(lang, 'messagesTitle'), messageListPage(lang, s, result, showProvider), p);
    } catch (e) {
      return showAgain(req, reply, p, e, async (error, code) => {
        requireRole(p, 'admin', 'regulator', 'content-provider');
        return render(req, reply, lang, t(lang, 'messagesTitle'), messageListPage(lang, s, null, showProvider, error), p, code);
      });
    }
  });

  // ---- a number's consents and refusals: the subscriber view of GET /v1/subscribers/{msisdn} (the
  // operator, regulators within their scope) or GET /v1/subscribers/{msisdn}/consents (a provider, its
  // own); the operator lifts an opt-out as POST …/lift-opt-out does, a provider withdraws its own consent
  // as DELETE /v1/consents/{id} does. The same use cases, so the page never shows or does more than the API.
  /** The view for whoever asks; a number as a person types it is read as the messages page reads one. */
  const subscriberFor = (p: Principal, typed: string) => {
    const msisdn = normalizeMsisdnLenient(typed) ?? typed;
    return p.role === 'content-provider' ? getSubscriberConsents(app.ctx, p, msisdn) : getSubscriber(app.ctx, p, msisdn);
  };
  /** A rejection on this page: the code's label and the message (form-errors.ts), with the API's status. */
  const subscriberRejection = (e: unknown, lang: Lang): { message: string; status: number } => {
    const r = rejection(e);
    return { ...r, message: subscriberErrorText(lang, e as SmsguardError) };
  };
  /** The page for `typed`, with a flash; a refusal of the view itself becomes the page's alert with its status. */
  const showSubscriber = async (req: FastifyRequest, reply: FastifyReply, p: Principal, typed: string, flash: SubscriberFlash, code = 200) => {
    const lang = langOf(req, reply);
    const title = t(lang, 'subscribersTitle');
    // A role the API refuses (the report centre) learns it here, not after filling in the form.
    requireRole(p, 'admin', 'regulator', 'content-provider');
    if (!typed.trim()) return render(req, reply, lang, title, subscriberPage(lang, p, typed, null, flash), p, code);
    let v;
    try {
      v = await subscriberFor(p, typed);
    } catch (e) {
      const r = subscriberRejection(e, lang);
      return render(req, reply, lang, title, subscriberPage(lang, p, typed, null, { error: r.message }), p, r.status);
    }
    return render(req, reply, lang, title, subscriberPage(lang, p, typed, v, flash), p, code);
  };
  f.get('/web/subscribers', hide, async (req, reply) => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    const q = req.query as Record<string, unknown>;
    const typed = typeof q.msisdn === 'string' ? q.msisdn : '';
    const done = q.done === 'lift' || q.done === 'withdraw' ? q.done : undefined;
    try {
      return await showSubscriber(req, reply, p, typed, { done });
    } catch (e) {
      return errorPage(req, reply, p, e);
    }
  });
  /** A refused act: the page again, its alert the code's label and message, the form as it was posted. */
  const actRefused = (req: FastifyRequest, reply: FastifyReply, p: Principal, typed: string, e: unknown, posted: SubscriberFlash['posted']) => {
    const r = subscriberRejection(e, langOf(req, reply));
    return showSubscriber(req, reply, p, typed, { error: r.message, posted }, r.status).catch((e2: unknown) => errorPage(req, reply, p, e2));
  };
  f.post('/web/subscribers/lift', hide, async (req, reply) => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    const form = req.body as Form;
    const typed = one(form, 'msisdn');
    const cpId = one(form, 'contentProviderId');
    const values = Object.fromEntries(['reason', 'channel', 'reference', 'capturedAt'].map((k) => [k, one(form, k)]));
    try {
      await liftOptOut(app.ctx, p, normalizeMsisdnLenient(typed) ?? typed, {
        contentProviderId: cpId, reason: values.reason,
        evidence: { channel: values.channel, reference: values.reference, capturedAt: shanghaiLocal(values.capturedAt) },
      });
      return reply.redirect(`/web/subscribers?msisdn=${encodeURIComponent(typed)}&done=lift`, 303);
    } catch (e) {
      return actRefused(req, reply, p, typed, e, { act: 'lift', key: cpId, values });
    }
  });
  f.post('/web/subscribers/withdraw', hide, async (req, reply) => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    const form = req.body as Form;
    const typed = one(form, 'msisdn');
    const consentId = one(form, 'consentId');
    const values = Object.fromEntries(['channel', 'reference', 'capturedAt'].map((k) => [k, one(form, k)]));
    // Evidence is optional: none typed is a withdrawal without proof; any of it, the whole proof checked.
    const given = values.channel || values.reference || values.capturedAt;
    try {
      await app.withdrawConsent(p, consentId, given ? { proof: { ...values, capturedAt: shanghaiLocal(values.capturedAt) } } : undefined);
      return reply.redirect(`/web/subscribers?msisdn=${encodeURIComponent(typed)}&done=withdraw`, 303);
    } catch (e) {
      return actRefused(req, reply, p, typed, e, { act: 'withdraw', key: consentId, values });
    }
  });

  // ---- the statutory records: GET /v1/records's use case as a search form, and a month's verification
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
    return render(req, reply, lang, t(lang, 'recordsTitle'), recordsPage(lang, {
      search, result, showProvider, canVerify, month, verification, searchError: verifyError ? undefined : error?.message, verifyError,
      exportAsk: exported?.ask, exportError: exported?.error.message,
    }), p, exported?.error.status ?? error?.status ?? 200);
  };
  f.get('/web/records', hide, async (req, reply) => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    try {
      return await showRecords(req, reply, p, null);
    } catch (e) {
      return errorPage(req, reply, p, e);
    }
  });
  f.get('/web/records/verify', hide, async (req, reply) => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    const month = (req.query as Record<string, unknown>).month;
    try {
      return await showRecords(req, reply, p, typeof month === 'string' ? month.trim() : '');
    } catch (e) {
      return errorPage(req, reply, p, e);
    }
  });

  // The signed inspection export: GET /v1/records/export's use case (roles, scope, the chain check,
  // the inspect.export audit), its tar downloaded; a refusal is said in the page's export form.
  f.get('/web/records/export', hide, async (req, reply) => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    const lang = langOf(req, reply);
    const q = req.query as Record<string, unknown>;
    const ask = Object.fromEntries(EXPORT_FIELDS.map((k) => [k, typeof q[k] === 'string' ? (q[k] as string).trim() : ''])) as unknown as ExportSearch;
    try {
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
    } catch (e) {
      return errorPage(req, reply, p, e);
    }
  });

  // ---- the carrier links (the operator): the same use case as GET /v1/upstream-links
  f.get('/web/links', hide, async (req, reply) => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    const lang = langOf(req, reply);
    try {
      const done = (req.query as Record<string, unknown>).done;
      return render(req, reply, lang, t(lang, 'linksTitle'), linksPage(lang, await app.upstreamLinks(p), done === 'stop' || done === 'start' ? done : undefined), p);
    } catch (e) {
      // another role learns from the use case that the page is the operator's (403)
      return errorPage(req, reply, p, e);
    }
  });
  // the stop / start buttons: the same use case as POST /v1/upstream-links/{name}/stop|start; the
  // SameSite=Strict sign-in cookie keeps other sites' forms out, as for every /web form
  for (const act of ['stop', 'start'] as const) {
    f.post(`/web/links/:name/${act}`, hide, async (req, reply) => {
      const p = await needStaff(req, reply);
      if (!p) return reply;
      try {
        const { name } = req.params as { name: string };
        await (act === 'stop' ? app.stopUpstreamLink(p, name) : app.startUpstreamLink(p, name));
        return reply.redirect(`/web/links?done=${act}`, 303);
      } catch (e) {
        return errorPage(req, reply, p, e);
      }
    });
  }

  // ---- the review queue and early warning (docs/CONTENT.md): the same use cases as GET /v1/review-queue,
  // GET /v1/alerts and GET /v1/early-warning/actions, each part shown only to the roles its API answers
  // (a part the use case refuses with forbidden is left out; a role none of them answers gets 403)
  const queue = new ReviewQueue(app.ctx);
  /** The use case's answer, or null where it refuses this role (forbidden): that part is not the viewer's. */
  const ifAllowed = async <T>(run: () => Promise<T>): Promise<T | null> => {
    try {
      return await run();
    } catch (e) {
      if (e instanceof SmsguardError && e.code === 'forbidden') return null;
      throw e;
    }
  };
  /**
   * The content-governance service the page acts through, or the stable `governance_off` refusal
   * (not_found, shown in the page's words) naming what there is none of, where this gateway was
   * started without it.
   */
  const governance = (noneOf: 'actions to lift' | 'baselines to reset' | 'templates'): ContentGovernance => {
    const gov = contentGovernanceOf(app.ctx);
    if (!gov) throw new SmsguardError('not_found', `content governance is not installed: there are no ${noneOf}`, {}, undefined, { id: 'governance_off' });
    return gov;
  };
  const reviewView = async (p: Principal, at: ReviewCursors = {}): Promise<ReviewView> => {
    const gov = contentGovernanceOf(app.ctx);
    if (gov) await gov.flush();
    // a page of each from its cursor (the first page without one): the oldest held on, the newest alerts back
    const heldPage = await ifAllowed(() => queue.list(p, { limit: REVIEW_HELD_PAGE, cursor: at.heldCursor }));
    const alertsPage = gov ? await ifAllowed(() => gov.listAlerts(p, { limit: REVIEW_ALERTS_PAGE, cursor: at.alertsCursor })) : null;
    const listed = heldPage?.messages ?? null;
    const alerts = alertsPage?.alerts ?? null;
    const actions = gov ? await ifAllowed(() => gov.listActions(p, true)) : null;
    if (listed === null && alerts === null && actions === null) requireRole(p, 'admin', 'regulator', 'content-provider');
    // Why each was held: its decision's hold verdict, as GET /v1/messages/{id} shows it to the same
    // viewers (the list is already the viewer's: the operator's every provider's, a provider's its own);
    // the action it names is looked up only for a viewer who may read the actions.
    const views = listed?.length ? await app.ctx.store.messages.getMessages(listed.map((m) => m.id)) : [];
    const everyAction = listed?.length && actions !== null && gov ? await gov.listActions(p, false) : [];
    const byId = new Map<string, ActionRecord>(everyAction.map((a) => [a.id, a]));
    const held = listed?.map((m, i) => {
      const hold = views[i]?.verdicts.find((v) => v.note?.includes('held: '));
      const note = hold?.note ? hold.note.slice(hold.note.indexOf('held: ') + 6) : null;
      const actionId = heldActionId(hold?.note);
      return { m, why: { rule: hold?.rule ?? null, note, action: actionId ? byId.get(actionId) ?? null : null } };
    }) ?? null;
    const baselines = gov ? await baselinesOf(p, gov, [...(alerts ?? []), ...(actions ?? [])]) : null;
    const paging = { ...at, heldNext: heldPage?.nextCursor ?? null, alertsNext: alertsPage?.nextCursor ?? null };
    return { held, alerts, actions, baselines, governance: gov !== null, canDecide: p.role === 'admin', paging };
  };
  /**
   * The baseline of each provider or port the alerts and actions name, through the same use case as
   * GET /v1/early-warning/baselines/{scope}/{key}: null for the viewer it refuses (a regulator); a key
   * the monitor has not counted (not_found, e.g. after a restart before its traffic) reads "no baseline
   * yet" rather than failing the page.
   */
  const baselinesOf = async (p: Principal, gov: ContentGovernance, about: readonly { scope: string; key: string }[]): Promise<Map<string, BaselineView | null> | null> => {
    const out = new Map<string, BaselineView | null>();
    for (const { scope, key } of about) {
      const k = baselineKey(scope, key);
      if (out.has(k)) continue;
      try {
        out.set(k, await gov.baselineView(p, scope, key));
      } catch (e) {
        if (e instanceof SmsguardError && e.code === 'forbidden') return null;
        if (e instanceof SmsguardError && (e.code === 'not_found' || e.code === 'invalid_request')) out.set(k, null);
        else throw e;
      }
    }
    return out;
  };
  f.get('/web/review', hide, async (req, reply) => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    const lang = langOf(req, reply);
    const q = req.query as Record<string, unknown>;
    const done = q.done;
    try {
      const flash: ReviewFlash = done === 'release' || done === 'reject' || done === 'lift' || done === 'reset' ? { done } : {};
      // Whom the page is for first: the report centre, with a stale paging link, was told the link was
      // out of date (400) rather than that the page is not its (403).
      requireRole(p, 'admin', 'regulator', 'content-provider');
      return render(req, reply, lang, t(lang, 'reviewTitle'), reviewPage(lang, await reviewView(p, reviewCursors(q)), flash), p);
    } catch (e) {
      return errorPage(req, reply, p, e);
    }
  });
  /**
   * A refusal on the page: the code's label first (e.g. 用户已退订 / recipient opted out), then the
   * use case's message with its code and the rule and article that refused; the page again with it,
   * with the status the API gives the code. A refused release changes nothing: the message is still listed.
   */
  const reviewAgain = async (req: FastifyRequest, reply: FastifyReply, p: Principal, e: unknown, refusedId?: string) => {
    const lang = langOf(req, reply);
    const label = e instanceof SmsguardError ? codeLabel(lang, e.code) : null;
    return showAgain(req, reply, p, e, async (error, code) => {
      const said = label ? `${label}${colon(lang)}${error}` : error;
      return render(req, reply, lang, t(lang, 'reviewTitle'), reviewPage(lang, await reviewView(p), { error: said, refusedId }), p, code);
    });
  };
  // Release and Reject: the same use cases as POST /v1/review-queue/{id}/release|reject (the operator's;
  // a reason optional to release, required to reject, recorded with the decision)
  for (const act of ['release', 'reject'] as const) {
    f.post(`/web/review/:id/${act}`, hide, async (req, reply) => {
      const p = await needStaff(req, reply);
      if (!p) return reply;
      const { id } = req.params as { id: string };
      const reason = one(req.body as Form | undefined, 'reason');
      try {
        const body = act === 'release' && reason.trim() === '' ? {} : { reason };
        await (act === 'release' ? queue.release(p, id, body) : queue.reject(p, id, body));
        return reply.redirect(`/web/review?done=${act}`, 303);
      } catch (e) {
        return reviewAgain(req, reply, p, e, id);
      }
    });
  }
  // Lift: the same use case as POST /v1/early-warning/actions/{id}/lift (the operator's)
  f.post('/web/review/actions/:id/lift', hide, async (req, reply) => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    try {
      const gov = governance('actions to lift');
      await gov.liftAction(p, (req.params as { id: string }).id);
      return reply.redirect('/web/review?done=lift', 303);
    } catch (e) {
      return reviewAgain(req, reply, p, e);
    }
  });
  // Reset baseline: the same use case as POST /v1/early-warning/baselines/{scope}/{key}/reset (the
  // operator's; audited, kept in the store); a refusal (a key the monitor no longer knows, another
  // role) shows the page again with its code and label
  f.post('/web/review/baselines/:scope/:key/reset', hide, async (req, reply) => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    try {
      const gov = governance('baselines to reset');
      const { scope, key } = req.params as { scope: string; key: string };
      await gov.resetBaseline(p, scope, key);
      return reply.redirect('/web/review?done=reset', 303);
    } catch (e) {
      return reviewAgain(req, reply, p, e);
    }
  });

  // ---- content templates (docs/CONTENT.md): the same use cases as GET /v1/templates and
  // POST /v1/templates/{id}/review; the list is the operator's every provider's (pending by default,
  // oldest first) with Approve and Reject forms, a provider's its own read-only; a role the use case
  // refuses gets 403, as from the API.
  /** The filter as the page reads it: no status in the address is the operator's pending, a provider's every status. */
  const templatesQuery = (p: Principal, q: Record<string, unknown>) => ({
    status: typeof q.status === 'string' ? q.status : p.role === 'admin' ? 'pending' : '',
    contentProviderId: typeof q.contentProviderId === 'string' ? q.contentProviderId.trim() : '',
  });
  const templatesView = async (p: Principal, q: { status: string; contentProviderId: string }): Promise<TemplatesView> => {
    const gov = governance('templates');
    const templates = await gov.listTemplates(p, { status: q.status || undefined, contentProviderId: q.contentProviderId || undefined });
    return { templates, status: q.status, contentProviderId: p.role === 'admin' ? q.contentProviderId : '', canDecide: p.role === 'admin' };
  };
  f.get('/web/templates', hide, async (req, reply) => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    const lang = langOf(req, reply);
    const q = req.query as Record<string, unknown>;
    try {
      const flash: TemplatesFlash = q.done === 'approve' || q.done === 'reject' ? { done: q.done } : {};
      return render(req, reply, lang, t(lang, 'templatesTitle'), templatesPage(lang, await templatesView(p, templatesQuery(p, q)), flash), p);
    } catch (e) {
      return errorPage(req, reply, p, e);
    }
  });
  // Approve and Reject: the same use case as POST /v1/templates/{id}/review (the operator's; a reason
  // required to reject; a template the machine check faulted is refused approval, 409). A refusal shows
  // the pending list again with the code's label and message, the template's row marked.
  for (const act of ['approve', 'reject'] as const) {
    f.post(`/web/templates/:id/${act}`, hide, async (req, reply) => {
      const p = await needStaff(req, reply);
      if (!p) return reply;
      const { id } = req.params as { id: string };
      const posted = req.body as Form | undefined;
      const reason = one(posted, 'reason');
      // the list the form was on (its filter), to come back to
      const filter = templatesQuery(p, { status: posted?.status === undefined ? undefined : one(posted, 'status'), contentProviderId: one(posted, 'contentProviderId') });
      try {
        const gov = governance('templates');
        await gov.reviewTemplate(p, id, reason.trim() === '' && act === 'approve' ? { decision: act } : { decision: act, reason });
        const back = new URLSearchParams({ ...(filter.status !== 'pending' ? { status: filter.status } : {}), ...(filter.contentProviderId ? { contentProviderId: filter.contentProviderId } : {}), done: act });
        return reply.redirect(`/web/templates?${back}`, 303);
      } catch (e) {
        const lang = langOf(req, reply);
        const label = e instanceof SmsguardError ? codeLabel(lang, e.code) : null;
        return showAgain(req, reply, p, e, async (error, code) => {
          const said = label ? `${label}${colon(lang)}${error}` : error;
          const view = await templatesView(p, filter);
          return render(req, reply, lang, t(lang, 'templatesTitle'), templatesPage(lang, view, { error: said, refusedId: id }), p, code);
        });
      }
    });
  }

  // ---- charged services (shared/REGULATION.md rule 8): the same use cases as GET/POST /v1/charged-services,
  // GET/POST /v1/charged-services/{id}/subscriptions and DELETE …/subscriptions/{msisdn}, so each role sees and
  // does exactly what the API lets it (the operator every provider's and registers; a provider its own,
  // subscribes numbers and ends its subscriptions; a regulator reads, within its token's scope, and neither
  // registers, subscribes nor ends; any other role 403 as from the API)
  const registerOnce = onceOf<{ id: string }>('charged-service');
  const endOnce = onceOf<void>('charged-end');
  const subscribeOnce = onceOf<void>('charged-subscribe');
  /** A refusal on these pages: the code's label, the form's field, what to change (form-errors.ts), with the API's status. */
  const chargedRejection = (e: unknown, lang: Lang): { message: string; status: number } => {
    const r = rejection(e);
    return { ...r, message: chargedErrorText(lang, e as SmsguardError) };
  };
  /** Provider names by id, through the registry's use cases (the operator's list; a provider its own entry). */
  const providerNames = async (p: Principal): Promise<Map<string, string>> => {
    if (p.role === 'content-provider') return new Map([[p.contentProviderId, (await app.getContentProvider(p, p.contentProviderId)).name]]);
    return new Map((await app.listContentProviders(p)).map((c) => [c.id, c.name]));
  };
  /**
   * The list: `?contentProviderId=` as GET /v1/charged-services takes it (a provider naming another's or
   * an unknown id is its 403; the operator's empty filter field is every provider's). Refusals of the list
   * itself (a role the API refuses) go to the error page.
   */
  const showCharged = async (req: FastifyRequest, reply: FastifyReply, p: Principal, flash: ChargedFlash, values: Record<string, string> = {}, code = 200) => {
    const lang = langOf(req, reply);
    const q = req.query as Record<string, unknown>;
    const asked = typeof q.contentProviderId === 'string' ? q.contentProviderId.trim() : undefined;
    const filter = (p.role === 'admin' || p.role === 'regulator') && asked === '' ? undefined : asked;
    const { items } = await listChargedServices(app.ctx, p, filter);
    const names = await providerNames(p);
    const canRegister = p.role === 'admin';
    const providers = canRegister ? [...names].map(([id, name]) => ({ id, name })) : [];
    return render(req, reply, lang, t(lang, 'chargedTitle'), chargedServicesPage(lang, {
      services: items, names, canRegister, canFilter: p.role === 'admin' || p.role === 'regulator', providers, values: { once: newFormToken(), ...values }, contentProviderId: p.role === 'admin' || p.role === 'regulator' ? asked ?? '' : '',
    }, flash), p, code);
  };
  f.get('/web/charged-services', hide, async (req, reply) => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    const done = (req.query as Record<string, unknown>).done;
    try {
      return await showCharged(req, reply, p, { done: done === 'register' ? done : undefined });
    } catch (e) {
      return errorPage(req, reply, p, e, chargedRejection);
    }
  });
  /**
   * The tariff as the form takes it, in yuan (`2`, `0.1`, full-width digits too), as the fen the use case
   * takes; what is not an amount to the fen goes on as a number the use case refuses (not an integer of
   * fen), so the refusal is its own, said against the form's field.
   */
  const fenOf = (typed: string): number | undefined => {
    const v = typed.replace(/[０-９．]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0)).trim();
    if (v === '') return undefined;
    const m = /^(\d{1,12})(?:\.(\d+))?$/.exec(v);
    if (!m) return Number.NaN;
    const dec = (m[2] ?? '').replace(/0+$/, '');
    return dec.length <= 2 ? Number(m[1]) * 100 + Number(dec.padEnd(2, '0')) : Number(m[1]) * 100 + Number(`0.${dec}`) * 100;
  };
  f.post('/web/charged-services', hide, async (req, reply) => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    const form = req.body as Form;
    const values = Object.fromEntries(['contentProviderId', 'name', 'port', 'amountYuan', 'per', 'once'].map((k) => [k, one(form, k)]));
    try {
      await registerOnce.run(values.once, Date.now(), () => createChargedService(app.ctx, p, {
        contentProviderId: values.contentProviderId, name: values.name, port: values.port.trim(),
        tariff: { amountFen: fenOf(values.amountYuan), per: values.per },
      }));
      return reply.redirect('/web/charged-services?done=register', 303);
    } catch (e) {
      // the form comes back as it was sent, with the refusal said against its field
      const r = chargedRejection(e, langOf(req, reply));
      try {
        return await showCharged(req, reply, p, { error: r.message }, values, r.status);
      } catch (e2) {
        return errorPage(req, reply, p, e2, chargedRejection);
      }
    }
  });
  /** One service and a page of its subscriptions; the use case's 404 / 403 for an unknown or another's service. */
  const showChargedService = async (req: FastifyRequest, reply: FastifyReply, p: Principal, id: string, flash: ChargedFlash, code = 200, refusedMsisdn?: string, subscribe?: SubscribeForm) => {
    const lang = langOf(req, reply);
    const cursor = (req.method === 'GET' ? (req.query as Record<string, unknown>).cursor : undefined);
    const asked = typeof cursor === 'string' && cursor !== '' ? cursor : undefined;
    const subs = await listChargedSubscriptions(app.ctx, p, id, { limit: 50, cursor: asked });
    const service: ChargedServiceView | undefined = (await listChargedServices(app.ctx, p, undefined)).items.find((s) => s.id === id);
    if (!service) throw new SmsguardError('not_found', `no charged service ${id}`);
    const names = await providerNames(p);
    return render(req, reply, lang, `${t(lang, 'chargedTitle')} · ${service.name}`, chargedServicePage(lang, {
      service, providerName: names.get(service.contentProviderId) ?? null, subscriptions: subs.items, nextCursor: subs.nextCursor,
      cursor: asked ?? null, canEnd: p.role === 'content-provider', token: newFormToken, refusedMsisdn,
      // the subscribe form for whom POST …/subscriptions admits (the provider; its own service, or the page is its 403)
      subscribe: (ROLES.subscribeChargedService as readonly string[]).includes(p.role) ? subscribe ?? { msisdn: '', once: newFormToken() } : undefined,
    }, flash), p, code);
  };
  f.get('/web/charged-services/:id', hide, async (req, reply) => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    const done = (req.query as Record<string, unknown>).done;
    try {
      return await showChargedService(req, reply, p, (req.params as { id: string }).id, { done: done === 'end' || done === 'subscribe' ? done : undefined });
    } catch (e) {
      return errorPage(req, reply, p, e, chargedRejection);
    }
  });
  // End a subscription: the same use case as DELETE /v1/charged-services/{id}/subscriptions/{msisdn} (the
  // provider's, its own service), once the confirmation is ticked; a double click ends it once.
  f.post('/web/charged-services/:id/end', hide, async (req, reply) => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    const { id } = req.params as { id: string };
    const form = req.body as Form;
    const msisdn = one(form, 'msisdn');
    try {
      // whom the act is for first (the API's roles), then the page's own confirmation
      requireRoleIn(p, ROLES.subscribeChargedService);
      if (one(form, 'confirm') !== 'yes') throw new SmsguardError('invalid_request', 'confirm: tick the confirmation to end the subscription', {}, 'confirm', { id: 'field_required' });
      await endOnce.run(one(form, 'once'), Date.now(), async () => {
        await endChargedSubscription(app.ctx, p, id, msisdn);
      });
      return reply.redirect(`/web/charged-services/${encodeURIComponent(id)}?done=end`, 303);
    } catch (e) {
      // The use case's not_found names no field; shown on the service's page (which exists, or that page
      // is the 404), it is the number's: no live subscription to end.
      const about = e instanceof SmsguardError && e.code === 'not_found' && e.field === undefined ? new SmsguardError(e.code, e.message, e.ref, 'msisdn', e.why) : e;
      const r = chargedRejection(about, langOf(req, reply));
      try {
        return await showChargedService(req, reply, p, id, { error: r.message }, r.status, msisdn);
      } catch (e2) {
        return errorPage(req, reply, p, e2, chargedRejection);
      }
    }
  });

  // Subscribe a number: the same use case as POST /v1/charged-services/{id}/subscriptions (the provider's,
  // its own service): smsguard sends its free notice and the subscription starts only on the user's Y. A
  // double click sends one notice; a refusal comes back in the form, the number as typed, said next to it.
  f.post('/web/charged-services/:id/subscribe', hide, async (req, reply) => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    const { id } = req.params as { id: string };
    const form = req.body as Form;
    const typed = { msisdn: one(form, 'msisdn'), once: one(form, 'once') };
    try {
      requireRoleIn(p, ROLES.subscribeChargedService);
      await subscribeOnce.run(typed.once, Date.now(), async () => {
        await subscribeToChargedService(app.ctx, p, id, { msisdn: typed.msisdn.trim() });
      });
      return reply.redirect(`/web/charged-services/${encodeURIComponent(id)}?done=subscribe`, 303);
    } catch (e) {
      const lang = langOf(req, reply);
      const r = rejection(e);
      // Said in the form, next to the number, to whom the form is shown; to any other role (the API's
      // 403) above the page, which is then its own 403 / 404 for a service it may not read.
      const inForm = (ROLES.subscribeChargedService as readonly string[]).includes(p.role);
      const said = chargedErrorText(lang, e as SmsguardError, 'subscribe');
      try {
        if (!inForm) return await showChargedService(req, reply, p, id, { error: said }, r.status);
        return await showChargedService(req, reply, p, id, {}, r.status, undefined, { ...typed, error: said, onField: (e as SmsguardError).field === 'msisdn' });
      } catch (e2) {
        return errorPage(req, reply, p, e2, chargedRejection);
      }
    }
  });

  // ---- annual inspection report (regulator, operator, or the provider for itself)
  f.get('/web/reports/annual', hide, async (req, reply) => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    const lang = langOf(req, reply);
    const q = req.query as Record<string, string>;
    const thisYear = Number(shanghaiMonth(app.ctx.clock.now()).slice(0, 4));
    const yearText = q.year ?? String(thisYear);
    const year = Number(yearText);
    // Without a provider, whom the report may cover is a choice to offer, not an error: the operator and
    // a regulator pick from the providers they may see (a province-limited one, its province's); a
    // provider's report is its own, and other roles learn from the use case which roles read reports.
    if (!q.contentProviderId && (p.role === 'admin' || p.role === 'regulator')) {
      const providers = providersVisibleTo(p, await app.ctx.store.directory.listContentProviders());
      let error: { message: string; status: number } | undefined;
      try { requireReportYear(year); } catch (e) { error = staffRejection(e, lang); }
      return render(req, reply, lang, t(lang, 'annualReport'), annualChooserPage(lang, providers, error ? thisYear : year, yearText, error?.message), p, error?.status ?? 200);
    }
    const cpId = p.role === 'content-provider' ? p.contentProviderId : q.contentProviderId ?? '';
    try {
      return html(reply, renderAnnualReport(await annualReportFor(app.ctx, p, cpId, year), lang, { path: pageOf(req), principal: p }));
    } catch (e) {
      return errorPage(req, reply, p, e);
    }
  });
}
