/**
 * The public summaries smsguard writes itself into credit files (rule 11), kept as a stable key with
 * parameters so that each reader gets them in their own language: the web pages render Chinese or
 * English from the key, while the stored `publicSummary` keeps both (`中文 / English`) for API
 * readers and for searching in either language. A summary a regulator typed has no key and is shown
 * exactly as typed.
 */
import { scrubPersonalData } from './case.js';

/** The summaries the system writes: one per way a system or default entry comes about. */
export type CreditSummaryKey =
  | 'early_warning_suspension'
  | 'complaint_confirmed'
  | 'complaint_partly_confirmed'
  | 'answer_overdue'
  | 'forward_overdue'
  | 'violation_threshold'
  | 'warning'
  | 'fine'
  | 'supervision_talk'
  | 'correction_order'
  | 'note';

/**
 * A system-made summary as stored with its entry (`summaryTemplate`): the key and what fills it in
 * (a case reference, a number of working days, a month, a count, an amount in yuan).
 */
export interface CreditSummaryTemplate {
  key: CreditSummaryKey;
  params: Record<string, string | number>;
}

type Render = (p: Record<string, string | number>) => string;

const TEXTS: Record<CreditSummaryKey, { zh: Render; en: Render }> = {
  early_warning_suspension: { zh: () => '因投诉率或违规预警被暂停发送', en: () => 'Suspended by the early-warning monitor' },
  complaint_confirmed: { zh: (p) => `用户投诉经核实属实（案件 ${p.reference}）`, en: (p) => `Complaint confirmed (case ${p.reference})` },
  complaint_partly_confirmed: { zh: (p) => `用户投诉经核实部分属实（案件 ${p.reference}）`, en: (p) => `Complaint partly confirmed (case ${p.reference})` },
  answer_overdue: { zh: (p) => `未在 ${p.days} 个工作日内答复投诉（案件 ${p.reference}）`, en: (p) => `Complaint not answered within ${p.days} working days (case ${p.reference})` },
  forward_overdue: { zh: (p) => `未在 ${p.days} 个工作日内转交投诉（案件 ${p.reference}）`, en: (p) => `Complaint not forwarded within ${p.days} working days (case ${p.reference})` },
  violation_threshold: { zh: (p) => `${p.month} 被拦截的违规提交达到 ${p.threshold} 条`, en: (p) => `${p.month}: rejected submissions reached ${p.threshold}` },
  warning: { zh: () => '警告', en: () => 'Warning' },
  fine: { zh: (p) => `罚款人民币 ${p.amountYuan} 元`, en: (p) => `Fine of RMB ${p.amountYuan}` },
  supervision_talk: { zh: () => '约谈', en: () => 'Supervision talk' },
  correction_order: { zh: () => '责令改正', en: () => 'Order to correct' },
  note: { zh: () => '记录', en: () => 'Note' },
};

/** The summary in one language. */
export function creditSummaryIn(t: CreditSummaryTemplate, lang: 'zh' | 'en'): string {
  return TEXTS[t.key][lang](t.params);
}

/** What is stored in `publicSummary` for a system-made summary: Chinese, then English, as before keys existed. */
export function creditSummaryBoth(t: CreditSummaryTemplate): string {
  return `${creditSummaryIn(t, 'zh')} / ${creditSummaryIn(t, 'en')}`;
}

/**
 * A stored template read back, or null when it is absent or not one this version knows (a row a
 * newer version wrote): the reader then shows the stored `publicSummary`, which is always there.
 */
export function knownCreditSummary(v: unknown): CreditSummaryTemplate | null {
  if (!v || typeof v !== 'object') return null;
  const { key, params } = v as { key?: unknown; params?: unknown };
  if (typeof key !== 'string' || !Object.hasOwn(TEXTS, key)) return null;
  if (!params || typeof params !== 'object' || Array.isArray(params)) return null;
  return { key: key as CreditSummaryKey, params: params as Record<string, string | number> };
}

/** The summary a regulator's entry gets when none is typed (by kind; a fine names its amount). */
export function defaultRegulatorSummary(kind: string, amountYuan: number | null): CreditSummaryTemplate {
  switch (kind) {
    case 'warning': case 'supervision_talk': case 'correction_order': return { key: kind, params: {} };
    case 'fine': return { key: 'fine', params: { amountYuan: amountYuan ?? 0 } };
    default: return { key: 'note', params: {} };
  }
}

/**
 * An entry's public summary for a reader in `lang`: rendered from its template when the system
 * wrote it, else exactly as stored (what a regulator typed, or an entry from before templates).
 * Personal data is removed from the rendering as it was from the stored text.
 */
export function entrySummaryIn(stored: string, template: CreditSummaryTemplate | null | undefined, lang: 'zh' | 'en'): string {
  const tpl = knownCreditSummary(template);
  return tpl ? scrubPersonalData(creditSummaryIn(tpl, lang)) : stored;
}
