/**
 * The messages an egress loop has handed to the egress and whose submits have not ended (both egress
 * loops: the DeliveryWorker, and with NATS the BusEgressWorker), so that what changes while they wait
 * can still reach those not yet written (the carrier link down, a full window): `Egress.cancel` gives
 * such a submit up unwritten (it ends `stopped`, nothing written), its batch gives the message back
 * to the queue, and the next claim's send-time check judges it again (send-time-check.ts). One a
 * cancel takes back (`takeBack`) is not given back: its claim goes to the cancel.
 */
import type { Egress } from '../ports/egress.js';
import type { Claim, OutboundMessage } from '../ports/store.js';
import type { AllEvents } from './context.js';
import type { LeaseKeeper } from './lease-keeper.js';
import type { BatchEgress, BatchSubmitResult } from './receipt-book.js';
import { inSendingHours } from '../pipeline/stages/commercial.js';

/** A submit out: its message as claimed (the keeper moves its lease end), and whether a cancel asked for it back. */
interface Out {
  m: OutboundMessage;
  p: Promise<BatchSubmitResult>;
  keeper: LeaseKeeper | undefined;
  askedBack: boolean;
}

export class InFlight {
  private readonly submitting = new Map<string, Out>();

  constructor(private readonly egress: Egress) {}

  /**
   * The egress as sendBatch sees it: every submit tracked until it ends. One a take-back asked for
   * and that ended unwritten is marked `takenBack`, so that its batch keeps its claim for the cancel.
   */
  readonly tracked: BatchEgress = {
    submit: (m, keeper) => {
      const asked = { askedBack: false };
      const p = this.egress.submit(m).then((r): BatchSubmitResult => (asked.askedBack && !r.ok && r.stopped?.written === false ? { ...r, takenBack: true } : r));
      const entry: Out = Object.assign(asked, { m, p, keeper });
      this.submitting.set(m.id, entry);
      const done = (): void => {
        if (this.submitting.get(m.id) === entry) this.submitting.delete(m.id);
      };
      p.then(done, done);
      return p;
    },
    cancel: (ids) => this.egress.cancel?.(ids),
  };

  /** Whether message `id`'s submit is out here (handed to the egress and not ended). */
  holds(id: string): boolean {
    return this.submitting.has(id);
  }

  /**
   * AppContext.takeBack: gives up message `id` if its submit has not written it; once its submit
   * ended so (`stopped`, nothing written), the claim it was sent under, which the cancel names; null
   * when it went out or is not in flight here. The claim is kept (its batch does not give it back:
   * sendBatch's `kept`) and no longer renewed, so that the lease end named here is the one in the
   * store until the cancel comes, and nobody claims the message before it.
   */
  async takeBack(id: string): Promise<Claim | null> {
    const s = this.submitting.get(id);
    if (!s || !this.egress.cancel) return null;
    s.askedBack = true;
    this.egress.cancel([id]);
    const r = await s.p.catch(() => null);
    if (r === null || !r.takenBack) return null;
    // a renewal under way has landed (the lease end below is the store's), and none follows
    await s.keeper?.drop([id]);
    return { id, attempts: s.m.attempts, leasedUntil: s.m.leasedUntil };
  }

  /**
   * A refusal recorded just now (the app's `refusal` event): the in-flight commercial and charged
   * messages it concerns are given up where still unwritten (an opt-out or the provider's DELETE ends
   * a charged message's subscription: rule 8, send-time-check.ts). A message the change does not stop
   * after all (another category's consent withdrawn, another service's subscription ended) goes out
   * on its next claim.
   */
  refused(e: AllEvents['refusal']): void {
    const numbers = e.msisdns ? new Set(e.msisdns) : null;
    this.giveUp((m) => (m.category !== undefined || m.chargedServiceId !== undefined) && (e.contentProviderId === undefined || m.contentProviderId === e.contentProviderId) && (numbers === null || numbers.has(m.to)));
  }

  /**
   * Outside the sending hours `q` at `now`: every in-flight commercial message still unwritten is given
   * up; the next claim has it wait for the window. Taken in the daytime, it would otherwise go out
   * whenever the link returns. A long message part-way (its first parts acknowledged, the rest
   * waiting for a link, a pause or the budget) is given up before its next part: the rest waits for
   * the window too, its acknowledged parts kept with it (sendBatch), and goes then under the same UDH
   * reference (docs/CONSENT.md, "a long message cut off at the end of the hours").
   */
  closeOfHours(now: number, q: { start: string; end: string; timeZone: string }): void {
    if (this.submitting.size === 0 || inSendingHours(now, q)) return;
    this.giveUp((m) => m.category !== undefined);
  }

  /**
   * Gives up the in-flight messages `which` picks. What was written stays written (SMPP client: a
   * part awaiting its answer is left to it); nothing more of them is (Egress.cancel).
   */
  private giveUp(which: (m: OutboundMessage) => boolean): void {
    if (!this.egress.cancel || this.submitting.size === 0) return;
    const ids: string[] = [];
    for (const [id, { m }] of this.submitting) if (which(m)) ids.push(id);
    if (ids.length) this.egress.cancel(ids);
  }
}
