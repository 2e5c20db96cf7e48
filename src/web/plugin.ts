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
import { providersVisibleTo } from '../app/records-scope.js';
import { colon, t, type Lang } from './i18n.js';
import { annualChooserPage } from './pages/annual.js';
import { baselineKey, heldActionId, reviewCursors, reviewPage, REVIEW_ALERTS_PAGE, REVIEW_HELD_PAGE, type ReviewCursors, type ReviewFlash, type ReviewView } from './pages/review.js';
import { ReviewQueue } from '../app/review-queue.js';
import { templatesPage, type TemplatesFlash, type TemplatesView } from './pages/templates.js';
import { contentGovernanceOf, type BaselineView, type ContentGovernance } from '../app/content-governance.js';
import type { ActionRecord } from '../content/actions.js';
import { codeLabel } from './code-labels.js';
import { renderAnnualReport } from './annual-report.js';
import { newFormToken } from './form-once.js';
import { chargedErrorText } from './form-errors.js';
import { createChargedService, endChargedSubscription, listChargedServices, listChargedSubscriptions, subscribeToChargedService, type ChargedServiceView } from '../app/charged-services.js';
import { chargedServicePage, chargedServicesPage, type ChargedFlash, type SubscribeForm } from './pages/charged-services.js';
import { requireRole, requireRoleIn, ROLES } from '../app/access.js';
import { one, type Form } from './form.js';
import { langOf, pageOf } from './request.js';
import { rejection, staffRejection } from './rejection.js';
import { webContext } from './routes/context.js';
import { registerHooks } from './routes/hooks.js';
import { registerSiteRoutes } from './routes/site.js';
import { registerComplaintRoutes } from './routes/complaint.js';
import { registerLoginRoutes } from './routes/login.js';
import { registerCaseRoutes } from './routes/cases.js';
import { registerReportImportRoutes } from './routes/report-import.js';
import { registerCreditRoutes } from './routes/credit.js';
import { registerProviderRoutes } from './routes/providers.js';
import { registerMessageRoutes } from './routes/messages.js';
import { registerSubscriberRoutes } from './routes/subscribers.js';
import { registerRecordRoutes } from './routes/records.js';
import { registerLinkRoutes } from './routes/links.js';

export async function webRoutes(f: FastifyInstance, opts: { app: App }): Promise<void> {
  const { app } = opts;
  const w = webContext(app);
  const { onceOf, html, render, needStaff, errorPage, showAgain, hide } = w;
  registerHooks(f, w);
  registerSiteRoutes(f, w);
  registerComplaintRoutes(f, w);
  registerLoginRoutes(f, w);
  registerCaseRoutes(f, w);
  registerReportImportRoutes(f, w);
  registerCreditRoutes(f, w);
  registerProviderRoutes(f, w);
  registerMessageRoutes(f, w);
  registerSubscriberRoutes(f, w);
  registerRecordRoutes(f, w);
  registerLinkRoutes(f, w);

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
