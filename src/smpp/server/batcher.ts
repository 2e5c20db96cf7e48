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
    const key = principal.role === 'content-provider' ? principal.contentProviderId : principal.actorId;
    let p = this.open.get(key);
    if (!p) {
      p = { principal, inputs: [], waiters: [] };
      this.open.set(key, p);
    }
    const promise = new Promise<SubmitOutcome>((resolve, reject) => p!.waiters.push({ resolve, reject }));
    p.inputs.push(input);
    if (p.inputs.length >= this.maxBatch) {
      this.open.delete(key);
      void this.run(p);
    } else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return promise;
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
