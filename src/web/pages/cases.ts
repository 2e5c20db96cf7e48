/**
 * Case pages for the report centre, the operator, regulators and providers: the list with each
 * deadline visible, and one case with its evidence, trail and the actions the viewer may take.
 */
import type { CaseDetail, CaseView } from '../../app/case-views.js';
import type { Principal } from '../../app/types.js';
import type { ContentProviderRow } from '../../ports/store.js';
import { CASE_STATES, FINDINGS, MEASURES, OPERATOR_ACCOUNT_ID, OPERATOR_MEASURES } from '../../domain/case.js';
import { colon, t, tk, tkOr, type Lang } from '../i18n.js';
import { alertBox, esc, field, fmtDue, fmtTime, textarea } from '../html.js';
import { measureResultLabel, trailReasonText, verdictNoteText } from '../trail-text.js';
import { codeLabel } from '../code-labels.js';
import { articleText, ruleLabel, withId } from '../rule-labels.js';
import { newFormToken } from '../form-once.js';

/** "N working days left after today", one day said as one in English ("1 working days" before 2026-12-08). */
const daysLeft = (lang: Lang, n: number | null): string => `${n} ${t(lang, n === 1 ? 'workingDayLeft' : 'workingDaysLeft')}`;

function deadlineCell(lang: Lang, c: CaseView): string {
  const d = c.deadline;
  if (!d.running) return `<span class="hint">${esc(t(lang, 'noDeadline'))}</span>`;
  const label = t(lang, d.running === 'forward' ? 'deadlineForward' : 'deadlineAnswer');
  const left = d.overdue ? `<span class="overdue">${esc(t(lang, 'overdue'))}</span>` : d.workingDaysLeft === 0 ? esc(t(lang, 'dueToday')) : esc(daysLeft(lang, d.workingDaysLeft));
  return `${esc(label)}${colon(lang)}${esc(fmtDue(d.dueAt))}<br>${left}`;
}

export function caseListPage(lang: Lang, cases: CaseView[], state: string, names: Map<string, string>, nextCursor: string | null): string {
  const opts = [`<option value="">${esc(t(lang, 'all'))}</option>`, ...CASE_STATES.map((s) => `<option value="${s}"${s === state ? ' selected' : ''}>${esc(tk(lang, `st_${s}`))}</option>`)].join('');
  const rows = cases.map((c) => `<tr data-reference="${esc(c.reference)}">
<td><a href="/web/cases/${encodeURIComponent(c.id)}" class="mono">${esc(c.reference)}</a>${c.externalRef ? `<br><span class="hint">${esc(c.externalRef)}</span>` : ''}</td>
<td><span class="state">${esc(tk(lang, `st_${c.state}`))}</span></td>
<td>${esc(tk(lang, `src_${c.source}`))}</td>
<td>${esc(c.contentProviderId ? names.get(c.contentProviderId) ?? c.contentProviderId : '—')}</td>
<td>${esc(fmtTime(c.createdAt))}</td>
<td>${deadlineCell(lang, c)}</td></tr>`).join('');
  return `<form method="get" action="/web/cases">
<label for="state">${esc(t(lang, 'filterState'))}</label>
<select id="state" name="state">${opts}</select>
<button type="submit">${esc(t(lang, 'filter'))}</button>
</form>
${cases.length === 0 ? `<p>${esc(t(lang, 'noCases'))}</p>` : `<table id="cases">
<thead><tr><th scope="col">${esc(t(lang, 'colRef'))}</th><th scope="col">${esc(t(lang, 'colState'))}</th><th scope="col">${esc(t(lang, 'colSource'))}</th><th scope="col">${esc(t(lang, 'colProvider'))}</th><th scope="col">${esc(t(lang, 'colCreated'))}</th><th scope="col">${esc(t(lang, 'colDeadline'))}</th></tr></thead>
<tbody>${rows}</tbody></table>`}
${nextCursor ? `<p><a rel="next" href="/web/cases?state=${encodeURIComponent(state)}&cursor=${encodeURIComponent(nextCursor)}">${esc(t(lang, 'nextPage'))} →</a></p>` : ''}`;
}

/** A consent's proof as labelled facts: the known fields by their label, any other by its own name; times in Shanghai time. */
function proofFacts(lang: Lang, proof: unknown): string {
  if (!proof || typeof proof !== 'object' || Object.keys(proof).length === 0) return '—';
  const rows = Object.entries(proof as Record<string, unknown>).map(([k, v]) => {
    const shown = k === 'capturedAt' ? fmtTime(v as string) : k === 'channel' ? tkOr(lang, `pch_${String(v)}`) ?? String(v) : typeof v === 'object' ? JSON.stringify(v) : String(v ?? '');
    return `<dt>${esc(tkOr(lang, `pf_${k}`) ?? k)}</dt><dd${k.endsWith('Id') || k === 'reference' ? ' class="mono"' : ''}>${esc(shown)}</dd>`;
  });
  return `<dl class="facts" id="consent-proof">${rows.join('')}</dl>`;
}

/**
 * A trail entry's reason in the page's language: a measure by its kind's label, a reason the system
 * wrote by its code (src/web/trail-text.ts), anything a person typed as they typed it.
 */
function reasonText(lang: Lang, e: CaseDetail['events'][number]): string {
  if (!e.reason) return '';
  if (e.kind === 'measure') return tkOr(lang, `ms_${e.reason}`) ?? e.reason;
  return trailReasonText(lang, e.reason, e.detail);
}

/**
 * A rule's refusal on the decision trail: its message is the pipeline's English as the records keep
 * it, so a Chinese page names the code by its label and keeps the message (which may carry specifics:
 * the hours, the signature) as the label's title; an English page shows the message itself.
 */
function verdictMessage(lang: Lang, v: { code?: string; message?: string }): string {
  const label = lang === 'zh' && v.code ? codeLabel(lang, v.code) : null;
  if (label === null) return esc(v.message ?? '');
  return `<span class="code-label"${v.message ? ` title="${esc(v.message)}"` : ''}>${esc(label)}</span>`;
}

/**
 * A verdict's rule by its label, as the rejection lines name it, with its id kept (monospaced) for
 * support; an id without a label (a record of an unknown pipeline shows `#i`) as it is.
 */
function verdictRule(lang: Lang, rule: string | undefined): string {
  if (!rule) return '';
  const label = ruleLabel(lang, rule);
  const id = `<span class="mono">${esc(rule)}</span>`;
  return label === null ? id : withId(lang, esc(label), id);
}

/**
 * A candidate the gateway sent itself (its `purpose`: the confirmation of a 退订, of a consent answer,
 * a complaint's receipt) marked as such before its text: such a message is rarely what was complained
 * about, and without the mark it reads like the provider's own. Empty for a provider's message (null).
 */
function sentBy(lang: Lang, purpose: string | null | undefined): string {
  if (!purpose) return '';
  const what = tkOr(lang, `pu_${purpose}`) ?? purpose;
  return `<span class="purpose">${esc(`${t(lang, 'sentByGateway')}${colon(lang)}${what}`)}</span><br>`;
}

/**
 * A verdict's article in the page's language (on Chinese pages the profile's Chinese for it, found by
 * the verdict's profile and rule), with the note where the profile marks that source unverified.
 */
function verdictArticle(lang: Lang, v: { rule?: string; article?: string; profile?: string }): string {
  if (!v.rule) return esc(v.article ?? '');
  return esc(articleText(lang, { rule: v.rule, article: v.article, profile: v.profile }));
}

function evidenceSection(lang: Lang, c: CaseDetail): string {
  const ev = c.evidence as { match?: { id: string; at: number; from: string; text: string; type: string; purpose?: string | null } | null; candidates?: { id: string; at: number; from: string; text: string; score: number; purpose?: string | null }[]; consent?: Record<string, unknown> | null; verdicts?: { rule?: string; article?: string; profile?: string; outcome?: string; code?: string; message?: string; note?: string }[]; history?: { status: string; at: number; rejection?: { rule: string; article: string; profile: string } }[] };
  const m = ev.match;
  const cands = (ev.candidates ?? []).map((x) => `<tr${m && x.id === m.id ? ' aria-current="true"' : ''}><td>${esc(fmtTime(x.at))}</td><td class="mono">${esc(x.from)}</td><td>${sentBy(lang, x.purpose)}${esc(x.text)}</td><td>${esc(x.score)}</td></tr>`).join('');
  const consent = ev.consent
    ? `<dl class="facts"><dt>${esc(t(lang, 'consentId'))}</dt><dd class="mono">${esc(ev.consent.id)}</dd><dt>${esc(t(lang, 'consentCategory'))}</dt><dd>${esc(ev.consent.category)}</dd><dt>${esc(t(lang, 'consentGranted'))}</dt><dd>${esc(fmtTime(ev.consent.grantedAt as number))}</dd><dt>${esc(t(lang, 'consentProof'))}</dt><dd>${proofFacts(lang, ev.consent.proof)}</dd></dl>`
    : `<p>${esc(t(lang, 'noConsent'))}</p>`;
  const verdicts = (ev.verdicts ?? []).map((v) => `<tr><td>${verdictRule(lang, v.rule)}</td><td>${verdictArticle(lang, v)}</td><td>${esc(v.outcome ? tk(lang, `vo_${v.outcome}`) : '')}</td><td class="mono">${esc(v.code ?? '')}</td><td>${[v.note && esc(verdictNoteText(lang, v.note)), verdictMessage(lang, v)].filter(Boolean).join(' · ')}</td></tr>`).join('');
  // a message stopped in the queue names the rule that stopped it (src/app/send-time-check.ts)
  const hist = (ev.history ?? []).map((h) => `<li>${esc(tk(lang, `mst_${h.status}`))} · ${esc(fmtTime(h.at))}${h.rejection ? ` · ${verdictRule(lang, h.rejection.rule)} · ${verdictArticle(lang, h.rejection)}` : ''}</li>`).join('');
  return `<section aria-labelledby="ev-h"><h2 id="ev-h">${esc(t(lang, 'evidence'))}</h2>
<h3>${esc(t(lang, 'matched'))}</h3>
${m ? `<p id="matched-message"><span class="mono">${esc(m.id)}</span> · ${esc(fmtTime(m.at))} · <span class="mono">${esc(m.from)}</span> · ${esc(tk(lang, `cls_${m.type}`))}<br>${sentBy(lang, m.purpose)}${esc(m.text)}</p>` : `<p id="matched-message">—</p>`}
<h3>${esc(t(lang, 'candidates'))}</h3>
${cands ? `<p class="hint" id="score-hint">${esc(t(lang, 'scoreHint'))}</p>
<table aria-describedby="score-hint"><thead><tr><th scope="col">${esc(t(lang, 'when'))}</th><th scope="col">${esc(t(lang, 'sender'))}</th><th scope="col">${esc(t(lang, 'text'))}</th><th scope="col">${esc(t(lang, 'score'))}</th></tr></thead><tbody>${cands}</tbody></table>` : '<p>—</p>'}
<div class="grid"><div><h3>${esc(t(lang, 'consent'))}</h3>${consent}</div>
<div><h3>${esc(t(lang, 'history'))}</h3>${hist ? `<ul>${hist}</ul>` : '<p>—</p>'}</div></div>
<details><summary>${esc(t(lang, 'verdicts'))} (${(ev.verdicts ?? []).length})</summary>${verdicts ? `<table id="verdicts"><thead><tr><th scope="col">${esc(t(lang, 'vRule'))}</th><th scope="col">${esc(t(lang, 'vArticle'))}</th><th scope="col">${esc(t(lang, 'vOutcome'))}</th><th scope="col">${esc(t(lang, 'vCode'))}</th><th scope="col">${esc(t(lang, 'vNote'))}</th></tr></thead><tbody>${verdicts}</tbody></table>` : '<p>—</p>'}</details>
</section>`;
}

/** What was posted to an action form that was refused: the action (`rematch`: the match-again form) and its fields, to fill that form in again. */
export interface PostedAction { action: string; values: Record<string, string>; measures: string[] }

function actionForms(lang: Lang, c: CaseDetail, p: Principal, providers: ContentProviderRow[], posted?: PostedAction): string {
  const forms: string[] = [];
  for (const a of c.allowedActions) {
    const id = `act-${a}`;
    // Only the form that was sent and refused comes back filled in; the others start empty.
    const v = posted?.action === a ? posted.values : {};
    const ticked = new Set(posted?.action === a ? posted.measures : []);
    const sel = (x: string, want: string | undefined) => (want !== undefined && x === want ? ' selected' : '');
    const reason = textarea({ id: `${id}-reason`, name: 'reason', label: t(lang, 'reason'), value: v.reason, maxlength: 1000 });
    let extra = '';
    if (a === 'forward' && !c.contentProviderId) {
      extra = `<label for="${id}-cp">${esc(t(lang, 'provider'))}</label><select id="${id}-cp" name="contentProviderId" required><option value=""></option>${providers.map((x) => `<option value="${esc(x.id)}"${sel(x.id, v.contentProviderId)}>${esc(x.name)}</option>`).join('')}</select>`;
    } else if (a === 'forward' && c.contentProviderId === OPERATOR_ACCOUNT_ID) {
      // The match is the operator's own message: the operator handles it, unless the centre names the provider that really sent it.
      extra = `<label for="${id}-cp">${esc(t(lang, 'provider'))}</label><select id="${id}-cp" name="contentProviderId"><option value="">${esc(t(lang, 'operatorOwn'))}</option>${providers.map((x) => `<option value="${esc(x.id)}"${sel(x.id, v.contentProviderId)}>${esc(x.name)}</option>`).join('')}</select>`;
    } else if (a === 'answer') {
      const measures = c.contentProviderId === OPERATOR_ACCOUNT_ID ? MEASURES.filter((m) => m === 'refund' || m === 'other') : MEASURES.filter((m) => p.role === 'admin' || !OPERATOR_MEASURES.has(m));
      extra = `${textarea({ id: `${id}-text`, name: 'text', label: t(lang, 'answerText'), value: v.text, required: true, maxlength: 300 })}
<fieldset><legend>${esc(t(lang, 'finding'))}</legend>${FINDINGS.map((f, i) => `<input type="radio" id="${id}-f-${f}" name="finding" value="${f}"${i === 0 ? ' required' : ''}${f === v.finding ? ' checked' : ''}><label class="choice" for="${id}-f-${f}">${esc(tk(lang, `fd_${f}`))}</label>`).join(' ')}</fieldset>
<fieldset><legend>${esc(t(lang, 'measuresLegend'))}</legend>${measures.map((m) => `<input type="checkbox" id="${id}-m-${m}" name="measures" value="${m}"${ticked.has(m) ? ' checked' : ''}><label class="choice" for="${id}-m-${m}">${esc(tk(lang, `ms_${m}`))}</label>`).join(' ')}
${field({ id: `${id}-mnote`, name: 'measureNote', label: t(lang, 'measureNote'), value: v.measureNote })}</fieldset>`;
    } else if (a === 'close') {
      extra = `<label for="${id}-finding">${esc(t(lang, 'finding'))}</label><select id="${id}-finding" name="finding"><option value="">${esc(c.finding ? tk(lang, `fd_${c.finding}`) : '—')}</option>${FINDINGS.map((f) => `<option value="${f}"${sel(f, v.finding)}>${esc(tk(lang, `fd_${f}`))}</option>`).join('')}</select>`;
    }
    // Each action form its own token (form-once.ts): a double click acts once, while another action
    // sent from the same rendering is not taken for a repeat of the first. A refused one keeps its token.
    forms.push(`<form method="post" action="/web/cases/${encodeURIComponent(c.id)}/act" aria-labelledby="${id}-h">
<fieldset><legend id="${id}-h">${esc(tk(lang, `ac_${a}`))}</legend>
<input type="hidden" name="action" value="${a}">
<input type="hidden" name="once" value="${esc(v.once || newFormToken())}">
${extra}
${reason}
<button type="submit" id="${id}-submit">${esc(tk(lang, `ac_${a}`))}</button>
</fieldset></form>`);
  }
  if (p.role !== 'content-provider' && p.role !== 'public' && c.state !== 'closed' && c.state !== 'withdrawn') {
    forms.push(`<form method="post" action="/web/cases/${encodeURIComponent(c.id)}/evidence" aria-labelledby="rematch-h">
<fieldset><legend id="rematch-h">${esc(t(lang, 'rematch'))}</legend>
${field({ id: 'rematch-sender', name: 'sender', label: t(lang, 'sender'), value: posted?.action === 'rematch' ? posted.values.sender : c.sender ?? '', hint: t(lang, 'fSenderHint') })}
<button type="submit" class="secondary">${esc(t(lang, 'rematch'))}</button>
</fieldset></form>`);
  }
  return forms.length ? `<section aria-labelledby="act-h"><h2 id="act-h">${esc(t(lang, 'actions'))}</h2>${forms.join('\n')}</section>` : '';
}

/** Actor ids that name no one (the complainant on the web form, the system): the actor's label says it all. */
const GENERIC_ACTOR_IDS: ReadonlySet<string> = new Set(['public', 'system']);

/** `flash.posted`: the refused action's form as it was sent, shown again filled in under the error. */
export function casePage(lang: Lang, c: CaseDetail, p: Principal, providers: ContentProviderRow[], flash?: { done?: string; error?: string; posted?: PostedAction }): string {
  const name = c.contentProviderId === OPERATOR_ACCOUNT_ID ? t(lang, 'operatorAccount') : c.contentProviderId ? providers.find((x) => x.id === c.contentProviderId)?.name ?? c.contentProviderId : '—';
  const d = c.deadline;
  const deadline = d.running
    ? `<p class="deadline" id="deadline">${esc(t(lang, d.running === 'forward' ? 'deadlineForward' : 'deadlineAnswer'))}${colon(lang)}<strong>${esc(fmtDue(d.dueAt))}</strong> · ${d.overdue ? `<span class="overdue">${esc(t(lang, 'overdue'))}</span>` : d.workingDaysLeft === 0 ? esc(t(lang, 'dueToday')) : esc(daysLeft(lang, d.workingDaysLeft))}${d.calendarCovered ? '' : `<br><span class="hint">${esc(t(lang, 'calendarNotCovered'))}</span>`}</p>`
    : `<p class="deadline" id="deadline">${esc(t(lang, 'noDeadline'))}</p>`;
  const events = c.events.map((e) => `<tr><td>${esc(fmtTime(e.at))}</td><td>${esc(tk(lang, `ar_${e.actor}`))}${GENERIC_ACTOR_IDS.has(e.actorId) ? '' : ` <span class="hint mono">${esc(e.actorId)}</span>`}</td><td>${esc(tk(lang, `ac_${e.kind}`))}${e.fromState && e.toState && e.fromState !== e.toState ? ` · ${esc(tk(lang, `st_${e.fromState}`))} → ${esc(tk(lang, `st_${e.toState}`))}` : ''}</td><td>${esc(reasonText(lang, e))}</td></tr>`).join('');
  const measures = c.measures.map((m) => `<li>${esc(tk(lang, `ms_${m.kind}`))} · ${esc(fmtTime(m.at))} · ${esc(measureResultLabel(lang, m.detail))}</li>`).join('');
  return `${flash?.error ? alertBox(flash.error, lang) : ''}${flash?.done ? `<div class="notice" role="status">${esc(t(lang, 'done'))}${colon(lang)}${esc(tk(lang, `ac_${flash.done}`))}</div>` : ''}
<p><span class="state" id="case-state">${esc(tk(lang, `st_${c.state}`))}</span></p>
${deadline}
<dl class="facts">
<dt>${esc(t(lang, 'colRef'))}</dt><dd class="mono">${esc(c.reference)}${c.externalRef ? ` (${esc(c.externalRef)})` : ''}</dd>
<dt>${esc(t(lang, 'colSource'))}</dt><dd>${esc(tk(lang, `src_${c.source}`))}</dd>
<dt>${esc(t(lang, 'provider'))}</dt><dd>${esc(name)}</dd>
<dt>${esc(t(lang, 'complainant'))}</dt><dd class="mono">${esc(c.msisdn)}</dd>
<dt>${esc(t(lang, 'sender'))}</dt><dd class="mono">${esc(c.sender ?? '—')}</dd>
<dt>${esc(t(lang, 'text'))}</dt><dd>${esc(c.messageText ?? '—')}</dd>
<dt>${esc(t(lang, 'receivedAt'))}</dt><dd>${esc(fmtTime(c.receivedMessageAt))}</dd>
<dt>${esc(t(lang, 'request'))}</dt><dd>${esc(c.request ?? '—')}</dd>
${c.finding ? `<dt>${esc(t(lang, 'finding'))}</dt><dd id="finding">${esc(tk(lang, `fd_${c.finding}`))}</dd>` : ''}
${c.answerText ? `<dt>${esc(t(lang, 'answerText'))}</dt><dd id="answer-text">${esc(c.answerText)}</dd>` : ''}
</dl>
${c.screenshot ? `<p><img class="shot" src="${esc(c.screenshot)}" alt="${esc(lang === 'zh' ? '用户提交的截图' : 'Screenshot the user sent')}"></p>` : ''}
${actionForms(lang, c, p, providers, flash?.posted)}
${evidenceSection(lang, c)}
<section aria-labelledby="trail-h"><h2 id="trail-h">${esc(t(lang, 'trail'))}</h2>
<table id="trail"><thead><tr><th scope="col">${esc(t(lang, 'when'))}</th><th scope="col">${esc(t(lang, 'who'))}</th><th scope="col">${esc(t(lang, 'what'))}</th><th scope="col">${esc(t(lang, 'reason'))}</th></tr></thead><tbody>${events}</tbody></table>
${measures ? `<h3>${esc(t(lang, 'measures'))}</h3><ul id="measures">${measures}</ul>` : ''}
</section>`;
}

/**
 * The report centre's bulk import: paste JSONL or pick a file (read in the browser into the text area).
 * `results[i].said`: why line i was refused, in the page's language with its code (src/web/form-errors.ts).
 * `text`: what the text area holds: after an import, the lines that failed; after a refused request, all of it.
 */
export function importPage(lang: Lang, results?: { ok: boolean; alreadyFiled?: boolean; reference?: string | null; externalRef?: string | null; state?: string; id?: string; said?: string }[], text = ''): string {
  // a report filed by an earlier import (a retried file) says so: its case was found, none opened now
  const rows = (results ?? []).map((r, i) => `<tr><td>${i + 1}</td><td class="mono">${esc(r.externalRef ?? r.reference ?? '—')}</td><td>${r.ok
    ? `<span class="ok">${esc(tk(lang, `st_${r.state}`))}</span> <a href="/web/cases/${encodeURIComponent(r.id ?? '')}" class="mono">${esc(r.reference)}</a>${r.alreadyFiled ? `<span class="already">${esc(t(lang, 'importAlready'))}</span>` : ''}`
    : `<span class="overdue">${esc(t(lang, 'failedN'))}</span> ${esc(r.said)}`}</td></tr>`).join('');
  const nFailed = results?.filter((r) => !r.ok).length ?? 0;
  const nAlready = results?.filter((r) => r.ok && r.alreadyFiled).length ?? 0;
  const summary = results ? `<div class="notice" role="status">${esc(t(lang, 'filedN'))} ${results.filter((r) => r.ok).length}${nAlready ? esc(t(lang, 'alreadyFiledN').replace('{n}', String(nAlready))) : ''} · ${esc(t(lang, 'failedN'))} ${nFailed}${nFailed ? `<br>${esc(t(lang, 'importFailedKept'))}` : ''}</div>
<table id="import-results"><caption>${esc(t(lang, 'importResult'))}</caption><thead><tr><th scope="col">${esc(t(lang, 'importNo'))}</th><th scope="col">${esc(t(lang, 'colRef'))}</th><th scope="col">${esc(t(lang, 'colState'))}</th></tr></thead><tbody>${rows}</tbody></table>` : '';
  return `${summary}
<form method="post" action="/web/reports/import">
<p class="hint" id="jsonl-hint">${esc(t(lang, 'importHint'))}</p>
<div id="jsonl-file-box" hidden>
<label for="jsonl-file">${esc(t(lang, 'importFile'))}</label>
<input id="jsonl-file" type="file" accept=".jsonl,.ndjson,.json,application/x-ndjson,application/json,text/plain" aria-describedby="jsonl-hint">
</div>
<noscript><p class="hint" id="jsonl-nojs">${esc(t(lang, 'importFileNoJs'))}</p></noscript>
${textarea({ id: 'jsonl', label: t(lang, 'importText'), value: text, required: true })}
<button type="submit">${esc(t(lang, 'importBtn'))}</button>
</form>
<script>
(function () {
  // The file is read here into the text area; without JavaScript the picker stays hidden (it would post nothing).
  var f = document.getElementById('jsonl-file'), t = document.getElementById('jsonl');
  document.getElementById('jsonl-file-box').hidden = false;
  f.addEventListener('change', function () { var x = f.files && f.files[0]; if (!x) return; var r = new FileReader(); r.onload = function () { t.value = String(r.result); }; r.readAsText(x); });
})();
</script>`;
}
