/**
 * The built-in simulator SMSC, in process: accepts every submit, keeps what it received (bounded),
 * answers with a delivery receipt, and lets a test or a user inject MO replies. It is the default
 * upstream so that `npm start` needs nothing else.
 */
import type { DeliveryReceipt, Egress, InboundMo, SubmitResult } from '../ports/egress.js';
import type { OutboundMessage } from '../ports/store.js';
import type { Clock } from '../ports/clock.js';

export interface SimulatedDelivery {
  upstreamId: string;
  messageId: string;
  from: string;
  to: string;
  text: string;
  receivedAt: number;
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

  /** Submits received since start (the outbox keeps only the newest `capacity`). */
  get count(): number {
    return this.total;
  }
  constructor(private readonly clock: Clock, capacity = 100_000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`outbox capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
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
    // A real SMSC answers the submit first and reports delivery later: on the next turn of the
    // event loop, one callback for all the submits of this one.
    if (this.dueReceipts.push(upstreamId) === 1) setImmediate(() => this.reportReceipts());
    return { ok: true, upstreamId };
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

  async close(): Promise<void> {}
}
