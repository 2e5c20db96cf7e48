/**
 * Evidence for a complaint, matched against the statutory records so an inspector sees it without
 * asking the operator: the messages from that sender to that number around that time, the consent
 * (if any) the matched message went out under, the subscription history, and the decision trail
 * (every verdict and every status change).
 */
import { releasedMessageId } from '../domain/held-release.js';
import type { AppContext } from './context.js';
import { withArticles } from './records.js';
import type { RecordRow } from '../ports/store.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface EvidenceInput {
  msisdn: string;
  /** A port (digits) or a signature `【…】` the user named. */
  sender: string | null;
  /** The text the user complained about (or forwarded). */
  text: string | null;
  /** When the user says they received it. */
  at: number | null;
  contentProviderId?: string | null;
  /** Now, for the default window when `at` is unknown. */
  now: number;
}

export interface Candidate {
  id: string;
  at: number;
  contentProviderId: string | null;
  from: string;
  type: string;
  text: string;
  decision: string;
  score: number;
  /**
   * For a message the gateway sent itself, why (`opt_out_confirmation`, `consent_confirmation`,
   * `complaint_receipt`…, the record's `purpose`); null for a provider's submission.
   */
  purpose: string | null;
}

export interface Evidence {
  matchedAt: number;
  window: { from: number; to: number };
  candidates: Candidate[];
  match: Candidate | null;
  consent: Record<string, unknown> | null;
  subscription: Record<string, unknown>[];
  verdicts: unknown[];
  history: unknown[];
  optedOut: boolean | null;
}

/** Text folded for comparison: NFKC, no whitespace or punctuation, lower case. */
export function foldForMatch(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]/gu, '');
}

function bigrams(s: string): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + 1 < s.length; i++) out.add(s.slice(i, i + 2));
  return out;
}

/** Share of the complaint text's bigrams found in the message (0..1): tolerant of partial copies. */
export function textSimilarity(complaint: string, message: string): number {
  const a = foldForMatch(complaint);
  const b = foldForMatch(message);
  if (!a || !b) return 0;
  if (b.includes(a) || a.includes(b)) return 1;
  const ba = bigrams(a);
  const bb = bigrams(b);
  if (ba.size === 0) return 0;
  let hit = 0;
  for (const g of ba) if (bb.has(g)) hit++;
  return hit / ba.size;
}

/**
 * Whether an MT record is the gateway's own wording (recordSystemMessage: the confirmation of an
 * opt-out or of a consent answer, a report receipt, a complaint's answer), sent on the port the user
 * wrote to. A consent request is not: its text is the provider's, sent at the provider's request
 * (a user may well complain about it, e.g. one repeated after a refusal).
 */
export function isGatewayWording(body: Record<string, unknown>): boolean {
  return body.channel === 'system' && body.purpose !== 'consent_request';
}

/**
 * Scores one MT record against what the user told us; 0 means unrelated. The gateway's own wording
 * scores nothing for the sender alone: a user who names a port complains about what the port's
 * provider sent, and the confirmation of their own `T` (退订) is the latest message on that port, so
 * the port alone would pick it. Its text (with or without the port) identifies such a message, as
 * when a user complains about the report receipt itself; with only system messages from the port,
 * the complaint stays unmatched.
 */
export function scoreCandidate(input: Pick<EvidenceInput, 'sender' | 'text' | 'at' | 'contentProviderId'>, r: { at: number; contentProviderId: string | null; body: Record<string, unknown> }): number {
  const b = r.body;
  const from = String(b.from ?? '');
  const text = String(b.finalText ?? b.text ?? '');
  let score = 0;
  if (input.text) {
    const sim = textSimilarity(input.text, text);
    if (sim >= 0.99) score += 5;
    else if (sim >= 0.5) score += 3 * sim;
  }
  // The gateway's own wording: its port counts only beside its text (above).
  if (input.sender && (score > 0 || !isGatewayWording(b))) {
    if (/^\d+$/.test(input.sender) && from === input.sender) score += 4;
    else if (input.sender.startsWith('【') && text.startsWith(input.sender)) score += 4;
  }
  if (input.contentProviderId && r.contentProviderId === input.contentProviderId) score += 1;
  if (score > 0 && input.at !== null) score += 1 / (1 + Math.abs(r.at - input.at) / HOUR);
  return score;
}

/** The minimum score for a record to be called the message complained about (sender or text matched). */
export const MATCH_THRESHOLD = 3.5;

/** Finds the records around the complaint and assembles the evidence. */
export async function matchEvidence(ctx: AppContext, input: EvidenceInput): Promise<Evidence> {
  const window = input.at !== null
    ? { from: input.at - 3 * DAY, to: input.at + DAY }
    : { from: input.now - 30 * DAY, to: input.now + 1 };
  const rows: RecordRow[] = [];
  let cursor: string | undefined;
  // A recent window is read newest first by number alone and cut here: with a time range the
  // records store may walk the whole month by time instead of the number's index (13 ms vs 0.5 ms
  // at 100,000 records). Bounded: a number gets at most a few hundred messages in a month.
  const recent = window.to >= input.now - 31 * DAY;
  for (let page = 0; page < 5; page++) {
    const r = await ctx.store.records.queryRecords(recent ? { msisdn: input.msisdn, limit: 200, cursor } : { msisdn: input.msisdn, from: window.from, to: window.to, limit: 200, cursor });
    rows.push(...r.records.filter((x) => x.at >= window.from && x.at < window.to));
    if (!r.nextCursor || (recent && r.records.length > 0 && r.records[r.records.length - 1].at < window.from)) break;
    cursor = r.nextCursor;
  }
  // A message held for review and later released went out at its release: its decision record says
  // `held`, the release is a status record `<id>:accepted` with the reviewer's action.
  const releasedAt = new Map<string, number>();
  for (const r of rows) {
    const id = releasedMessageId(r);
    if (id !== null) releasedAt.set(id, r.at);
  }
  const candidates: Candidate[] = [];
  for (const r of rows) {
    if (r.kind !== 'mt') continue;
    const b = r.body;
    const released = b.decision === 'held' ? releasedAt.get(r.id) : undefined;
    if (b.decision !== 'accepted' && released === undefined) continue; // a rejected (or still held) message never reached the user
    const sent = released === undefined ? r : { ...r, at: released };
    const score = scoreCandidate(input, sent);
    candidates.push({
      id: r.id, at: sent.at, contentProviderId: r.contentProviderId, from: String(b.from ?? ''), type: String(b.type ?? ''),
      text: String(b.finalText ?? b.text ?? ''), decision: released === undefined ? String(b.decision) : 'accepted', score: Math.round(score * 100) / 100,
      purpose: b.channel === 'system' && typeof b.purpose === 'string' ? b.purpose : null,
    });
  }
  candidates.sort((a, b) => b.score - a.score || b.at - a.at);
  const best = candidates[0] && candidates[0].score >= MATCH_THRESHOLD ? candidates[0] : null;
  const ev: Evidence = {
    matchedAt: input.now, window, candidates: candidates.slice(0, 10), match: best,
    consent: null, subscription: [], verdicts: [], history: [], optedOut: null,
  };
  const cpId = best?.contentProviderId ?? input.contentProviderId ?? null;
  if (best) {
    const rec = rows.find((r) => r.id === best.id);
    const consentId = rec?.body.consentId;
    if (typeof consentId === 'string') {
      const c = await ctx.store.consents.getConsent(consentId);
      if (c) ev.consent = { ...c };
    }
    // The message view decodes the stored verdicts (they are kept compactly in the record).
    const stored = await ctx.store.messages.getMessage(best.id);
    const view = stored && withArticles(stored);
    ev.verdicts = view?.verdicts ?? [];
    ev.history = view?.history ?? [];
  }
  if (cpId) {
    ev.subscription = (await ctx.store.consents.subscriptionEvents(input.msisdn, cpId)).map((e) => ({ ...e }));
    ev.optedOut = await ctx.store.consents.isOptedOut(cpId, input.msisdn);
  }
  return ev;
}

/** The content provider behind a port or a signature the user named, if registered. */
export async function providerForSender(ctx: AppContext, sender: string | null): Promise<string | null> {
  if (!sender) return null;
  if (/^\d+$/.test(sender)) return (await ctx.store.directory.getPort(sender))?.ownerId ?? null;
  const m = /^【[^【】]{1,16}】/.exec(sender);
  if (!m) return null;
  for (const cp of await ctx.store.directory.listContentProviders()) {
    if ((await ctx.store.directory.listSignatures(cp.id)).some((s) => s.signature === m[0])) return cp.id;
  }
  return null;
}
