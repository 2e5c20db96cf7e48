/**
 * A number's consents and refusals: the subscriber view of GET /v1/subscribers/{msisdn} (the
 * operator, regulators within their scope) or GET /v1/subscribers/{msisdn}/consents (a provider, its
 * own); the operator lifts an opt-out as POST …/lift-opt-out does, a provider withdraws its own consent
 * as DELETE /v1/consents/{id} does. The same use cases, so the page never shows or does more than the API.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../app/types.js';
import { requireRole } from '../../app/access.js';
import { getSubscriber, getSubscriberConsents } from '../../app/consent-subscribers.js';
import { liftOptOut } from '../../app/consent-lift-opt-out.js';
import type { SmsguardError } from '../../domain/errors.js';
import { normalizeMsisdnLenient } from '../../domain/msisdn.js';
import { t, type Lang } from '../i18n.js';
import { shanghaiLocal, subscriberPage, type SubscriberFlash } from '../pages/subscribers.js';
import { subscriberErrorText } from '../form-errors.js';
import { one, type Form } from '../form.js';
import { langOf } from '../request.js';
import { rejection } from '../rejection.js';
import type { WebContext } from './context.js';

/** /web/subscribers and its lift and withdraw forms. */
export function registerSubscriberRoutes(f: FastifyInstance, w: WebContext): void {
  const { app, render, errorPage, staffPage, staffAct, hide } = w;
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
    // the providers by name, through the registry's use cases: the operator's and a regulator's list, a provider its own entry
    const names = new Map(p.role === 'content-provider'
      ? [[p.contentProviderId, (await app.getContentProvider(p, p.contentProviderId)).name]]
      : (await app.listContentProviders(p)).map((c) => [c.id, c.name]));
    return render(req, reply, lang, title, subscriberPage(lang, p, typed, v, flash, names), p, code);
  };
  f.get('/web/subscribers', hide, staffPage((req, reply, p) => {
    const q = req.query as Record<string, unknown>;
    const typed = typeof q.msisdn === 'string' ? q.msisdn : '';
    const done = q.done === 'lift' || q.done === 'withdraw' ? q.done : undefined;
    return showSubscriber(req, reply, p, typed, { done });
  }));
  /** A refused act: the page again, its alert the code's label and message, the form as it was posted. */
  const actRefused = (req: FastifyRequest, reply: FastifyReply, p: Principal, typed: string, e: unknown, posted: SubscriberFlash['posted']) => {
    const r = subscriberRejection(e, langOf(req, reply));
    return showSubscriber(req, reply, p, typed, { error: r.message, posted }, r.status).catch((e2: unknown) => errorPage(req, reply, p, e2));
  };
  f.post('/web/subscribers/lift', hide, staffAct((req, reply, p) => {
    const form = req.body as Form;
    const typed = one(form, 'msisdn');
    const cpId = one(form, 'contentProviderId');
    const values = Object.fromEntries(['reason', 'channel', 'reference', 'capturedAt'].map((k) => [k, one(form, k)]));
    return {
      run: () => liftOptOut(app.ctx, p, normalizeMsisdnLenient(typed) ?? typed, {
        contentProviderId: cpId, reason: values.reason,
        evidence: { channel: values.channel, reference: values.reference, capturedAt: shanghaiLocal(values.capturedAt) },
      }),
      done: () => `/web/subscribers?msisdn=${encodeURIComponent(typed)}&done=lift`,
      refused: (e) => actRefused(req, reply, p, typed, e, { act: 'lift', key: cpId, values }),
    };
  }));
  f.post('/web/subscribers/withdraw', hide, staffAct((req, reply, p) => {
    const form = req.body as Form;
    const typed = one(form, 'msisdn');
    const consentId = one(form, 'consentId');
    const values = Object.fromEntries(['channel', 'reference', 'capturedAt'].map((k) => [k, one(form, k)]));
    // Evidence is optional: none typed is a withdrawal without proof; any of it, the whole proof checked.
    const given = values.channel || values.reference || values.capturedAt;
    return {
      run: () => app.withdrawConsent(p, consentId, given ? { proof: { ...values, capturedAt: shanghaiLocal(values.capturedAt) } } : undefined),
      done: () => `/web/subscribers?msisdn=${encodeURIComponent(typed)}&done=withdraw`,
      refused: (e) => actRefused(req, reply, p, typed, e, { act: 'withdraw', key: consentId, values }),
    };
  }));
}
