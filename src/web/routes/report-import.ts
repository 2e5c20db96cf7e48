/** The 12321 bulk import (report centre, operator): JSON lines pasted or picked, each line's result. */
import type { FastifyInstance } from 'fastify';
import { SmsguardError } from '../../domain/errors.js';
import { parseJsonl, requireReportFiler } from '../../app/complaint-intake.js';
import { esc } from '../html.js';
import { t } from '../i18n.js';
import { importPage } from '../pages/cases.js';
import { importErrorText } from '../form-errors.js';
import { one, type Form } from '../form.js';
import { langOf } from '../request.js';
import { rejection } from '../rejection.js';
import type { WebContext } from './context.js';

/** /web/reports/import. */
export function registerReportImportRoutes(f: FastifyInstance, w: WebContext): void {
  const { svc, render, needStaff, errorPage, hide } = w;
  f.get('/web/reports/import', hide, async (req, reply) => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    // The form is only worth showing to whom may post it: others learn which role it needs (403).
    try { requireReportFiler(p); } catch (e) { return errorPage(req, reply, p, e); }
    const lang = langOf(req, reply);
    return render(req, reply, lang, t(lang, 'importTitle'), importPage(lang), p);
  });
  f.post('/web/reports/import', hide, async (req, reply) => {
    const p = await needStaff(req, reply);
    if (!p) return reply;
    const lang = langOf(req, reply);
    const text = one(req.body as Form, 'jsonl');
    try {
      // Each refused line said in the page's language, from its rejection as raised (the result's body is the API's).
      const refused = new Map<number, SmsguardError>();
      const results = await svc().fileReports(p, parseJsonl(text), (i, e) => refused.set(i, e));
      // The lines that failed go back into the text area (results follow the non-blank lines, as parseJsonl
      // reads them), so the clerk corrects and imports them again instead of finding them in the file.
      const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
      const failed = lines.filter((_, i) => results[i] && !results[i].ok).join('\n');
      const shown = results.map((r, i) => (r.ok ? r : { ...r, said: importErrorText(lang, refused.get(i) ?? new SmsguardError(r.error.code, r.error.message, {}, r.error.field)) }));
      return render(req, reply, lang, t(lang, 'importTitle'), importPage(lang, shown, failed), p);
    } catch (e) {
      const r = rejection(e);
      return render(req, reply, lang, t(lang, 'importTitle'), `<div class="alert" role="alert">${esc(importErrorText(lang, e as SmsguardError))}</div>${importPage(lang, undefined, text)}`, p, r.status);
    }
  });
}
