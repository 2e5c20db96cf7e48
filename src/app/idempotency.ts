/**
 * Safe retries (README "Retrying safely"): a submission sent with an `Idempotency-Key` is decided
 * once. Its key is kept for 24 hours with the request's hash and the answer given, written in the
 * transaction that records its decisions (MessageStore.decideAndRecord), so a decision is never
 * durable without the key that answers its retry. A retry with the same key and request gets that
 * answer again and nothing is decided, recorded, counted or sent; the same key with another request
 * is refused (`idempotency_key_reused`).
 *
 * Two requests with one key at once: in one process the second waits for the first (the keys in
 * flight, below) and is then answered from its row. Across processes sharing PostgreSQL, the primary
 * key (provider, key) makes the later transaction wait for the first's commit and then fail, its
 * decisions rolled back; it then reads the row the first committed and replays it (or, if none is
 * there, answers 409 `idempotency_key_in_flight`). A store failure (5xx) keeps no key: the client may
 * retry.
 */
import type { AppContext } from './context.js';
import type { Channel, Principal, SubmitOutcome } from './types.js';
import type { StoredAnswer, StoredIdempotency } from '../ports/store.js';
import { SmsguardError } from '../domain/errors.js';
import { IDEMPOTENCY_KEPT_MS, keyReused } from '../domain/idempotency.js';
import { requireRole } from './access.js';
import { submitMessages } from './submit-message.js';

/** A keyed request, as its door hands it over. */
export interface KeyedRequest {
  key: string;
  /** src/domain/idempotency.ts requestHash. */
  requestHash: string;
  /** The door's answer to the outcomes (status and body as sent); a 5xx one is not kept. */
  answer(outcomes: readonly SubmitOutcome[]): StoredAnswer;
}

/** The answer to a keyed request; `replayed` when it is a kept one given again. */
export interface KeyedAnswer extends StoredAnswer {
  replayed: boolean;
}

/**
 * Keys being processed in this process, by provider and key: a request finding its key here waits
 * for that one to end before it looks for the key's row.
 */
export class KeysInFlight {
  private readonly m = new Map<string, Promise<void>>();

  /** Waits until no request holds `slot`, then holds it; call the returned function to let it go. */
  async take(slot: string): Promise<() => void> {
    for (let p = this.m.get(slot); p; p = this.m.get(slot)) await p;
    let release!: () => void;
    // set before any await: the next request with this key finds it
    this.m.set(slot, new Promise<void>((r) => (release = r)));
    return () => {
      this.m.delete(slot);
      release();
    };
  }

  /** How many keys are held (tests). */
  get size(): number {
    return this.m.size;
  }
}

/** submitMessages for a request with an `Idempotency-Key`: decided once, answered again on a retry. */
export async function submitMessagesOnce(ctx: AppContext, inFlight: KeysInFlight, principal: Principal, inputs: readonly unknown[], channel: Channel, fieldPrefix: string | undefined, req: KeyedRequest): Promise<KeyedAnswer> {
  requireRole(principal, 'content-provider');
  const cp = principal.contentProviderId;
  const release = await inFlight.take(`${cp}\u0000${req.key}`);
  try {
    const kept = await ctx.store.idempotency.find(cp, req.key, ctx.clock.now() - IDEMPOTENCY_KEPT_MS);
    if (kept) return replay(kept, req);
    // the answer written in the decision's transaction: given as it was kept
    let written: StoredAnswer | undefined;
    let outcomes: SubmitOutcome[];
    try {
      outcomes = await submitMessages(ctx, principal, inputs, channel, fieldPrefix, {
        key: req.key,
        requestHash: req.requestHash,
        answer(o) {
          written = req.answer(o);
          return written.status >= 500 ? null : written;
        },
      });
    } catch (e) {
      if (!(e instanceof SmsguardError && e.code === 'idempotency_key_in_flight')) throw e;
      // Another process kept the key first (its commit is what failed this transaction): its answer.
      const theirs = await ctx.store.idempotency.find(cp, req.key, ctx.clock.now() - IDEMPOTENCY_KEPT_MS);
      if (theirs) return replay(theirs, req);
      throw e;
    }
    // Nothing recorded (every message refused by its shape): no transaction, no key; the answer as is.
    const answer = written ?? req.answer(outcomes);
    return { status: answer.status, body: answer.body, replayed: false };
  } finally {
    release();
  }
}

function replay(kept: StoredIdempotency, req: KeyedRequest): KeyedAnswer {
  if (kept.requestHash !== req.requestHash) throw keyReused();
  return { status: kept.status, body: kept.body, replayed: true };
}
