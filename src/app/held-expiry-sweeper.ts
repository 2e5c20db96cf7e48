/**
 * The review queue's timer (review-queue.ts): expires held messages whose hold is over, on an interval
 * and whenever a simulated clock moves. The deadlines live in the store (message_status.valid_until,
 * submitted_at + the maximum hold), so nothing is lost across a restart. Every gateway process may
 * run it: an expiry is the store's first decision on the message (resolveHeld), so a message two
 * processes find at once expires once, announced by the one whose expiry took it.
 */
import type { AppContext } from './context.js';
import { ClockSweeper } from './clock-sweeper.js';
import { ReviewQueue } from './review-queue.js';

export class HeldExpirySweeper extends ClockSweeper<number> {
  private readonly queue: ReviewQueue;

  constructor(ctx: AppContext, opts: { intervalMs?: number } = {}) {
    super(ctx, 'held-expiry-sweeper', opts.intervalMs ?? 30_000);
    this.queue = new ReviewQueue(ctx);
  }

  /** One pass at the clock's current time: how many held messages expired. */
  sweep(): Promise<number> {
    return this.queue.expireOverdue(this.ctx.clock.now());
  }
}
