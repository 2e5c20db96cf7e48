/** The carrier links (the operator): the same use cases as GET /v1/upstream-links and its stop and start. */
import type { FastifyInstance } from 'fastify';
import { t } from '../i18n.js';
import { linksPage } from '../pages/links.js';
import { langOf } from '../request.js';
import type { WebContext } from './context.js';

/** /web/links and its stop and start buttons. */
export function registerLinkRoutes(f: FastifyInstance, w: WebContext): void {
  const { app, render, errorPage, staffPage, staffAct, hide } = w;
  // another role learns from the use case that the page is the operator's (403)
  f.get('/web/links', hide, staffPage(async (req, reply, p) => {
    const lang = langOf(req, reply);
    const done = (req.query as Record<string, unknown>).done;
    return render(req, reply, lang, t(lang, 'linksTitle'), linksPage(lang, await app.upstreamLinks(p), done === 'stop' || done === 'start' ? done : undefined), p);
  }));
  // the stop / start buttons: the same use case as POST /v1/upstream-links/{name}/stop|start; the
  // SameSite=Strict sign-in cookie keeps other sites' forms out, as for every /web form
  for (const act of ['stop', 'start'] as const) {
    f.post(`/web/links/:name/${act}`, hide, staffAct((req, reply, p) => ({
      run: () => {
        const { name } = req.params as { name: string };
        return act === 'stop' ? app.stopUpstreamLink(p, name) : app.startUpstreamLink(p, name);
      },
      done: () => `/web/links?done=${act}`,
      refused: (e) => errorPage(req, reply, p, e),
    })));
  }
}
