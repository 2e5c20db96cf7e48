/**
 * A fixed-window counter per client address, for the doors that need no login (the public complaint
 * form, the complainant's status lookup). Kept in this process's memory: on several gateway processes
 * (PostgreSQL, docs/SCALING.md) each counts its own requests, so a limit holds per process. Memory is
 * bounded: the map is cleared when it grows past 100 000 addresses (a new window then starts early).
 */
export class AddressWindow {
  private window = 0;
  private readonly counts = new Map<string, number>();
  /** `limit`: counts allowed per address in a window (0: no limit); `windowMs`: the window's length. */
  constructor(public limit: number, public readonly windowMs: number) {}

  private roll(now: number): void {
    const w = Math.floor(now / this.windowMs);
    if (w !== this.window || this.counts.size > 100_000) { this.window = w; this.counts.clear(); }
  }
  /** Adds one for `key` and says whether it is still within the limit. */
  admit(key: string, now: number): boolean {
    if (this.limit <= 0) return true;
    return this.add(key, now) <= this.limit;
  }
  /** Whether `key` has used its limit in this window already (counts nothing). */
  spent(key: string, now: number): boolean {
    if (this.limit <= 0) return false;
    this.roll(now);
    return (this.counts.get(key) ?? 0) >= this.limit;
  }
  /** Adds one for `key`; the count in this window. */
  add(key: string, now: number): number {
    this.roll(now);
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    return n;
  }
  /** Milliseconds until the window ends (when `key`'s count starts again). */
  msLeft(now: number): number {
    return this.windowMs - (now % this.windowMs);
  }
}
