/**
 * The registry, read-only: who is set up (operator, regulators within their province, a provider
 * itself); the operator revokes a signature and retires a port.
 */
import type { FastifyInstance } from 'fastify';
import { SmsguardError } from '../../domain/errors.js';
import { t } from '../i18n.js';
import { providerListPage, providerPage } from '../pages/providers.js';
import { one, type Form } from '../form.js';
import { langOf } from '../request.js';
import type { WebContext } from './context.js';

/** /web/providers, a provider's page, and its revoke and retire forms. */
export function registerProviderRoutes(f: FastifyInstance, w: WebContext): void {
  const { app, render, showAgain, staffPage, staffAct, hide } = w;
  f.get('/web/providers', hide, staffPage(async (req, reply, p) => {
    const lang = langOf(req, reply);
    // A provider's part of the registry is its own entry: the list is not its to read (the use case says
    // so with 403), so its way in goes there instead of to a refusal.
    if (p.role === 'content-provider') return reply.redirect(`/web/providers/${encodeURIComponent(p.contentProviderId)}`, 303);
    const status = (req.query as Record<string, unknown>).status;
    // An edited link's status (neither active nor suspended) is the use case's 400, said on the error page.
    const providers = await app.listContentProviders(p, { status: status === '' ? undefined : status });
    return render(req, reply, lang, t(lang, 'providersTitle'), providerListPage(lang, providers, typeof status === 'string' ? status : ''), p);
  }));
  f.get('/web/providers/:id', hide, staffPage(async (req, reply, p) => {
    const lang = langOf(req, reply);
    // Another provider's id is 403 and an unknown one 404, from the same checks as the API's.
    const d = await app.getContentProvider(p, (req.params as { id: string }).id);
    const done = (req.query as Record<string, unknown>).done;
    return render(req, reply, lang, d.name, providerPage(lang, d, p.role !== 'content-provider', { manage: p.role === 'admin', done: done === 'revoke' || done === 'retire' ? done : undefined }), p);
  }));
  // the operator's revoke and retire forms: the same use cases as DELETE /v1/content-providers/{id}/
  // signatures/{signatureId} and DELETE /v1/ports/{number} (admin, a reason required, recorded); the
  // SameSite=Strict sign-in cookie keeps other sites' forms out, as for every /web form. A refusal
  // (a blank reason, another role) shows the page again with it; the act done redirects (303) to the
  // page with its confirmation, so a reload does not post again.
  const registryAct = (act: 'revoke' | 'retire') => staffAct((req, reply, p) => {
    const lang = langOf(req, reply);
    const params = req.params as { id: string; signatureId?: string; number?: string };
    const body = { reason: one(req.body as Form | undefined, 'reason') };
    return {
      run: async () => {
        if (act === 'revoke') await app.revokeSignature(p, params.id, params.signatureId!, body);
        else {
          // The port must be this provider's: the page acts only on what it lists.
          const port = (await app.getContentProvider(p, params.id)).ports.find((x) => x.number === params.number);
          if (!port) throw new SmsguardError('not_found', `content provider ${params.id} has no port ${params.number}`, {}, undefined, { id: 'port_not_found', params: { id: params.id, number: params.number ?? '' } });
          await app.retirePort(p, params.number!, body);
        }
      },
      done: () => `/web/providers/${encodeURIComponent(params.id)}?done=${act}`,
      refused: (e) => showAgain(req, reply, p, e, async (error, code) => {
        const d = await app.getContentProvider(p, params.id);
        return render(req, reply, lang, d.name, providerPage(lang, d, p.role !== 'content-provider', { manage: p.role === 'admin', error }), p, code);
      }),
    };
  });
  f.post('/web/providers/:id/signatures/:signatureId/revoke', hide, registryAct('revoke'));
  f.post('/web/providers/:id/ports/:number/retire', hide, registryAct('retire'));
}
