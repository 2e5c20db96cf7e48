/**
 * The review queue and early warning page (`/web/review`, docs/CONTENT.md): the messages an
 * early-warning hold (or content needing review) parked, oldest first, each with when and why it was
 * held and when its hold ends, with Release and Reject forms; the recent alerts; and the automatic
 * actions in force with a Lift button. The held messages and the alerts page on with their API's cursor
 * (`heldCursor`, `alertsCursor`: plain next-page and first-page links). Each part comes from the same use case as its API
 * (`GET /v1/review-queue`, `GET /v1/alerts`, `GET /v1/early-warning/actions`) and is shown only to
 * the roles that API answers; each alert and action about a provider or port carries the key's
 * baseline as `GET /v1/early-warning/baselines/{scope}/{key}` gives it (to the roles it answers). The
 * forms are the operator's (`POST /v1/review-queue/{id}/release|reject`,
 * `POST /v1/early-warning/actions/{id}/lift`, `POST /v1/early-warning/baselines/{scope}/{key}/reset`). Plain POST forms, no JavaScript, protected as the other
 * /web forms by the SameSite=Strict sign-in cookie.
 */
import type { ListedHeld } from '../../app/review-queue.js';
import type { AlertRow } from '../../ports/content.js';
import type { ActionRecord } from '../../content/actions.js';
import type { ProposedAction } from '../../content/early-warning.js';
import type { BaselineView } from '../../app/content-governance.js';
import { colon, t, tk, tkOr, type Lang } from '../i18n.js';
import { alertBox, esc, fmtTime, providerLabel } from '../html.js';
import { ruleName } from '../rule-labels.js';
import { decodeKeysetCursor } from '../../domain/page-cursor.js';

/** Why a message was held: the stage that held it, what it said, and the early-warning action it names. */
export interface HeldWhy {
  rule: string | null;
  note: string | null;
  /** The action the hold came from, when the viewer may read the actions (the operator). */
  action: ActionRecord | null;
}

export interface ReviewView {
  /** Null when the viewer's role may not list the queue (the API answers 403). */
  held: { m: ListedHeld; why: HeldWhy }[] | null;
  /** Null when the viewer may not read alerts, or content governance is not installed. */
  alerts: AlertRow[] | null;
  /** Null when the viewer may not read the actions, or content governance is not installed. */
  actions: ActionRecord[] | null;
  /** Content governance installed (alerts and actions exist at all). */
  governance: boolean;
  /**
   * Each listed key's baseline (`baselineKey(scope, key)`), null for a key the monitor does not know
   * yet; the whole map null when the viewer may not read baselines (the API answers 403: a regulator).
   */
  baselines: Map<string, BaselineView | null> | null;
  /** Release, reject, lift and reset a baseline: the operator's. */
  canDecide: boolean;
  /** Provider names by id (those the viewer may read), for the lists' provider and scope columns. */
  names: ReadonlyMap<string, string>;
  /** Where each list's page starts and the cursor of its next page (null: the last page). */
  paging?: ReviewCursors & { heldNext: string | null; alertsNext: string | null };
}

/**
 * Held messages a page shows: the API's default page. A thousand rows (the API's most) was more than
 * a person reads through or a browser draws quickly with two forms a row.
 */
export const REVIEW_HELD_PAGE = 100;
/** Alerts a page shows, newest first. */
export const REVIEW_ALERTS_PAGE = 50;

/**
 * Where the page's two lists start: each the `nextCursor` its API handed out, in a query parameter of
 * its own, so paging one list keeps the other where it is. Absent: the first page.
 */
export interface ReviewCursors {
  heldCursor?: string;
  alertsCursor?: string;
}

/**
 * The cursors of the page's query, each checked as its API checks it (decodeKeysetCursor), here and
 * for every role, so a cursor the API never handed out is the same 400 (`cursor_invalid`, naming the
 * parameter) whether or not the viewer may read that list. An empty value is the first page.
 */
export function reviewCursors(q: Record<string, unknown>): ReviewCursors {
  const out: ReviewCursors = {};
  for (const name of ['heldCursor', 'alertsCursor'] as const) {
    const raw = q[name];
    if (raw === undefined || raw === '') continue;
    // a repeated parameter (an array) is not a cursor either
    decodeKeysetCursor(typeof raw === 'string' ? raw : '', name);
    out[name] = raw as string;
  }
  return out;
}

/** The page's address with these cursors (the other filters the page has), to a list's heading. */
function reviewHref(c: ReviewCursors, anchor: string): string {
  const q = new URLSearchParams();
  if (c.heldCursor) q.set('heldCursor', c.heldCursor);
  if (c.alertsCursor) q.set('alertsCursor', c.alertsCursor);
  const s = q.toString();
  return `/web/review${s ? `?${s}` : ''}#${anchor}`;
}

/**
 * A list's paging links: its next page (the API's cursor, the other list kept) and, once paged on,
 * back to its first page. Plain links: no JavaScript.
 */
function pagingLinks(lang: Lang, v: ReviewView, list: 'held' | 'alerts'): string {
  const pg = v.paging;
  if (!pg) return '';
  const key = list === 'held' ? 'heldCursor' : 'alertsCursor';
  const anchor = list === 'held' ? 'queue-heading' : 'alerts-heading';
  const next = list === 'held' ? pg.heldNext : pg.alertsNext;
  const cur: ReviewCursors = { heldCursor: pg.heldCursor, alertsCursor: pg.alertsCursor };
  const links = [
    pg[key] ? `<a id="${list}-first" href="${esc(reviewHref({ ...cur, [key]: undefined }, anchor))}">← ${esc(t(lang, 'rvFirstPage'))}</a>` : '',
    next ? `<a id="${list}-next" rel="next" href="${esc(reviewHref({ ...cur, [key]: next }, anchor))}">${esc(t(lang, list === 'held' ? 'rvHeldNext' : 'rvAlertsNext'))} →</a>` : '',
  ].filter(Boolean);
  return links.length ? `<p class="paging">${links.join(' · ')}</p>` : '';
}

/** The baselines map's key for a provider or port. */
export const baselineKey = (scope: string, key: string): string => `${scope}\u0000${key}`;

export interface ReviewFlash {
  done?: 'release' | 'reject' | 'lift' | 'reset';
  /** A rejection of the last form, in words (the code's label, the message, the rule). */
  error?: string;
  /** The held message a refused release or reject was about (marked in the list). */
  refusedId?: string;
}

function actionText(lang: Lang, a: ProposedAction): string {
  const kind = tk(lang, `rvKind_${a.kind}`);
  return a.kind === 'throttle' ? `${kind} ${a.perSecond} ${t(lang, 'rvPerSecond')}` : kind;
}

/** What an alert or action is about: a provider by its name, a port with its provider's name (an id without a name as it is). */
function scopeText(lang: Lang, names: ReadonlyMap<string, string>, scope: string, key: string, cpId: string): string {
  return scope === 'port' ? `${tk(lang, 'rvScope_port')} ${key} (${names.get(cpId) ?? cpId})` : `${tk(lang, 'rvScope_provider')} ${names.get(key) ?? key}`;
}

/** The monitor's figures by their labels (a name the table lacks as it is): `投诉率 0.002, 提交 40`. */
function figuresText(lang: Lang, f: Record<string, number>): string {
  const parts = Object.entries(f).map(([k, v]) => `${tkOr(lang, `fig_${k}`) ?? k} ${Number.isInteger(v) ? v : v.toFixed(3)}`);
  return parts.length ? parts.join(', ') : '—';
}

/** A whole count as it is, a mean to one decimal. */
const num = (v: number | undefined): string => (v === undefined ? '—' : Number.isInteger(v) ? String(v) : v.toFixed(1));

/**
 * The key's baseline cell: its window's submissions, the baseline per window and how many periods
 * built it, the last reset; "no baseline yet" for a key the monitor has not counted; for the operator
 * the reset form. Empty when the viewer may not read baselines.
 */
function baselineCell(lang: Lang, v: ReviewView, scope: string, key: string): string {
  if (!v.baselines) return '';
  const b = v.baselines.get(baselineKey(scope, key));
  if (!b) return `<td class="baseline"><span class="no-baseline">${esc(t(lang, 'rvNoBaseline'))}</span></td>`;
  const f = b.figures;
  const figures = `<span class="baseline-figures">${esc(t(lang, 'rvWindowSubmitted'))} <span class="baseline-submitted">${num(f.submitted)}</span><br>${esc(t(lang, 'rvBaselinePerWindow'))} <span class="baseline-per-window">${num(f.baselinePerWindow)}</span><br>${esc(t(lang, 'rvBaselineBuckets'))} <span class="baseline-buckets">${num(f.baselineBuckets)}</span><br><span class="hint baseline-reset-at">${b.resetAt !== null ? `${esc(t(lang, 'rvResetAt'))} ${esc(fmtTime(b.resetAt))}` : esc(t(lang, 'rvNeverReset'))}</span></span>`;
  const label = `${t(lang, 'rvResetBaseline')} ${tk(lang, `rvScope_${b.scope}`)} ${b.key}`;
  const form = v.canDecide
    ? `<form method="post" action="/web/review/baselines/${encodeURIComponent(b.scope)}/${encodeURIComponent(b.key)}/reset"><button type="submit" class="secondary reset-baseline" aria-label="${esc(label)}">${esc(t(lang, 'rvResetBaseline'))}</button></form>`
    : '';
  return `<td class="baseline">${figures}${form}</td>`;
}

function heldRow(lang: Lang, names: ReadonlyMap<string, string>, m: ListedHeld, why: HeldWhy, canDecide: boolean, refused: boolean, i: number): string {
  const whyText = [
    why.rule ? esc(ruleName(lang, why.rule)) : '',
    why.action ? `${esc(t(lang, 'rvByAction'))} <span class="mono">${esc(why.action.id)}</span>${colon(lang)}${esc(ruleName(lang, why.action.rule))} · ${esc(actionText(lang, why.action.action))}` : '',
    why.note ? `<span class="hint">${esc(why.note)}</span>` : '',
  ].filter(Boolean).join('<br>') || '—';
  const forms = canDecide
    ? `<td><form method="post" action="/web/review/${encodeURIComponent(m.id)}/release" class="release-form">
<label for="release-reason-${i}">${esc(t(lang, 'rvReleaseReason'))}</label>
<input id="release-reason-${i}" name="reason" type="text" maxlength="1000">
<button type="submit" class="release" aria-label="${esc(`${t(lang, 'rvRelease')} ${m.id}`)}">${esc(t(lang, 'rvRelease'))}</button>
</form>
<form method="post" action="/web/review/${encodeURIComponent(m.id)}/reject" class="reject-form">
<label for="reject-reason-${i}">${esc(t(lang, 'rvRejectReason'))}</label>
<input id="reject-reason-${i}" name="reason" type="text" maxlength="1000" required>
<button type="submit" class="secondary reject" aria-label="${esc(`${t(lang, 'rvReject')} ${m.id}`)}">${esc(t(lang, 'rvReject'))}</button>
</form></td>`
    : '';
  return `<tr data-held="${esc(m.id)}"${refused ? ' data-refused="true" class="refused"' : ''}>
<td class="held-at">${esc(fmtTime(m.heldAt))}</td>
<td class="held-provider">${providerLabel(names, m.contentProviderId)}</td>
<td class="mono"><span class="held-from">${esc(m.from)}</span><br><span class="held-to">${esc(m.to)}</span></td>
<td class="held-text">${esc(m.text)}</td>
<td class="held-why">${whyText}</td>
<td class="held-expires">${esc(fmtTime(m.expiresAt))}${m.validUntil !== undefined && m.validUntil !== null ? `<br><span class="hint">${esc(t(lang, 'rvValidUntil'))} ${esc(fmtTime(m.validUntil))}</span>` : ''}</td>
<td class="mono">${esc(m.id)}</td>
${forms}</tr>`;
}

function queueSection(lang: Lang, v: ReviewView, flash: ReviewFlash): string {
  if (!v.held) return '';
  const intro = `<p class="hint">${esc(t(lang, v.canDecide ? 'rvQueueIntro' : 'rvQueueReadOnly'))}</p>`;
  if (v.held.length === 0) return `<h2 id="queue-heading">${esc(t(lang, 'rvQueue'))}</h2>${intro}<p id="no-held">${esc(t(lang, 'rvNoHeld'))}</p>${pagingLinks(lang, v, 'held')}`;
  const head = ['rvHeldAt', 'colProvider', 'rvFromTo', 'mlText', 'rvWhy', 'rvExpires', 'mlId', ...(v.canDecide ? ['lkAction' as const] : [])] as const;
  return `<h2 id="queue-heading">${esc(t(lang, 'rvQueue'))}</h2>${intro}
<table id="held" aria-labelledby="queue-heading">
<thead><tr>${head.map((k) => `<th scope="col">${esc(t(lang, k))}</th>`).join('')}</tr></thead>
<tbody>${v.held.map(({ m, why }, i) => heldRow(lang, v.names, m, why, v.canDecide, m.id === flash.refusedId, i)).join('')}</tbody></table>${pagingLinks(lang, v, 'held')}`;
}

function alertsSection(lang: Lang, v: ReviewView): string {
  const alerts = v.alerts;
  if (!alerts) return '';
  const intro = `<h2 id="alerts-heading">${esc(t(lang, 'rvAlerts'))}</h2><p class="hint">${esc(t(lang, 'rvAlertsIntro'))}</p>`;
  if (alerts.length === 0) return `${intro}<p id="no-alerts">${esc(t(lang, 'rvNoAlerts'))}</p>${pagingLinks(lang, v, 'alerts')}`;
  const head = ['rvRaised', 'colProvider', 'rvScope', 'rvRule', 'rvFigure', 'rvSeverity', 'rvAction', ...(v.baselines ? ['rvBaseline' as const] : [])] as const;
  const rows = alerts.map((a) => `<tr data-alert="${esc(a.id)}">
<td>${esc(fmtTime(a.at))}</td>
<td>${providerLabel(v.names, a.contentProviderId)}</td>
<td>${esc(scopeText(lang, v.names, a.scope, a.key, a.contentProviderId))}</td>
<td class="alert-rule">${esc(ruleName(lang, a.rule))}<br><span class="hint">${esc(tkOr(lang, `fig_${a.metric}`) ?? a.metric)}</span></td>
<td>${esc(figuresText(lang, { [a.metric]: a.value }))} / ${esc(String(a.threshold))}</td>
<td>${esc(tk(lang, `rvSev_${a.severity}`))}</td>
<td class="alert-action">${esc(actionText(lang, a.action))}${a.actionId ? `<br><span class="hint mono">${esc(a.actionId)}</span>` : ''}</td>
${baselineCell(lang, v, a.scope, a.key)}</tr>`).join('');
  return `${intro}<table id="alerts" aria-labelledby="alerts-heading">
<thead><tr>${head.map((k) => `<th scope="col">${esc(t(lang, k))}</th>`).join('')}</tr></thead>
<tbody>${rows}</tbody></table>${pagingLinks(lang, v, 'alerts')}`;
}

function actionsSection(lang: Lang, v: ReviewView): string {
  const actions = v.actions;
  const canLift = v.canDecide;
  if (!actions) return '';
  const intro = `<h2 id="actions-heading">${esc(t(lang, 'rvActions'))}</h2><p class="hint">${esc(t(lang, 'rvActionsIntro'))}</p>`;
  if (actions.length === 0) return `${intro}<p id="no-actions">${esc(t(lang, 'rvNoActions'))}</p>`;
  const head = ['rvAction', 'rvScope', 'rvSince', 'rvRule', 'rvFigures', ...(v.baselines ? ['rvBaseline' as const] : []), 'rvActionId', ...(canLift ? ['lkAction' as const] : [])] as const;
  const rows = actions.map((a) => `<tr data-action="${esc(a.id)}">
<td class="action-kind">${esc(actionText(lang, a.action))}</td>
<td>${esc(scopeText(lang, v.names, a.scope, a.key, a.contentProviderId))}</td>
<td>${esc(fmtTime(a.at))}</td>
<td class="action-rule">${esc(ruleName(lang, a.rule))}</td>
<td>${esc(figuresText(lang, a.figures))}</td>
${baselineCell(lang, v, a.scope, a.key)}
<td class="mono">${esc(a.id)}</td>
${canLift ? `<td><form method="post" action="/web/review/actions/${encodeURIComponent(a.id)}/lift"><button type="submit" class="lift" aria-label="${esc(`${t(lang, 'rvLift')} ${a.id}`)}">${esc(t(lang, 'rvLift'))}</button></form></td>` : ''}</tr>`).join('');
  return `${intro}<table id="actions" aria-labelledby="actions-heading">
<thead><tr>${head.map((k) => `<th scope="col">${esc(t(lang, k))}</th>`).join('')}</tr></thead>
<tbody>${rows}</tbody></table>`;
}

export function reviewPage(lang: Lang, v: ReviewView, flash: ReviewFlash = {}): string {
  const done = flash.done ? `<p class="ok" role="status" id="review-done">${esc(t(lang, `rvDone_${flash.done}`))}</p>` : '';
  const error = flash.error ? alertBox(flash.error, lang) : '';
  const noGov = !v.governance && (v.canDecide || v.held === null) ? `<p class="notice" id="no-governance">${esc(t(lang, 'rvNoGovernance'))}</p>` : '';
  // what a reset does, in the page's words, where the operator finds the reset buttons
  const resetIntro = v.canDecide && v.baselines && (v.alerts?.length || v.actions?.length) ? `<p class="hint" id="baseline-intro">${esc(t(lang, 'rvResetIntro'))}</p>` : '';
  return `${done}${error}${queueSection(lang, v, flash)}${noGov}${resetIntro}${alertsSection(lang, v)}${actionsSection(lang, v)}`;
}

/** The action id a hold's note names (`held: early-warning hold <id>: …`), or null. */
export function heldActionId(note: string | null | undefined): string | null {
  return /early-warning hold (\S+):/.exec(note ?? '')?.[1] ?? null;
}
