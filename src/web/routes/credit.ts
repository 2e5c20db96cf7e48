/** The credit files: the regulator adds, publishes and withdraws entries; the operator and providers read. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../app/types.js';
import type { ComplaintRate } from '../../app/credit.js';
import { providersVisibleTo } from '../../app/records-scope.js';
import { SmsguardError } from '../../domain/errors.js';
import { shanghaiMonth } from '../../domain/case.js';
import { t } from '../i18n.js';
import { creditPage } from '../pages/credit.js';
import { newFormToken } from '../form-once.js';
import { one, type Form } from '../form.js';
import { langOf } from '../request.js';
import { staffRejection } from '../rejection.js';
import type { WebContext } from './context.js';

/** /web/credit and its entries' add, publish and withdraw forms. */
export function registerCreditRoutes(f: FastifyInstance, w: WebContext): void {
  const { app, svc, onceOf, render, showAgain, staffPage, staffAct, hide } = w;
  const entryOnce = onceOf<void>('credit-entry');
  /**
   * `cursor`: the API's cursor of the entries page to show (the first without one). `asked`: the month
   * of the rates table from the address (`?month=YYYY-MM`, as GET /v1/content-providers/{id}/complaint-rate
   * takes it), else the current Shanghai month; one the use case refuses (not YYYY-MM, month 13) is said
   * in the page's alert with the API's status, the table left without figures.
   */
  const showCredit = async (req: FastifyRequest, reply: FastifyReply, p: Principal, flash: { done?: string; error?: string; values?: Record<string, string> }, code = 200, cursor?: string, asked?: string) => {
    const lang = langOf(req, reply);
    const month = asked ?? shanghaiMonth(app.ctx.clock.now());
    let providers = await app.ctx.store.directory.listContentProviders();
    if (p.role === 'content-provider') providers = providers.filter((c) => c.id === p.contentProviderId);
    // A regulator token limited to a province lists only the providers registered there.
    providers = providersVisibleTo(p, providers);
    // Through the same use case as the API; a month outside a token's dates leaves the row without figures.
    let rates = new Map<string, ComplaintRate>();
    let monthError: { message: string; status: number } | undefined;
    try {
      rates = await svc().complaintRatesFor(p, providers.slice(0, 500).map((c) => c.id), month);
    } catch (e) {
      if (!(e instanceof SmsguardError && e.field === 'month')) throw e;
      monthError = staffRejection(e, lang);
    }
    const { entries, nextCursor } = await svc().creditEntries(p, { limit: 500, cursor });
    // the add form's token: the one posted when it comes back refused, else a fresh one
    const values = { once: newFormToken(), ...flash.values };
    const shown = monthError ? null : month;
    const title = shown ? `${t(lang, 'creditTitle')} · ${shown}` : t(lang, 'creditTitle');
    const year = Number((shown ?? shanghaiMonth(app.ctx.clock.now())).slice(0, 4));
    return render(req, reply, lang, title, creditPage(lang, p, providers, rates, entries, nextCursor, year, { ...flash, error: flash.error ?? monthError?.message, values }, { month, valid: shown !== null, asked: asked !== undefined }), p, monthError?.status ?? code);
  };
  f.get('/web/credit', hide, staffPage(async (req, reply, p) => {
    const q = req.query as Record<string, string | undefined>;
    const month = typeof q.month === 'string' && q.month.trim() ? q.month.trim() : undefined;
    return showCredit(req, reply, p, { done: q.done }, 200, q.cursor || undefined, month);
  }));
  f.post('/web/credit/entries', hide, staffAct((req, reply, p) => {
    const form = req.body as Form;
    const values = Object.fromEntries(['contentProviderId', 'kind', 'amountYuan', 'notes', 'publicSummary', 'once'].map((k) => [k, one(form, k)]));
    return {
      run: () => entryOnce.run(values.once, Date.now(), async () => {
        await svc().addCreditEntry(p, {
          contentProviderId: values.contentProviderId, kind: values.kind, amountYuan: values.amountYuan || undefined,
          notes: values.notes || undefined, publicSummary: values.publicSummary?.trim() ? values.publicSummary : undefined,
        });
      }),
      done: () => '/web/credit?done=add',
      // The form comes back filled in as it was sent, so fixing one field does not mean typing the notes again.
      refused: (e) => showAgain(req, reply, p, e, (error, code) => showCredit(req, reply, p, { error, values }, code)),
    };
  }));
  /** Publish and withdraw: a refusal shows the page again with it. */
  const entryAct = (act: 'publish' | 'withdraw') => staffAct((req, reply, p) => ({
    run: () => act === 'publish'
      ? svc().publishCreditEntry(p, (req.params as { id: string }).id)
      : svc().withdrawCreditEntry(p, (req.params as { id: string }).id, { reason: one(req.body as Form, 'reason') }),
    done: () => `/web/credit?done=${act}`,
    refused: (e) => showAgain(req, reply, p, e, (error, code) => showCredit(req, reply, p, { error }, code)),
  }));
  f.post('/web/credit/entries/:id/publish', hide, entryAct('publish'));
  f.post('/web/credit/entries/:id/withdraw', hide, entryAct('withdraw'));
}
