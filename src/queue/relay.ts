/**
 * The outbox relay (transactional-outbox pattern): accepted messages are durable in PostgreSQL the
 * moment `decideAndRecord` commits — that is when HTTP answers 202 and SMPP submit_sm_resp — and the
 * relay then hands them to JetStream, partitioned by recipient. Two relays never take the same row
 * in one round (SKIP LOCKED); each hand-over round carries Nats-Msg-Id `<id>.<attempts>.<round>`, so
 * a publish the client repeats (lost PubAck) is stored once, while a later round — the bus lost the
 * message, a worker died holding it, a retry came due — is a new hand-over. Duplicates that still
 * reach a worker lose the claim in the shared queue and are dropped there. A timer sweeps for lost
 * hand-overs and due retries.
 */
import type { AppContext } from '../app/context.js';
import type { Bus } from './nats.js';
import { laneSubject, partitionOf, type MtHandOver } from './subjects.js';
import type { QueueOutbox, QueueTimings } from './types.js';
import { CoalescedTask } from '../runtime/coalesced.js';

export class OutboxRelay {
  private readonly pumps = new CoalescedTask(() => this.pump(), (e) => this.ctx.events.emit('workerError', { where: 'relay', message: e.message }));
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  published = 0;

  constructor(private readonly ctx: AppContext, private readonly outbox: QueueOutbox, private readonly bus: Bus, private readonly t: QueueTimings, private readonly batch = 1000) {}

  start(): void {
    this.unsubscribe = this.ctx.events.on('outboxReady', () => this.kick());
    this.timer = setInterval(() => this.kick(), this.t.sweepMs);
    this.timer.unref();
    this.kick();
  }

  /** Asks for a hand-over pass soon; coalesces bursts. */
  kick(): void {
    this.pumps.kick();
  }

  private async pump(): Promise<void> {
    while (!this.stopped) {
      const round = this.ctx.clock.now();
      const msgs = await this.outbox.relay(round, this.batch, this.t.graceMs);
      if (msgs.length === 0) return;
      // Publish concurrently, wait for every PubAck (stored in the stream) before the next batch.
      await Promise.all(msgs.map((m) => {
        const body: MtHandOver = { id: m.id, to: m.to, attempts: m.attempts };
        const p = partitionOf(m.to, this.bus.partitions);
        // each lane by its partition's subject of its own (subjects.ts): a code behind no backlog
        const subject = laneSubject(this.bus.names, m.priority, p);
        return this.bus.js.publish(subject, JSON.stringify(body), { msgID: `${m.id}.${m.attempts}.${round}` });
      }));
      this.published += msgs.length;
      if (msgs.length < this.batch) return;
    }
  }

  /** Finishes the hand-over in progress and stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.pumps.stop();
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    if (this.pumps.running) await this.pumps.running;
  }
}
