/**
 * `/web/records`: the statutory records for an inspector or the operator's compliance staff. A GET
 * search form and a table, no JavaScript; the rows are `GET /v1/records`'s use case (queryRecords:
 * the same role and scope rules, a regulator's query recorded), paged on with its cursor. Below it,
 * for the operator and regulators, a month's verification (src/app/records-verify-month.ts), said in
 * plain words; and the signed inspection export (`GET /v1/records/export`'s use case, the download
 * of `/web/records/export`: the tar of the records file and its signed manifest).
 */
import type { RecordItem } from '../../app/record-items.js';
import type { MonthVerification } from '../../app/records-verify-month.js';
import { SmsguardError } from '../../domain/errors.js';
import { shanghaiDayOrTime } from '../../app/validate.js';
import { colon, t, tk, tkOr, type Lang, type TextKey } from '../i18n.js';
import { alertBox, esc, field, fmtTime, providerLabel, providerSelect, type ProviderName } from '../html.js';
import { codeLabel } from '../code-labels.js';
import { auditLabel } from '../audit-labels.js';
import { RULE_IDS, ruleName } from '../rule-labels.js';
import { withRule } from '../form-errors.js';
import { RECORD_TYPES } from '../../app/record-filter-values.js';

/** The form's values as asked (shown again in the form, carried into the next page's link). */
export interface RecordSearch {
  number: string;
  /** The operator's and regulators' only (a provider's records are its own). */
  contentProviderId: string;
  port: string;
  kind: string;
  /** A message type, subscription event or audit action (the API's `type`). */
  type: string;
  decision: string;
  rule: string;
  /** Shanghai days, `YYYY-MM-DD`; `to` included. */
  from: string;
  to: string;
}

export const RECORD_SEARCH_FIELDS = ['number', 'contentProviderId', 'port', 'kind', 'type', 'decision', 'rule', 'from', 'to'] as const;

/** The lengths `GET /v1/records`'s schema allows (src/http/routes/records.ts), by the page's field names. */
export const RECORD_FIELD_MAX: Readonly<Record<string, number>> = { number: 32, contentProviderId: 64, port: 21, type: 64, rule: 64, cursor: 16 };

const KINDS = ['mt', 'mo', 'status', 'subscription', 'audit'] as const;
/** The rules a submission can fail (the pipeline's stages): the ids before the consent and refusal rules. */
const PIPELINE_RULES = RULE_IDS.slice(0, RULE_IDS.indexOf('refusal.opt-out-reply'));

/**
 * The form's days as the API's ISO instants: `from` at its Shanghai midnight, `to` at the midnight
 * that ends it (the API's `to` is exclusive; a person's "to the 30th" includes the 30th).
 */
export function shanghaiDays(from: string, to: string): { from?: string; to?: string } {
  const day = (v: string, k: 'from' | 'to') => {
    if (!v) return undefined;
    // shanghaiDayOrTime: a day the month lacks (2026-02-30) is none, not the 2nd of March
    const ms = /^\d{4}-\d{2}-\d{2}$/.test(v) ? shanghaiDayOrTime(v) : NaN;
    if (!Number.isFinite(ms)) throw new SmsguardError('invalid_request', `${k}: a day as YYYY-MM-DD, got ${v}`, {}, k, { id: 'day_format' });
    return new Date(k === 'to' ? ms + 86_400_000 : ms).toISOString();
  };
  const days = { from: day(from, 'from'), to: day(to, 'to') };
  // Days typed the wrong way round would search an empty span and say "no records": a person reads
  // that as none there, so the form says which field to change instead.
  if (days.from !== undefined && days.to !== undefined && days.from >= days.to) {
    throw new SmsguardError('invalid_request', `to: the day ${to} is before the day from (${from})`, {}, 'to', { id: 'range_reversed' });
  }
  return days;
}

const select = (id: string, label: string, value: string, options: [string, string][]) => `<label for="${id}">${esc(label)}</label>
<select id="${id}" name="${id}">${options.map(([v, l]) => `<option value="${esc(v)}"${v === value ? ' selected' : ''}>${esc(l)}</option>`).join('')}</select>`;

/** Message types, subscription events and audit actions by their labels, the value after it. */
const typeOption = (lang: Lang, v: string): string => {
  const label = tkOr(lang, `cls_${v}`) ?? tkOr(lang, `ev_${v}`) ?? auditLabel(lang, v);
  return `<option value="${esc(v)}"${label ? ` label="${esc(`${label} (${v})`)}"` : ''}>`;
};

function searchForm(lang: Lang, s: RecordSearch, showProvider: boolean, providers: readonly ProviderName[]): string {
  const any: [string, string] = ['', t(lang, 'recAny')];
  return `<h2 id="search-title">${esc(t(lang, 'recSearchTitle'))}</h2>
<p class="hint">${esc(t(lang, 'recIntro'))}</p>
<form method="get" action="/web/records" id="record-search" aria-labelledby="search-title">
<div class="grid"><div>
${field({ id: 'number', label: t(lang, 'recNumber'), type: 'tel', value: s.number, hint: t(lang, 'recNumberHint'), attrs: 'autocomplete="off" inputmode="tel"' })}
${showProvider ? providerSelect({ id: 'contentProviderId', label: t(lang, 'provider'), value: s.contentProviderId, providers, first: t(lang, 'recAny') }) : ''}
${field({ id: 'port', label: t(lang, 'recPort'), value: s.port, hint: t(lang, 'recPortHint'), attrs: 'maxlength="21" inputmode="numeric"' })}
${select('kind', t(lang, 'recKind'), s.kind, [any, ...KINDS.map((k): [string, string] => [k, tk(lang, `rk_${k}`)])])}
${field({ id: 'type', label: t(lang, 'recType'), value: s.type, hint: t(lang, 'recTypeHint'), attrs: 'maxlength="64" list="record-types" autocomplete="off"' })}
<datalist id="record-types">${RECORD_TYPES.map((v) => typeOption(lang, v)).join('')}</datalist>
</div><div>
${select('decision', t(lang, 'recDecision'), s.decision, [any, ['accepted', t(lang, 'mst_accepted')], ['held', t(lang, 'mst_held')], ['rejected', t(lang, 'mst_rejected')]])}
${select('rule', t(lang, 'recRule'), s.rule, [any, ...PIPELINE_RULES.map((r): [string, string] => [r, ruleName(lang, r)])])}
${field({ id: 'from', label: t(lang, 'recFrom'), type: 'date', value: s.from })}
${field({ id: 'to', label: t(lang, 'recTo'), type: 'date', value: s.to })}
</div></div>
<button type="submit">${esc(t(lang, 'recSearch'))}</button>
</form>`;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The port of a record (the item's `port`): an MT's sending port, the port an MO reached. */
function portOf(r: RecordItem): string {
  return r.port ?? '—';
}

/**
 * The decision of a submission (with its code's label), the status a status record gives; for a
 * rejection, the rule and article it was refused under (the item's, as the API lists it).
 */
function decisionOf(lang: Lang, r: RecordItem): string {
  const ref = r.rule ? { rule: r.rule, article: r.article ?? undefined, profile: str(r.body.profile) ?? undefined } : undefined;
  if (r.kind === 'mt') {
    const d = r.decision;
    const code = r.code;
    const said = d ? tkOr(lang, `mst_${d}`) ?? d : '—';
    return withRule(lang, ref, code ? `${said}${colon(lang)}${codeLabel(lang, code) ?? code} (${code})` : said);
  }
  if (r.kind === 'status') {
    const st = str(r.body.status);
    return withRule(lang, ref, st ? tkOr(lang, `mst_${st}`) ?? st : '—');
  }
  return '—';
}

const short = (s: string, n = 60) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** A line of what the record says: a message's text, the message a status is about, a subscription's event, an audit entry's action. */
function summaryOf(lang: Lang, r: RecordItem): string {
  const b = r.body;
  if (typeof b.unreadable === 'string') return short(b.unreadable);
  if (r.kind === 'mt' || r.kind === 'mo') return short(str(b.text) ?? '');
  // the status itself is in the decision column; here the message it is about (a status record's id is `<message id>:<status>`)
  if (r.kind === 'status') return `${t(lang, 'recOfMessage')} ${r.id.split(':')[0]}`;
  // the event by its label, as the subscriber page names it (给予同意, 退订…), not its id
  if (r.kind === 'subscription') {
    const ev = str(b.event);
    // a consent's category is in its evidence (the consent as granted)
    const evidence = b.evidence && typeof b.evidence === 'object' ? (b.evidence as Record<string, unknown>) : {};
    return [ev === null ? null : tkOr(lang, `ev_${ev}`) ?? ev, str(b.category) ?? str(evidence.category)].filter(Boolean).join(' · ');
  }
  // an audit entry's action by its label, the action as recorded after it (what the type filter takes)
  if (r.kind === 'audit') {
    const action = str(b.action);
    const label = action === null ? null : auditLabel(lang, action);
    return action === null ? '' : label === null ? action : `${label} (${action})`;
  }
  return '';
}

function resultTable(lang: Lang, s: RecordSearch, result: { records: RecordItem[]; nextCursor: string | null }, providers: readonly ProviderName[]): string {
  const names = new Map(providers.map((c) => [c.id, c.name]));
  if (result.records.length === 0) return `<p id="no-records">${esc(t(lang, 'recNone'))}</p>`;
  const rows = result.records.map((r) => `<tr data-seq="${r.seq}" data-record="${esc(r.id)}">
<td class="mono">${r.seq}</td>
<td>${esc(fmtTime(r.at))}</td>
<td>${esc(tk(lang, `rk_${r.kind}`))}</td>
<td>${providerLabel(names, r.contentProviderId)}</td>
<td class="mono">${esc(portOf(r))}</td>
<td class="mono">${esc(r.msisdn ?? '—')}</td>
<td>${esc(decisionOf(lang, r))}</td>
<td>${esc(summaryOf(lang, r))}</td></tr>`).join('');
  const head = (['recSeq', 'recTime', 'recKind', 'provider', 'recPort', 'recNumber', 'recDecision', 'recSummary'] as TextKey[]).map((k) => `<th scope="col">${esc(t(lang, k))}</th>`).join('');
  const next = result.nextCursor ? `<p><a id="next-page" href="/web/records?${esc(nextQuery(s, result.nextCursor))}">${esc(t(lang, 'recNext'))} →</a></p>` : '';
  return `<table id="records" aria-labelledby="search-title">
<thead><tr>${head}</tr></thead>
<tbody>${rows}</tbody></table>
${next}`;
}

const fill = (text: string, params: Record<string, string | number>) => text.replace(/\{(\w+)\}/g, (m, k: string) => (params[k] === undefined ? m : String(params[k])));

/** A month's verification in plain words. */
function verificationText(lang: Lang, v: MonthVerification): string {
  if (v.purged) return `<p id="verify-result">${esc(fill(t(lang, 'vrPurged'), { month: v.month, heads: v.purged.heads, first: v.purged.firstSeq, last: v.purged.lastSeq, n: v.purged.count }))}</p>`;
  if (!v.found) return `<p id="verify-result">${esc(fill(t(lang, 'vrNoChain'), { month: v.month }))}</p>`;
  const heads = v.headsChecked > 0 ? fill(t(lang, 'vrHeads'), { n: v.headsChecked }) : t(lang, 'vrNoHeads');
  const pending = v.pending ? `<p>${esc(fill(t(lang, 'vrPending'), { n: v.pending }))}</p>` : '';
  if (v.ok) {
    return `<div id="verify-result" class="notice" data-ok="true"><p class="ok"><strong>${esc(fill(t(lang, 'vrOk'), { month: v.month, n: v.checked, first: v.firstSeq ?? '—', last: v.lastSeq ?? '—' }))}</strong></p>
<p id="verify-heads">${esc(heads)}</p>${pending}</div>`;
  }
  const f = v.failure!;
  return `<div id="verify-result" class="alert" role="alert" data-ok="false"><p><strong>${esc(fill(t(lang, 'vrBroken'), { month: v.month, seq: f.seq }))}</strong></p>
<p id="verify-reason">${esc(tk(lang, `vr_${f.reason}`))} <span class="mono">(${esc(f.reason)})</span></p>
${f.id ? `<p>${esc(t(lang, 'vrRecord'))}${colon(lang)}<span class="mono" id="verify-record">${esc(f.id)}</span></p>` : ''}
${f.detail ? `<p class="hint">${esc(t(lang, 'vrDetail'))}${colon(lang)}<span lang="en">${esc(f.detail)}</span></p>` : ''}
<p id="verify-heads">${esc(heads)}</p>${pending}</div>`;
}

function verifyForm(lang: Lang, month: string, v: MonthVerification | null, error?: string): string {
  return `<section aria-labelledby="verify-title"><h2 id="verify-title">${esc(t(lang, 'recVerifyTitle'))}</h2>
<p class="hint">${esc(t(lang, 'recVerifyIntro'))}</p>
${error ? alertBox(error, lang) : ''}
<form method="get" action="/web/records/verify" id="verify-month">
${field({ id: 'month', label: t(lang, 'recMonth'), type: 'month', value: month, required: true, attrs: 'placeholder="2026-11" pattern="\\d{4}-\\d{2}"' })}
<button type="submit">${esc(t(lang, 'recVerify'))}</button>
</form>
${v ? `<h3>${esc(t(lang, 'recVerifyResult'))}</h3>${verificationText(lang, v)}` : ''}</section>`;
}

/** The export form's values as asked (Shanghai days, `to` included, as the search form's). */
export interface ExportSearch {
  contentProviderId: string;
  from: string;
  to: string;
  format: string;
}

export const EXPORT_FIELDS = ['contentProviderId', 'from', 'to', 'format'] as const;

function exportForm(lang: Lang, e: ExportSearch, showProvider: boolean, providers: readonly ProviderName[], error?: string): string {
  return `<section aria-labelledby="export-title"><h2 id="export-title">${esc(t(lang, 'recExport'))}</h2>
<p class="hint" id="export-note">${esc(t(lang, 'recExportIntro'))}</p>
${error ? alertBox(error, lang) : ''}
<form method="get" action="/web/records/export" id="export-records">
${showProvider ? providerSelect({ id: 'export-provider', label: t(lang, 'provider'), value: e.contentProviderId, providers, first: t(lang, 'chChooseProvider'), required: true }) : ''}
${field({ id: 'export-from', name: 'from', label: t(lang, 'recFrom'), type: 'date', value: e.from, required: true })}
${field({ id: 'export-to', name: 'to', label: t(lang, 'recTo'), type: 'date', value: e.to, required: true })}
${select('format', t(lang, 'recExportFormat'), e.format || 'jsonl', [['jsonl', t(lang, 'recFormat_jsonl')], ['csv', t(lang, 'recFormat_csv')]])}
<button type="submit">${esc(t(lang, 'recExportGo'))}</button>
</form></section>`;
}

export interface RecordsPageState {
  search: RecordSearch;
  /** The page of records, or null before anything was asked (the form alone). */
  result: { records: RecordItem[]; nextCursor: string | null } | null;
  /** Whether the viewer may name a provider (not a provider itself, whose records are its own). */
  showProvider: boolean;
  /** The providers the viewer may read, by name: the provider fields' choices and the results' names. */
  providers: readonly ProviderName[];
  /** The operator and regulators: the month's verification. */
  canVerify: boolean;
  month: string;
  verification?: MonthVerification | null;
  searchError?: string;
  verifyError?: string;
  /** The export form as last asked (empty at first). */
  exportAsk?: ExportSearch;
  exportError?: string;
}

export function recordsPage(lang: Lang, st: RecordsPageState): string {
  const search = `${st.searchError ? alertBox(st.searchError, lang) : ''}${searchForm(lang, st.search, st.showProvider, st.providers)}${st.result && !st.searchError ? resultTable(lang, st.search, st.result, st.providers) : ''}`;
  const exportNote = exportForm(lang, st.exportAsk ?? { contentProviderId: '', from: '', to: '', format: 'jsonl' }, st.showProvider, st.providers, st.exportError);
  return `${search}
${st.canVerify ? verifyForm(lang, st.month, st.verification ?? null, st.verifyError) : ''}
${exportNote}`;
}

/** The same search, from the cursor on. */
function nextQuery(s: RecordSearch, cursor: string): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(s)) if (v) q.set(k, v);
  q.set('cursor', cursor);
  return q.toString();
}
