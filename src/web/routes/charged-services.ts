/**
 * Charged services (docs/REGULATION.md rule 8): the same use cases as GET/POST /v1/charged-services,
 * GET/POST /v1/charged-services/{id}/subscriptions and DELETE …/subscriptions/{msisdn}, so each role sees and
 * does exactly what the API lets it (the operator every provider's and registers; a provider its own,
 * subscribes numbers and ends its subscriptions; a regulator reads, within its token's scope, and neither
 * registers, subscribes nor ends; any other role 403 as from the API).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../app/types.js';
import { requireRoleIn, ROLES } from '../../app/access.js';
import { createChargedService, endChargedSubscription, listChargedServices, listChargedSubscriptions, subscribeToChargedService, type ChargedServiceView } from '../../app/charged-services.js';
import { SmsguardError } from '../../domain/errors.js';
import { t, type Lang } from '../i18n.js';
import { chargedServicePage, chargedServicesPage, type ChargedFlash, type SubscribeForm } from '../pages/charged-services.js';
import { newFormToken } from '../form-once.js';
import { chargedErrorText } from '../form-errors.js';
import { one, type Form } from '../form.js';
import { langOf } from '../request.js';
import { rejection } from '../rejection.js';
import type { WebContext } from './context.js';

/** /web/charged-services, a service's page, and the register, end and subscribe forms. */
export function registerChargedServiceRoutes(f: FastifyInstance, w: WebContext): void {
  const { app, onceOf, render, errorPage, showAgain, staffPage, staffAct, hide } = w;
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
  f.get('/web/charged-services', hide, staffPage((req, reply, p) => {
    const done = (req.query as Record<string, unknown>).done;
    return showCharged(req, reply, p, { done: done === 'register' ? done : undefined });
  }, chargedRejection));
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
  /** The register form's field a refusal names (the use case's tariff is the form's yuan and method), if any. */
  const registerField = (e: unknown): string | undefined => {
    const named = e instanceof SmsguardError ? e.field : undefined;
    return named === 'tariff/amountFen' ? 'amountYuan' : named === 'tariff/per' ? 'per' : named && ['contentProviderId', 'name', 'port'].includes(named) ? named : undefined;
  };
  f.post('/web/charged-services', hide, staffAct((req, reply, p) => {
    const form = req.body as Form;
    const values = Object.fromEntries(['contentProviderId', 'name', 'port', 'amountYuan', 'per', 'once'].map((k) => [k, one(form, k)]));
    return {
      run: () => registerOnce.run(values.once, Date.now(), () => createChargedService(app.ctx, p, {
        contentProviderId: values.contentProviderId, name: values.name, port: values.port.trim(),
        tariff: { amountFen: fenOf(values.amountYuan), per: values.per },
      })),
      done: () => '/web/charged-services?done=register',
      // the form comes back as it was sent, with the refusal said against its field
      refused: (e) => showAgain(req, reply, p, e, (error, code) => showCharged(req, reply, p, { error, field: registerField(e) }, values, code), chargedRejection),
    };
  }));
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
  f.get('/web/charged-services/:id', hide, staffPage((req, reply, p) => {
    const done = (req.query as Record<string, unknown>).done;
    return showChargedService(req, reply, p, (req.params as { id: string }).id, { done: done === 'end' || done === 'subscribe' ? done : undefined });
  }, chargedRejection));
  // End a subscription: the same use case as DELETE /v1/charged-services/{id}/subscriptions/{msisdn} (the
  // provider's, its own service), once the confirmation is ticked; a double click ends it once.
  f.post('/web/charged-services/:id/end', hide, staffAct((req, reply, p) => {
    const { id } = req.params as { id: string };
    const form = req.body as Form;
    const msisdn = one(form, 'msisdn');
    return {
      run: async () => {
        // whom the act is for first (the API's roles), then the page's own confirmation
        requireRoleIn(p, ROLES.subscribeChargedService);
        if (one(form, 'confirm') !== 'yes') throw new SmsguardError('invalid_request', 'confirm: tick the confirmation to end the subscription', {}, 'confirm', { id: 'field_required' });
        await endOnce.run(one(form, 'once'), Date.now(), async () => {
          await endChargedSubscription(app.ctx, p, id, msisdn);
        });
      },
      done: () => `/web/charged-services/${encodeURIComponent(id)}?done=end`,
      refused: (e) => {
        // The use case's not_found names no field; shown on the service's page (which exists, or that page
        // is the 404), it is the number's: no live subscription to end.
        const about = e instanceof SmsguardError && e.code === 'not_found' && e.field === undefined ? new SmsguardError(e.code, e.message, e.ref, 'msisdn', e.why) : e;
        return showAgain(req, reply, p, about, (error, code) => showChargedService(req, reply, p, id, { error }, code, msisdn), chargedRejection);
      },
    };
  }));

  // Subscribe a number: the same use case as POST /v1/charged-services/{id}/subscriptions (the provider's,
  // its own service): smsguard sends its free notice and the subscription starts only on the user's Y. A
  // double click sends one notice; a refusal comes back in the form, the number as typed, said next to it.
  f.post('/web/charged-services/:id/subscribe', hide, staffAct((req, reply, p) => {
    const { id } = req.params as { id: string };
    const form = req.body as Form;
    const typed = { msisdn: one(form, 'msisdn'), once: one(form, 'once') };
    return {
      run: async () => {
        requireRoleIn(p, ROLES.subscribeChargedService);
        await subscribeOnce.run(typed.once, Date.now(), async () => {
          await subscribeToChargedService(app.ctx, p, id, { msisdn: typed.msisdn.trim() });
        });
      },
      done: () => `/web/charged-services/${encodeURIComponent(id)}?done=subscribe`,
      refused: async (e) => {
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
      },
    };
  }));
}
