/**
 * The delivery worker: takes accepted messages off the durable queue, hands them to the egress
 * (simulator or SMPP upstream), and records each status change. Receipts and MO from upstream come
 * back through here. A message leaves the queue only once `submitted` is recorded, so a crash
 * between submit and record can resend it at most once after the lease runs out; the upstream
 * dedupes by message id where it can (SMPP client), and the records show both attempts.
 * (With NATS between ingress and egress, src/queue/egress-worker.ts plays this role.)
 */
import type { Egress, DeliveryReceipt, UpstreamCancel, UpstreamCancelResult } from '../ports/egress.js';
import type { AppContext } from './context.js';
import type { Claim, OutboundMessage } from '../ports/store.js';
import { ReceiptBook, recallFrom, sendBatch, statusEvent } from './receipt-book.js';
import { within } from './within.js';
import { checkAtSendTime } from './send-time-check.js';
import { InFlight } from './in-flight.js';
import { gaveUpClaimsError, lostClaimsError, type LeaseKeeperOptions } from './lease-keeper.js';
import { CoalescedTask } from '../runtime/coalesced.js';
import { LOWEST_PRIORITY, type Priority } from '../domain/priority.js';

export { statusFromReceipt } from './receipt-book.js';

export interface DeliveryOptions {
  batch: number;
  leaseMs: number;
  maxAttempts: number;
  /** How often to look for due retries and expired leases. */
  pollMs: number;
  /**
   * How many claimed batches may be out at once. One batch waits for its slowest submit_sm_resp and
   * then for its statuses' transaction; with only one out, the link idles through both and the claim.
   * More than one keeps the link busier (HTTP single submits → Net::SMPP sink: delivered ~7 % more
   * per second with 3) but the event loop then records statuses and receipts while submissions
   * arrive, and a burst is accepted more slowly (HTTP batch: ~14–17k msgs/s against ~23k with 1,
   * docs/PERFORMANCE.md). One by default: a burst goes into the durable queue first.
   */
  inFlight: number;
  /**
   * How often (wall time) a batch still out renews its leases (lease-keeper.ts); a third of
   * `leaseMs` unless given.
   */
  renewEveryMs?: number;
}

/**
 * A batch of a lower lane must have been out this long before a higher lane's message is claimed
 * beside it (expressPump). Through a link that keeps up, a batch is recorded within this and the next
 * claim takes the higher lane first anyway: the traffic is not split into twice the batches (a claim
 * and a status transaction each). Through a throttled one, the code waits at most this much more.
 */
const EXPRESS_AFTER_MS = 250;

const DEFAULTS: DeliveryOptions = { batch: 1000, leaseMs: 60_000, maxAttempts: 8, pollMs: 1000, inFlight: 1 };

export class DeliveryWorker {
  private readonly opts: DeliveryOptions;
  private readonly pumps = new CoalescedTask(() => this.pump(), (e) => this.reportError('pump', e));
  /** Express claims of higher lanes beside the batches out (expressPump). */
  private readonly expresses = new CoalescedTask(() => this.expressPump(), (e) => this.reportError('pump', e));
  private timer: NodeJS.Timeout | null = null;
  /** No batch is claimed any more (stopSending, stop). */
  private stopped = false;
  /** Receipts and MO are refused too (stop): the SMSC delivers them again after the restart. */
  private closed = false;
  private unsubscribe: (() => void) | null = null;
  private readonly book: ReceiptBook;
  /** Errors in background work are reported, never thrown into the event loop. */
  errors: { where: string; message: string }[] = [];

  constructor(private readonly ctx: AppContext, private readonly egress: Egress, opts: Partial<DeliveryOptions> = {}, private readonly onMo?: (mo: { from: string; to: string; text: string }) => Promise<unknown>) {
    this.opts = { ...DEFAULTS, ...opts };
    this.submits = new InFlight(egress);
    this.book = new ReceiptBook({
      outbox: ctx.store.outbox,
      clock: ctx.clock,
      stopped: () => this.closed,
      // a receipt for a message submitted before a restart still reaches its sender
      recall: recallFrom(ctx.store.messages),
      onError: (where, e) => this.reportError(where, e),
      announce: (u, m) => this.ctx.events.emit('messageStatus', statusEvent(u, m)),
    });
  }

  private reportError(where: string, e: Error): void {
    if (this.errors.length < 100) this.errors.push({ where, message: e.message });
    this.ctx.events.emit('workerError', { where, message: e.message });
  }

  /** Submits out (for a cancel's take-back, a refusal and the end of the sending hours: in-flight.ts). */
  private readonly submits: InFlight;

  private readonly takeBackHook = (id: string): Promise<Claim | null> => this.submits.takeBack(id);

  /** AppContext.cancelUpstream: this worker's egress asks the carrier (absent when it cannot). */
  private readonly cancelUpstreamHook = (c: UpstreamCancel, waitMs: number): Promise<UpstreamCancelResult> =>
    this.egress.cancelUpstream ? this.egress.cancelUpstream(c, waitMs) : Promise.resolve({ ok: false, reason: 'this upstream cannot cancel a message' });

  start(): void {
    this.ctx.takeBack = this.takeBackHook;
    if (this.egress.cancelUpstream) this.ctx.cancelUpstream = this.cancelUpstreamHook;
    const offReady = this.ctx.events.on('outboxReady', (e) => this.kick(e.priority));
    const offRefusal = this.ctx.events.on('refusal', (e) => this.submits.refused(e));
    this.unsubscribe = () => {
      offReady();
      offRefusal();
    };
    // The receipt is acknowledged upstream once recorded (the promise); after stop() it is refused
    // with a temporary error, and the SMSC delivers it again. After stopSending() it is still
    // recorded: those crossing the unbind of the egress's close come then (src/main.ts).
    this.egress.onReceipt((r) => (this.closed ? Promise.reject(new Error('stopped: the SMSC will deliver it again')) : this.handleReceipt(r)));
    if (this.onMo) {
      const onMo = this.onMo;
      // The promise goes back to the egress, which acknowledges the MO upstream only once it is
      // handled (recorded); stopped or failed → a temporary error, and the SMSC delivers it again.
      this.egress.onMo((mo) => {
        if (this.closed) return Promise.reject(new Error('stopped: the SMSC will deliver it again'));
        return onMo(mo).catch((e: Error) => {
          this.reportError('mo', e);
          throw e;
        });
      });
    }
    this.timer = setInterval(() => {
      this.kick();
      this.submits.closeOfHours(this.ctx.clock.now(), this.ctx.profile.params.quietHours.value);
    }, this.opts.pollMs);
    this.timer.unref();
    this.book.start();
    this.kick();
  }

  /**
   * Asks for a pump soon; coalesces bursts. `priority`: the first lane of what arrived (absent: any);
   * one above every batch out may go beside them at once (expressPump).
   */
  kick(priority?: Priority): void {
    this.pumps.kick();
    if (this.out.size > 0 && (priority ?? 0) < this.worstOut()) this.expressSoon();
  }

  /** One pending express kick, for when the oldest batch out will have been out EXPRESS_AFTER_MS. */
  private expressTimer: NodeJS.Timeout | null = null;

  private expressSoon(): void {
    if (this.out.size === 0 || this.stopped) return;
    let oldest = Infinity;
    for (const o of this.out.values()) if (o.at < oldest) oldest = o.at;
    const wait = oldest + EXPRESS_AFTER_MS - Date.now();
    if (wait <= 0) return this.expresses.kick();
    this.expressTimer ??= setTimeout(() => {
      this.expressTimer = null;
      if (this.out.size > 0) this.expresses.kick();
    }, wait);
    this.expressTimer.unref();
  }

  /**
   * Waits until the queue holds nothing due (tests and graceful shutdown), at most `timeoutMs`
   * (wall time: a submit waiting for a link that is down must not hold a shutdown up).
   */
  async drain(timeoutMs = 10_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      this.kick();
      if (this.pumps.running) await within(this.pumps.running, end - Date.now());
      // due ones only: a message scheduled for later held every graceful stop for its whole timeout
      if ((await this.ctx.store.outbox.pendingCount(this.ctx.clock.now())) === 0) return;
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /**
   * Stops taking work: the batch in hand finishes (its statuses recorded) if it can within
   * `timeoutMs`; otherwise the process may exit with it unrecorded, which is safe: those messages
   * are still queued in the store and are claimed again after a restart (at-least-once, deduped
   * upstream by message id where the link can). Receipts and MO are still taken and recorded until
   * stop(): a graceful stop closes the egress in between (src/main.ts), and those that cross its
   * links' unbinds are recorded and acknowledged, not refused for the SMSC to deliver again.
   *
   * With no link bound (Egress.bound) the batch in hand would only wait for one: the egress is told
   * to stop sending (Egress.stopSending), so its submits end at once; those of which nothing was
   * written go back to the queue unclaimed (sendBatch), and a restart sends them without waiting
   * out the lease. One that wrote a part before the link went stays claimed: the SMSC may have it,
   * and only the lease's end (as after a crash) may send it again; a long message some of whose parts
   * the SMSC acknowledged goes back due at that lease end instead, with those parts on file
   * (SubmitResult.partial), so that the restart sends only the others. Once; later calls wait as the first.
   */
  stopSending(timeoutMs = 10_000): Promise<void> {
    this.stopping ??= this.endSending(timeoutMs);
    return this.stopping;
  }

  private stopping: Promise<void> | null = null;

  private async endSending(timeoutMs: number): Promise<void> {
    this.stopped = true;
    if (this.ctx.takeBack === this.takeBackHook) delete this.ctx.takeBack;
    if (this.ctx.cancelUpstream === this.cancelUpstreamHook) delete this.ctx.cancelUpstream;
    this.pumps.stop();
    this.expresses.stop();
    if (this.expressTimer) clearTimeout(this.expressTimer);
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    if (this.egress.bound?.() === false) this.egress.stopSending?.();
    if (this.pumps.running) await within(this.pumps.running, timeoutMs);
    // express batches in hand too (expressPump)
    if (this.expresses.running) await within(this.expresses.running, timeoutMs);
    if (this.expressOut.size > 0) await within(Promise.all(this.expressOut), timeoutMs);
  }

  /**
   * Stops the worker: sending first (stopSending, if not called), then receipts and MO: from now on
   * they are refused with a temporary error (the SMSC delivers them again), early receipts still
   * waiting for their message included; the receipts being recorded finish within `timeoutMs`.
   */
  async stop(timeoutMs = 10_000): Promise<void> {
    await this.stopSending(timeoutMs);
    this.closed = true;
    this.book.stop();
    await within(this.book.settled(), timeoutMs);
  }

  /** Queues a receipt; receipts are applied in batches, one transaction each. Resolves once it is recorded. */
  handleReceipt(r: DeliveryReceipt): Promise<void> {
    return this.book.receipt(r);
  }

  /**
   * Batches handed to the egress whose statuses are not yet recorded, each with its last lane (the
   * highest priority number among its messages) and when it was handed over (wall time).
   */
  private readonly out = new Map<Promise<void>, { lane: Priority; at: number }>();

  /** The last lane of the batches out (LOWEST_PRIORITY is the commercial one); 0 when none is out. */
  private worstOut(): Priority {
    let w: Priority = 0;
    for (const o of this.out.values()) if (o.lane > w) w = o.lane;
    return w;
  }

  /**
   * Express batches out (expressPump): apart from `out`, so that one waiting (for a link that is
   * down) never holds up the claims of the pump, which take every lane in order anyway.
   */
  private readonly expressOut = new Set<Promise<void>>();

  /** Hands a claimed batch to the egress; it stays in `out` until its statuses are recorded. */
  private send(batch: OutboundMessage[]): void {
    let lane: Priority = 0;
    for (const m of batch) {
      const p = m.priority ?? LOWEST_PRIORITY;
      if (p > lane) lane = p;
    }
    const sent: Promise<void> = this.deliver(batch).finally(() => this.out.delete(sent));
    this.out.set(sent, { lane, at: Date.now() });
  }

  /**
   * While batches of a lower lane are out (a commercial backlog going out behind a throttled link),
   * what arrived in a higher lane is claimed at once, beside them, instead of after the last of them
   * is recorded: the upstream link sends a waiting submit of a higher lane first (UpstreamLink), so a
   * verification code waits for one submit of the backlog, not for the whole batch. Asked for by a
   * submission of such a lane (kick) and by the poll timer (messages accepted by another process),
   * once the batches out have been out EXPRESS_AFTER_MS; one claim of those lanes only, the store's
   * index range of each (empty: one probe).
   */
  private async expressPump(): Promise<void> {
    // not before the batches out have had EXPRESS_AFTER_MS (the timer's kick, or the poll's, comes then)
    let oldest = Infinity;
    for (const o of this.out.values()) if (o.at < oldest) oldest = o.at;
    if (Date.now() - oldest < EXPRESS_AFTER_MS) return this.expressSoon();
    // at most as many express batches out as ordinary ones may be: past that, the pump's next claim
    // takes the higher lanes first anyway
    while (!this.stopped && !this.failed && this.out.size > 0 && this.expressOut.size < Math.max(1, this.opts.inFlight)) {
      const worst = this.worstOut();
      if (worst === 0) return;
      const batch = await this.ctx.store.outbox.claim(this.ctx.clock.now(), this.opts.batch, this.opts.leaseMs, (worst - 1) as Priority);
      if (batch.length === 0) return;
      if (this.stopped) return this.ctx.store.outbox.release(batch);
      const sent: Promise<void> = this.deliver(batch).finally(() => this.expressOut.delete(sent));
      this.expressOut.add(sent);
    }
  }

  /**
   * Claims batches while fewer than `inFlight` are out, hands each to the egress and records its
   * statuses when its last answer is in. Returns once the queue held nothing due and every batch
   * it sent is recorded (after stop(): once the batches in hand are).
   */
  private async pump(): Promise<void> {
    this.failed = false;
    try {
      // After stop() no new batch is claimed: shutdown waits for the batches in hand only. After a
      // batch failed (its statuses not recorded), none either: the next kick tries again.
      while (!this.stopped && !this.failed) {
        if (this.out.size >= Math.max(1, this.opts.inFlight)) {
          await Promise.race(this.out.keys());
          continue;
        }
        const batch = await this.ctx.store.outbox.claim(this.ctx.clock.now(), this.opts.batch, this.opts.leaseMs);
        if (batch.length === 0) {
          // Nothing due now; what a batch still out brings back (a retry) or what arrives meanwhile
          // is claimed once it is recorded.
          if (this.out.size === 0) return;
          await Promise.race(this.out.keys());
          continue;
        }
        this.send(batch);
      }
    } finally {
      await Promise.all(this.out.keys());
    }
  }

  /** Renews a batch's leases while its submits are out: a slow link may take longer than one lease. */
  private leaseKeeping(): Omit<LeaseKeeperOptions, 'now'> {
    return {
      outbox: this.ctx.store.outbox,
      leaseMs: this.opts.leaseMs,
      ...(this.opts.renewEveryMs !== undefined ? { everyMs: this.opts.renewEveryMs } : {}),
      onLost: (ids) => this.reportError('lease', lostClaimsError(ids)),
      onGiveUp: (ids) => this.reportError('lease', gaveUpClaimsError(ids)),
      onError: (e) => this.reportError('lease', e),
    };
  }

  /** A batch of the current pump failed. */
  private failed = false;

  /** One claimed batch: submitted, its retries scheduled, its statuses recorded; failures reported. */
  private async deliver(batch: OutboundMessage[]): Promise<void> {
    try {
      const { changed } = await sendBatch({
        egress: this.submits.tracked, outbox: this.ctx.store.outbox, book: this.book, now: () => this.ctx.clock.now(), maxAttempts: this.opts.maxAttempts, leases: this.leaseKeeping(),
        check: (b) => checkAtSendTime(this.ctx, b, this.ctx.clock.now()),
      }, batch);
      for (const u of changed) this.book.announce(u);
      this.book.retryEarly();
    } catch (e) {
      // The batch stays leased; it is claimed again once the lease runs out.
      this.failed = true;
      this.reportError('pump', e as Error);
    }
  }
}
