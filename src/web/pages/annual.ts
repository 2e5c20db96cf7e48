/**
 * The annual report's chooser: the page an operator or regulator lands on without naming a provider
 * (`/web/reports/annual?year=2026`). It lists the providers the viewer may read a report of, each
 * linked to its report for the year, with a field to pick another year.
 */
import type { ContentProviderRow } from '../../ports/store.js';
import { REPORT_YEARS } from '../../app/report-annual.js';
import { t, tk, type Lang } from '../i18n.js';
import { alertBox, esc, field } from '../html.js';

/** `year`: the year the links open (the current one when `yearText`, the field as typed, was refused). */
export function annualChooserPage(lang: Lang, providers: ContentProviderRow[], year: number, yearText: string, error?: string): string {
  const rows = providers.map((c) => `<tr data-provider="${esc(c.id)}"><td><a href="/web/reports/annual?contentProviderId=${encodeURIComponent(c.id)}&amp;year=${year}">${esc(c.name)}</a></td><td class="mono">${esc(c.creditCode)}</td><td>${esc(tk(lang, `cps_${c.status}`))}</td></tr>`).join('');
  return `${error ? alertBox(error, lang) : ''}
<form method="get" action="/web/reports/annual">
${field({ id: 'year', label: t(lang, 'year'), type: 'number', value: yearText, hint: t(lang, 'yearHint'), attrs: `min="${REPORT_YEARS.min}" max="${REPORT_YEARS.max}" step="1"` })}
<button type="submit">${esc(t(lang, 'open'))}</button>
</form>
<section aria-labelledby="choose-h"><h2 id="choose-h">${esc(t(lang, 'annualChoose'))} ${year}</h2>
${providers.length === 0 ? `<p>${esc(t(lang, 'annualNoProviders'))}</p>` : `<table id="annual-providers"><thead><tr><th scope="col">${esc(t(lang, 'provider'))}</th><th scope="col">${esc(t(lang, 'creditCode'))}</th><th scope="col">${esc(t(lang, 'cpStatus'))}</th></tr></thead><tbody>${rows}</tbody></table>`}
</section>`;
}
