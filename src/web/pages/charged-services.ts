/**
 * The charged-services pages (docs/REGULATION.md rule 8: before charging, the user is told the
 * service, the tariff, the charging method and how to unsubscribe). `/web/charged-services` lists the
 * services as GET /v1/charged-services answers the viewer (the operator and a regulator every provider's,
 * a regulator within its token's province, a provider its own), each with its name, tariff in yuan, charging method and provider; the operator also gets
 * the register form (POST /v1/charged-services). `/web/charged-services/{id}` shows one service and
 * its subscriptions as GET /v1/charged-services/{id}/subscriptions pages them (oldest first, a keyset
 * cursor); the provider subscribes a number there (POST …/subscriptions: smsguard's free notice, the
 * subscription starting only on the user's Y) and ends one (DELETE …/subscriptions/{msisdn}) after
 * ticking a confirmation. Plain POST forms, no JavaScript; each rendering carries a once-token
 * (form-once.ts), so a double click registers one service, sends one notice and ends a subscription once.
 */
import type { ChargedServiceView, ChargedSubscriptionView } from '../../app/charged-services.js';
import { yuan } from '../../domain/charge-notice-text.js';
import { t, tk, type Lang } from '../i18n.js';
import { alertBox, esc, field, fmtTime, providerLabel, providerSelect } from '../html.js';

/** What the list page shows: the use case's services, the providers' names, and the register form's state. */
export interface ChargedServicesView {
  services: ChargedServiceView[];
  /** Provider names by id (those the viewer may read); an id without a name is shown as it is. */
  names: Map<string, string>;
  /** The operator's: the register form, with the providers to choose from. */
  canRegister: boolean;
  /** The operator's and a regulator's: the provider filter. */
  canFilter: boolean;
  providers: { id: string; name: string }[];
  /** The form as posted (a refused one comes back filled in), with its once-token. */
  values: Record<string, string>;
  /** The provider filter as asked (the operator's `?contentProviderId=`). */
  contentProviderId: string;
}

export interface ChargedFlash {
  done?: 'register' | 'end' | 'subscribe';
  error?: string;
  /** The register form's field the refusal is about (its name in the form): marked invalid, described by the refusal. */
  field?: string;
}

/** The refusal's id, for the register form's field it is about to point at. */
const REGISTER_ERROR = 'register-error';

/** The tariff as the notice states it, in yuan: `2 元/月`, `0.1 元/条`. */
export function tariffCell(lang: Lang, s: Pick<ChargedServiceView, 'tariff'>): string {
  return `${yuan(s.tariff.amountFen)} ${t(lang, s.tariff.per === 'month' ? 'chPerMonthUnit' : 'chPerMessageUnit')}`;
}

function registerForm(lang: Lang, v: ChargedServicesView, refused?: string): string {
  const val = (k: string) => v.values[k] ?? '';
  // the refused field is marked invalid and described by the refusal above, so a screen reader says why there
  const err = (name: string) => (refused === name ? REGISTER_ERROR : undefined);
  const invalid = (name: string) => (refused === name ? ` aria-invalid="true" aria-describedby="${REGISTER_ERROR}"` : '');
  const opts = [`<option value="">${esc(t(lang, 'chChooseProvider'))}</option>`, ...v.providers.map((c) => `<option value="${esc(c.id)}"${c.id === val('contentProviderId') ? ' selected' : ''}>${esc(c.name)} (${esc(c.id)})</option>`)].join('');
  const per = ['month', 'message'].map((x) => `<option value="${x}"${x === (val('per') || 'month') ? ' selected' : ''}>${esc(tk(lang, `chPer_${x}`))}</option>`).join('');
  return `<section aria-labelledby="register-h"><h2 id="register-h">${esc(t(lang, 'chRegister'))}</h2>
<p class="hint">${esc(t(lang, 'chRegisterHint'))}</p>
<form method="post" action="/web/charged-services" id="register-form">
<input type="hidden" name="once" value="${esc(val('once'))}">
<label for="ch-provider">${esc(t(lang, 'provider'))} <span aria-hidden="true">*</span></label>
<select id="ch-provider" name="contentProviderId" required${invalid('contentProviderId')}>${opts}</select>
${field({ id: 'ch-name', name: 'name', label: t(lang, 'chName'), value: val('name'), required: true, hint: t(lang, 'chNameHint'), attrs: 'maxlength="40"', error: err('name') })}
${field({ id: 'ch-port', name: 'port', label: t(lang, 'chPort'), value: val('port'), required: true, hint: t(lang, 'chPortHint'), attrs: 'inputmode="numeric" maxlength="21"', error: err('port') })}
${field({ id: 'ch-amount', name: 'amountYuan', label: t(lang, 'chAmount'), value: val('amountYuan'), required: true, hint: t(lang, 'chAmountHint'), attrs: 'inputmode="decimal" maxlength="12"', error: err('amountYuan') })}
<label for="ch-per">${esc(t(lang, 'chMethod'))}</label>
<select id="ch-per" name="per"${invalid('per')}>${per}</select>
<button type="submit">${esc(t(lang, 'chRegisterBtn'))}</button>
</form></section>`;
}

export function chargedServicesPage(lang: Lang, v: ChargedServicesView, flash: ChargedFlash = {}): string {
  const done = flash.done ? `<p class="ok" role="status" id="charged-done">${esc(t(lang, flash.done === 'register' ? 'chDone_register' : 'chDone_end'))}</p>` : '';
  const error = flash.error ? alertBox(flash.error, lang, flash.field ? REGISTER_ERROR : undefined) : '';
  const filter = v.canFilter ? `<form method="get" action="/web/charged-services" id="charged-filter">
${providerSelect({ id: 'ch-filter-provider', label: t(lang, 'provider'), value: v.contentProviderId, providers: [...v.names].map(([id, name]) => ({ id, name })), first: t(lang, 'recAny') })}
<button type="submit">${esc(t(lang, 'filter'))}</button>
</form>` : '';
  const rows = v.services.map((s) => `<tr data-service="${esc(s.id)}">
<td class="service-name"><a href="/web/charged-services/${encodeURIComponent(s.id)}">${esc(s.name)}</a></td>
<td class="service-tariff">${esc(tariffCell(lang, s))}</td>
<td class="service-method">${esc(tk(lang, `chPer_${s.tariff.per}`))}</td>
<td class="service-provider">${providerLabel(v.names, s.contentProviderId)}</td>
<td class="mono service-port">${esc(s.port)}</td>
<td>${esc(fmtTime(s.createdAt))}</td></tr>`).join('');
  const list = v.services.length === 0
    ? `<p id="no-services">${esc(t(lang, 'chNone'))}</p>`
    : `<table id="charged-services" aria-labelledby="services-h">
<thead><tr><th scope="col">${esc(t(lang, 'chName'))}</th><th scope="col">${esc(t(lang, 'chTariff'))}</th><th scope="col">${esc(t(lang, 'chMethod'))}</th><th scope="col">${esc(t(lang, 'provider'))}</th><th scope="col">${esc(t(lang, 'chPort'))}</th><th scope="col">${esc(t(lang, 'registeredAt'))}</th></tr></thead>
<tbody>${rows}</tbody></table>`;
  return `${done}${error}<p class="hint">${esc(t(lang, 'chIntro'))}</p>${filter}<h2 id="services-h">${esc(t(lang, 'chList'))}</h2>${list}${v.canRegister ? registerForm(lang, v, flash.field) : ''}`;
}

/** One service's page: its facts, a page of its subscriptions, and (the provider's) the end form per live one. */
export interface ChargedServiceDetail {
  service: ChargedServiceView;
  providerName: string | null;
  subscriptions: ChargedSubscriptionView[];
  nextCursor: string | null;
  /** The cursor this page was asked with (a "first page" link where it is not the first). */
  cursor: string | null;
  /** The provider's: end a live subscription. */
  canEnd: boolean;
  /** A fresh once-token for each end form of this rendering. */
  token: () => string;
  /** The number a refused end was about (its row marked). */
  refusedMsisdn?: string;
  /** The provider's: the subscribe form, as posted when refused (its once-token released for the resend). */
  subscribe?: SubscribeForm;
}

/** The subscribe form's state: the number as typed, its once-token, and a refusal said next to it. */
export interface SubscribeForm {
  msisdn: string;
  once: string;
  /** The refusal, in the page's language. */
  error?: string;
  /** Whether the refusal is the number's (the field marked invalid). */
  onField?: boolean;
}

/** The provider's form for POST /v1/charged-services/{id}/subscriptions: one field, the number. */
function subscribeForm(lang: Lang, base: string, v: SubscribeForm): string {
  const error = v.error ? `<div id="subscribe-error">${alertBox(v.error, lang)}</div>` : '';
  const invalid = v.onField ? ' aria-invalid="true" aria-errormessage="subscribe-error"' : '';
  return `<section aria-labelledby="subscribe-h"><h2 id="subscribe-h">${esc(t(lang, 'chSubscribe'))}</h2>
<p class="hint">${esc(t(lang, 'chSubscribeHint'))}</p>
${error}<form method="post" action="${esc(`${base}/subscribe`)}" id="subscribe-form">
<input type="hidden" name="once" value="${esc(v.once)}">
${field({ id: 'ch-sub-msisdn', name: 'msisdn', label: t(lang, 'chSubscribeNumber'), type: 'tel', value: v.msisdn, required: true, hint: t(lang, 'chSubscribeNumberHint'), attrs: `inputmode="tel" maxlength="32" autocomplete="off"${invalid}` })}
<button type="submit">${esc(t(lang, 'chSubscribeBtn'))}</button>
</form></section>`;
}

export function chargedServicePage(lang: Lang, d: ChargedServiceDetail, flash: ChargedFlash = {}): string {
  const s = d.service;
  const base = `/web/charged-services/${encodeURIComponent(s.id)}`;
  const done = flash.done === 'end' || flash.done === 'subscribe' ? `<p class="ok" role="status" id="charged-done">${esc(t(lang, flash.done === 'end' ? 'chDone_end' : 'chDone_subscribe'))}</p>` : '';
  const error = flash.error ? alertBox(flash.error, lang) : '';
  const endForm = (x: ChargedSubscriptionView, i: number) => x.status !== 'active' ? '—' : `<form method="post" action="${esc(`${base}/end`)}" class="end-form">
<input type="hidden" name="once" value="${esc(d.token())}"><input type="hidden" name="msisdn" value="${esc(x.msisdn)}">
<input type="checkbox" id="end-confirm-${i}" name="confirm" value="yes" required> <label class="choice" for="end-confirm-${i}">${esc(t(lang, 'chEndConfirm'))}</label>
<button type="submit" class="secondary" aria-label="${esc(`${t(lang, 'chEnd')} ${x.msisdn}`)}">${esc(t(lang, 'chEnd'))}</button>
</form>`;
  const rows = d.subscriptions.map((x, i) => `<tr data-subscription="${esc(x.id)}" data-msisdn="${esc(x.msisdn)}"${x.msisdn === d.refusedMsisdn ? ' data-refused="true" class="refused"' : ''}>
<td class="mono sub-msisdn">${esc(x.msisdn)}</td>
<td class="sub-status"><span class="state">${esc(tk(lang, `chSt_${x.status}`))}</span></td>
<td class="sub-started">${esc(fmtTime(x.startedAt))}</td>
<td class="sub-ended">${esc(fmtTime(x.endedAt))}</td>
<td class="sub-reason">${esc(x.endReason ? tk(lang, `chEnd_${x.endReason}`) : '—')}</td>
${d.canEnd ? `<td>${endForm(x, i)}</td>` : ''}</tr>`).join('');
  const next = d.nextCursor ? `<p><a id="next-page" href="${esc(`${base}?cursor=${encodeURIComponent(d.nextCursor)}`)}">${esc(t(lang, 'nextPage'))} →</a></p>` : '';
  const first = d.cursor ? `<p><a id="first-page" href="${esc(base)}">${esc(t(lang, 'rvFirstPage'))}</a></p>` : '';
  const list = d.subscriptions.length === 0
    ? `<p id="no-subscriptions">${esc(t(lang, 'chNoSubs'))}</p>`
    : `<table id="subscriptions" aria-labelledby="subs-h">
<thead><tr><th scope="col">${esc(t(lang, 'sbNumber'))}</th><th scope="col">${esc(t(lang, 'chSubStatus'))}</th><th scope="col">${esc(t(lang, 'chStarted'))}</th><th scope="col">${esc(t(lang, 'chEnded'))}</th><th scope="col">${esc(t(lang, 'chEndReason'))}</th>${d.canEnd ? `<th scope="col">${esc(t(lang, 'cpAction'))}</th>` : ''}</tr></thead>
<tbody>${rows}</tbody></table>`;
  return `<p><a href="/web/charged-services">← ${esc(t(lang, 'chBack'))}</a></p>
${done}${error}<dl class="facts" id="service">
<dt>${esc(t(lang, 'chName'))}</dt><dd id="service-name">${esc(s.name)}</dd>
<dt>${esc(t(lang, 'chTariff'))}</dt><dd id="service-tariff">${esc(tariffCell(lang, s))}</dd>
<dt>${esc(t(lang, 'chMethod'))}</dt><dd id="service-method">${esc(tk(lang, `chPer_${s.tariff.per}`))}</dd>
<dt>${esc(t(lang, 'provider'))}</dt><dd id="service-provider">${esc(d.providerName ?? s.contentProviderId)} <span class="mono">${esc(s.contentProviderId)}</span></dd>
<dt>${esc(t(lang, 'chPort'))}</dt><dd class="mono">${esc(s.port)}</dd>
<dt>${esc(t(lang, 'chUnsubscribe'))}</dt><dd>${esc(t(lang, 'chUnsubscribeHow'))}</dd>
<dt>${esc(t(lang, 'chId'))}</dt><dd class="mono">${esc(s.id)}</dd>
</dl>
${d.subscribe ? subscribeForm(lang, base, d.subscribe) : ''}<section aria-labelledby="subs-h"><h2 id="subs-h">${esc(t(lang, 'chSubs'))}</h2>
<p class="hint">${esc(t(lang, d.canEnd ? 'chSubsIntroEnd' : 'chSubsIntro'))}</p>
${list}${next}${first}</section>`;
}
