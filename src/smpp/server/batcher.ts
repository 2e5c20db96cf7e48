/**
 * Groups submits of one content provider that arrive in the same event-loop turn into one
 * `submitMessages` call: one decide-and-record transaction for many PDUs instead of one each. This
 * is where SMPP throughput comes from (a transaction per message caps near 2,000 msgs/s on SQLite),
 * and it adds no waiting: a batch closes at the end of the current turn (setImmediate) or at
 * `maxBatch`, whichever comes first.
 */
import type { Channel, Principal, SubmitOutcome } from '../../app/types.js';
import { SlotMap } from '../../runtime/slot-map.js';

export type SubmitMany = (p: Principal, inputs: readonly unknown[], channel: Channel) => Promise<SubmitOutcome[]>;

interface Pending {
  key: string;
  principal: Principal;
  inputs: unknown[];
  waiters: { resolve(o: SubmitOutcome): void; reject(e: unknown): void }[];
}

export class SubmitBatcher {
  /** A SlotMap: a Map cleared every turn would keep each turn's inputs alive through its old tables (slot-map.ts). */
  private readonly open = new SlotMap<string, Pending>();
  private scheduled = false;
  constructor(
    private readonly submitMany: SubmitMany,
    readonly maxBatch = 500,
    private readonly channel: Channel = 'smpp',
  ) {}

  submit(principal: Principal, input: unknown): Promise<SubmitOutcome> {
    const p = this.pendingFor(principal, 1);
    const promise = this.add(p, input);
    this.close(p);
    return promise;
  }

  /**
   * Submits `inputs` (the destinations of one submit_multi) in the same `submitMessages` call, so
   * they are decided and recorded in one transaction: a batch already open that they would push past
   * `maxBatch` is sent first. Outcomes in input order.
   */
  submitAll(principal: Principal, inputs: readonly unknown[]): Promise<SubmitOutcome[]> {
    const p = this.pendingFor(principal, inputs.length);
    const promises = inputs.map((i) => this.add(p, i));
    this.close(p);
    return Promise.all(promises);
  }

  /** The provider's open batch, if `n` more inputs fit it (else it goes now and a new one opens). */
  private pendingFor(principal: Principal, n: number): Pending {
    const key = principal.role === 'content-provider' ? principal.contentProviderId : principal.actorId;
    let p = this.open.get(key);
    if (p && p.inputs.length > 0 && p.inputs.length + n > this.maxBatch) {
      this.open.delete(key);
      void this.run(p);
      p = undefined;
    }
    if (!p) {
      p = { key, principal, inputs: [], waiters: [] };
      this.open.set(key, p);
    }
    return p;
  }

  private add(p: Pending, input: unknown): Promise<SubmitOutcome> {
    const promise = new Promise<SubmitOutcome>((resolve, reject) => p.waiters.push({ resolve, reject }));
    p.inputs.push(input);
    return promise;
  }

  /** Sends a full batch now, else makes sure the open ones go at the end of this turn. */
  private close(p: Pending): void {
    if (p.inputs.length >= this.maxBatch) {
      this.open.delete(p.key);
      void this.run(p);
    } else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.scheduled = false;
    const all = [...this.open.values()];
    this.open.clear();
    for (const p of all) void this.run(p);
  }

  private async run(p: Pending): Promise<void> {
    try {
      const outs = await this.submitMany(p.principal, p.inputs, this.channel);
      for (let i = 0; i < p.waiters.length; i++) p.waiters[i].resolve(outs[i]);
    } catch (e) {
      for (const w of p.waiters) w.reject(e);
    }
  }
}
