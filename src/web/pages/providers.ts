/**
 * The registry's pages: who is set up (`/web/providers`, the operator and regulators, a
 * province-limited regulator its province's) and one provider with its signatures and ports
 * (`/web/providers/{id}`, also the provider itself). What they show comes from the registry's use
 * cases (src/app/directory-views.ts), so a page shows exactly what `GET /v1/content-providers` would.
 * The operator also gets, per signature and per port, the form that takes it back (revoke, retire).
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
 * What the operator may do on a provider's page. `manage`: the viewer is the operator, so each
 * standing signature gets a revoke form and each port in use a retire form (plain POST forms with a
 * reason, no JavaScript; the same use cases as the API's DELETEs). `done`: the act just made (the
 * redirect after the form's POST says which). `error`: a refused act's message, shown above the forms.
 */
export interface ProviderPageActs {
  manage: boolean;
  done?: 'revoke' | 'retire';
  error?: string;
}

/** A reason field and a button, posting to `action` (the reason is required: the record says why). */
function actForm(lang: Lang, action: string, cls: string, what: string, label: 'sgRevoke' | 'portRetire', reasonLabel: 'sgRevokeReason' | 'portRetireReason'): string {
  const id = `${cls}-${what.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return `<form method="post" action="${esc(action)}" class="${cls}"><label for="${esc(id)}">${esc(t(lang, reasonLabel))}</label> <input id="${esc(id)}" name="reason" required maxlength="500"> <button type="submit" aria-label="${esc(`${t(lang, label)} ${what}`)}">${esc(t(lang, label))}</button></form>`;
}

/**
 * One provider: its registration, its signatures with their review state and its ports with their
 * kind. `listed`: whether the viewer may read the list (not a provider), to offer the way back to it.
 */
export function providerPage(lang: Lang, d: ContentProviderDetail, listed: boolean, acts: ProviderPageActs = { manage: false }): string {
  // A revoked signature and a retired port stay listed: when and why they were taken back.
  const since = (at: string | null, why: string | null) => (at ? ` <small>${esc(fmtTime(at))}${why ? ` · ${esc(why)}` : ''}</small>` : '');
  const base = `/web/providers/${encodeURIComponent(d.id)}`;
  const sigAct = (s: ContentProviderDetail['signatures'][number]) => !acts.manage ? '' : `<td>${s.status === 'revoked' ? '—' : actForm(lang, `${base}/signatures/${encodeURIComponent(s.id)}/revoke`, 'sig-revoke', s.signature, 'sgRevoke', 'sgRevokeReason')}</td>`;
  const portAct = (p: ContentProviderDetail['ports'][number]) => !acts.manage ? '' : `<td>${p.retiredAt ? '—' : actForm(lang, `${base}/ports/${encodeURIComponent(p.number)}/retire`, 'port-retire', p.number, 'portRetire', 'portRetireReason')}</td>`;
  const actHead = acts.manage ? `<th scope="col">${esc(t(lang, 'cpAction'))}</th>` : '';
  const sigs = d.signatures.map((s) => `<tr data-signature="${esc(s.id)}"><td>${esc(s.signature)}</td><td><span class="state">${esc(tk(lang, `sgs_${s.status}`))}</span>${since(s.revokedAt, s.revokedReason)}</td><td>${esc(fmtTime(s.createdAt))}</td>${sigAct(s)}</tr>`).join('');
  const ports = d.ports.map((p) => `<tr data-port="${esc(p.number)}"${p.retiredAt ? ' data-retired="true"' : ''}><td class="mono">${esc(p.number)}</td><td>${esc(tk(lang, `pk_${p.kind}`))}</td><td>${esc(fmtTime(p.createdAt))}</td><td><span class="state">${esc(t(lang, p.retiredAt ? 'portRetired' : 'portInUse'))}</span>${since(p.retiredAt, p.retiredReason)}</td>${portAct(p)}</tr>`).join('');
  return `${listed ? `<p><a href="/web/providers">← ${esc(t(lang, 'backToProviders'))}</a></p>` : ''}
${acts.done ? `<p class="ok" role="status" id="provider-done">${esc(t(lang, acts.done === 'revoke' ? 'cpDone_revoke' : 'cpDone_retire'))}</p>` : ''}${acts.error ? `<p class="alert" role="alert" id="provider-error">${esc(acts.error)}</p>` : ''}
<dl class="facts" id="provider">
<dt>${esc(t(lang, 'providerId'))}</dt><dd class="mono">${esc(d.id)}</dd>
<dt>${esc(t(lang, 'creditCode'))}</dt><dd class="mono">${esc(d.creditCode)}</dd>
<dt>${esc(t(lang, 'licence'))}</dt><dd class="mono">${esc(d.licenseNumber ?? '—')}</dd>
<dt>${esc(t(lang, 'cpStatus'))}</dt><dd><span class="state" id="provider-status">${esc(tk(lang, `cps_${d.status}`))}</span></dd>
<dt>${esc(t(lang, 'registeredAt'))}</dt><dd>${esc(fmtTime(d.createdAt))}</dd>
</dl>
${acts.manage ? `<p class="hint">${esc(t(lang, 'cpActHint'))}</p>` : ''}
<section aria-labelledby="sigs-h"><h2 id="sigs-h">${esc(t(lang, 'signatures'))}</h2>
${sigs ? `<table id="signatures"><thead><tr><th scope="col">${esc(t(lang, 'signature'))}</th><th scope="col">${esc(t(lang, 'reviewState'))}</th><th scope="col">${esc(t(lang, 'registeredAt'))}</th>${actHead}</tr></thead><tbody>${sigs}</tbody></table>` : `<p>${esc(t(lang, 'noSignatures'))}</p>`}
</section>
<section aria-labelledby="ports-h"><h2 id="ports-h">${esc(t(lang, 'ports'))}</h2>
${ports ? `<table id="ports"><thead><tr><th scope="col">${esc(t(lang, 'portNumber'))}</th><th scope="col">${esc(t(lang, 'portKind'))}</th><th scope="col">${esc(t(lang, 'registeredAt'))}</th><th scope="col">${esc(t(lang, 'portState'))}</th>${actHead}</tr></thead><tbody>${ports}</tbody></table>` : `<p>${esc(t(lang, 'noPorts'))}</p>`}
</section>`;
}
