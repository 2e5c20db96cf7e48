/**
 * The registry's pages, read-only: who is set up (`/web/providers`, the operator and regulators, a
 * province-limited regulator its province's) and one provider with its signatures and ports
 * (`/web/providers/{id}`, also the provider itself). What they show comes from the registry's use
 * cases (src/app/directory-views.ts), so a page shows exactly what `GET /v1/content-providers` would.
 */
import type { ContentProviderDetail, ContentProviderView } from '../../app/directory-views.js';
import { t, tk, type Lang } from '../i18n.js';
import { esc, fmtTime } from '../html.js';

/** The status filter's choices: every status, then each one (the values `?status=` takes). */
const STATUSES = ['active', 'suspended'] as const;

/** `status`: the filter as asked (empty for every status), selected again in the form. */
export function providerListPage(lang: Lang, providers: ContentProviderView[], status: string): string {
  const opts = [`<option value="">${esc(t(lang, 'all'))}</option>`, ...STATUSES.map((s) => `<option value="${s}"${s === status ? ' selected' : ''}>${esc(tk(lang, `cps_${s}`))}</option>`)].join('');
  const rows = providers.map((c) => `<tr data-provider="${esc(c.id)}">
<td><a href="/web/providers/${encodeURIComponent(c.id)}">${esc(c.name)}</a></td>
<td class="mono">${esc(c.creditCode)}</td>
<td class="mono">${esc(c.licenseNumber ?? '—')}</td>
<td>${esc(tk(lang, `cps_${c.status}`))}</td>
<td>${esc(fmtTime(c.createdAt))}</td></tr>`).join('');
  return `<form method="get" action="/web/providers">
<label for="status">${esc(t(lang, 'cpStatus'))}</label>
<select id="status" name="status">${opts}</select>
<button type="submit">${esc(t(lang, 'filter'))}</button>
</form>
${providers.length === 0 ? `<p>${esc(t(lang, 'noProviders'))}</p>` : `<table id="providers">
<thead><tr><th scope="col">${esc(t(lang, 'provider'))}</th><th scope="col">${esc(t(lang, 'creditCode'))}</th><th scope="col">${esc(t(lang, 'licence'))}</th><th scope="col">${esc(t(lang, 'cpStatus'))}</th><th scope="col">${esc(t(lang, 'registeredAt'))}</th></tr></thead>
<tbody>${rows}</tbody></table>`}`;
}

/**
 * One provider: its registration, its signatures with their review state and its ports with their
 * kind. `listed`: whether the viewer may read the list (not a provider), to offer the way back to it.
 */
export function providerPage(lang: Lang, d: ContentProviderDetail, listed: boolean): string {
  // A revoked signature and a retired port stay listed: when and why they were taken back.
  const since = (at: string | null, why: string | null) => (at ? ` <small>${esc(fmtTime(at))}${why ? ` · ${esc(why)}` : ''}</small>` : '');
  const sigs = d.signatures.map((s) => `<tr data-signature="${esc(s.id)}"><td>${esc(s.signature)}</td><td><span class="state">${esc(tk(lang, `sgs_${s.status}`))}</span>${since(s.revokedAt, s.revokedReason)}</td><td>${esc(fmtTime(s.createdAt))}</td></tr>`).join('');
  const ports = d.ports.map((p) => `<tr data-port="${esc(p.number)}"${p.retiredAt ? ' data-retired="true"' : ''}><td class="mono">${esc(p.number)}</td><td>${esc(tk(lang, `pk_${p.kind}`))}</td><td>${esc(fmtTime(p.createdAt))}</td><td><span class="state">${esc(t(lang, p.retiredAt ? 'portRetired' : 'portInUse'))}</span>${since(p.retiredAt, p.retiredReason)}</td></tr>`).join('');
  return `${listed ? `<p><a href="/web/providers">← ${esc(t(lang, 'backToProviders'))}</a></p>` : ''}
<dl class="facts" id="provider">
<dt>${esc(t(lang, 'providerId'))}</dt><dd class="mono">${esc(d.id)}</dd>
<dt>${esc(t(lang, 'creditCode'))}</dt><dd class="mono">${esc(d.creditCode)}</dd>
<dt>${esc(t(lang, 'licence'))}</dt><dd class="mono">${esc(d.licenseNumber ?? '—')}</dd>
<dt>${esc(t(lang, 'cpStatus'))}</dt><dd><span class="state" id="provider-status">${esc(tk(lang, `cps_${d.status}`))}</span></dd>
<dt>${esc(t(lang, 'registeredAt'))}</dt><dd>${esc(fmtTime(d.createdAt))}</dd>
</dl>
<section aria-labelledby="sigs-h"><h2 id="sigs-h">${esc(t(lang, 'signatures'))}</h2>
${sigs ? `<table id="signatures"><thead><tr><th scope="col">${esc(t(lang, 'signature'))}</th><th scope="col">${esc(t(lang, 'reviewState'))}</th><th scope="col">${esc(t(lang, 'registeredAt'))}</th></tr></thead><tbody>${sigs}</tbody></table>` : `<p>${esc(t(lang, 'noSignatures'))}</p>`}
</section>
<section aria-labelledby="ports-h"><h2 id="ports-h">${esc(t(lang, 'ports'))}</h2>
${ports ? `<table id="ports"><thead><tr><th scope="col">${esc(t(lang, 'portNumber'))}</th><th scope="col">${esc(t(lang, 'portKind'))}</th><th scope="col">${esc(t(lang, 'registeredAt'))}</th><th scope="col">${esc(t(lang, 'portState'))}</th></tr></thead><tbody>${ports}</tbody></table>` : `<p>${esc(t(lang, 'noPorts'))}</p>`}
</section>`;
}
