/**
 * The egress side of the bus: consumes the partitions this process owns (leases in the store, see
 * PartitionLeases), claims each handed-over message in the shared queue, submits it upstream,
 * records the outcome, and only then acknowledges it to JetStream (explicit acks). A message whose
 * claim fails is done, not yet due, or in another worker's hands: it is acknowledged and dropped,
 * because the queue row, not the bus message, is the truth — the relay hands it over again if it
 * is ever lost. A worker killed mid-batch leaves leased rows that expire and are handed over again;
 * a message that reached the upstream but whose `submitted` was not recorded can therefore go out
 * twice (at-least-once towards the SMSC), which is why submits carry our message id for the
 * upstream to deduplicate on.
 */
import type { JsMsg, ConsumerMessages } from '@nats-io/jetstream';
import type { Subscription } from '@nats-io/transport-node';
import type { AppContext } from '../app/context.js';
import type { Egress, UpstreamCancel, UpstreamCancelResult } from '../ports/egress.js';
import { ReceiptBook, recallFrom, sendBatch, statusEvent } from '../app/receipt-book.js';
import { checkAtSendTime } from '../app/send-time-check.js';
import { InFlight } from '../app/in-flight.js';
import { gaveUpClaimsError, lostClaimsError } from '../app/lease-keeper.js';
import { within } from '../app/within.js';
import type { Bus } from './nats.js';
import { laneChannels, partitionOf, type MtHandOver } from './subjects.js';
import type { PartitionLeases, QueueOutbox, QueueTimings } from './types.js';
import type { Claim } from '../ports/store.js';
import { randomBytes } from 'node:crypto';

export interface EgressWorkerOptions {
  batch: number;
  maxAttempts: number;
  partitionCount: number;
}

interface PartitionConsumer {
  partition: number;
  messages: ConsumerMessages;
  buffer: JsMsg[];
  processing: Promise<void> | null;
  loop: Promise<void>;
  closing: boolean;
  /** The buffer was given back (stopPartition): a message yielded since is nak'ed at once. */
  gaveBack: boolean;
}

/**
 * Ends a pull's subscription the way Subscription.drain does (UNSUB, a round trip, then closed), so
 * what the server sent before it read the UNSUB is still yielded by the pull's iterator. The pull
 * consumer keeps its subscription internal (`sub`), hence the narrow cast; without one (another
 * client version) this does nothing and close() ends it as before. @nats-io/jetstream 3.3 has no
 * public way to drain a consume(): its close() and stop() unsubscribe at once. Pulls with fetch(),
 * each let to end at its expiry instead of closed, were tried (2026-12-07) and kept what was on the
 * wire (stop-window.test.ts passed), but cost elsewhere: 1 s pulls left gaps with no pull at the
 * server, and a code behind 2000 notifications took ~1.0–1.2 s (priority-lanes.test.ts, bound 1 s;
 * 0.55 s with consume()); 5 s pulls made a stop wait for them (4.6 s, pipeline.test.ts's prompt stop)
 * and slowed partition hand-overs (its disjoint-split case failed).
 */
async function drainPull(messages: ConsumerMessages): Promise<void> {
  const sub = (messages as unknown as { sub?: Subscription }).sub;
  if (!sub || sub.isClosed() || sub.isDraining()) return;
  // Bounded: the round trip takes milliseconds on a live connection; one that is down (reconnecting)
  // would hold the stop until it came back, and what it had sent waits out ack_wait anyway.
  await within(sub.drain(), DRAIN_BOUND_MS);
}

/** How long a stopping pull waits for its drain's round trip (drainPull). */
const DRAIN_BOUND_MS = 1000;

export class BusEgressWorker {
  readonly member = `egress_${process.pid}_${randomBytes(4).toString('hex')}`;
  /**
   * Per partition owned, its three consumers, one per lane's subject (subjects.ts), each processing
   * its own batches, so a code is held neither behind a notice's batch nor behind a commercial one.
   */
  private readonly consumers = new Map<number, PartitionConsumer[]>();
  /** No message is taken any more (stopSending). */
  private sendingStopped = false;
  /** Receipts and MO are refused too (stop): the SMSC delivers them again after the restart. */
  private stopped = false;
  private balancer: NodeJS.Timeout | null = null;
  private balancing: Promise<void> | null = null;
  private lastBalanced = 0;
  /** Submitted messages awaiting receipts, and the receipts themselves (shared with DeliveryWorker). */
  private readonly book: ReceiptBook;
  submitted = 0;
  errors: { where: string; message: string }[] = [];
  /**
   * Submits out: a refusal recorded anywhere (this process's, or another's relayed by the bus roles)
   * and the end of the sending hours give back the unwritten commercial ones (in-flight.ts); a cancel
   * in any process takes back the one it names (take-back.ts).
   */
  private readonly submits: InFlight;
  private offRefusal: (() => void) | null = null;
  /** The `submitted` wake from the other egress workers (start). */
  private wake: Subscription | null = null;
  private hours: NodeJS.Timeout | null = null;
  /**
   * Test seam: called synchronously as partition `p`'s consumers start to close, before anything is
   * sent to the server, so a test can have JetStream hand a message to the closing pull right then
   * (test/integration/nats/stop-window.test.ts). Null in production.
   */
  onClosing: ((partition: number) => void) | null = null;

  constructor(
    private readonly ctx: AppContext,
    private readonly outbox: QueueOutbox,
    private readonly leases: PartitionLeases,
    private readonly egress: Egress,
    private readonly bus: Bus,
    private readonly t: QueueTimings,
    private readonly o: EgressWorkerOptions,
    private readonly onMo?: (mo: { from: string; to: string; text: string }) => Promise<unknown>,
  ) {
    this.submits = new InFlight(egress);
    this.book = new ReceiptBook({
      outbox: this.outbox,
      clock: ctx.clock,
      stopped: () => this.stopped,
      // a receipt for a message submitted before a restart still reaches its sender
      recall: recallFrom(ctx.store.messages),
      onError: (where, e) => this.report(where, e),
      announce: (u, m) => {
        const ev = statusEvent(u, m);
        this.ctx.events.emit('messageStatus', ev);
        // The ESME that wants the receipt may be bound to another process: tell every ingress.
        if (m.registeredDelivery) this.bus.nc.publish(this.bus.names.status, JSON.stringify({ origin: this.member, ev }));
      },
    });
  }

  async start(): Promise<void> {
    this.offRefusal = this.ctx.events.on('refusal', (e) => this.submits.refused(e));
    this.hours = setInterval(() => this.submits.closeOfHours(this.ctx.clock.now(), this.ctx.profile.params.quietHours.value), Math.max(200, this.t.sweepMs));
    this.hours.unref();
    // Acknowledged upstream once recorded; refused after stop() (the SMSC delivers it again).
    this.egress.onReceipt((r) => (this.stopped ? Promise.reject(new Error('stopped: the SMSC will deliver it again')) : this.book.receipt(r)));
    if (this.onMo) {
      const onMo = this.onMo;
      // The promise goes back to the egress, which acknowledges the MO upstream only once it is
      // handled (recorded); stopped or failed → a temporary error, and the SMSC delivers it again.
      this.egress.onMo((mo) => {
        if (this.stopped) return Promise.reject(new Error('stopped: the SMSC will deliver it again'));
        return onMo(mo).catch((e: Error) => {
          this.report('mo', e);
          throw e;
        });
      });
    }
    await this.balance();
    this.lastBalanced = Date.now();
    this.book.start(this.t.receiptRetryMs);
    // Another process recorded `submitted`: a receipt that reached this process first (an SMSC sends
    // receipts on whichever bind of the account it likes) may now find its message. Without the wake
    // it waited for the next retry (receiptRetryMs). Core NATS, at most once: the retry stays.
    this.wake = this.bus.nc.subscribe(this.bus.names.submitted, {
      callback: (err, m) => {
        if (!err && m.string() !== this.member) this.book.retryEarly();
      },
    });
    this.balancer = setInterval(() => {
      if (this.balancing) return;
      this.balancing = this.balance()
        .then(() => { this.lastBalanced = Date.now(); })
        .catch(async (e: Error) => {
          this.report('balance', e);
          // Leases we could not renew have expired for everyone else: stop consuming those
          // partitions before another worker takes them (no two owners, even when cut off).
          if (Date.now() - this.lastBalanced >= this.t.partitionTtlMs) for (const p of [...this.consumers.keys()]) await this.stopPartition(p);
        })
        .finally(() => (this.balancing = null));
    }, Math.max(200, Math.floor(this.t.partitionTtlMs / 3)));
    this.balancer.unref();
  }

  /** Whether message `id`'s submit is out in this worker (a cancel's take-back: take-back.ts). */
  holds(id: string): boolean {
    return this.submits.holds(id);
  }

  /** Gives up message `id` if its submit has not written it: the claim given up once it ended so (InFlight.takeBack). */
  takeBack(id: string): Promise<Claim | null> {
    return this.submits.takeBack(id);
  }

  /** Whether this worker owns recipient `to`'s partition now: a cancel at the carrier of its messages is asked here (cancel-upstream.ts). */
  owns(to: string): boolean {
    return this.consumers.has(partitionOf(to, this.o.partitionCount));
  }

  /** Egress.cancelUpstream of this worker's egress (cancel_sm on the link that carried it); absent when it cannot ask. */
  get cancelUpstream(): ((c: UpstreamCancel, waitMs: number) => Promise<UpstreamCancelResult>) | undefined {
    const egress = this.egress;
    return egress.cancelUpstream ? (c, waitMs) => egress.cancelUpstream!(c, waitMs) : undefined;
  }

  /** Partitions this worker consumes now. */
  owned(): number[] {
    return [...this.consumers.keys()].sort((a, b) => a - b);
  }

  private report(where: string, e: Error): void {
    if (this.errors.length < 100) this.errors.push({ where, message: e.message });
    this.ctx.events.emit('workerError', { where: `bus-egress:${where}`, message: e.message });
  }

  private async balance(): Promise<void> {
    if (this.sendingStopped) return;
    const own = await this.leases.balance(this.member, this.o.partitionCount, Date.now(), this.t.partitionTtlMs, (ps) => Promise.all(ps.map((p) => this.stopPartition(p))).then(() => undefined));
    const want = new Set(own);
    for (const p of [...this.consumers.keys()]) if (!want.has(p)) await this.stopPartition(p);
    for (const p of own) if (!this.consumers.has(p) && !this.sendingStopped) await this.startPartition(p);
  }

  private async startPartition(partition: number): Promise<void> {
    const pcs: PartitionConsumer[] = [];
    for (const { durable } of laneChannels(this.bus.names, partition)) {
      const consumer = await this.bus.js.consumers.get(this.bus.names.stream, durable);
      const messages = await consumer.consume({ max_messages: this.o.batch * 2 });
      const pc: PartitionConsumer = { partition, messages, buffer: [], processing: null, loop: Promise.resolve(), closing: false, gaveBack: false };
      pc.loop = (async () => {
        for await (const m of messages) {
          if (pc.gaveBack) {
            m.nak(); // the partition's buffer was given back already: so is this one, at once
            continue;
          }
          pc.buffer.push(m);
          if (pc.closing) continue;
          if (!pc.processing) pc.processing = this.drainBuffer(pc);
        }
      })().catch((e: Error) => this.report('consume', e));
      pcs.push(pc);
    }
    this.consumers.set(partition, pcs);
  }

  /** Processes the consumer's buffer one batch at a time (its subject's order preserved). */
  private async drainBuffer(pc: PartitionConsumer): Promise<void> {
    try {
      await new Promise((r) => setImmediate(r)); // let a burst accumulate into one batch
      while (pc.buffer.length && !pc.closing) {
        const batch = pc.buffer.splice(0, this.o.batch);
        await this.process(batch).catch((e: Error) => {
          // Nothing acknowledged: JetStream redelivers after ack_wait; leases expire in the queue.
          this.report('process', e);
        });
      }
    } finally {
      pc.processing = null;
    }
  }

  /** `waitMs`: how long the batch in hand may take (unbounded when handing a partition over). */
  private async stopPartition(p: number, waitMs = Infinity): Promise<void> {
    const pcs = this.consumers.get(p);
    if (!pcs) return;
    this.consumers.delete(p);
    // Every lane stops taking batches first: what arrives while the others drain is buffered.
    for (const pc of pcs) pc.closing = true;
    this.onClosing?.(p);
    // Drained, not just closed: the server may have sent messages to a pull that are still on the
    // wire when the client unsubscribes (it hands them over until it reads the UNSUB). close() alone
    // dropped those in the client (the subscription gone), so each waited out ack_wait (30 s) before
    // anyone got it. drain() sends the UNSUB, then a round trip, and only then ends the subscription:
    // every message handed to the pull reaches the buffer given back below.
    await Promise.all(pcs.map(async (pc) => {
      await drainPull(pc.messages);
      await pc.messages.close().catch(() => undefined);
    }));
    // At shutdown the batches in hand finish if they can within the bound; one stuck on a link that
    // is down is left unacknowledged and JetStream redelivers it after ack_wait (at-least-once,
    // deduped by the claim in the store).
    const processing = pcs.flatMap((pc) => (pc.processing ? [pc.processing] : []));
    if (processing.length) await (waitMs === Infinity ? Promise.all(processing) : within(Promise.all(processing), waitMs));
    // Buffered but unprocessed: give back at once so the next owner gets them without ack_wait.
    // Newest first: nak'ed oldest first, NATS 2.9.10 (the server the tests run on) redelivered one of
    // three twice and left another out until ack_wait (stop-window.test.ts, every run); newest first,
    // each came back once, at once. Anything the loop still yields after this is given back as it
    // comes (startPartition).
    for (const pc of pcs) {
      pc.gaveBack = true;
      for (const m of pc.buffer.splice(0).reverse()) m.nak();
    }
  }

  private async process(msgs: JsMsg[]): Promise<void> {
    const byId = new Map<string, JsMsg[]>();
    for (const m of msgs) {
      let h: MtHandOver;
      try {
        h = m.json<MtHandOver>();
      } catch {
        m.term(); // not ours to understand: never redeliver
        continue;
      }
      const l = byId.get(h.id);
      if (l) l.push(m);
      else byId.set(h.id, [m]);
    }
    const now = this.ctx.clock.now();
    const claimed = await this.outbox.claimIds([...byId.keys()], now, this.t.leaseMs, this.t.clockSkewMs);
    const mine = new Set(claimed.map((m) => m.id));
    for (const [id, l] of byId) if (!mine.has(id)) for (const m of l) m.ack();
    if (claimed.length === 0) return;
    // The relay hands a retried message over again when due (a new Nats-Msg-Id: attempts moved on).
    const { updates, changed, held } = await sendBatch({ egress: this.submits.tracked, outbox: this.outbox, book: this.book, now: () => this.ctx.clock.now(), maxAttempts: this.o.maxAttempts, leases: {
      outbox: this.outbox,
      leaseMs: this.t.leaseMs,
      onLost: (ids) => this.report('lease', lostClaimsError(ids)),
      onGiveUp: (ids) => this.report('lease', gaveUpClaimsError(ids)),
      onError: (e) => this.report('lease', e),
    }, check: (b) => checkAtSendTime(this.ctx, b, this.ctx.clock.now()) }, claimed);
    const sent = updates.filter((u) => u.status === 'submitted').length;
    this.submitted += sent;
    // recorded (sendBatch returns after the transaction): wake the other processes' receipt books
    if (sent) this.bus.nc.publish(this.bus.names.submitted, this.member);
    // Ended by a stop, given back to the queue (sendBatch's `released`): acknowledged like a retry,
    // the relay hands it over again (OutboxStore.release clears its hand-over). Not a nak: during
    // a stop JetStream may redeliver it to this consumer's last pull, closing, and it would then
    // wait out ack_wait. Ended by a stop but still claimed (`held`: the SMSC may have it): left
    // unacknowledged, as a crash leaves it. A long message given up with acknowledged parts is a
    // retry (due at its lease end, its parts on file): acknowledged, the relay hands it over then.
    // Taken back for a cancel (`kept`: still claimed, the cancel overrides that claim): acknowledged,
    // the row is the truth: cancelled, or, should the cancel not come, handed over after its lease end.
    if (held.length) {
      const kept = new Set(held);
      for (const m of claimed) if (!kept.has(m.id)) for (const jm of byId.get(m.id) ?? []) jm.ack();
    } else for (const m of claimed) for (const jm of byId.get(m.id) ?? []) jm.ack();
    for (const u of changed) this.book.announce(u);
    this.book.retryEarly();
  }

  /** Waits until no handed-over message is being processed here. */
  async idle(): Promise<void> {
    for (const pcs of this.consumers.values()) for (const pc of pcs) if (pc.processing) await pc.processing;
    await this.book.settled();
  }

  /**
   * The first step of a graceful stop: stop taking messages, finish the batch in hand (within
   * `stopWaitMs`), give the partitions back. With no link bound, the batch in hand ends at once
   * instead (as DeliveryWorker.stopSending): what was not written goes back to the queue and the
   * bus, what was stays claimed (a long message with acknowledged parts: due again at its lease end,
   * those parts on file). Receipts and MO are still taken and recorded until stop(): the carrier
   * links unbind in between (stop's `unbindLinks`), so those crossing the unbind are recorded and
   * answered ESME_ROK. The partitions are given back here, before that unbind (up to the response
   * timeout per link, all at once), so the other egress workers take them over without waiting for
   * it. Once; later calls wait as the first.
   */
  stopSending(): Promise<void> {
    this.stoppingSends ??= this.endSending();
    return this.stoppingSends;
  }

  private stoppingSends: Promise<void> | null = null;

  private async endSending(): Promise<void> {
    this.sendingStopped = true;
    if (this.balancer) clearInterval(this.balancer);
    if (this.hours) clearInterval(this.hours);
    this.offRefusal?.();
    if (this.egress.bound?.() === false) this.egress.stopSending?.();
    if (this.balancing) await this.balancing.catch(() => undefined);
    for (const p of [...this.consumers.keys()]) await this.stopPartition(p, this.t.stopWaitMs);
    await this.leases.leave(this.member).catch((e: Error) => this.report('leave', e));
  }

  /**
   * Graceful: sending first (stopSending, if not called), then, with `unbindLinks`, the egress
   * closes (its carrier links unbind; Egress.close) while receipts and MO are still recorded: a
   * deliver_sm crossing the unbind is recorded and answered ESME_ROK, not refused ESME_RX_T_APPN for
   * the SMSC to deliver again after the restart (the bus counterpart of src/main.ts's 'delivery
   * worker' closer; docs/SMPP.md, "Unbinds on a link"). Then receipts and MO: early receipts still
   * waiting for their message are refused (the SMSC delivers them again), those being recorded
   * finish within `stopWaitMs`, and any later one is refused. Without `unbindLinks` the egress is
   * left to its owner, which closes it after this (receipts crossing that unbind refused, as before).
   */
  async stop(o: { unbindLinks?: boolean } = {}): Promise<void> {
    this.stopAll ??= (async () => {
      await this.stopSending();
      if (o.unbindLinks) await this.egress.close().catch((e: Error) => this.report('unbind', e));
      this.wake?.unsubscribe();
      this.book.stop();
      await within(this.book.settled(), this.t.stopWaitMs);
      this.stopped = true;
    })();
    return this.stopAll;
  }

  private stopAll: Promise<void> | null = null;
}
