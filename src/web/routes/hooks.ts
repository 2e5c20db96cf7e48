/**
 * What the web plugin does to every request before and after its route: the form parser, a repeated
 * address parameter read as its first, and the error page for a rejection raised outside a handler.
 */
import type { FastifyInstance } from 'fastify';
import type { Principal } from '../../app/types.js';
import { SmsguardError } from '../../domain/errors.js';
import { notUtf8 } from '../../http/empty-body.js';
import { esc } from '../html.js';
import { t } from '../i18n.js';
import { addressErrorText } from '../form-errors.js';
import { parseForm } from '../form.js';
import { langOf } from '../request.js';
import { staffRejection } from '../rejection.js';
import type { WebContext } from './context.js';

/** The form parser, hook and error handler, registered before any route. */
export function registerHooks(f: FastifyInstance, w: WebContext): void {
  const { who, render } = w;
  f.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 2 * 1024 * 1024 }, (_req, body, done) => {
    // Raw bytes or %-escapes that are not UTF-8 decode to U+FFFD: refused, not filed garbled (a page
    // in UTF-8 never sends them; a script posting GBK does).
    const form = parseForm(String(body));
    if (String(body).includes('\uFFFD') || Object.values(form).some((v) => (Array.isArray(v) ? v : [v]).some((x) => x.includes('\uFFFD')))) return done(notUtf8('a form'), undefined);
    return done(null, form);
  });
  // A parameter repeated in a page's address (`?state=a&state=b`: a link edited by hand, a filter
  // appended twice) arrives as an array, which the pages read as a string: the case list handed it to
  // the use case and answered 500. A page reads its first, as `one()` reads a repeated form field.
  f.addHook('preValidation', async (req) => {
    const q = req.query as Record<string, unknown> | undefined;
    if (!q || typeof q !== 'object') return;
    for (const k of Object.keys(q)) {
      const v = q[k];
      if (Array.isArray(v)) q[k] = v[0];
    }
  });
  /*
   * A rejection raised outside a page's handler, before it runs: the shared hook that refuses a NUL or a
   * lone surrogate in a query or path parameter (src/http/storable-params.ts), or a handler that does not
   * catch its own. A person on the pages gets the error page in the page's language, as for any other
   * bad address; the API's routes keep the JSON body (this handler is the plugin's, not the app's).
   * Anything that is not a rejection goes on to the app's handler (logged, 500, or the client's 4xx).
   */
  f.setErrorHandler(async (err, req, reply) => {
    if (!(err instanceof SmsguardError)) {
      // A form the pages cannot read (over 2 MB: a long 12321 file pasted or picked, a screenshot that
      // skipped the browser's size check; a body not sent as a form) is the client's, with the status
      // the API gives it (413, 415), and said on a page in its language rather than as the API's JSON.
      const status = (err as { statusCode?: number }).statusCode ?? 500;
      if (status < 400 || status >= 500) throw err;
      const lang = langOf(req, reply);
      const said = t(lang, (err as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'formTooLarge' : 'formUnreadable');
      let p: Principal | null = null;
      try { p = await who(req); } catch { p = null; }
      return render(req, reply, lang, t(lang, 'error'), `<p role="alert">${esc(`${said} (invalid_request)`)}</p>`, p, status);
    }
    const lang = langOf(req, reply);
    const r = staffRejection(err, lang);
    const inAddress = err.field !== undefined && [req.query, req.params].some((o) => !!o && typeof o === 'object' && Object.hasOwn(o, err.field as string));
    const message = inAddress && err.why?.id === 'not_storable' ? (addressErrorText(lang, err) ?? r.message) : r.message;
    let p: Principal | null = null;
    try { p = await who(req); } catch { p = null; }
    return render(req, reply, lang, t(lang, 'error'), `<p role="alert">${esc(message)}</p>`, p, r.status);
  });
}
