/** The case list, a case's page, and its forms: an action on the case and matching its evidence again. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../app/types.js';
import { t } from '../i18n.js';
import { caseListPage, casePage, type PostedAction } from '../pages/cases.js';
import { many, one, type Form } from '../form.js';
import { langOf } from '../request.js';
import type { WebContext } from './context.js';

/** /web/cases, /web/cases/:id and its act and evidence forms. */
export function registerCaseRoutes(f: FastifyInstance, w: WebContext): void {
  const { app, svc, onceOf, render, showAgain, staffPage, staffAct, hide } = w;
  // a case's action: the second post of a double click got 409 (the first had moved the case on) and the
  // person read that the forward or answer had failed
  const caseActOnce = onceOf<void>('case-action');
  // A state or cursor the list refuses (an edited or stale link) is a page with the reason, not the API's JSON.
  f.get('/web/cases', hide, staffPage(async (req, reply, p) => {
    const lang = langOf(req, reply);
    const q = req.query as Record<string, string>;
    const state = q.state ?? '';
    const r = await svc().listCases(p, { state: state || undefined, cursor: q.cursor, limit: 100 });
    const names = new Map((await app.ctx.store.directory.listContentProviders()).map((c) => [c.id, c.name]));
    return render(req, reply, lang, t(lang, 'casesTitle'), caseListPage(lang, r.cases, state, names, r.nextCursor), p);
  }));
  const showCase = async (req: FastifyRequest, reply: FastifyReply, p: Principal, id: string, flash: { done?: string; error?: string; posted?: PostedAction }, code = 200) => {
    const lang = langOf(req, reply);
    const c = await svc().getCase(p, id);
    const providers = p.role === 'content-provider' ? [] : await app.ctx.store.directory.listContentProviders();
    if (p.role === 'content-provider') {
      const own = await app.ctx.store.directory.getContentProvider(p.contentProviderId);
      if (own) providers.push(own);
    }
    return render(req, reply, lang, `${t(lang, 'caseTitle')} ${c.reference}`, casePage(lang, c, p, providers, flash), p, code);
  };
  f.get('/web/cases/:id', hide, staffPage(async (req, reply, p) => {
    const q = req.query as Record<string, string>;
    return showCase(req, reply, p, (req.params as { id: string }).id, { done: q.done });
  }));
  f.post('/web/cases/:id/act', hide, staffAct((req, reply, p) => {
    const id = (req.params as { id: string }).id;
    const form = req.body as Form;
    const action = one(form, 'action');
    const note = one(form, 'measureNote') || undefined;
    const body: Record<string, unknown> = {
      reason: one(form, 'reason') || undefined, text: one(form, 'text') || undefined, finding: one(form, 'finding') || undefined,
      contentProviderId: one(form, 'contentProviderId') || undefined, measures: many(form, 'measures').map((kind) => ({ kind, note })),
    };
    // On a refusal the form comes back as it was sent: an answer typed out is not lost to one wrong field.
    const posted: PostedAction = { action, values: Object.fromEntries(['reason', 'text', 'finding', 'contentProviderId', 'measureNote', 'once'].map((k) => [k, one(form, k)])), measures: many(form, 'measures') };
    return {
      run: () => caseActOnce.run(one(form, 'once'), Date.now(), async () => {
        await svc().act(p, id, action, body);
      }),
      done: () => `/web/cases/${encodeURIComponent(id)}?done=${encodeURIComponent(action)}`,
      refused: (e) => showAgain(req, reply, p, e, (error, code) => showCase(req, reply, p, id, { error, posted }, code)),
    };
  }));

  f.post('/web/cases/:id/evidence', hide, staffAct((req, reply, p) => {
    const id = (req.params as { id: string }).id;
    const sender = one(req.body as Form, 'sender');
    // the sender as typed comes back, not the case's, so the clerk corrects it rather than types it again
    const posted: PostedAction = { action: 'rematch', values: { sender }, measures: [] };
    return {
      run: () => svc().rematch(p, id, { sender: sender || undefined }),
      done: () => `/web/cases/${encodeURIComponent(id)}?done=evidence`,
      refused: (e) => showAgain(req, reply, p, e, (error, code) => showCase(req, reply, p, id, { error, posted }, code)),
    };
  }));
}
