/**
 * The outbox relay (transactional-outbox pattern): accepted messages are durable in PostgreSQL the
 * moment `decideAndRecord` commits — that is when HTTP answers 202 and SMPP submit_sm_resp — and the
 * relay then hands them to JetStream, partitioned by recipient. Two relays never take the same row
 * in one round (SKIP LOCKED); each hand-over round carries Nats-Msg-Id `<id>.<attempts>.<round>`, so
 * a publish the client repeats (lost PubAck) is stored once, while a later round — the bus lost the
 * message, a worker died holding it, a retry came due — is a new hand-over. Duplicates that still
 * reach a worker lose the claim in the shared queue and are dropped there. A timer sweeps for lost
 * hand-overs and due retries.
 *
 * Each lane goes by its own subject (subjects.ts), except during a rolling upgrade: while an egress
 * process of an earlier version is live (PartitionLeases.fleetLanes, read at most once per sweep),
 * every message goes by `mt`, the subject every version reads, since a partition it owns has nobody
 * reading its other subjects. A message handed over on a lane's subject just before such a process
 * came back (its heartbeat had lapsed, cut off from PostgreSQL; an earlier version cannot start on
 * the migrated schema) is handed over again on `mt` after `graceMs`.
 */
import type { AppContext } from '../app/context.js';
import type { Bus } from './nats.js';
import { laneSubject, partitionOf, type MtHandOver } from './subjects.js';
import { LOWEST_PRIORITY, PRIORITIES } from '../domain/priority.js';
import type { PartitionLeases, QueueOutbox, QueueTimings } from './types.js';
import { CoalescedTask } from '../runtime/coalesced.js';

export class OutboxRelay {
  private readonly pumps = new CoalescedTask(() => this.pump(), (e) => this.ctx.events.emit('workerError', { where: 'relay', message: e.message }));
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  published = 0;
  /** Whether every live egress process reads each lane's subject, and when that was read (wall clock). */
  private fleet = { lanes: true, at: -Infinity };

  constructor(private readonly ctx: AppContext, private readonly outbox: QueueOutbox, private readonly bus: Bus, private readonly t: QueueTimings, private readonly members: Pick<PartitionLeases, 'fleetLanes'>, private readonly batch = 1000) {}

  /** Whether the lanes' own subjects are read by every live egress process (read again after a sweep's time). */
  private async lanesRead(): Promise<boolean> {
    const now = Date.now();
    if (now - this.fleet.at >= this.t.sweepMs) this.fleet = { lanes: (await this.members.fleetLanes(now)) >= PRIORITIES.length, at: now };
    return this.fleet.lanes;
  }

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
      const lanes = await this.lanesRead();
      // Publish concurrently, wait for every PubAck (stored in the stream) before the next batch.
      await Promise.all(msgs.map((m) => {
        const body: MtHandOver = { id: m.id, to: m.to, attempts: m.attempts };
        const p = partitionOf(m.to, this.bus.partitions);
        // each lane by its partition's subject of its own (subjects.ts): a code behind no backlog;
        // during a rolling upgrade by the one every version reads
        const subject = laneSubject(this.bus.names, lanes ? m.priority : LOWEST_PRIORITY, p);
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
