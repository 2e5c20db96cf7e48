/**
 * A cancel's take-back across processes. The use case (src/app/cancel-message.ts) asks
 * AppContext.takeBack to give up a message a batch has claimed; on the bus, the batch holding it is
 * most often in another process's egress worker. So the cancelling process asks on
 * `<prefix>.cmd.take-back` (NATS request/reply, every egress process subscribed): the worker whose
 * submit of the message is out gives it up if nothing of it was written (InFlight.takeBack) and
 * answers whether it did; the others stay silent, so the first answer is the holder's (a claim in
 * the store has one holder at a time). No answer within TAKE_BACK_WAIT_MS (nobody holds it now, no
 * egress process reachable): not taken back, and the cancel answers `conflict` as it always did.
 */
import type { Bus } from './nats.js';

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
  /** Gives up message `id` if unwritten: true once its submit ended so. */
  takeBack(id: string): Promise<boolean>;
}

/** `<prefix>.cmd.take-back` request body. */
interface TakeBackAsk {
  id: string;
}

/** The holder's reply. */
interface TakeBackAnswer {
  took: boolean;
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
      void holder.takeBack(ask.id).then((took) => {
        const answer: TakeBackAnswer = { took };
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
export function busTakeBack(bus: Bus, local: TakeBackHolder | null): (id: string) => Promise<boolean> {
  return async (id) => {
    if (local?.holds(id)) return local.takeBack(id);
    const ask: TakeBackAsk = { id };
    try {
      const r = await bus.nc.request(bus.names.takeBack, JSON.stringify(ask), { timeout: TAKE_BACK_WAIT_MS });
      return r.json<TakeBackAnswer>().took === true;
    } catch {
      // timed out, no egress process subscribed, the connection down: nothing was given up
      return false;
    }
  };
}
