/**
 * The content templates page (`/web/templates`, docs/CONTENT.md): the operator's compliance staff
 * review the templates providers submitted without curl. The list is the use case's answer to
 * `GET /v1/templates?status=&contentProviderId=` (oldest first): the operator sees every provider's,
 * by default those awaiting review, each with its provider, signature, type, body, the machine check's
 * violations and Approve / Reject forms (`POST /v1/templates/{id}/review`, a reason required to reject);
 * a provider sees its own, with their status and reasons, read-only (the API lists it its own and
 * refuses it the review). Plain POST forms, no JavaScript, protected as the other /web forms by the
 * SameSite=Strict sign-in cookie.
 */
import type { TemplateRow } from '../../ports/content.js';
import { colon, t, tk, tkOr, type Lang } from '../i18n.js';
import { alertBox, esc, fmtTime, providerLabel, providerSelect } from '../html.js';

export const TEMPLATE_STATUSES = ['pending', 'approved', 'rejected'] as const;

export interface TemplatesView {
  /** The use case's list for the viewer and the filter. */
  templates: TemplateRow[];
  /** The filter as applied: '' for every status. */
  status: string;
  /** The provider filter (the operator's; a provider's list is always its own). */
  contentProviderId: string;
  /** Approve and reject: the operator's. */
  canDecide: boolean;
  /** Provider names by id (those the viewer may read): the provider filter's choices and the list's names. */
  names: ReadonlyMap<string, string>;
}

export interface TemplatesFlash {
  done?: 'approve' | 'reject';
  /** A refusal of the last form, in words (the code's label, the message, the rule). */
  error?: string;
  /** The template a refused decision was about (marked in the list). */
  refusedId?: string;
}

function violationsText(lang: Lang, r: TemplateRow): string {
  if (!r.violations.length) return `<span class="hint">${esc(t(lang, 'tpNoViolations'))}</span>`;
  // what is wrong by its label, the check's id after it for support, and its own words (the check's English, with the particulars) as a note
  return `<ul class="violations">${r.violations.map((v) => {
    const label = tkOr(lang, `tv_${v.rule}`);
    return `<li>${label === null ? `<span class="mono">${esc(v.rule)}</span>` : `${esc(label)} <span class="mono hint" style="display:inline">${esc(v.rule)}</span>`}${colon(lang)}<span lang="en">${esc(v.message)}</span></li>`;
  }).join('')}</ul>`;
}

function statusText(lang: Lang, r: TemplateRow): string {
  const said = esc(tk(lang, `tps_${r.status}`));
  const when = r.reviewedAt !== null ? `<br><span class="hint">${esc(fmtTime(r.reviewedAt))}${r.reviewedBy ? ` · ${esc(r.reviewedBy)}` : ''}</span>` : '';
  const reason = r.reason ? `<br><span class="template-reason">${esc(r.reason)}</span>` : '';
  return `${said}${when}${reason}`;
}

/** The list's filter, carried by each form so the page comes back to the same list. */
function keep(v: TemplatesView): string {
  return `<input type="hidden" name="status" value="${esc(v.status)}"><input type="hidden" name="contentProviderId" value="${esc(v.contentProviderId)}">`;
}

function row(lang: Lang, v: TemplatesView, r: TemplateRow, refused: boolean, i: number): string {
  const forms = v.canDecide
    ? `<td><form method="post" action="/web/templates/${encodeURIComponent(r.id)}/approve" class="approve-form">${keep(v)}
<button type="submit" class="approve" aria-label="${esc(`${t(lang, 'tpApprove')} ${r.id}`)}">${esc(t(lang, 'tpApprove'))}</button>
</form>
<form method="post" action="/web/templates/${encodeURIComponent(r.id)}/reject" class="reject-form">${keep(v)}
<label for="tpl-reject-reason-${i}">${esc(t(lang, 'rvRejectReason'))}</label>
<input id="tpl-reject-reason-${i}" name="reason" type="text" maxlength="1000" required>
<button type="submit" class="secondary reject" aria-label="${esc(`${t(lang, 'rvReject')} ${r.id}`)}">${esc(t(lang, 'rvReject'))}</button>
</form></td>`
    : '';
  return `<tr data-template="${esc(r.id)}"${refused ? ' data-refused="true" class="refused"' : ''}>
<td class="template-at">${esc(fmtTime(r.createdAt))}</td>
<td class="template-provider">${providerLabel(v.names, r.contentProviderId)}</td>
<td class="template-signature">${esc(r.signature)}</td>
<td class="template-type">${esc(tk(lang, `cls_${r.type}`))}</td>
<td class="template-body">${esc(r.body)}</td>
<td class="template-violations">${violationsText(lang, r)}</td>
<td class="template-status">${statusText(lang, r)}</td>
<td class="mono">${esc(r.id)}</td>
${forms}</tr>`;
}

function filterForm(lang: Lang, v: TemplatesView): string {
  const opts = ['', ...TEMPLATE_STATUSES].map((s) => `<option value="${s}"${s === v.status ? ' selected' : ''}>${esc(s ? tk(lang, `tps_${s}`) : t(lang, 'tpAll'))}</option>`).join('');
  const provider = v.canDecide
    ? providerSelect({ id: 'tpl-provider', label: t(lang, 'colProvider'), value: v.contentProviderId, providers: [...v.names].map(([id, name]) => ({ id, name })), first: t(lang, 'tpAll') })
    : '';
  return `<form method="get" action="/web/templates" class="filter" id="template-filter">
<label for="tpl-status">${esc(t(lang, 'filterState'))}</label>
<select id="tpl-status" name="status">${opts}</select>
${provider}
<button type="submit">${esc(t(lang, 'filter'))}</button>
</form>`;
}

export function templatesPage(lang: Lang, v: TemplatesView, flash: TemplatesFlash = {}): string {
  const done = flash.done ? `<p class="ok" role="status" id="templates-done">${esc(t(lang, `tpDone_${flash.done}`))}</p>` : '';
  const error = flash.error ? alertBox(flash.error, lang) : '';
  const intro = `<p class="hint">${esc(t(lang, v.canDecide ? 'tpIntro' : 'tpReadOnly'))}</p>`;
  const head = ['tpSubmitted', 'colProvider', 'signature', 'tpType', 'tpBody', 'tpViolations', 'reviewState', 'tpId', ...(v.canDecide ? ['lkAction' as const] : [])] as const;
  const list = v.templates.length === 0
    ? `<p id="no-templates">${esc(t(lang, 'tpNone'))}</p>`
    : `<table id="templates" aria-labelledby="templates-heading">
<thead><tr>${head.map((k) => `<th scope="col">${esc(t(lang, k))}</th>`).join('')}</tr></thead>
<tbody>${v.templates.map((r, i) => row(lang, v, r, r.id === flash.refusedId, i)).join('')}</tbody></table>`;
  return `${done}${error}${intro}${filterForm(lang, v)}<h2 id="templates-heading">${esc(t(lang, 'tpList'))}</h2>${list}`;
}
