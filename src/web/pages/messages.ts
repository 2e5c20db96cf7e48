/**
 * `/web/messages`: what was sent to a number (on a day), or the message with a clientRef on a day, and
 * whether it arrived. A GET form and a table, no JavaScript; the rows are the message list's use case
 * (src/app/message-list.ts), so the page shows what `GET /v1/messages` answers, and pages on with its
 * cursor.
 */
import type { MessageView } from '../../ports/store.js';
import { SmsguardError } from '../../domain/errors.js';
import { shanghaiDayOrTime } from '../../app/validate.js';
import { t, tk, type Lang } from '../i18n.js';
import { alertBox, esc, field, fmtTime, providerSelect, type ProviderName } from '../html.js';

/** The form's values as asked (shown again in the form, carried into the next page's link). */
export interface MessageSearch {
  msisdn: string;
  date: string;
  clientRef: string;
  /** The operator's and regulators' only. */
  contentProviderId: string;
}

/**
 * `result`: the page of messages, or null before anything was asked (the form alone); `providers`:
 * those the viewer may name, by name, or null for a provider itself (whose messages are its own).
 */
export function messageListPage(lang: Lang, s: MessageSearch, result: { messages: MessageView[]; nextCursor: string | null } | null, providers: readonly ProviderName[] | null, error?: string): string {
  const form = `<p class="hint">${esc(t(lang, 'mlIntro'))}</p>
<form method="get" action="/web/messages" id="message-search">
${field({ id: 'msisdn', label: t(lang, 'mlNumber'), type: 'tel', value: s.msisdn, hint: t(lang, 'mlNumberHint'), attrs: 'autocomplete="off" inputmode="tel"' })}
${field({ id: 'date', label: t(lang, 'mlDate'), type: 'date', value: s.date })}
${field({ id: 'clientRef', label: t(lang, 'mlClientRef'), value: s.clientRef, attrs: 'maxlength="128"' })}
${providers ? providerSelect({ id: 'contentProviderId', label: t(lang, 'provider'), value: s.contentProviderId, providers, first: t(lang, 'recAny') }) : ''}
<button type="submit">${esc(t(lang, 'mlSearch'))}</button>
</form>`;
  if (error) return `${alertBox(error, lang)}${form}`;
  if (!result) return form;
  if (result.messages.length === 0) return `${form}<p id="no-messages">${esc(t(lang, 'mlNone'))}</p>`;
  const rows = result.messages.map((m) => `<tr data-message="${esc(m.id)}">
<td>${esc(fmtTime(m.receivedAt))}</td>
<td class="mono">${esc(m.to ?? '—')}</td>
<td class="mono">${esc(m.from ?? '—')}</td>
<td>${esc(m.text ?? '—')}</td>
<td><span class="state">${esc(tk(lang, `mst_${m.status}`))}</span></td>
<td class="mono">${esc(m.clientRef ?? '—')}</td>
<td class="mono">${esc(m.id)}</td></tr>`).join('');
  const next = result.nextCursor ? `<p><a id="next-page" href="/web/messages?${esc(nextQuery(s, result.nextCursor))}">${esc(t(lang, 'mlNext'))} →</a></p>` : '';
  return `${form}
<table id="messages">
<caption>${esc(t(lang, 'mlResults'))}</caption>
<thead><tr><th scope="col">${esc(t(lang, 'mlReceived'))}</th><th scope="col">${esc(t(lang, 'mlTo'))}</th><th scope="col">${esc(t(lang, 'mlFrom'))}</th><th scope="col">${esc(t(lang, 'mlText'))}</th><th scope="col">${esc(t(lang, 'mlStatus'))}</th><th scope="col">${esc(t(lang, 'mlClientRefCol'))}</th><th scope="col">${esc(t(lang, 'mlId'))}</th></tr></thead>
<tbody>${rows}</tbody></table>
${next}`;
}

/** A day of the form (`2026-11-29`, Shanghai) as the list's range: from its midnight, for 24 hours. */
export function shanghaiDay(date: string): { from: string; to: string } {
  // shanghaiDayOrTime: a day the month lacks (2026-02-30) is none, not the 2nd of March
  const from = /^\d{4}-\d{2}-\d{2}$/.test(date) ? shanghaiDayOrTime(date) : NaN;
  if (!Number.isFinite(from)) throw new SmsguardError('invalid_request', `date: a day as YYYY-MM-DD, got ${date}`, {}, 'date', { id: 'day_format' });
  return { from: new Date(from).toISOString(), to: new Date(from + 86_400_000).toISOString() };
}

/** The same search, from the cursor on. */
function nextQuery(s: MessageSearch, cursor: string): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(s)) if (v) q.set(k, v);
  q.set('cursor', cursor);
  return q.toString();
}
