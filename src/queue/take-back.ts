/**
 * A cancel's take-back across processes. The use case (src/app/cancel-message.ts) asks
 * AppContext.takeBack to give up a message a batch has claimed; on the bus, the batch holding it is
 * most often in another process's egress worker. So the cancelling process asks on
 * `<prefix>.cmd.take-back` (NATS request/reply, every egress process subscribed): the worker whose
 * submit of the message is out gives it up if nothing of it was written (InFlight.takeBack) and
 * answers whether it did, with the claim it gave up; the others stay silent, so the first answer is
 * the holder's (a claim in the store has one holder at a time). The cancel then overrides that claim
 * only (CancelOptions.evenIfClaimedBy): the answer crosses the bus and the cancel reaches the store
 * later, and should another claim have taken the message meanwhile it may be writing it, so the
 * cancel answers `conflict` rather than record cancelled a message on its way to the carrier. No
 * answer within TAKE_BACK_WAIT_MS (nobody holds it now, no egress process reachable), or one without
 * a claim (a holder of an earlier version): not taken back, `conflict` as it always was.
 */
import type { Bus } from './nats.js';
import type { Claim } from '../ports/store.js';

/**
 * How long a cancel waits for the holder's answer. A give-back of an unwritten submit answers at
 * once; one whose part is already written answers only once the carrier does (false, up to the
 * session's response timeout), and the cancel's caller (HTTP, cancel_sm) waits meanwhile: after
 * this it is told `conflict`, which that answer would have said too.
 */
export const TAKE_BACK_WAIT_MS = 2000;

/** What holds submits out (BusEgressWorker, over its InFlight). */
export interface TakeBackHolder {
  /** Whether message `id`'s submit is out here. */
  holds(id: string): boolean;
  /** Gives up message `id` if unwritten: the claim given up once its submit ended so, else null. */
  takeBack(id: string): Promise<Claim | null>;
}

/** `<prefix>.cmd.take-back` request body. */
interface TakeBackAsk {
  id: string;
}

/**
 * The holder's reply. `took` stays for a canceller of an earlier version (it cancelled on `took`
 * alone); this one cancels only under `claim`.
 */
interface TakeBackAnswer {
  took: boolean;
  claim?: Claim;
}

/** The claim of `id` in a holder's answer, checked: what crosses the bus is not trusted for its shape. */
function claimIn(a: unknown, id: string): Claim | null {
  const c = (a as Partial<TakeBackAnswer> | null)?.claim;
  if (typeof c !== 'object' || c === null || c.id !== id || !Number.isSafeInteger(c.attempts) || !Number.isSafeInteger(c.leasedUntil)) return null;
  return { id, attempts: c.attempts, leasedUntil: c.leasedUntil };
}

/**
 * Answers the take-back requests for the messages `holder` has out, and stays silent for the
 * others: a `false` from a worker that does not hold it could reach the asker before the holder's
 * answer. Returns the unsubscribe.
 */
export function serveTakeBack(bus: Bus, holder: TakeBackHolder): () => void {
  const sub = bus.nc.subscribe(bus.names.takeBack, {
    callback: (err, m) => {
      if (err) return;
      let ask: TakeBackAsk;
      try {
        ask = m.json<TakeBackAsk>();
      } catch {
        return; // not ours to understand
      }
      if (typeof ask?.id !== 'string' || !holder.holds(ask.id)) return;
      void holder.takeBack(ask.id).then((claim) => {
        const answer: TakeBackAnswer = claim ? { took: true, claim } : { took: false };
        m.respond(JSON.stringify(answer));
      });
    },
  });
  return () => sub.unsubscribe();
}

/**
 * AppContext.takeBack on the bus: this process's own egress worker first when it holds the message
 * (role `all`: no round trip), otherwise whichever egress process holds it, asked over NATS.
 */
export function busTakeBack(bus: Bus, local: TakeBackHolder | null): (id: string) => Promise<Claim | null> {
  return async (id) => {
    if (local?.holds(id)) return local.takeBack(id);
    const ask: TakeBackAsk = { id };
    try {
      const r = await bus.nc.request(bus.names.takeBack, JSON.stringify(ask), { timeout: TAKE_BACK_WAIT_MS });
      return claimIn(r.json<unknown>(), id);
    } catch {
      // timed out, no egress process subscribed, the connection down: nothing was given up
      return null;
    }
  };
}
