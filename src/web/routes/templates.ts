/**
 * Content templates (docs/CONTENT.md): the same use cases as GET /v1/templates and
 * POST /v1/templates/{id}/review; the list is the operator's every provider's (pending by default,
 * oldest first) with Approve and Reject forms, a provider's its own read-only; a role the use case
 * refuses gets 403, as from the API.
 */
import type { FastifyInstance } from 'fastify';
import type { Principal } from '../../app/types.js';
import { SmsguardError } from '../../domain/errors.js';
import { colon, t } from '../i18n.js';
import { templatesPage, type TemplatesFlash, type TemplatesView } from '../pages/templates.js';
import { codeLabel } from '../code-labels.js';
import { one, type Form } from '../form.js';
import { langOf } from '../request.js';
import type { WebContext } from './context.js';
import { governance } from './governance.js';

/** /web/templates and its approve and reject forms. */
export function registerTemplateRoutes(f: FastifyInstance, w: WebContext): void {
  const { app, render, showAgain, staffPage, staffAct, hide } = w;
  /** The filter as the page reads it: no status in the address is the operator's pending, a provider's every status. */
  const templatesQuery = (p: Principal, q: Record<string, unknown>) => ({
    status: typeof q.status === 'string' ? q.status : p.role === 'admin' ? 'pending' : '',
    contentProviderId: typeof q.contentProviderId === 'string' ? q.contentProviderId.trim() : '',
  });
  const templatesView = async (p: Principal, q: { status: string; contentProviderId: string }): Promise<TemplatesView> => {
    const gov = governance(app, 'templates');
    const templates = await gov.listTemplates(p, { status: q.status || undefined, contentProviderId: q.contentProviderId || undefined });
    // the providers by name, through the registry's use cases: the operator's and a regulator's list, a provider its own entry
    const names = new Map(p.role === 'content-provider'
      ? [[p.contentProviderId, (await app.getContentProvider(p, p.contentProviderId)).name]]
      : (await app.listContentProviders(p)).map((c) => [c.id, c.name]));
    return { templates, status: q.status, contentProviderId: p.role === 'admin' ? q.contentProviderId : '', canDecide: p.role === 'admin', names };
  };
  f.get('/web/templates', hide, staffPage(async (req, reply, p) => {
    const lang = langOf(req, reply);
    const q = req.query as Record<string, unknown>;
    const flash: TemplatesFlash = q.done === 'approve' || q.done === 'reject' ? { done: q.done } : {};
    return render(req, reply, lang, t(lang, 'templatesTitle'), templatesPage(lang, await templatesView(p, templatesQuery(p, q)), flash), p);
  }));
  // Approve and Reject: the same use case as POST /v1/templates/{id}/review (the operator's; a reason
  // required to reject; a template the machine check faulted is refused approval, 409). A refusal shows
  // the pending list again with the code's label and message, the template's row marked.
  for (const act of ['approve', 'reject'] as const) {
    f.post(`/web/templates/:id/${act}`, hide, staffAct((req, reply, p) => {
      const { id } = req.params as { id: string };
      const posted = req.body as Form | undefined;
      const reason = one(posted, 'reason');
      // the list the form was on (its filter), to come back to
      const filter = templatesQuery(p, { status: posted?.status === undefined ? undefined : one(posted, 'status'), contentProviderId: one(posted, 'contentProviderId') });
      return {
        run: () => {
          const gov = governance(app, 'templates');
          return gov.reviewTemplate(p, id, reason.trim() === '' && act === 'approve' ? { decision: act } : { decision: act, reason });
        },
        done: () => {
          const back = new URLSearchParams({ ...(filter.status !== 'pending' ? { status: filter.status } : {}), ...(filter.contentProviderId ? { contentProviderId: filter.contentProviderId } : {}), done: act });
          return `/web/templates?${back}`;
        },
        refused: (e) => {
          const lang = langOf(req, reply);
          const label = e instanceof SmsguardError ? codeLabel(lang, e.code) : null;
          return showAgain(req, reply, p, e, async (error, code) => {
            const said = label ? `${label}${colon(lang)}${error}` : error;
            const view = await templatesView(p, filter);
            return render(req, reply, lang, t(lang, 'templatesTitle'), templatesPage(lang, view, { error: said, refusedId: id }), p, code);
          });
        },
      };
    }));
  }
}
