/**
 * `/web/subscribers`: a number's consents and refusals, for whoever answers "why did I get this" or "I
 * replied TD and still got messages". A GET form for the number, then the subscriber view of the
 * same use cases as the API (src/app/consent-subscribers.ts): the operator and regulators
 * `GET /v1/subscribers/{msisdn}` (a regulator limited to a province or dates, only that part), a
 * provider `GET /v1/subscribers/{msisdn}/consents` (its own only). The page shows what the view holds
 * and nothing else: whether the number is on the do-not-disturb list, its opt-outs in force and the
 * history of opt-outs and lifts (how, by whom), its consents (category, frequency, given, expires,
 * withdrawn, channel, proof), consent requests, and every subscription record.
 *
 * Two acts, each only where the API allows it: the operator lifts an opt-out
 * (`POST /v1/subscribers/{msisdn}/lift-opt-out`, evidence of the user's request required), a provider
 * withdraws one of its own consents (`DELETE /v1/consents/{id}`, evidence optional). Plain POST forms,
 * no JavaScript; the SameSite=Strict sign-in cookie keeps other sites' forms out.
 */
import type { SubscriberView } from '../../app/consent-subscribers.js';
import type { Principal } from '../../app/types.js';
import { colon, t, tk, tkOr, type Lang } from '../i18n.js';
import { alertBox, esc, field, fmtTime, providerLabel } from '../html.js';
import { articleText, ruleName } from '../rule-labels.js';

/** The form values of a refused act, shown again in its form (`key`: which form: the provider's id, or the consent's). */
export interface PostedSubscriberAct {
  act: 'lift' | 'withdraw';
  key: string;
  values: Record<string, string>;
}

export interface SubscriberFlash {
  done?: 'lift' | 'withdraw';
  /** A refused act: the code's label and the message (src/web/routes/subscribers.ts). */
  error?: string;
  posted?: PostedSubscriberAct;
}


/** A time as recorded (ISO-8601), to the second where it is one, in Shanghai time. */
function fmtIso(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' ? fmtTime(v) : '—';
}

/** A channel (of an opt-out, a lift, a consent, a proof) by its label, or as recorded. */
function channelText(lang: Lang, ch: unknown): string {
  const s = String(ch ?? '');
  return tkOr(lang, `och_${s}`) ?? tkOr(lang, `pch_${s}`) ?? s;
}

/** How an opt-out reply was read: an opt-out keyword (TD, T, 退订…) or one of the profile's phrases. */
function matchedText(lang: Lang, m: { by: unknown; phrase?: unknown }): string {
  if (m.by === 'keyword') return t(lang, 'evMatchedKeyword');
  if (m.by === 'phrase') return `${t(lang, 'evMatchedPhrase')}${lang === 'en' ? ' “' : '“'}${String(m.phrase ?? '')}”`;
  return String(m.by);
}

/** Evidence as recorded, as labelled facts: known keys by their label (nested objects, e.g. a lift's request, inside), times in Shanghai time. */
export function evidenceFacts(lang: Lang, ev: unknown): string {
  if (!ev || typeof ev !== 'object' || Object.keys(ev).length === 0) return '—';
  const all = ev as Record<string, unknown>;
  const rows = Object.entries(all).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => {
    // the rule and article an opt-out was recorded under, and how the reply was read, in the page's
    // language as the refusal lines say them (the record keeps the ids and the profile's English)
    const ruled = k === 'rule' && typeof v === 'string' ? esc(ruleName(lang, v))
      : k === 'article' && typeof v === 'string' ? esc(articleText(lang, { rule: typeof all.rule === 'string' ? all.rule : undefined, article: v, profile: typeof all.profile === 'string' ? all.profile : undefined }))
      : k === 'matched' && v && typeof v === 'object' && 'by' in v ? esc(matchedText(lang, v as { by: unknown; phrase?: unknown }))
      : null;
    const shown = ruled !== null ? ruled : v && typeof v === 'object' && !Array.isArray(v)
      ? evidenceFacts(lang, v)
      : esc(k === 'capturedAt' || k === 'at' ? fmtIso(v) : k === 'channel' ? channelText(lang, v) : Array.isArray(v) ? v.join(', ') : String(v));
    return `<dt>${esc(tkOr(lang, `evk_${k}`) ?? k)}</dt><dd${k.endsWith('Id') || k === 'reference' || k === 'actor' || k === 'answered' ? ' class="mono"' : ''}>${shown}</dd>`;
  });
  return rows.length ? `<dl class="facts">${rows.join('')}</dl>` : '—';
}

/** A section's table, named by its heading (`${id}-h`), so a screen reader's table list says which it is. */
function table(id: string, lang: Lang, head: string[], rows: string[], none: string): string {
  if (rows.length === 0) return `<p id="${id}-none">${esc(none)}</p>`;
  return `<table id="${id}" aria-labelledby="${id}-h"><thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** `2026-11-30T12:00` as a datetime-local field holds it, from a value posted back (kept as typed). */
const postedValue = (posted: PostedSubscriberAct | undefined, act: PostedSubscriberAct['act'], key: string, name: string): string =>
  posted && posted.act === act && posted.key === key ? posted.values[name] ?? '' : '';

/** The operator's lift form for one opt-out (the number and the provider as hidden fields). */
function liftForm(lang: Lang, msisdn: string, cpId: string, i: number, posted?: PostedSubscriberAct): string {
  const v = (name: string) => postedValue(posted, 'lift', cpId, name);
  return `<details class="lift"${posted?.act === 'lift' && posted.key === cpId ? ' open' : ''}><summary>${esc(t(lang, 'liftTitle'))}</summary>
<form method="post" action="/web/subscribers/lift" class="lift-form">
<p class="hint">${esc(t(lang, 'liftHint'))}</p>
<input type="hidden" name="msisdn" value="${esc(msisdn)}">
<input type="hidden" name="contentProviderId" value="${esc(cpId)}">
${field({ id: `lift-${i}-reason`, name: 'reason', label: t(lang, 'liftReason'), value: v('reason'), required: true, attrs: 'maxlength="500"' })}
${field({ id: `lift-${i}-channel`, name: 'channel', label: t(lang, 'liftChannel'), value: v('channel'), hint: t(lang, 'liftChannelHint'), required: true, attrs: 'maxlength="64"' })}
${field({ id: `lift-${i}-reference`, name: 'reference', label: t(lang, 'liftReference'), value: v('reference'), hint: t(lang, 'liftReferenceHint'), required: true, attrs: 'maxlength="512"' })}
${field({ id: `lift-${i}-capturedAt`, name: 'capturedAt', label: t(lang, 'liftCapturedAt'), type: 'datetime-local', value: v('capturedAt'), hint: t(lang, 'liftCapturedAtHint'), required: true, attrs: 'step="1"' })}
<button type="submit" aria-label="${esc(`${t(lang, 'liftBtn')} ${cpId}`)}">${esc(t(lang, 'liftBtn'))}</button>
</form></details>`;
}

/** A provider's withdraw form for one of its consents (evidence optional). */
function withdrawForm(lang: Lang, msisdn: string, consentId: string, i: number, posted?: PostedSubscriberAct): string {
  const v = (name: string) => postedValue(posted, 'withdraw', consentId, name);
  return `<details class="withdraw"${posted?.act === 'withdraw' && posted.key === consentId ? ' open' : ''}><summary>${esc(t(lang, 'withdrawTitle'))}</summary>
<form method="post" action="/web/subscribers/withdraw" class="withdraw-form">
<p class="hint">${esc(t(lang, 'withdrawHint'))}</p>
<input type="hidden" name="msisdn" value="${esc(msisdn)}">
<input type="hidden" name="consentId" value="${esc(consentId)}">
${field({ id: `withdraw-${i}-channel`, name: 'channel', label: t(lang, 'withdrawChannel'), value: v('channel'), attrs: 'maxlength="64"' })}
${field({ id: `withdraw-${i}-reference`, name: 'reference', label: t(lang, 'withdrawReference'), value: v('reference'), attrs: 'maxlength="512"' })}
${field({ id: `withdraw-${i}-capturedAt`, name: 'capturedAt', label: t(lang, 'withdrawCapturedAt'), type: 'datetime-local', value: v('capturedAt'), attrs: 'step="1"' })}
<button type="submit" aria-label="${esc(`${t(lang, 'withdrawBtn')} ${consentId}`)}">${esc(t(lang, 'withdrawBtn'))}</button>
</form></details>`;
}

/**
 * The page: the form (`typed`: the number as typed, kept in it), then the view when there is one.
 * `p`: who is looking, for the acts the API allows them (the operator lifts, a provider withdraws its own).
 */
export function subscriberPage(lang: Lang, p: Principal, typed: string, v: SubscriberView | null, flash: SubscriberFlash = {}, names: ReadonlyMap<string, string> = new Map()): string {
  const provider = p.role === 'content-provider';
  const scoped = p.role === 'regulator' && (!!p.province || p.from !== undefined || p.to !== undefined);
  const form = `<p class="hint">${esc(t(lang, 'sbIntro'))}</p>
${provider ? `<p class="hint">${esc(t(lang, 'sbIntroProvider'))}</p>` : ''}${scoped ? `<p class="notice" id="scoped">${esc(t(lang, 'sbScoped'))}</p>` : ''}
<form method="get" action="/web/subscribers" id="subscriber-search">
${field({ id: 'msisdn', label: t(lang, 'sbNumber'), type: 'tel', value: typed, hint: t(lang, 'sbNumberHint'), attrs: 'autocomplete="off" inputmode="tel" maxlength="32"' })}
<button type="submit">${esc(t(lang, 'sbSearch'))}</button>
</form>`;
  const done = flash.done ? `<p class="ok" role="status" id="subscriber-done">${esc(t(lang, flash.done === 'lift' ? 'liftDone' : 'withdrawDone'))}</p>` : '';
  const error = flash.error ? alertBox(flash.error, lang) : '';
  if (!v) return `${error}${form}`;
  const c = colon(lang);

  const dnd = v.doNotDisturb
    ? `<p id="dnd" class="overdue">${esc(t(lang, 'sbDndYes'))}${lang === 'en' ? ' (' : '（'}${esc(t(lang, 'sbDndSince'))}${c}${esc(fmtIso(v.doNotDisturb.at))}${lang === 'en' ? '; ' : '；'}${esc(t(lang, 'sbDndSource'))}${c}${esc(v.doNotDisturb.source === 'platform' ? t(lang, 'sbDndPlatform') : v.doNotDisturb.source)}${lang === 'en' ? ')' : '）'}</p><p class="hint">${esc(t(lang, 'sbDndHint'))}</p>`
    : `<p id="dnd">${esc(t(lang, 'sbDndNo'))}</p>`;

  // How each opt-out in force came about: the provider's latest opt_out record (the view's events are already scoped).
  const lastOptOut = new Map<string, SubscriberView['events'][number]>();
  for (const e of v.events) if (e.event === 'opt_out' && e.contentProviderId) lastOptOut.set(e.contentProviderId, e);
  const admin = p.role === 'admin';
  const optOutRows = v.optOuts.map((o, i) => {
    const e = lastOptOut.get(o.contentProviderId);
    return `<tr data-opt-out="${esc(o.contentProviderId)}">
<th scope="row">${providerLabel(names, o.contentProviderId)}</th>
<td>${esc(fmtIso(o.at))}</td>
<td>${esc(o.signatures.length === 0 || o.signatures.includes('*') ? t(lang, 'sbAllSignatures') : o.signatures.join(', '))}</td>
<td class="opt-out-how">${esc(e ? channelText(lang, e.channel) : '—')}</td>
<td>${e ? evidenceFacts(lang, e.evidence) : '—'}</td>
${admin ? `<td>${liftForm(lang, v.msisdn, o.contentProviderId, i, flash.posted)}</td>` : ''}</tr>`;
  });
  const optOutHead = [t(lang, 'provider'), t(lang, 'sbSince'), t(lang, 'sbSignatures'), t(lang, 'sbHow'), t(lang, 'sbDetails'), ...(admin ? [t(lang, 'sbAction')] : [])];

  const historyRows = v.events.filter((e) => e.event === 'opt_out' || e.event === 'opt_in').map((e) => {
    const by = e.event === 'opt_in' && typeof e.evidence.actor === 'string' ? e.evidence.actor : e.channel === 'sms' ? t(lang, 'sbTheUser') : '—';
    return `<tr data-event="${esc(e.id)}" class="ev-${esc(e.event)}">
<td>${esc(fmtIso(e.at))}</td>
<td>${providerLabel(names, e.contentProviderId)}</td>
<td>${esc(tk(lang, `ev_${e.event}`))}</td>
<td>${esc(channelText(lang, e.channel))}</td>
<td class="mono">${esc(by)}</td>
<td>${evidenceFacts(lang, e.evidence)}</td></tr>`;
  });

  const consentRows = v.consents.map((k, i) => {
    const mayWithdraw = provider && k.withdrawnAt === null && k.contentProviderId === p.contentProviderId;
    return `<tr data-consent="${esc(k.id)}">
<td class="mono">${esc(k.id)}</td>
<td>${providerLabel(names, k.contentProviderId)}</td>
<td>${esc(k.category)}</td>
<td>${esc(`${k.frequency.count}${t(lang, 'sbTimesPer')}${tk(lang, `per_${k.frequency.per}`)}`)}</td>
<td><span class="state consent-state">${esc(k.state === 'live' && !k.counts ? t(lang, 'sbLiveNoProof') : tk(lang, `cst_${k.state}`))}</span></td>
<td>${esc(fmtIso(k.grantedAt))}</td>
<td>${esc(fmtIso(k.expiresAt))}</td>
<td>${esc(fmtIso(k.withdrawnAt))}${k.withdrawal ? `<br>${esc(t(lang, 'sbWithdrawal'))}${c}${esc(channelText(lang, k.withdrawal.channel))}${evidenceFacts(lang, k.withdrawal.evidence)}` : ''}</td>
<td>${esc(channelText(lang, k.channel))}</td>
<td>${evidenceFacts(lang, k.proof)}</td>
${provider ? `<td>${mayWithdraw ? withdrawForm(lang, v.msisdn, k.id, i, flash.posted) : '—'}</td>` : ''}</tr>`;
  });
  const consentHead = [t(lang, 'consentId'), t(lang, 'provider'), t(lang, 'consentCategory'), t(lang, 'sbFrequency'), t(lang, 'sbState'), t(lang, 'consentGranted'), t(lang, 'sbExpires'), t(lang, 'sbWithdrawn'), t(lang, 'sbChannel'), t(lang, 'consentProof'), ...(provider ? [t(lang, 'sbAction')] : [])];

  const requestRows = v.requests.map((r) => `<tr data-request="${esc(r.id)}">
<td>${providerLabel(names, r.contentProviderId)}</td>
<td>${esc(r.category)}</td>
<td>${esc(tk(lang, `rqs_${r.status}`))}</td>
<td>${esc(fmtIso(r.createdAt))}</td>
<td>${esc(fmtIso(r.resolvedAt))}</td>
<td>${esc(r.text)}</td></tr>`);

  const eventRows = v.events.map((e) => `<tr data-record="${esc(e.id)}">
<td>${esc(fmtIso(e.at))}</td>
<td>${esc(tkOr(lang, `ev_${e.event}`) ?? e.event)}</td>
<td>${providerLabel(names, e.contentProviderId)}</td>
<td>${esc(channelText(lang, e.channel))}</td>
<td>${evidenceFacts(lang, e.evidence)}</td>
<td class="mono">${esc(e.id)}</td></tr>`);

  return `${done}${error}${form}
<h2 id="subscriber-heading">${esc(t(lang, 'sbShown'))}${c}<span class="mono" id="subscriber-number">${esc(v.msisdn)}</span></h2>
${dnd}
<h2 id="opt-outs-h">${esc(t(lang, 'sbOptOuts'))}</h2>
${table('opt-outs', lang, optOutHead, optOutRows, t(lang, 'sbNoOptOuts'))}
<h2 id="opt-out-history-h">${esc(t(lang, 'sbHistory'))}</h2>
${table('opt-out-history', lang, [t(lang, 'when'), t(lang, 'provider'), t(lang, 'sbWhat'), t(lang, 'sbHow'), t(lang, 'sbByWhom'), t(lang, 'sbDetails')], historyRows, t(lang, 'sbNoHistory'))}
<h2 id="consents-h">${esc(t(lang, 'sbConsents'))}</h2>
${table('consents', lang, consentHead, consentRows, t(lang, 'sbNoConsents'))}
<h2 id="requests-h">${esc(t(lang, 'sbRequests'))}</h2>
${table('requests', lang, [t(lang, 'provider'), t(lang, 'consentCategory'), t(lang, 'sbRequestStatus'), t(lang, 'sbCreated'), t(lang, 'sbResolved'), t(lang, 'text')], requestRows, t(lang, 'sbNoRequests'))}
<details><summary id="records-h">${esc(t(lang, 'sbEvents'))} (${v.events.length})</summary>
${table('records', lang, [t(lang, 'when'), t(lang, 'sbEvent'), t(lang, 'provider'), t(lang, 'sbHow'), t(lang, 'sbDetails'), t(lang, 'sbRecordId')], eventRows, '—')}
</details>`;
}

/**
 * A datetime-local value (`2026-11-30T12:00`, with seconds or without: Shanghai time) as the ISO-8601
 * time the use case takes; anything else as typed, for the use case to refuse by its field.
 */
export function shanghaiLocal(s: string): string {
  const v = s.trim();
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v)) return `${v}:00+08:00`;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(v)) return `${v}+08:00`;
  return v;
}
