/**
 * The carrier links page (`/web/links`, the operator): each upstream SMPP link of this process with
 * its state, load, throttling, routing (prefixes, the carrier it reaches for ported numbers, weight),
 * reconnects, last error and counters, how it binds (one transceiver, or a transmitter and a
 * receiver, each session with its own state), from the same use case as
 * `GET /v1/upstream-links` (src/app/upstream-links.ts). Reload the page for fresh figures: it needs
 * no JavaScript. Each link has a stop or start button: a plain POST form (POST /web/links/{name}/stop
 * or /start), protected as the other /web forms by the SameSite=Strict sign-in cookie.
 */
import type { UpstreamLinksView } from '../../app/upstream-links.js';
import type { UpstreamLinkStatus, UpstreamSessionStatus } from '../../ports/upstream-links.js';
import { colon, t, tk, type Lang } from '../i18n.js';
import { esc } from '../html.js';

/** A time to the second, in Shanghai (a link's events are seconds apart). */
function fmtSecond(ms: number | null): string {
  if (ms === null) return '—';
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** One session of a tx+rx link: its bind type and state (a receiver down loses receipts, not sends). */
function sessionItem(lang: Lang, s: UpstreamSessionStatus): string {
  return `<li class="link-session" data-bind="${esc(s.bindType)}"><span class="session-type">${esc(tk(lang, `lkb_${s.bindType}`))}</span>${colon(lang)}<span class="session-state">${esc(tk(lang, `lks_${s.state}`))}</span>${s.boundSince !== null ? ` <span class="hint">${lang === 'en' ? '(' : '（'}${esc(t(lang, 'lkSessionSince'))} ${esc(fmtSecond(s.boundSince))}${lang === 'en' ? ')' : '）'}</span>` : ''}</li>`;
}

/** The bind mode; for tx+rx each session too (the link's state is its transmitter's). */
function bindCell(lang: Lang, l: UpstreamLinkStatus): string {
  const mode = `<span class="link-bind" data-bind-mode="${esc(l.bind)}">${esc(tk(lang, `lkBind_${l.bind}`))}</span>`;
  if (l.bind !== 'tx+rx') return `<td>${mode}</td>`;
  return `<td>${mode}<ul class="link-sessions">${l.sessions.map((s) => sessionItem(lang, s)).join('')}</ul></td>`;
}

function linkRow(lang: Lang, l: UpstreamLinkStatus): string {
  const c = l.counters;
  const cap = l.throughput > 0 ? `${l.throughput}/s` : t(lang, 'lkUncapped');
  return `<tr data-link="${esc(l.name)}">
<th scope="row">${esc(l.name)}</th>
<td class="mono">${esc(`${l.host}:${l.port}`)}${l.tls ? ' TLS' : ''}<br>${esc(l.systemId)}</td>
<td><span class="state link-state">${esc(tk(lang, `lks_${l.state}`))}</span>${l.boundSince !== null ? `<br><span class="hint">${esc(t(lang, 'lkSince'))} ${esc(fmtSecond(l.boundSince))}</span>` : ''}${l.stoppedAt !== null ? `<br><span class="hint link-stopped">${esc(fmtSecond(l.stoppedAt))} ${esc(t(lang, 'lkStoppedBy'))} ${esc(l.stoppedBy ?? '')}</span>` : ''}</td>
${bindCell(lang, l)}
<td class="link-load">${l.inFlight} / ${l.window}</td>
<td class="link-queued">${l.queued}</td>
<td>${esc(cap)}${l.throttledUntil !== null ? `<br><span class="overdue">${esc(t(lang, 'lkThrottledUntil'))} ${esc(fmtSecond(l.throttledUntil))}</span>` : ''}</td>
<td><span class="link-prefixes">${esc(l.prefixes.length ? l.prefixes.join(', ') : t(lang, 'lkAnyPrefix'))}</span><br>${esc(t(lang, 'lkCarrier'))} <span class="link-carrier">${esc(l.carrier ?? t(lang, 'lkNoCarrier'))}</span><br><span class="hint">${esc(t(lang, 'lkWeight'))} <span class="link-weight">${l.weight}</span></span></td>
<td class="link-counters">${esc(t(lang, 'lkSubmitted'))} <span class="link-submitted">${c.submitted}</span><br>${esc(t(lang, 'lkFailed'))} ${c.submitFailed} · ${esc(t(lang, 'lkThrottled'))} ${c.throttled}<br>${esc(t(lang, 'lkReceipts'))} ${c.receipts} · MO ${c.mo}</td>
<td class="link-reconnects">${l.reconnects}</td>
<td>${l.lastError ? `${esc(l.lastError.message)}<br><span class="hint">${esc(fmtSecond(l.lastError.at))}</span>` : '—'}</td>
<td>${controlForm(lang, l)}</td>
</tr>`;
}

/** Stop for a link in service, start for a stopped one (a state the thread has not told: none). */
function controlForm(lang: Lang, l: UpstreamLinkStatus): string {
  if (l.state === 'unknown') return '—';
  const act = l.state === 'stopped' ? 'start' : 'stop';
  const label = t(lang, act === 'stop' ? 'lkStop' : 'lkStart');
  return `<form method="post" action="/web/links/${encodeURIComponent(l.name)}/${act}"><button type="submit" class="link-${act}" aria-label="${esc(`${label} ${l.name}`)}">${esc(label)}</button></form>`;
}

/** `done`: the act just made (the redirect after the form's POST says which). */
export function linksPage(lang: Lang, v: UpstreamLinksView, done?: 'stop' | 'start'): string {
  if (!v.egress) return `<p class="notice" id="no-egress">${esc(t(lang, 'lkNoEgress'))}</p>`;
  const head = ['lkName', 'lkAddress', 'lkState', 'lkBind', 'lkInFlight', 'lkQueued', 'lkThroughput', 'lkRouting', 'lkCounters', 'lkReconnects', 'lkLastError', 'lkAction'] as const;
  return `${done ? `<p class="ok" role="status" id="links-done">${esc(t(lang, done === 'stop' ? 'lkDone_stop' : 'lkDone_start'))}</p>` : ''}<p class="hint">${esc(t(lang, 'lkAsOf'))} ${esc(fmtSecond(v.at))}${lang === 'en' ? '. ' : '。'}${esc(t(lang, 'lkReload'))}</p>
${v.stale ? `<p class="alert" role="alert" id="links-stale">${esc(t(lang, 'lkStale'))}</p>` : ''}
<p class="hint">${esc(t(lang, 'lkStopHint'))}</p>
<table id="links">
<thead><tr>${head.map((k) => `<th scope="col">${esc(t(lang, k))}</th>`).join('')}</tr></thead>
<tbody>${v.links.map((l) => linkRow(lang, l)).join('')}</tbody></table>`;
}
