/** The regulator's credit-file view: complaint rates, entries, adding, publishing and withdrawing entries. */
import { withdrawsEntry, writesOperatorFile, type ComplaintRate, type CreditEntryView } from '../../app/credit.js';
import type { Principal } from '../../app/types.js';
import type { ContentProviderRow } from '../../ports/store.js';
import { t, tk, type Lang } from '../i18n.js';
import { entrySummaryIn } from '../../domain/credit-summary.js';
import { alertBox, esc, field, fmtTime, fmtYuan, textarea } from '../html.js';

const fmtRate = (r: number | null) => (r === null ? '—' : r >= 100 ? r.toFixed(0) : r.toFixed(2));

/**
 * A publish button only where the regulator may publish: an entry about the operator is not offered
 * to a token limited to a province (src/app/credit.ts `writesOperatorFile`).
 * `nextCursor`: the API's cursor for the entries after these (null on the last page), linked as the next page.
 * `flash.values`: what the regulator typed into the add form when it was refused, put back into the form.
 * `view.month`: the month of the rates table (`?month=YYYY-MM`), in its form as typed; `valid` false
 * when the use case refused it (the alert says why, the table has no figures); `asked`: it came from the
 * address, and the entries' next-page link keeps it.
 */
export function creditPage(lang: Lang, p: Principal, providers: ContentProviderRow[], rates: Map<string, ComplaintRate>, entries: CreditEntryView[], nextCursor: string | null, year: number, flash?: { error?: string; done?: string; values?: Record<string, string> }, view?: { month: string; valid: boolean; asked?: boolean }): string {
  const v = flash?.values ?? {};
  const names = new Map(providers.map((c) => [c.id, c.name]));
  const entryLabel = (e: CreditEntryView) => `${tk(lang, `kd_${e.kind}`)} ${e.subjectType === 'operator' ? t(lang, 'operatorAccount') : names.get(e.subjectId) ?? e.subjectId}`;
  // Withdrawing (src/app/credit.ts withdrawEntry): a regulator where it may publish, and the operator's admin.
  const mayWithdraw = (e: CreditEntryView) => withdrawsEntry(p, e);
  const withdrawForm = (e: CreditEntryView) => `<form method="post" action="/web/credit/entries/${encodeURIComponent(e.id)}/withdraw" class="withdraw">
<label for="w-${esc(e.id)}">${esc(t(lang, 'withdrawReason'))}</label>
<input id="w-${esc(e.id)}" name="reason" required maxlength="2000">
<button type="submit" aria-label="${esc(`${t(lang, 'crWithdraw')} ${entryLabel(e)}`)}">${esc(t(lang, 'crWithdraw'))}</button></form>`;
  const rateRows = providers.map((c) => {
    const r = rates.get(c.id);
    return `<tr data-provider="${esc(c.id)}"><td>${esc(c.name)}<br><span class="hint mono">${esc(c.creditCode)}</span></td><td>${esc(tk(lang, `cps_${c.status}`))}</td><td>${r ? r.messages : '—'}</td><td class="complaints">${r ? r.complaints : '—'}</td><td class="complainants">${r ? r.complainants : '—'}</td>
<td${r?.exceeded ? ' class="overdue"' : ''}>${r ? esc(fmtRate(r.ratePerMillion)) : '—'}${r?.exceeded ? esc(t(lang, 'crOverLine').replace('{line}', String(r.thresholdPerMillion))) : ''}</td>
<td><a href="/web/reports/annual?contentProviderId=${encodeURIComponent(c.id)}&year=${year}">${esc(t(lang, 'annualReport'))} ${year}</a></td></tr>`;
  }).join('');
  const entryRows = entries.map((e) => `<tr data-entry="${esc(e.id)}"><td>${esc(fmtTime(e.at))}</td><td>${esc(e.subjectType === 'operator' ? t(lang, 'operatorAccount') : names.get(e.subjectId) ?? e.subjectId)}</td>
<td>${esc(tk(lang, `kd_${e.kind}`))}</td><td>${esc(fmtYuan(e.amountYuan))}</td><td>${esc(entrySummaryIn(e.publicSummary, e.summaryTemplate, lang))}${e.notes ? `<br><span class="hint">${esc(e.notes)}</span>` : ''}</td>
${e.actorId === 'system' ? `<td>${esc(tk(lang, 'ar_system'))}</td>` : `<td class="mono">${esc(e.actorId)}</td>`}
<td>${e.withdrawal ? `<span class="withdrawn">${esc(t(lang, 'crWithdrawn'))}</span> ${esc(fmtTime(e.withdrawal.at))} <span class="mono">${esc(e.withdrawal.by)}</span><br><span class="hint">${esc(e.withdrawal.reason)}</span>${e.publishedAt ? `<br><span class="hint">${esc(t(lang, 'published'))} ${esc(fmtTime(e.publishedAt))}</span>` : ''}`
    : e.publishedAt ? `<span class="ok">${esc(t(lang, 'published'))}</span> ${esc(fmtTime(e.publishedAt))}` : p.role === 'regulator' && (e.subjectType !== 'operator' || writesOperatorFile(p))
    ? `<form method="post" action="/web/credit/entries/${encodeURIComponent(e.id)}/publish"><button type="submit" aria-label="${esc(`${t(lang, 'publish')} ${entryLabel(e)}`)}">${esc(t(lang, 'publish'))}</button></form>`
    : esc(t(lang, 'notPublished'))}${!e.withdrawal && mayWithdraw(e) ? withdrawForm(e) : ''}</td></tr>`).join('');
  const kinds = ['warning', 'fine', 'supervision_talk', 'correction_order', 'note'];
  const addForm = p.role !== 'regulator' ? '' : `<section aria-labelledby="add-h"><h2 id="add-h">${esc(t(lang, 'addEntry'))}</h2>
<form method="post" action="/web/credit/entries">
<label for="e-cp">${esc(t(lang, 'provider'))}</label>
<select id="e-cp" name="contentProviderId" required><option value=""></option>${providers.map((c) => `<option value="${esc(c.id)}"${c.id === v.contentProviderId ? ' selected' : ''}>${esc(c.name)}</option>`).join('')}</select>
<label for="e-kind">${esc(t(lang, 'kind'))}</label>
<select id="e-kind" name="kind" required>${kinds.map((k) => `<option value="${k}"${k === v.kind ? ' selected' : ''}>${esc(tk(lang, `kd_${k}`))}</option>`).join('')}</select>
${field({ id: 'e-amount', name: 'amountYuan', label: t(lang, 'amount'), type: 'number', value: v.amountYuan, attrs: 'min="0.01" max="100000000" step="0.01"' })}
${textarea({ id: 'e-notes', name: 'notes', label: t(lang, 'notes'), value: v.notes, maxlength: 4000 })}
${field({ id: 'e-summary', name: 'publicSummary', label: t(lang, 'publicSummary'), value: v.publicSummary, attrs: 'maxlength="500"' })}
<input type="hidden" name="once" value="${esc(v.once ?? '')}">
<button type="submit">${esc(t(lang, 'add'))}</button>
</form></section>`;
  return `${flash?.error ? alertBox(flash.error, lang) : ''}${flash?.done ? `<div class="notice" role="status" id="credit-done">${esc(t(lang, flash.done === 'add' ? 'crDone_add' : flash.done === 'publish' ? 'crDone_publish' : flash.done === 'withdraw' ? 'crDone_withdraw' : 'done'))}</div>` : ''}
<section aria-labelledby="rates-h"><h2 id="rates-h">${esc(view?.valid ? t(lang, 'crRatesOf').replace('{month}', view.month) : t(lang, 'complaintRate'))}</h2>
${view ? `<form method="get" action="/web/credit" id="rates-month">
${field({ id: 'month', label: t(lang, 'recMonth'), type: 'month', value: view.month, required: true, attrs: 'placeholder="2026-11" pattern="\\d{4}-\\d{2}"' })}
<button type="submit">${esc(t(lang, 'crShowMonth'))}</button></form>` : ''}
<table id="rates"><thead><tr><th scope="col">${esc(t(lang, 'provider'))}</th><th scope="col">${esc(t(lang, 'cpStatus'))}</th><th scope="col">${esc(t(lang, 'messages'))}</th><th scope="col">${esc(t(lang, 'complaints'))}</th><th scope="col">${esc(t(lang, 'complainants'))}</th><th scope="col">${esc(t(lang, 'complaintRate'))}</th><th scope="col">${esc(t(lang, 'annualReport'))}</th></tr></thead><tbody>${rateRows}</tbody></table>
</section>
<section aria-labelledby="entries-h"><h2 id="entries-h">${esc(t(lang, 'entries'))}</h2>
<table id="entries"><thead><tr><th scope="col">${esc(t(lang, 'date'))}</th><th scope="col">${esc(t(lang, 'provider'))}</th><th scope="col">${esc(t(lang, 'kind'))}</th><th scope="col">${esc(t(lang, 'amount'))}</th><th scope="col">${esc(t(lang, 'publicSummary').replace(/（.*）|\s*\(.*\)/, ''))}</th><th scope="col">${esc(t(lang, 'who'))}</th><th scope="col">${esc(t(lang, 'published'))}</th></tr></thead><tbody>${entryRows}</tbody></table>
${nextCursor ? `<p><a rel="next" href="/web/credit?cursor=${encodeURIComponent(nextCursor)}${view?.valid && view.asked ? `&amp;month=${encodeURIComponent(view.month)}` : ''}#entries-h">${esc(t(lang, 'nextPage'))} →</a></p>` : ''}
</section>
${addForm}`;
}
