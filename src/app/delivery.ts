/**
 * The delivery worker: takes accepted messages off the durable queue, hands them to the egress
 * (simulator or SMPP upstream), and records each status change. Receipts and MO from upstream come
 * back through here. A message leaves the queue only once `submitted` is recorded, so a crash
 * between submit and record can resend it at most once after the lease runs out; the upstream
 * dedupes by message id where it can (SMPP client), and the records show both attempts.
 */
import type { Egress, DeliveryReceipt } from '../ports/egress.js';
import type { OutboundMessage, ReceiptUpdate, StatusUpdate } from '../ports/store.js';
import type { AppContext } from './context.js';
import type { MessageStatus } from './types.js';

export interface DeliveryOptions {
  batch: number;
  leaseMs: number;
  maxAttempts: number;
  /** How often to look for due retries and expired leases. */
  pollMs: number;
}

const DEFAULTS: DeliveryOptions = { batch: 1000, leaseMs: 60_000, maxAttempts: 8, pollMs: 1000 };

/** SMPP message_state names (and common variants) → our status. */
export function statusFromReceipt(stat: string): MessageStatus {
  switch (stat.toUpperCase()) {
    case 'DELIVRD': case 'DELIVERED': case 'ACCEPTD': return stat.toUpperCase() === 'ACCEPTD' ? 'submitted' : 'delivered';
    case 'EXPIRED': return 'expired';
    case 'UNDELIV': case 'UNDELIVERABLE': case 'DELETED': return 'undeliverable';
    case 'REJECTD': case 'REJECTED': return 'rejected_upstream';
    default: return 'failed';
  }
}

export class DeliveryWorker {
  private readonly opts: DeliveryOptions;
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Recently submitted messages, for receipt events (bounded). */
  private readonly recent = new Map<string, OutboundMessage>();
  /** Receipts that arrived before their submit was recorded (SMSCs do this), retried after each submit batch. */
  private early: ReceiptUpdate[] = [];
  private readonly earlyTries = new Map<string, number>();
  /** Receipts waiting to be applied in one transaction. */
  private receipts: ReceiptUpdate[] = [];
  private flushing: Promise<void> | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly ctx: AppContext, private readonly egress: Egress, opts: Partial<DeliveryOptions> = {}, private readonly onMo?: (mo: { from: string; to: string; text: string }) => Promise<unknown>) {
    this.opts = { ...DEFAULTS, ...opts };
  }

  start(): void {
    this.unsubscribe = this.ctx.events.on('outboxReady', () => this.kick());
    // Upstream callbacks after stop() are dropped: the SMSC will resend what it did not get acked.
    this.egress.onReceipt((r) => {
      if (!this.stopped) this.handleReceipt(r);
    });
    if (this.onMo) {
      const onMo = this.onMo;
      this.egress.onMo((mo) => {
        if (!this.stopped) onMo(mo).catch((e: Error) => this.reportError('mo', e));
      });
    }
    this.timer = setInterval(() => this.kick(), this.opts.pollMs);
    this.timer.unref();
    this.kick();
  }

  /** Errors in background work are reported, never thrown into the event loop. */
  errors: { where: string; message: string }[] = [];
  private reportError(where: string, e: Error): void {
    if (this.errors.length < 100) this.errors.push({ where, message: e.message });
    this.ctx.events.emit('workerError', { where, message: e.message });
  }

  /** Asks for a pump soon; coalesces bursts. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pump().catch((e: Error) => this.reportError('pump', e)).finally(() => {
      this.running = null;
      if (this.again && !this.stopped) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Waits until the queue holds nothing due (tests and graceful shutdown). */
  async drain(timeoutMs = 10_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      this.kick();
      if (this.running) await this.running;
      if ((await this.ctx.store.outbox.pendingCount()) === 0) return;
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    if (this.running) await this.running;
  }

  private async pump(): Promise<void> {
    for (;;) {
      const now = this.ctx.clock.now();
      const batch = await this.ctx.store.outbox.claim(now, this.opts.batch, this.opts.leaseMs);
      if (batch.length === 0) return;
      const results = await Promise.all(batch.map((m) => this.egress.submit(m).catch((e: Error) => ({ ok: false as const, retry: true, reason: e.message }))));
      const updates: StatusUpdate[] = [];
      const at = this.ctx.clock.now();
      for (let i = 0; i < batch.length; i++) {
        const m = batch[i];
        const r = results[i];
        if (r.ok) {
          updates.push({ id: m.id, status: 'submitted', at, upstreamId: r.upstreamId });
          this.remember(m);
        } else if (r.retry && m.attempts < this.opts.maxAttempts) {
          await this.ctx.store.outbox.retryLater(m.id, at + Math.min(2 ** m.attempts * 1000, 300_000), r.reason);
        } else {
          updates.push({ id: m.id, status: r.retry ? 'failed' : 'rejected_upstream', at, detail: r.reason });
        }
      }
      const changed = await this.ctx.store.outbox.recordStatuses(updates);
      for (const u of changed) this.announce(u);
      if (this.early.length) {
        const early = this.early;
        this.early = [];
        this.receipts.push(...early);
        this.scheduleFlush();
      }
    }
  }

  private remember(m: OutboundMessage): void {
    if (this.recent.size >= 200_000) {
      const first = this.recent.keys().next().value;
      if (first !== undefined) this.recent.delete(first);
    }
    this.recent.set(m.id, m);
  }

  private announce(u: StatusUpdate): void {
    const m = this.recent.get(u.id);
    if (!m) return;
    this.ctx.events.emit('messageStatus', {
      id: u.id, contentProviderId: m.contentProviderId, status: u.status, at: u.at, from: m.from, to: m.to,
      submittedAt: m.submittedAt, error: u.detail, registeredDelivery: m.registeredDelivery, text: m.text,
    });
    if (u.status !== 'submitted') this.recent.delete(u.id);
  }

  /** Queues a receipt; receipts are applied in batches, one transaction each. */
  handleReceipt(r: DeliveryReceipt): void {
    const u: ReceiptUpdate = { upstreamId: r.upstreamId, status: statusFromReceipt(r.stat), at: this.ctx.clock.now() };
    if (r.err && r.err !== '000') u.detail = `err:${r.err}`;
    this.receipts.push(u);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushing) return;
    this.flushing = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.flushReceipts())
      .catch((e: Error) => this.reportError('receipt', e))
      .finally(() => {
        this.flushing = null;
        if (this.receipts.length && !this.stopped) this.scheduleFlush();
      });
  }

  private async flushReceipts(): Promise<void> {
    const batch = this.receipts;
    this.receipts = [];
    if (!batch.length || this.stopped) return;
    const { changed, unknown } = await this.ctx.store.outbox.applyReceipts(batch);
    for (const u of changed) this.announce(u);
    // Keep early receipts a while (bounded in count and tries): the submit response that names them
    // is usually on its way; one that never comes (a stray receipt) is dropped after a few rounds.
    for (const u of unknown) {
      const tries = (this.earlyTries.get(u.upstreamId) ?? 0) + 1;
      if (tries > 20 || this.early.length >= 100_000) {
        this.earlyTries.delete(u.upstreamId);
        continue;
      }
      this.earlyTries.set(u.upstreamId, tries);
      this.early.push(u);
    }
    if (this.earlyTries.size) {
      const stillUnknown = new Set(unknown.map((u) => u.upstreamId));
      for (const r of batch) if (!stillUnknown.has(r.upstreamId)) this.earlyTries.delete(r.upstreamId);
    }
  }
}
