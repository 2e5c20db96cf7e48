/**
 * The review queue's timer (review-queue.ts): expires held messages whose hold is over, on an interval
 * and whenever a simulated clock moves. The deadlines live in the store (message_status.valid_until,
 * submitted_at + the maximum hold), so nothing is lost across a restart. Every gateway process may
 * run it: an expiry is the store's first decision on the message (resolveHeld), so a message two
 * processes find at once expires once, announced by the one whose expiry took it.
 */
import type { AppContext } from './context.js';
import { ReviewQueue } from './review-queue.js';

interface ObservableClock {
  onChange(fn: (now: number) => void): void;
}

export class HeldExpirySweeper {
  private readonly queue: ReviewQueue;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private subscribed = false;
  /** Errors from background sweeps (also emitted as workerError). */
  readonly errors: string[] = [];

  constructor(private readonly ctx: AppContext, private readonly opts: { intervalMs?: number } = {}) {
    this.queue = new ReviewQueue(ctx);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const c = this.ctx.clock as unknown as Partial<ObservableClock>;
    if (!this.subscribed && typeof c.onChange === 'function') {
      c.onChange.call(this.ctx.clock, () => this.kick());
      this.subscribed = true;
    }
    this.timer = setInterval(() => this.kick(), this.opts.intervalMs ?? 30_000);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    while (this.running) await this.running;
  }

  /** Asks for a sweep soon; bursts coalesce into one more sweep. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.sweep().then(() => undefined, (e: Error) => this.report(e)).finally(() => {
      this.running = null;
      if (this.again && !this.stopped) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Resolves when no sweep is running or queued (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** One pass at the clock's current time: how many held messages expired. */
  sweep(): Promise<number> {
    return this.queue.expireOverdue(this.ctx.clock.now());
  }

  private report(e: Error): void {
    if (this.errors.length < 100) this.errors.push(e.message);
    this.ctx.events.emit('workerError', { where: 'held-expiry-sweeper', message: e.message });
  }
}
