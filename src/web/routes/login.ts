/**
 * Staff sign-in and sign-out: a personal token, taken only from this site's own form, opens a
 * server-side sign-in (src/app/web-sessions.ts) whose random id alone is kept in an HttpOnly,
 * SameSite=Strict cookie; signing out deletes it, for every process.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../../app/types.js';
import { HTTP_STATUS } from '../../http/error-map.js';
import { esc } from '../html.js';
import { t, tkOr } from '../i18n.js';
import { loginPage } from '../pages/public.js';
import { one, type Form } from '../form.js';
import { cookies, fromElsewhere, langOf, secure } from '../request.js';
import { OLD_TOKEN_COOKIE, SESSION_COOKIE, type WebContext } from './context.js';

/** A Set-Cookie header that deletes the cookie `name`. */
const clear = (name: string, req: FastifyRequest) => `${name}=; Path=/web; HttpOnly; SameSite=Strict; Max-Age=0${secure(req)}`;

/** /web/login and /web/logout. */
export function registerLoginRoutes(f: FastifyInstance, w: WebContext): void {
  const { app, who, render, hide } = w;
  f.get('/web/login', hide, async (req, reply) => {
    const lang = langOf(req, reply);
    const q = req.query as Record<string, string>;
    // Sent here from a page: why. A cookie that no longer signs in (its token revoked, the sign-in idle
    // or too old, signed out elsewhere, or a cookie of before sessions that held the token itself) is
    // said as such, not as a first visit; either way, a form posted on the way was not kept.
    const c = cookies(req);
    const sid = c[SESSION_COOKIE];
    const stale = sid ? (await app.webSessions.principalFor(sid)).role === 'public' : !!c[OLD_TOKEN_COOKIE];
    // Just signed out (the button's post leads here): said, so a person at a shared computer knows the
    // sign-out took, instead of a bare sign-in form that looks the same as before they signed in.
    const why = stale ? t(lang, 'loginStale') : q.next ? t(lang, 'loginNeeded') : q.out === '1' ? t(lang, 'loginSignedOut') : '';
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
    const { principal: p, sessionId } = token ? await app.webSessions.signIn(token) : { principal: { role: 'public', actorId: 'public' } as Principal, sessionId: null };
    // a mistyped token keeps the page to go back to, so the second try still leads there
    if (p.role === 'public') return render(req, reply, lang, t(lang, 'loginTitle'), loginPage(lang, lang === 'zh' ? '令牌无效或已撤销' : 'Unknown or revoked token', next), null, HTTP_STATUS.unauthorized);
    // `next` is this site's page as its address was sent (percent-encoded, printable ASCII); anything
    // else (a hand-made link with raw Chinese or a line break in it) could not be a Location header:
    // Node refused it and the sign-in answered 500 after the token was right. The default page then.
    const dest = /^\/web\/[\x21-\x7e]*$/.test(next) ? next : p.role === 'regulator' ? '/web/credit' : '/web/cases';
    // Signing in again (another role) ends the sign-in this browser had; a cookie of before sessions goes.
    const c = cookies(req);
    if (c[SESSION_COOKIE]) await app.webSessions.signOut(c[SESSION_COOKIE], 'signed_in_again');
    if (c[OLD_TOKEN_COOKIE] !== undefined) reply.header('set-cookie', clear(OLD_TOKEN_COOKIE, req));
    // The cookie lives as long as the sign-in may (its absolute lifetime); the idle limit is the server's.
    reply.header('set-cookie', `${SESSION_COOKIE}=${sessionId}; Path=/web; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(app.webSessions.maxMs / 1000)}${secure(req)}`);
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
    // deleted in the store, so a copy of the cookie (a proxy's log, a browser backup) stops working too
    const c = cookies(req);
    await app.webSessions.signOut(c[SESSION_COOKIE]);
    reply.header('set-cookie', clear(SESSION_COOKIE, req));
    if (c[OLD_TOKEN_COOKIE] !== undefined) reply.header('set-cookie', clear(OLD_TOKEN_COOKIE, req));
    return reply.redirect('/web/login?out=1', 303);
  });
}
