/**
 * Token bucket with time passed in (pure). Shared by every session of one content provider so the
 * configured rate holds across binds, and by the client as a per-link throughput cap.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;
  /**
   * @param ratePerSecond sustained rate; `Infinity` or ≤ 0 disables the limit.
   * @param burst bucket size (defaults to one second of traffic, at least 1).
   */
  constructor(
    readonly ratePerSecond: number,
    readonly burst = Math.max(1, Math.ceil(ratePerSecond)),
    now = 0,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  get unlimited(): boolean {
    return !Number.isFinite(this.ratePerSecond) || this.ratePerSecond <= 0;
  }

  private refill(now: number): void {
    if (now > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.ratePerSecond) / 1000);
      this.last = now;
    }
  }

  /** Takes one token if available. */
  tryTake(now: number): boolean {
    if (this.unlimited) return true;
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }

  /** Milliseconds until a token is available (0 if one is). */
  waitMs(now: number): number {
    if (this.unlimited) return 0;
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond);
  }
}
