/**
 * Shared by the store adapters: a message's view (`GET /v1/messages/{id}`) built from its records —
 * the submission record and its status records, oldest first — so SQLite and PostgreSQL answer alike.
 */
import type { MessageView } from '../ports/store.js';
import type { MessageStatus } from '../app/types.js';
import { decodeVerdicts, type EncodedVerdicts } from './verdict-codec.js';

/** The record fields the view needs (both adapters' stored-record types have them). */
export interface ViewRecord {
  kind: string;
  at: number;
  contentProviderId: string | null;
  body: Record<string, unknown>;
}

/**
 * The view, or null when there is no submission record. `rulesOf` expands a compact verdict
 * encoding's pipeline id; it is asked only when the record holds an encoding (not for system messages).
 */
export async function messageViewOf(id: string, rows: readonly ViewRecord[], rulesOf: (pipeline: string) => readonly string[] | null | Promise<readonly string[] | null>): Promise<MessageView | null> {
  const mt = rows.find((r) => r.kind === 'mt');
  if (!mt) return null;
  const b = mt.body as Record<string, any>;
  const history: MessageView['history'] = [];
  for (const r of rows) {
    if (r.kind !== 'status') continue;
    const s = r.body as { status: MessageStatus; detail?: string };
    history.push(s.detail ? { status: s.status, at: r.at, detail: s.detail } : { status: s.status, at: r.at });
  }
  const accepted = b.decision === 'accepted';
  const held = b.decision === 'held';
  const status: MessageView['status'] = !accepted && !held ? 'rejected' : history.length ? history[history.length - 1].status : held ? 'held' : 'accepted';
  let verdicts: MessageView['verdicts'] = [];
  if (Array.isArray(b.verdicts)) verdicts = b.verdicts;
  else if (b.verdicts) {
    const e = b.verdicts as EncodedVerdicts;
    verdicts = decodeVerdicts(e, await rulesOf(e.pipeline), b.code);
  }
  return {
    id,
    contentProviderId: mt.contentProviderId ?? '',
    from: b.from,
    to: b.to,
    type: b.type,
    category: b.category,
    text: b.finalText ?? b.text,
    decision: b.decision,
    status,
    segments: b.segments,
    receivedAt: mt.at,
    clientRef: b.clientRef ?? null,
    // A system message (an opt-out confirmation) asks for none.
    registeredDelivery: b.registeredDelivery === true || b.registeredDelivery === 'failure' ? b.registeredDelivery : false,
    ...(Array.isArray(b.clientPartIds) ? { clientPartIds: b.clientPartIds as string[] } : {}),
    profile: b.profile ?? null,
    verdicts,
    history: accepted ? [{ status: 'accepted', at: mt.at }, ...history] : held ? [{ status: 'held', at: mt.at }, ...history] : history,
  };
}
