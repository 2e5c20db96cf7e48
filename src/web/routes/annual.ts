/** The annual inspection report (regulator, operator, or the provider for itself). */
import type { FastifyInstance } from 'fastify';
import { annualReportFor, requireReportYear } from '../../app/report-annual.js';
import { providersVisibleTo } from '../../app/records-scope.js';
import { shanghaiMonth } from '../../domain/case.js';
import { t } from '../i18n.js';
import { annualChooserPage } from '../pages/annual.js';
import { renderAnnualReport } from '../annual-report.js';
import { langOf, pageOf } from '../request.js';
import { staffRejection } from '../rejection.js';
import type { WebContext } from './context.js';

/** /web/reports/annual: the chooser, or the report. */
export function registerAnnualReportRoutes(f: FastifyInstance, w: WebContext): void {
  const { app, html, render, needStaff, errorPage, hide } = w;
  f.get('/web/reports/annual', hide, async (req, reply) => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    const lang = langOf(req, reply);
    const q = req.query as Record<string, string>;
    const thisYear = Number(shanghaiMonth(app.ctx.clock.now()).slice(0, 4));
    const yearText = q.year ?? String(thisYear);
    const year = Number(yearText);
    // Without a provider, whom the report may cover is a choice to offer, not an error: the operator and
    // a regulator pick from the providers they may see (a province-limited one, its province's); a
    // provider's report is its own, and other roles learn from the use case which roles read reports.
    if (!q.contentProviderId && (p.role === 'admin' || p.role === 'regulator')) {
      const providers = providersVisibleTo(p, await app.ctx.store.directory.listContentProviders());
      let error: { message: string; status: number } | undefined;
      try { requireReportYear(year); } catch (e) { error = staffRejection(e, lang); }
      return render(req, reply, lang, t(lang, 'annualReport'), annualChooserPage(lang, providers, error ? thisYear : year, yearText, error?.message), p, error?.status ?? 200);
    }
    const cpId = p.role === 'content-provider' ? p.contentProviderId : q.contentProviderId ?? '';
    try {
      return html(reply, renderAnnualReport(await annualReportFor(app.ctx, p, cpId, year), lang, { path: pageOf(req), principal: p }));
    } catch (e) {
      return errorPage(req, reply, p, e);
    }
  });
}
