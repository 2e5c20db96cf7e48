/**
 * What the pages read from a request besides its form: cookies, where it was sent from (Fetch
 * Metadata), HTTPS, the page's language, and the page a posted form was on.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Lang } from './i18n.js';
import type { Form } from './form.js';

/**
 * The request's cookies by name (no prototype, as parseForm). A value that is not valid percent-encoding
 * (a browser extension's, another site's on the same host) is skipped: decodeURIComponent throws on it,
 * which made every page a 500 for that browser.
 */
export function cookies(req: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    try {
      out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      // not percent-encoding: not one of ours
    }
  }
  return out;
}

/**
 * A request the browser marks as sent from a page of another origin (`Sec-Fetch-Site: cross-site`,
 * or `same-site`: a sibling host of the same registrable domain, to which SameSite=Strict still sends
 * the sign-in cookie). A browser that sends no Fetch Metadata (older than 2023) is not refused: it
 * has the SameSite cookie alone, as before.
 */
export function fromElsewhere(req: FastifyRequest): boolean {
  const site = req.headers['sec-fetch-site'];
  return site === 'cross-site' || site === 'same-site';
}

/**
 * A GET another site's page made without the person asking for it: marked as from elsewhere
 * ({@link fromElsewhere}) and not a top-level navigation with a user activation (a click on a link, which
 * the browser marks `Sec-Fetch-Mode: navigate`, `Sec-Fetch-Dest: document`, `Sec-Fetch-User: ?1`): an
 * image, a frame, a script's fetch, or a script's or a redirect's navigation. A staff page's GET can write
 * the audit log (a regulator's record search, an export), and a sibling host's page gets the sign-in cookie
 * sent with it; such a request could fill the log with queries no one made. A click is a person's own
 * request (one entry, a page they see), so it is served, as is everything without Fetch Metadata, an
 * address typed or opened from a bookmark or another program (`none`), and this site's own (`same-origin`).
 */
export function fetchedFromElsewhere(req: FastifyRequest): boolean {
  if (!fromElsewhere(req)) return false;
  const h = req.headers;
  return !(h['sec-fetch-mode'] === 'navigate' && h['sec-fetch-user'] === '?1' && (h['sec-fetch-dest'] ?? 'document') === 'document');
}

/**
 * `; Secure` when the page was asked for over HTTPS: directly, or through a proxy that `--trust-proxy`
 * believes (its `X-Forwarded-Proto: https`). The browser then never sends the sign-in over plain
 * HTTP (a `http://` link or a downgrade on the way). Over plain HTTP (a gateway on 127.0.0.1, a trial)
 * the cookie could not be set with it, so it is left off there.
 */
export function secure(req: FastifyRequest): string {
  return req.protocol === 'https' ? '; Secure' : '';
}

/** The page's language: `?lang=` (kept in a cookie for a year), else the cookie's, else Chinese. */
export function langOf(req: FastifyRequest, reply: FastifyReply): Lang {
  const q = (req.query as Record<string, string> | undefined)?.lang;
  if (q === 'en' || q === 'zh') {
    reply.header('set-cookie', `sg_lang=${q}; Path=/web; SameSite=Lax; Max-Age=31536000${secure(req)}`);
    return q;
  }
  return cookies(req).sg_lang === 'en' ? 'en' : 'zh';
}

/**
 * The page a form was on, for an address that only takes POST: where to come back to after signing in
 * (a form posted once the sign-in has lapsed: idle 8 h, or 7 days old), and where the language switch of a refused
 * form's page leads (the page's own link went to the POST address, a 404). Not a 404 either way.
 */
export function pageOf(req: FastifyRequest): string {
  if (req.method === 'GET') return req.url;
  const path = req.url.split('?')[0];
  const onCase = /^(\/web\/cases\/[^/]+)\/(act|evidence)$/.exec(path);
  if (onCase) return onCase[1];
  const onProvider = /^(\/web\/providers\/[^/]+)\/(signatures|ports)\/[^/]+\/(revoke|retire)$/.exec(path);
  if (onProvider) return onProvider[1];
  if (path.startsWith('/web/credit/')) return '/web/credit';
  if (path.startsWith('/web/review/')) return '/web/review';
  if (path.startsWith('/web/templates/')) return '/web/templates';
  if (path.startsWith('/web/links/')) return '/web/links';
  const onCharged = /^(\/web\/charged-services\/[^/]+)\/(end|subscribe)$/.exec(path);
  if (onCharged) return onCharged[1];
  if (path === '/web/complaint/withdraw') return '/web/complaint/status';
  if (path.startsWith('/web/subscribers/')) {
    // the number the form was about, so the page comes back with it
    const typed = (req.body as Form | undefined)?.msisdn;
    return typeof typed === 'string' && typed ? `/web/subscribers?msisdn=${encodeURIComponent(typed)}` : '/web/subscribers';
  }
  return path;
}
