/**
 * The carrier links page (`/web/links`, the operator): each upstream SMPP link of this process with
 * its state, load, throttling, reconnects, last error and counters, from the same use case as
 * `GET /v1/upstream-links` (src/app/upstream-links.ts). Reload the page for fresh figures: it needs
 * no JavaScript.
 */
import type { UpstreamLinksView } from '../../app/upstream-links.js';
import type { UpstreamLinkStatus } from '../../ports/upstream-links.js';
import { t, tk, type Lang } from '../i18n.js';
import { esc } from '../html.js';

/** A time to the second, in Shanghai (a link's events are seconds apart). */
function fmtSecond(ms: number | null): string {
  if (ms === null) return '—';
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

function linkRow(lang: Lang, l: UpstreamLinkStatus): string {
  const c = l.counters;
  const cap = l.throughput > 0 ? `${l.throughput}/s` : t(lang, 'lkUncapped');
  return `<tr data-link="${esc(l.name)}">
<th scope="row">${esc(l.name)}</th>
<td class="mono">${esc(`${l.host}:${l.port}`)}${l.tls ? ' TLS' : ''}<br>${esc(l.systemId)}</td>
<td><span class="state link-state">${esc(tk(lang, `lks_${l.state}`))}</span>${l.boundSince !== null ? `<br><span class="hint">${esc(t(lang, 'lkSince'))} ${esc(fmtSecond(l.boundSince))}</span>` : ''}</td>
<td class="link-load">${l.inFlight} / ${l.window}</td>
<td class="link-queued">${l.queued}</td>
<td>${esc(cap)}${l.throttledUntil !== null ? `<br><span class="overdue">${esc(t(lang, 'lkThrottledUntil'))} ${esc(fmtSecond(l.throttledUntil))}</span>` : ''}</td>
<td>${esc(l.prefixes.length ? l.prefixes.join(', ') : t(lang, 'lkAnyPrefix'))}<br><span class="hint">${esc(t(lang, 'lkWeight'))} ${l.weight}</span></td>
<td class="link-counters">${esc(t(lang, 'lkSubmitted'))} <span class="link-submitted">${c.submitted}</span><br>${esc(t(lang, 'lkFailed'))} ${c.submitFailed} · ${esc(t(lang, 'lkThrottled'))} ${c.throttled}<br>${esc(t(lang, 'lkReceipts'))} ${c.receipts} · MO ${c.mo}</td>
<td class="link-reconnects">${l.reconnects}</td>
<td>${l.lastError ? `${esc(l.lastError.message)}<br><span class="hint">${esc(fmtSecond(l.lastError.at))}</span>` : '—'}</td>
</tr>`;
}

export function linksPage(lang: Lang, v: UpstreamLinksView): string {
  if (!v.egress) return `<p class="notice" id="no-egress">${esc(t(lang, 'lkNoEgress'))}</p>`;
  const head = ['lkName', 'lkAddress', 'lkState', 'lkInFlight', 'lkQueued', 'lkThroughput', 'lkRouting', 'lkCounters', 'lkReconnects', 'lkLastError'] as const;
  return `<p class="hint">${esc(t(lang, 'lkAsOf'))} ${esc(fmtSecond(v.at))}${lang === 'en' ? '. ' : '。'}${esc(t(lang, 'lkReload'))}</p>
${v.stale ? `<p class="alert" role="alert" id="links-stale">${esc(t(lang, 'lkStale'))}</p>` : ''}
<table id="links">
<thead><tr>${head.map((k) => `<th scope="col">${esc(t(lang, k))}</th>`).join('')}</tr></thead>
<tbody>${v.links.map((l) => linkRow(lang, l)).join('')}</tbody></table>`;
}
