/**
 * The built-in simulator SMSC, in process: accepts every submit, keeps what it received (bounded),
 * answers with a delivery receipt, and lets a test or a user inject MO replies. It is the default
 * upstream so that `npm start` needs nothing else.
 *
 * With `holdMs` (0 by default: delivered on the next turn of the event loop) it holds each message
 * that long before delivering it, as a carrier's SMSC holds one it retries or was asked to schedule,
 * and a cancel (SMPP cancel_sm, `cancelHeld`) takes back one it still holds: that one is never delivered
 * and gets no receipt (SMPP 3.4 asks for none; many SMSCs send none). One delivered already cannot
 * be cancelled (ESME_RCANCELFAIL).
 */
import type { DeliveryReceipt, Egress, InboundMo, SubmitResult, UpstreamCancel, UpstreamCancelPart, UpstreamCancelResult } from '../ports/egress.js';
import type { OutboundMessage } from '../ports/store.js';
import type { Clock } from '../ports/clock.js';

export interface SimulatedDelivery {
  upstreamId: string;
  messageId: string;
  from: string;
  to: string;
  text: string;
  receivedAt: number;
  /** When a cancel took it back before it was delivered (epoch ms on the simulator's clock). */
  cancelledAt?: number;
}

/** What `SimulatorSmsc.cancelHeld` did: took it back now, had taken it back before, or cannot (delivered, unknown). */
export type SimulatorCancel = 'cancelled' | 'already' | 'not_held';

export interface SimulatorOptions {
  /** Outbox capacity: the newest this many submits are kept (100,000). */
  capacity?: number;
  /** How long each message is held before it is delivered (and can still be cancelled), ms; 0: delivered at once. */
  holdMs?: number;
}

export class SimulatorSmsc implements Egress {
  /**
   * The newest `capacity` submits, oldest first from `head` once full. A ring, not an array trimmed
   * at the front: removing the first of 100,000 elements moves all the others (~0.2 ms a submit,
   * which capped a long-running simulator at a few thousand messages a second).
   */
  private readonly received: SimulatedDelivery[] = [];
  private head = 0;
  private readonly receiptCbs: ((r: DeliveryReceipt) => void | Promise<unknown>)[] = [];
  private readonly moCbs: ((mo: InboundMo) => void)[] = [];
  /** Receipts of the submits since the last turn of the event loop, reported together. */
  private dueReceipts: string[] = [];
  private seq = 0;
  private total = 0;
  private readonly capacity: number;
  /** SimulatorOptions.holdMs; may be changed while running (later submits are held that long). */
  holdMs: number;
  /** Messages held and not delivered yet, by upstream id, with the timer that delivers them. */
  private readonly held = new Map<string, { d: SimulatedDelivery; timer: NodeJS.Timeout }>();
  /** Ids of messages a cancel took back (bounded as the outbox: a repeated cancel says `already`). */
  private readonly cancelled = new Set<string>();

  /** Submits received since start (the outbox keeps only the newest `capacity`). */
  get count(): number {
    return this.total;
  }
  /** `opts`: a number is the outbox capacity (as before SimulatorOptions). */
  constructor(private readonly clock: Clock, opts: number | SimulatorOptions = {}) {
    const o = typeof opts === 'number' ? { capacity: opts } : opts;
    const capacity = o.capacity ?? 100_000;
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`outbox capacity must be a positive integer, got ${capacity}`);
    const holdMs = o.holdMs ?? 0;
    if (!Number.isFinite(holdMs) || holdMs < 0) throw new RangeError(`hold must be a number of milliseconds, 0 or more, got ${holdMs}`);
    this.capacity = capacity;
    this.holdMs = holdMs;
  }

  async submit(msg: OutboundMessage): Promise<SubmitResult> {
    const upstreamId = (++this.seq).toString(16).toUpperCase().padStart(10, '0');
    const at = this.clock.now();
    this.total++;
    const d: SimulatedDelivery = { upstreamId, messageId: msg.id, from: msg.from, to: msg.to, text: msg.text, receivedAt: at };
    if (this.received.length < this.capacity) this.received.push(d);
    else {
      this.received[this.head] = d;
      this.head = (this.head + 1) % this.capacity;
    }
    if (this.holdMs > 0) {
      // held, as an SMSC holds a message it retries: delivered once the hold is over, unless cancelled
      const timer = setTimeout(() => {
        this.held.delete(upstreamId);
        if (this.dueReceipts.push(upstreamId) === 1) setImmediate(() => this.reportReceipts());
      }, this.holdMs);
      timer.unref();
      this.held.set(upstreamId, { d, timer });
      return { ok: true, upstreamId };
    }
    // A real SMSC answers the submit first and reports delivery later: on the next turn of the
    // event loop, one callback for all the submits of this one.
    if (this.dueReceipts.push(upstreamId) === 1) setImmediate(() => this.reportReceipts());
    return { ok: true, upstreamId };
  }

  /**
   * Takes back a message still held (SMPP cancel_sm): it is never delivered and gets no receipt, and
   * its outbox entry says when (`cancelledAt`). `already` for one cancelled before; `not_held` for
   * one delivered already, or an id this simulator never gave.
   */
  cancelHeld(upstreamId: string): SimulatorCancel {
    const h = this.held.get(upstreamId);
    if (!h) return this.cancelled.has(upstreamId) ? 'already' : 'not_held';
    clearTimeout(h.timer);
    this.held.delete(upstreamId);
    h.d.cancelledAt = this.clock.now();
    if (this.cancelled.size >= this.capacity) this.cancelled.delete(this.cancelled.values().next().value!);
    this.cancelled.add(upstreamId);
    return 'cancelled';
  }

  /** Egress.cancelUpstream, in process (the simulator as the delivery worker's egress): each id as `cancelHeld`. */
  async cancelUpstream(c: UpstreamCancel): Promise<UpstreamCancelResult> {
    const parts: UpstreamCancelPart[] = c.upstreamIds.map(() => 'not_asked');
    for (let i = 0; i < c.upstreamIds.length; i++) {
      const r = this.cancelHeld(c.upstreamIds[i]);
      if (r !== 'cancelled') {
        parts[i] = 'refused';
        return { ok: false, reason: `simulator: ESME_RCANCELFAIL (${r === 'already' ? 'cancelled already' : 'not held: delivered already'})`, parts };
      }
      parts[i] = 'cancelled';
    }
    return { ok: true };
  }

  /** Messages held now (not delivered, not cancelled). */
  get holding(): number {
    return this.held.size;
  }

  private reportReceipts(): void {
    const ids = this.dueReceipts;
    this.dueReceipts = [];
    const at = this.clock.now();
    // Nothing to acknowledge in process: a handler's refusal (the worker stopping) only loses a
    // simulated receipt, as a real SMSC's redelivery is not simulated.
    for (const upstreamId of ids) {
      for (const cb of this.receiptCbs) {
        try {
          const r = cb({ upstreamId, stat: 'DELIVRD', err: '000', at });
          if (r) r.catch(() => undefined);
        } catch {
          // one handler's failure must not cost the other receipts of the batch
        }
      }
    }
  }

  onReceipt(cb: (r: DeliveryReceipt) => void | Promise<unknown>): void {
    this.receiptCbs.push(cb);
  }
  onMo(cb: (mo: InboundMo) => void): void {
    this.moCbs.push(cb);
  }

  /** What the SMSC received, newest last; optionally only for one recipient (E.164). */
  outbox(to?: string): SimulatedDelivery[] {
    const inOrder = this.head === 0 ? this.received.slice() : [...this.received.slice(this.head), ...this.received.slice(0, this.head)];
    return to ? inOrder.filter((d) => d.to === to) : inOrder;
  }

  /** A user's reply reaching a port. */
  injectMo(mo: InboundMo): void {
    for (const cb of this.moCbs) cb(mo);
  }

  /** Held messages stay undelivered (a simulator's memory ends with it). */
  async close(): Promise<void> {
    for (const h of this.held.values()) clearTimeout(h.timer);
    this.held.clear();
  }
}
