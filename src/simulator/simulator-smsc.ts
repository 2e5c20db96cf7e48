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
  private readonly received: SimulatedDelivery[] = [];
  private readonly receiptCbs: ((r: DeliveryReceipt) => void | Promise<unknown>)[] = [];
  private readonly moCbs: ((mo: InboundMo) => void)[] = [];
  private seq = 0;
  private total = 0;

  /** Submits received since start (the outbox keeps only the newest `capacity`). */
  get count(): number {
    return this.total;
  }
  constructor(private readonly clock: Clock, private readonly capacity = 100_000) {}

  async submit(msg: OutboundMessage): Promise<SubmitResult> {
    const upstreamId = (++this.seq).toString(16).toUpperCase().padStart(10, '0');
    const at = this.clock.now();
    this.total++;
    this.received.push({ upstreamId, messageId: msg.id, from: msg.from, to: msg.to, text: msg.text, receivedAt: at });
    if (this.received.length > this.capacity) this.received.splice(0, this.received.length - this.capacity);
    // A real SMSC answers the submit first and reports delivery later.
    setImmediate(() => {
      // Nothing to acknowledge in process: a handler's refusal (the worker stopping) only loses a
      // simulated receipt, as a real SMSC's redelivery is not simulated.
      for (const cb of this.receiptCbs) void Promise.resolve(cb({ upstreamId, stat: 'DELIVRD', err: '000', at: this.clock.now() })).catch(() => undefined);
    });
    return { ok: true, upstreamId };
  }

  onReceipt(cb: (r: DeliveryReceipt) => void | Promise<unknown>): void {
    this.receiptCbs.push(cb);
  }
  onMo(cb: (mo: InboundMo) => void): void {
    this.moCbs.push(cb);
  }

  /** What the SMSC received, newest last; optionally only for one recipient (E.164). */
  outbox(to?: string): SimulatedDelivery[] {
    return to ? this.received.filter((d) => d.to === to) : [...this.received];
  }

  /** A user's reply reaching a port. */
  injectMo(mo: InboundMo): void {
    for (const cb of this.moCbs) cb(mo);
  }

  async close(): Promise<void> {}
}
