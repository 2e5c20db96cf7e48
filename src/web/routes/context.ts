/**
 * What every page's routes share: the signed-in principal, the page sent with its headers, the staff
 * check, the error page and a refused form shown again, the form-once guards, built once per app.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../app/app.js';
import type { Principal } from '../../app/types.js';
import { complaintsOf } from '../../app/complaint-service.js';
import { HTTP_STATUS } from '../../http/error-map.js';
import { esc, page } from '../html.js';
import { t, type Lang } from '../i18n.js';
import { FormOnce } from '../form-once.js';
import { cookies, fetchedFromElsewhere, fromElsewhere, langOf, pageOf } from '../request.js';
import { staffRejection } from '../rejection.js';

/**
 * Every page's headers: not cached (a staff page holds numbers and case details); not to be shown in
 * a frame on another page (a sibling host's page could frame a staff page, whose cookie SameSite
 * still sends there, and trick a click on Release or Revoke); no guessing of the type; and the
 * address, which may hold a number (`?msisdn=`), not sent to another site as the referrer.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'content-security-policy': "frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

/** The sign-in cookie: a session id (src/app/web-sessions.ts), never the person's token. */
export const SESSION_COOKIE = 'sg_session';
/** The cookie of before sessions, which held the token itself: read only to say the sign-in has lapsed, and cleared. */
export const OLD_TOKEN_COOKIE = 'sg_token';

/** The shared helpers of the web routes, for `app`. */
export function webContext(app: App) {
  const svc = () => complaintsOf(app);
  // the forms that add something act once per rendering (form-once.ts): a double click files one complaint, adds one entry,
  // whichever of the deployment's processes each post reaches (the tokens are claimed in the shared store)
  const onceOf = <T>(form: string) => new FormOnce<T>({
    store: app.ctx.store.formTokens, form,
    onStoreError: (e) => app.ctx.events.emit('workerError', { where: `form-once (${form})`, message: e.message }),
  });

  /**
   * The bearer principal, else the one behind the sign-in cookie: its session (src/app/web-sessions.ts),
   * live, not idle or too old, and its token still live. A cookie of before sessions (`sg_token`, the
   * token itself) signs no one in.
   */
  async function who(req: FastifyRequest): Promise<Principal> {
    if (req.principal && req.principal.role !== 'public') return req.principal;
    return app.webSessions.principalFor(cookies(req)[SESSION_COOKIE]);
  }
  const html = (reply: FastifyReply, body: string, code = 200) => reply.code(code).type('text/html; charset=utf-8').headers(PAGE_HEADERS).send(body);
  const render = (req: FastifyRequest, reply: FastifyReply, lang: Lang, title: string, body: string, p: Principal | null, code = 200) =>
    html(reply, page({ lang, title, body, path: pageOf(req), principal: p }), code);
  const needStaff = async (req: FastifyRequest, reply: FastifyReply): Promise<Principal | null> => {
    if (req.method !== 'GET' && fromElsewhere(req)) {
      // SameSite=Strict keeps the sign-in cookie off other sites' forms, but "site" is the registrable
      // domain: a page on a sibling host (another app under the same gov.cn or company domain) posts
      // with it. The browser says where the form came from; a staff act is taken only from this origin.
      const lang = langOf(req, reply);
      render(req, reply, lang, t(lang, 'error'), `<p role="alert">${esc(`${t(lang, 'formCrossSite')} (forbidden)`)}</p>`, null, HTTP_STATUS.forbidden);
      return null;
    }
    if (req.method === 'GET' && fetchedFromElsewhere(req)) {
      // Refused before the sign-in is read and anything is searched or recorded; the link is this page's
      // own address, so following it is this site's request (same-origin) and shows the page.
      const lang = langOf(req, reply);
      render(req, reply, lang, t(lang, 'error'), `<p role="alert">${esc(`${t(lang, 'getCrossSite')} (forbidden)`)}</p>
<p><a id="open-here" href="${esc(req.url)}">${esc(t(lang, 'openHere'))}</a></p>`, null, HTTP_STATUS.forbidden);
      return null;
    }
    const p = await who(req);
    if (p.role === 'public') {
      // A form posted without a sign-in is not kept: the sign-in page says so (`sent`), so the person
      // does not go back believing it was done.
      reply.redirect(`/web/login?next=${encodeURIComponent(pageOf(req))}${req.method === 'GET' ? '' : '&sent=1'}`, 303);
      return null;
    }
    return p;
  };
  /** The error page: the rejection's message in an alert, with its status. */
  const errorPage = (req: FastifyRequest, reply: FastifyReply, p: Principal, e: unknown, said: (e: unknown, lang: Lang) => { message: string; status: number } = staffRejection) => {
    const lang = langOf(req, reply);
    const r = said(e, lang);
    // A page the role may not see says so in its heading (出错了 read as a fault of the site) and leads
    // to the sign-in, which comes back here, for whoever holds a token that may see it.
    if (r.status === HTTP_STATUS.forbidden && req.method === 'GET') {
      return render(req, reply, lang, t(lang, 'forbiddenTitle'), `<p role="alert">${esc(r.message)}</p>
<p><a id="switch-role" href="/web/login?next=${esc(encodeURIComponent(pageOf(req)))}">${esc(t(lang, 'forbiddenSwitch'))}</a></p>`, p, r.status);
    }
    return render(req, reply, lang, t(lang, 'error'), `<p role="alert">${esc(r.message)}</p>`, p, r.status);
  };
  /**
   * A form's page shown again with its rejection flashed (status from the table), said by `said`
   * (staffRejection unless the page has its own wording). If the page itself is not the caller's to see
   * (a provider posting to another's case), the error page says why instead, in the same wording.
   */
  const showAgain = async (req: FastifyRequest, reply: FastifyReply, p: Principal, e: unknown, show: (error: string, code: number) => Promise<FastifyReply>,
    said: (e: unknown, lang: Lang) => { message: string; status: number } = staffRejection) => {
    const r = said(e, langOf(req, reply));
    try {
      return await show(r.message, r.status);
    } catch (e2) {
      return errorPage(req, reply, p, e2, said);
    }
  };
  /**
   * A staff route: `handler` for a signed-in principal (needStaff answers for anyone else); what it
   * throws is the error page, said by `said` (staffRejection unless the page has its own wording).
   */
  const staffPage = (
    handler: (req: FastifyRequest, reply: FastifyReply, p: Principal) => Promise<FastifyReply>,
    said: (e: unknown, lang: Lang) => { message: string; status: number } = staffRejection,
  ) => async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    try {
      return await handler(req, reply, p);
    } catch (e) {
      return errorPage(req, reply, p, e, said);
    }
  };
  /**
   * A staff form's act: `read` takes what was posted (before anything is done, outside the act's
   * refusal) and says the act; `run` does it (a form-once guard, if any, is the act's own); done, a 303
   * to the page `done` names, so a reload does not post again; refused, `refused` answers (the page
   * again with the error and the values as typed, or the error page).
   */
  const staffAct = (
    read: (req: FastifyRequest, reply: FastifyReply, p: Principal) => {
      run: () => Promise<unknown>;
      done: () => string;
      refused: (e: unknown) => Promise<FastifyReply> | FastifyReply;
    },
  ) => async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    const act = read(req, reply, p);
    try {
      await act.run();
      return reply.redirect(act.done(), 303);
    } catch (e) {
      return act.refused(e);
    }
  };
  const hide = { schema: { hide: true } };
  return { app, svc, onceOf, who, html, render, needStaff, errorPage, showAgain, staffPage, staffAct, hide };
}

export type WebContext = ReturnType<typeof webContext>;
