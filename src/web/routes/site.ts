/**
 * The site's own addresses: /web leads to the complaint form, /favicon.ico, and the page for an
 * address under /web that no page serves (404) or that Fastify cannot decode (400).
 */
import type { FastifyInstance } from 'fastify';
import { HTTP_STATUS } from '../../http/error-map.js';
import { esc, ICON_SVG, page } from '../html.js';
import { t, type Lang } from '../i18n.js';
import { langOf } from '../request.js';
import type { WebContext } from './context.js';

/**
 * The page for an address under /web that Fastify cannot decode before any route sees it (a broken
 * `%`-escape, `/web/cases/%E0%A4%A`): said in the language the visitor chose (its cookie; the query
 * is not parsed yet), with the site's navigation, instead of the API's JSON. For `frameworkErrors`.
 */
export function badAddressPage(cookieHeader: string | undefined): string {
  const lang: Lang = /(?:^|;\s*)sg_lang=en(?:;|$)/.test(cookieHeader ?? '') ? 'en' : 'zh';
  return page({ lang, title: t(lang, 'error'), body: `<p role="alert">${esc(`${t(lang, 'badAddress')} (invalid_request)`)}</p>`, path: '/web/complaint', principal: null });
}

/** /web, /favicon.ico and the catch-all 404 page under /web. */
export function registerSiteRoutes(f: FastifyInstance, w: WebContext): void {
  const { who, render, hide } = w;
  f.get('/web', hide, async (_req, reply) => reply.redirect('/web/complaint', 303));
  // Every page names its icon inline; a client that asks for /favicon.ico anyway gets it too, cached,
  // rather than a 404 logged on every page view.
  f.get('/favicon.ico', hide, async (_req, reply) => reply.type('image/svg+xml').header('cache-control', 'public, max-age=604800').send(ICON_SVG));
  // A mistyped or outdated address under /web is a page that says so, with the site's navigation, not the
  // API's JSON 404; so is a form sent to an address that takes none (a page's address, a stale form's
  // action) or a method no page uses: nothing is done, and the person is told where to go on.
  f.route({ method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], url: '/web/*', ...hide, handler: async (req, reply) => {
    const lang = langOf(req, reply);
    return render(req, reply, lang, t(lang, 'notFoundTitle'), `<p role="alert">${esc(t(lang, 'notFoundText'))}</p>`, await who(req), HTTP_STATUS.not_found);
  } });
}
