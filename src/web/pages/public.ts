/** Public pages (no sign-in): the complaint form, its receipt, the status page and the credit register. */
import type { FiledCase } from '../../app/complaint-intake.js';
import type { PublicEntry } from '../../app/credit.js';
import { t, tk, type Lang } from '../i18n.js';
import { OPERATOR_ACCOUNT_ID } from '../../domain/case.js';
import { entrySummaryIn } from '../../domain/credit-summary.js';
import { alertBox, esc, field, fmtDue, fmtTime, fmtYuan, textarea } from '../html.js';

/**
 * Reads a chosen screenshot into a hidden field as a data URL (the form stays urlencoded). The picker
 * is shown by this script: without JavaScript a chosen file would be dropped without a word, so
 * the page offers no picker then and says why (noscript).
 */
const SCREENSHOT_SCRIPT = `
<script>
(function () {
  var input = document.getElementById('shot');
  var hidden = document.getElementById('screenshot');
  var msg = document.getElementById('shot-msg');
  if (!input) return;
  document.getElementById('shot-box').hidden = false;
  input.addEventListener('change', function () {
    hidden.value = '';
    msg.textContent = '';
    var f = input.files && input.files[0];
    if (!f) return;
    if (f.size > 500000) { msg.textContent = msg.dataset.big; input.value = ''; return; }
    var r = new FileReader();
    r.onload = function () { hidden.value = String(r.result); msg.textContent = msg.dataset.ok; };
    r.readAsDataURL(f);
  });
})();
</script>`;

/**
 * The complaint form. `error`: the refusal to show above it; `errorField`: the use case's field it is
 * about (the API's `field`), which is marked invalid and described by the alert, so a screen reader on
 * that field says what is wrong with it (a sighted reader sees the alert; before 2026-12-08 nothing tied
 * the two).
 */
export function complaintForm(lang: Lang, values: Record<string, string> = {}, error?: string, errorField?: string): string {
  const err = (name: string) => (error && errorField === name ? 'form-error' : undefined);
  return `${error ? alertBox(error, lang, 'form-error') : ''}
<p>${esc(t(lang, 'formIntro'))}</p>
<form method="post" action="/web/complaint" id="complaint-form">
${field({ id: 'msisdn', label: t(lang, 'fMsisdn'), type: 'tel', hint: t(lang, 'fMsisdnHint'), required: true, value: values.msisdn, attrs: 'autocomplete="tel" inputmode="tel" maxlength="32"', error: err('msisdn') })}
${field({ id: 'sender', label: t(lang, 'fSender'), hint: t(lang, 'fSenderHint'), value: values.sender, attrs: 'maxlength="40"', error: err('sender') })}
${textarea({ id: 'text', label: t(lang, 'fText'), value: values.text, maxlength: 2000, error: err('text') })}
${field({ id: 'receivedAt', label: t(lang, 'fReceivedAt'), type: 'datetime-local', value: values.receivedAt, error: err('receivedAt') })}
${field({ id: 'request', label: t(lang, 'fRequest'), hint: t(lang, 'fRequestHint'), value: values.request, attrs: 'maxlength="500"', error: err('request') })}
<noscript><p class="hint" id="shot-nojs">${esc(t(lang, 'fScreenshotNoJs'))}</p></noscript>
<div id="shot-box" hidden>
<label for="shot">${esc(t(lang, 'fScreenshot'))}</label>
<input id="shot" type="file" accept="image/png,image/jpeg,image/webp" aria-describedby="shot-msg">
<p class="hint" id="shot-msg" aria-live="polite" data-big="${esc(lang === 'zh' ? '图片超过 500 KB，请压缩后再选。' : 'The image is over 500 KB; please choose a smaller one.')}" data-ok="${esc(lang === 'zh' ? '截图已附上。' : 'Screenshot attached.')}">${values.screenshot ? esc(lang === 'zh' ? '之前选择的截图仍已附上；另选一张可替换它。' : 'The screenshot you chose is still attached; choose another to replace it.') : ''}</p>
</div>
<input type="hidden" id="screenshot" name="screenshot" value="${esc(values.screenshot ?? '')}">
<input type="hidden" name="once" value="${esc(values.once ?? '')}">
<button type="submit">${esc(t(lang, 'fSubmit'))}</button>
</form>
${SCREENSHOT_SCRIPT}`;
}

export function filedPage(lang: Lang, f: FiledCase): string {
  return `<div class="notice" role="status">
<dl class="facts">
<dt>${esc(t(lang, 'filedRef'))}</dt><dd><strong class="mono" id="case-reference">${esc(f.reference)}</strong></dd>
<dt>${esc(t(lang, 'filedCode'))}</dt><dd><strong class="mono" id="access-code">${esc(f.accessCode ?? '')}</strong></dd>
<dt>${esc(t(lang, 'colState'))}</dt><dd>${esc(tk(lang, `st_${f.state}`))}</dd>
<dt>${esc(t(lang, 'filedDue'))}</dt><dd>${esc(fmtDue(f.forwardDueAt))}</dd>
</dl>
<p>${esc(f.matchedMessageId ? t(lang, 'filedMatched') : t(lang, 'filedNotMatched'))}</p>
</div>
<p><a href="/web/complaint/status?reference=${encodeURIComponent(f.reference)}">${esc(t(lang, 'navStatus'))}</a></p>`;
}

export function statusForm(lang: Lang, v: { reference?: string; accessCode?: string }, status?: Record<string, unknown> | null, error?: string): string {
  let result = '';
  if (status) {
    const d = status.deadline as { running: string | null; dueAt: string | null; workingDaysLeft: number | null; overdue: boolean };
    const canWithdraw = (status.allowedActions as string[]).includes('withdraw');
    result = `<section aria-labelledby="st-h"><h2 id="st-h">${esc(String(status.reference))}</h2>
<dl class="facts">
<dt>${esc(t(lang, 'colState'))}</dt><dd><span class="state" id="case-state">${esc(tk(lang, `st_${status.state}`))}</span></dd>
<dt>${esc(t(lang, 'complainant'))}</dt><dd>${esc(status.msisdn)}</dd>
<dt>${esc(t(lang, 'colCreated'))}</dt><dd>${esc(fmtTime(status.createdAt as string))}</dd>
${d.running ? `<dt>${esc(t(lang, d.running === 'forward' ? 'deadlineForward' : 'deadlineAnswer'))}</dt><dd>${esc(fmtDue(d.dueAt))}${d.overdue ? ` <span class="overdue">${esc(t(lang, 'overdue'))}</span>` : ''}</dd>` : ''}
${status.answerText ? `<dt>${esc(t(lang, 'stAnswerText'))}</dt><dd id="answer-text">${esc(status.answerText)}</dd>` : ''}
</dl>
${canWithdraw ? `<form method="post" action="/web/complaint/withdraw">
<input type="hidden" name="reference" value="${esc(status.reference)}"><input type="hidden" name="accessCode" value="${esc(v.accessCode)}">
${/* one click withdrew it: the browser now asks for this box first (no script; the server takes the post as before) */ ''}<p><input type="checkbox" id="withdraw-confirm" name="confirm" value="1" required> <label class="choice" for="withdraw-confirm">${esc(t(lang, 'withdrawConfirm'))}</label></p>
<button type="submit" class="secondary">${esc(t(lang, 'withdraw'))}</button></form>` : ''}
</section>`;
  }
  return `${error ? alertBox(error, lang) : ''}
<form method="post" action="/web/complaint/status">
${field({ id: 'reference', label: t(lang, 'fReference'), required: true, value: v.reference, attrs: 'autocapitalize="characters"' })}
${field({ id: 'accessCode', label: t(lang, 'fAccessCode'), required: true, value: v.accessCode, attrs: 'autocomplete="off" autocapitalize="none" spellcheck="false"' })}
<button type="submit">${esc(t(lang, 'fCheck'))}</button>
</form>
${result}`;
}

/** The public register: a search form and one page of entries (200 newest first), the next page linked with the API's `nextCursor`. */
export function publicCreditPage(lang: Lang, q: string, entries: PublicEntry[], nextCursor: string | null = null): string {
  const rows = entries.map((e) => `<tr><td>${esc(fmtTime(e.publishedAt).slice(0, 10))}</td><td>${esc(e.subject === OPERATOR_ACCOUNT_ID && e.creditCode === null ? t(lang, 'operatorAccount') : e.subject)}</td><td class="mono">${esc(e.creditCode ?? '—')}</td><td>${esc(tk(lang, `kd_${e.kind}`))}</td><td>${esc(fmtYuan(e.amountYuan))}</td><td>${esc(entrySummaryIn(e.summary, e.summaryTemplate, lang))}</td></tr>`).join('');
  return `<p>${esc(t(lang, 'publicIntro'))}</p>
<form method="get" action="/web/public/credit" role="search">
${field({ id: 'q', label: t(lang, 'search'), type: 'search', value: q })}
<button type="submit">${esc(t(lang, 'searchBtn'))}</button>
</form>
${entries.length === 0 ? `<p id="no-entries">${esc(t(lang, 'noEntries'))}</p>` : `<table id="public-entries"><caption class="hint">${esc(t(lang, 'publicCount').replace('{n}', String(entries.length)))}</caption>
<thead><tr><th scope="col">${esc(t(lang, 'date'))}</th><th scope="col">${esc(t(lang, 'provider'))}</th><th scope="col">${esc(t(lang, 'creditCode'))}</th><th scope="col">${esc(t(lang, 'kind'))}</th><th scope="col">${esc(t(lang, 'amount'))}</th><th scope="col">${esc(t(lang, 'publicSummary').replace(/（.*）|\s*\(.*\)/, ''))}</th></tr></thead>
<tbody>${rows}</tbody></table>`}
${nextCursor ? `<p><a rel="next" href="/web/public/credit?${q ? `q=${encodeURIComponent(q)}&amp;` : ''}cursor=${encodeURIComponent(nextCursor)}">${esc(t(lang, 'nextPage'))} →</a></p>` : ''}`;
}

export function loginPage(lang: Lang, error?: string, next?: string, notice?: string): string {
  return `${error ? alertBox(error, lang) : ''}${notice && !error ? `<div class="notice" role="status" id="login-notice">${esc(notice)}</div>` : ''}
<form method="post" action="/web/login">
${field({ id: 'token', label: t(lang, 'fToken'), type: 'password', hint: t(lang, 'fTokenHint'), required: true, attrs: 'autocomplete="off"' })}
<input type="hidden" name="next" value="${esc(next ?? '')}">
<button type="submit">${esc(t(lang, 'fLogin'))}</button>
</form>`;
}
