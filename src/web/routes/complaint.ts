/**
 * The public pages: the complaint form and its receipt, the status lookup and withdrawal, and the
 * public credit register.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SCREENSHOT, SCREENSHOT_MAX, type FiledCase } from '../../app/complaint-intake.js';
import { SmsguardError } from '../../domain/errors.js';
import { t } from '../i18n.js';
import { complaintForm, filedPage, publicCreditPage, statusForm } from '../pages/public.js';
import { newFormToken } from '../form-once.js';
import { one, type Form } from '../form.js';
import { langOf } from '../request.js';
import { publicRejection } from '../rejection.js';
import type { WebContext } from './context.js';

/** /web/complaint (form, status, withdraw) and /web/public/credit. */
export function registerComplaintRoutes(f: FastifyInstance, w: WebContext): void {
  const { svc, onceOf, who, render, errorPage, hide } = w;
  const complaintOnce = onceOf<FiledCase>('complaint');
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
      return render(req, reply, lang, t(lang, 'formTitle'), complaintForm(lang, { ...body, screenshot, once }, r.message, e instanceof SmsguardError ? e.field : undefined), await who(req), r.status);
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
}
