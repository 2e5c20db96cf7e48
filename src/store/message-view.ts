/**
 * Shared by the store adapters: a message's view (`GET /v1/messages/{id}`) built from its records —
 * the submission record and its status records, oldest first — so SQLite and PostgreSQL answer alike.
 */
import type { MessageView } from '../ports/store.js';
import type { MessageStatus } from '../domain/message-status.js';
import { isMessageType } from '../domain/message-type.js';
import { decodeVerdicts, type EncodedVerdicts } from './verdict-codec.js';
import { foldCategory } from './category-fold.js';

/** The record fields the view needs (both adapters' stored-record types have them). */
export interface ViewRecord {
  id: string;
  kind: string;
  at: number;
  contentProviderId: string | null;
  body: Record<string, unknown>;
}

type HistoryStatus = MessageView['history'][number]['status'];
const STATUSES: ReadonlySet<unknown> = new Set<HistoryStatus>(['accepted', 'held', 'rejected', 'submitted', 'delivered', 'undeliverable', 'expired', 'rejected_upstream', 'failed', 'cancelled']);
const DECISIONS: ReadonlySet<unknown> = new Set(['accepted', 'rejected', 'held']);
const OUTCOMES: ReadonlySet<unknown> = new Set(['pass', 'skip', 'fail']);

const isStr = (v: unknown): v is string => typeof v === 'string';
/** Absent, null or a string: how a body leaves out what it has none of. */
const optStr = (v: unknown): boolean => v === undefined || v === null || typeof v === 'string';
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The submission record's fields the view copies, once their types are checked. */
interface Submission {
  from: string;
  to: string;
  type: NonNullable<MessageView['type']>;
  category: string | null;
  text: string;
  decision: NonNullable<MessageView['decision']>;
  segments: number | null;
  clientRef: string | null;
  registeredDelivery: MessageView['registeredDelivery'];
  clientPartIds?: string[];
  dataCoding?: number;
  validUntil?: number;
  scheduledAt?: number;
  chargedServiceId?: string;
  profile: string | null;
  code: string | null;
  verdicts: MessageView['verdicts'] | EncodedVerdicts | null;
}

/** A verdict as records from before the compact encoding kept it (each whole). */
function isStoredVerdict(v: unknown): boolean {
  return isObject(v) && isStr(v.rule) && OUTCOMES.has(v.outcome) && optStr(v.code) && optStr(v.message) && optStr(v.note) && optStr(v.article) && optStr(v.profile);
}

function isEncodedVerdicts(v: unknown): v is EncodedVerdicts {
  return isObject(v) && isStr(v.pipeline) && isStr(v.outcomes) && /^[PSF]*$/.test(v.outcomes) && optStr(v.message)
    && (v.notes === undefined || (isObject(v.notes) && Object.values(v.notes).every(isStr)));
}

/**
 * The submission's fields, or null when the body is not what a submission record holds: readBody's
 * `{ unreadable }` for a body that is not a JSON object, or an object edited so a field has the wrong
 * type. Copied unchecked, such a field made the response serializer throw (`segments: "x"` is no
 * integer) and the message answer 500, or showed what the record never said.
 */
function submissionOf(b: Record<string, unknown>): Submission | null {
  const text = b.finalText ?? b.text;
  if (!isStr(b.from) || !isStr(b.to) || !isMessageType(b.type) || !optStr(b.category) || !optStr(b.finalText) || !isStr(text) || !DECISIONS.has(b.decision)) return null;
  if (!(b.segments === undefined || b.segments === null || (Number.isInteger(b.segments) && (b.segments as number) >= 0))) return null;
  if (!optStr(b.clientRef) || !optStr(b.profile) || !optStr(b.code)) return null;
  // true, false or 'failure' as asked; absent (a system message) or null: none asked
  if (!(b.registeredDelivery === undefined || b.registeredDelivery === null || typeof b.registeredDelivery === 'boolean' || b.registeredDelivery === 'failure')) return null;
  if (!(b.clientPartIds === undefined || (Array.isArray(b.clientPartIds) && b.clientPartIds.every(isStr)))) return null;
  if (!(b.dataCoding === undefined || (Number.isInteger(b.dataCoding) && (b.dataCoding as number) >= 0 && (b.dataCoding as number) <= 255))) return null;
  if (!(b.validUntil === undefined || Number.isInteger(b.validUntil))) return null;
  if (!(b.scheduledAt === undefined || Number.isInteger(b.scheduledAt))) return null;
  if (!(b.chargedServiceId === undefined || isStr(b.chargedServiceId))) return null;
  const v = b.verdicts;
  if (!(v === undefined || v === null || (Array.isArray(v) && v.every(isStoredVerdict)) || isEncodedVerdicts(v))) return null;
  return {
    // Read as categoryField reads one (NFKC, trimmed): a submission recorded before that folding keeps
    // `ｐｒｏｍｏ` in its record (records are not rewritten), while its consent was folded to `promo` by
    // migration 100/091; a held message's release is judged against the consents by this category.
    from: b.from, to: b.to, type: b.type, category: typeof b.category === 'string' ? foldCategory(b.category) : null, text,
    decision: b.decision as Submission['decision'], segments: (b.segments as number | null | undefined) ?? null,
    clientRef: (b.clientRef as string | null | undefined) ?? null,
    registeredDelivery: b.registeredDelivery === true || b.registeredDelivery === 'failure' ? b.registeredDelivery : false,
    ...(Array.isArray(b.clientPartIds) ? { clientPartIds: b.clientPartIds as string[] } : {}),
    ...(b.dataCoding !== undefined ? { dataCoding: b.dataCoding as number } : {}),
    ...(b.validUntil !== undefined ? { validUntil: b.validUntil as number } : {}),
    ...(b.scheduledAt !== undefined ? { scheduledAt: b.scheduledAt as number } : {}),
    ...(b.chargedServiceId !== undefined ? { chargedServiceId: b.chargedServiceId as string } : {}),
    profile: (b.profile as string | null | undefined) ?? null, code: (b.code as string | null | undefined) ?? null,
    verdicts: (v ?? null) as Submission['verdicts'],
  };
}

/**
 * A replacement's fields (store/replacement-body.ts) read as the submission's they stand for, over
 * `b` (the submission): null when the record has none or they are damaged (the record is then one
 * more status, and the submission's text stands).
 */
function replacementOf(r: ViewRecord, b: Submission): Submission | null {
  const x = r.body.replaced;
  if (!isObject(x)) return null;
  // the submission's own checks, over its fields with the replacement's in their place
  return submissionOf({ from: b.from, to: b.to, type: b.type, category: b.category, clientRef: b.clientRef, ...(b.clientPartIds ? { clientPartIds: b.clientPartIds } : {}), ...(b.dataCoding !== undefined ? { dataCoding: b.dataCoding } : {}), ...(b.chargedServiceId !== undefined ? { chargedServiceId: b.chargedServiceId } : {}), ...x });
}

/** A status record's entry in the history, or null when its body is damaged (as for a submission). */
function statusOf(r: ViewRecord): MessageView['history'][number] | null {
  const b = r.body;
  if (!STATUSES.has(b.status) || !optStr(b.detail)) return null;
  const e: MessageView['history'][number] = b.detail ? { status: b.status as HistoryStatus, at: r.at, detail: b.detail as string } : { status: b.status as HistoryStatus, at: r.at };
  // the rule that stopped a queued message (store/status-body.ts), when the record names it whole
  if (isStr(b.code) && isStr(b.rule) && isStr(b.article) && isStr(b.profile)) e.rejection = { code: b.code, rule: b.rule, article: b.article, profile: b.profile };
  return e;
}

/** A damaged body as it is stored: readBody's unreadable text, or the edited object as JSON. */
function storedText(b: Record<string, unknown>): string {
  const keys = Object.keys(b);
  return keys.length === 1 && keys[0] === 'unreadable' && isStr(b.unreadable) ? b.unreadable : JSON.stringify(b);
}

/**
 * The view, or null when there is no submission record. `rulesOf` expands a compact verdict
 * encoding's pipeline id; it is asked only when the record holds an encoding (not for system messages).
 * A record whose body is damaged (see {@link submissionOf}) is listed in `unreadable` with its stored
 * text, and what it would have given is left out, so the view always has the types its schema
 * declares: a damaged record is shown as damaged, never a 500 for the whole message.
 */
export async function messageViewOf(id: string, rows: readonly ViewRecord[], rulesOf: (pipeline: string) => readonly string[] | null | Promise<readonly string[] | null>): Promise<MessageView | null> {
  const mt = rows.find((r) => r.kind === 'mt');
  if (!mt) return null;
  const unreadable: NonNullable<MessageView['unreadable']> = [];
  const b = submissionOf(mt.body);
  if (!b) unreadable.push({ id: mt.id, body: storedText(mt.body) });
  const history: MessageView['history'] = [];
  // the text and decision to go out: the submission's, or its latest replacement's (replace_sm)
  let now = b;
  for (const r of rows) {
    if (r.kind !== 'status') continue;
    const s = statusOf(r);
    if (s) history.push(s);
    else unreadable.push({ id: r.id, body: storedText(r.body) });
    if (s && b && r.body.replaced !== undefined) {
      const x = replacementOf(r, b);
      if (x) now = x;
      else unreadable.push({ id: r.id, body: storedText(r.body) });
    }
  }
  const accepted = b?.decision === 'accepted';
  const held = b?.decision === 'held';
  const latest = history.length ? history[history.length - 1].status : null;
  // Without a readable decision the latest status recorded is all there is to show.
  const status: MessageView['status'] = !b ? latest ?? 'rejected' : !accepted && !held ? 'rejected' : latest ?? (held ? 'held' : 'accepted');
  let verdicts: MessageView['verdicts'] = [];
  if (Array.isArray(now?.verdicts)) verdicts = now.verdicts;
  else if (now?.verdicts) verdicts = decodeVerdicts(now.verdicts, await rulesOf(now.verdicts.pipeline), now.code);
  const view: MessageView = {
    id,
    contentProviderId: mt.contentProviderId ?? '',
    ...(now ? { from: now.from, to: now.to, type: now.type, category: now.category, text: now.text, decision: now.decision } : {}),
    status,
    ...(now ? { segments: now.segments } : {}),
    receivedAt: mt.at,
    ...(now ? { clientRef: now.clientRef } : {}),
    // A system message (an opt-out confirmation) asks for none; nor can a damaged record say it asked.
    registeredDelivery: now?.registeredDelivery ?? false,
    ...(now?.clientPartIds ? { clientPartIds: now.clientPartIds } : {}),
    ...(now?.dataCoding !== undefined ? { dataCoding: now.dataCoding } : {}),
    ...(now?.validUntil !== undefined ? { validUntil: now.validUntil } : {}),
    ...(now?.scheduledAt !== undefined ? { scheduledAt: now.scheduledAt } : {}),
    ...(now?.chargedServiceId !== undefined ? { chargedServiceId: now.chargedServiceId } : {}),
    ...(now ? { profile: now.profile } : {}),
    verdicts,
    history: accepted ? [{ status: 'accepted', at: mt.at }, ...history] : held ? [{ status: 'held', at: mt.at }, ...history] : history,
  };
  if (unreadable.length) view.unreadable = unreadable;
  return view;
}

/** Records grouped by the message they are about (their ref), each group in the order given. */
export function groupByRef<R extends ViewRecord & { ref?: string | null }>(rows: readonly R[]): Map<string, R[]> {
  const out = new Map<string, R[]>();
  for (const r of rows) {
    if (!r.ref) continue;
    const g = out.get(r.ref);
    if (g) g.push(r);
    else out.set(r.ref, [r]);
  }
  return out;
}
