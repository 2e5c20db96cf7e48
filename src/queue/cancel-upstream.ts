/**
 * A cancel at the carrier across processes. In scale-out the process that takes a cancel
 * (`DELETE /v1/messages/{id}`, cancel_sm) of a message already written to the carrier and not final
 * (`submitted`) most often has no upstream link: an egress process does. So AppContext.cancelUpstream
 * asks on `<prefix>.cmd.cancel-upstream` (NATS request/reply, every egress process subscribed), and
 * the one egress process that owns the recipient's partition now (its lease in the store: one owner
 * at a time) asks its carrier (Egress.cancelUpstream: cancel_sm for each part on the link its client
 * filed it under, or, sent before a restart or a partition's hand-over, the only link that could
 * carry the recipient) and answers with the carrier's outcome; the others stay silent, so the only
 * answer is the owner's and no second process sends a cancel_sm of its own. The owner is the one
 * that wrote it: a partition's messages are all submitted by its owner.
 *
 * A subject of its own rather than an extension of take-back (take-back.ts): another process answers
 * (the partition's owner, not the holder of a submit still out), with another answer (the carrier's
 * outcome, not a claim given up), within another bound (CANCEL_UPSTREAM_WAIT_MS, not
 * TAKE_BACK_WAIT_MS); and an egress process of an earlier version, which knows only take-back, stays
 * silent here, so its cancel ends in `conflict` as it always did rather than in a take-back's "not
 * taken" read as the carrier's word. No answer within the bound (no owner now, no egress process
 * reachable, one of an earlier version): a refusal, and the cancel answers `conflict`.
 */
import type { Bus } from './nats.js';
import type { UpstreamCancel, UpstreamCancelPart, UpstreamCancelResult } from '../ports/egress.js';

/**
 * What the owner leaves for the answer to cross the bus: it asks its carrier for at most the
 * asker's wait less this, so that a refusal for want of time reaches the asker as the carrier's
 * reason rather than as no answer.
 */
export const CANCEL_UPSTREAM_MARGIN_MS = 250;

/** What asks the carrier, in an egress process (BusEgressWorker, over its Egress). */
export interface CarrierCanceller {
  /** Whether this process owns the partition of recipient `to` now (a cancel for it is this process's to ask). */
  owns(to: string): boolean;
  /** Egress.cancelUpstream; absent when this process's egress cannot ask. */
  cancelUpstream?(c: UpstreamCancel, waitMs: number): Promise<UpstreamCancelResult>;
}

/** `<prefix>.cmd.cancel-upstream` request body. */
interface CancelUpstreamAsk {
  c: UpstreamCancel;
  waitMs: number;
}

const PART_OUTCOMES: ReadonlySet<unknown> = new Set<UpstreamCancelPart>(['cancelled', 'refused', 'unanswered', 'not_asked']);

/**
 * The owner's answer, checked: what crosses the bus is not trusted for its shape. Its `parts` are
 * kept only when they are one known outcome per part asked: else the asker cannot tell which part
 * came to what, as from an egress process of an earlier version, which sends none.
 */
function resultIn(a: unknown, asked: number): UpstreamCancelResult {
  const r = a as Partial<{ ok: unknown; reason: unknown; parts: unknown }> | null;
  if (r?.ok === true) return { ok: true };
  const reason = typeof r?.reason === 'string' ? r.reason : 'an answer this process cannot read';
  const parts = r?.parts;
  if (Array.isArray(parts) && parts.length === asked && parts.every((p) => PART_OUTCOMES.has(p))) return { ok: false, reason, parts: parts as UpstreamCancelPart[] };
  return { ok: false, reason };
}

function askIn(a: unknown): CancelUpstreamAsk | null {
  const q = a as Partial<CancelUpstreamAsk> | null;
  const c = q?.c as Partial<UpstreamCancel> | undefined;
  if (!c || typeof c.messageId !== 'string' || typeof c.from !== 'string' || typeof c.to !== 'string') return null;
  if (!Array.isArray(c.upstreamIds) || c.upstreamIds.length === 0 || !c.upstreamIds.every((u) => typeof u === 'string')) return null;
  if (typeof q?.waitMs !== 'number' || !Number.isFinite(q.waitMs)) return null;
  return { c: { messageId: c.messageId, from: c.from, to: c.to, upstreamIds: c.upstreamIds }, waitMs: q.waitMs };
}

/**
 * Answers the cancel-upstream requests for recipients whose partition `owner` owns, with its
 * carrier's outcome, and stays silent for the others. Returns the unsubscribe.
 */
export function serveCancelUpstream(bus: Bus, owner: CarrierCanceller): () => void {
  const sub = bus.nc.subscribe(bus.names.cancelUpstream, {
    callback: (err, m) => {
      if (err) return;
      let ask: CancelUpstreamAsk | null;
      try {
        ask = askIn(m.json<unknown>());
      } catch {
        return; // not ours to understand
      }
      if (!ask || !owner.owns(ask.c.to)) return;
      const waitMs = Math.max(0, ask.waitMs - CANCEL_UPSTREAM_MARGIN_MS);
      const asked: Promise<UpstreamCancelResult> = owner.cancelUpstream
        ? owner.cancelUpstream(ask.c, waitMs).catch((e: unknown) => ({ ok: false, reason: e instanceof Error ? e.message : String(e) }))
        : Promise.resolve({ ok: false, reason: 'the egress process owning it cannot cancel a message at its carrier' });
      void asked.then((r) => m.respond(JSON.stringify(r)));
    },
  });
  return () => sub.unsubscribe();
}

/**
 * AppContext.cancelUpstream on the bus: the egress process owning the recipient's partition asks its
 * carrier, and its answer comes back; none within `waitMs` is a refusal. Asked over NATS in every
 * role, a process's own worker included (role `all`): the partition may be another's.
 */
export function busCancelUpstream(bus: Bus): (c: UpstreamCancel, waitMs: number) => Promise<UpstreamCancelResult> {
  return async (c, waitMs) => {
    const ask: CancelUpstreamAsk = { c: { messageId: c.messageId, from: c.from, to: c.to, upstreamIds: [...c.upstreamIds] }, waitMs };
    try {
      const r = await bus.nc.request(bus.names.cancelUpstream, JSON.stringify(ask), { timeout: waitMs });
      return resultIn(r.json<unknown>(), c.upstreamIds.length);
    } catch {
      // timed out, no egress process subscribed (or none owning it), the connection down
      return { ok: false, reason: `no egress process answered within ${waitMs} ms` };
    }
  };
}
