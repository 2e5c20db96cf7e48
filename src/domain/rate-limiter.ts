/**
 * Token bucket with time passed in (pure). Used by the SMPP server (one per credential, shared by its
 * binds, so the configured rate holds across them), by the SMPP client as a per-link throughput cap,
 * and by the HTTP door (one per content provider, sized to this process's share of its rate and
 * resized when the share changes, src/app/http-throughput.ts).
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

  /**
   * The same bucket at another rate and size from `now` (a process's share of a provider's rate that
   * changed with the number of processes): it keeps the tokens it has, at most the new burst, so a
   * change of share never hands out a fresh burst.
   */
  resized(ratePerSecond: number, burst: number, now: number): RateLimiter {
    this.refill(now);
    const b = new RateLimiter(ratePerSecond, burst, Math.max(now, this.last));
    b.tokens = Math.min(burst, this.tokens);
    return b;
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

  /**
   * Takes `n` tokens at once, or none: a request of `n` messages either fits whole or is refused
   * whole. More than the burst never fits.
   */
  tryTakeMany(n: number, now: number): boolean {
    if (this.unlimited) return true;
    this.refill(now);
    if (this.tokens >= n) {
      this.tokens -= n;
      return true;
    }
    return false;
  }

  /**
   * Takes as many of `n` tokens as there are whole ones, and says how many it took (0..n): a request
   * of `n` messages that may be taken in part (submit_multi: the destinations past the tokens are
   * refused one by one, so a list longer than the burst is never refused whole for ever).
   */
  takeUpTo(n: number, now: number): number {
    if (this.unlimited) return n;
    this.refill(now);
    const k = Math.max(0, Math.min(n, Math.floor(this.tokens)));
    this.tokens -= k;
    return k;
  }

  /**
   * Puts back `n` tokens taken for a request that was then refused whole before anything was decided
   * (a submit_multi whose own fields are at fault): a refusal must not spend the rate. Never past the
   * burst, so giving back cannot hand out more than a full bucket.
   */
  giveBack(n: number): void {
    if (this.unlimited || n <= 0) return;
    this.tokens = Math.min(this.burst, this.tokens + n);
  }

  /**
   * Milliseconds until `n` tokens are available (0 if they are); Infinity when `n` is more than the
   * burst, which they never will be.
   */
  waitManyMs(n: number, now: number): number {
    if (this.unlimited) return 0;
    if (n > this.burst) return Infinity;
    this.refill(now);
    return this.tokens >= n ? 0 : Math.ceil(((n - this.tokens) * 1000) / this.ratePerSecond);
  }

  /** Milliseconds until a token is available (0 if one is). */
  waitMs(now: number): number {
    if (this.unlimited) return 0;
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond);
  }
}
