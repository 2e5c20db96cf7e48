/**
 * A fixed-window counter per client address, for the doors that need no login (the public complaint
 * form, the complainant's status lookup). The counts are the store's (ports/address-limits.ts): on
 * PostgreSQL one table every gateway process counts in, so a limit holds for the deployment however
 * a balancer spreads an address's requests (docs/SCALING.md); on SQLite (one process) in memory.
 * Windows are aligned on wall-clock multiples of their length, the same on every process.
 */
import type { AddressLimitStore } from '../ports/address-limits.js';

export class AddressWindow {
  /**
   * `name`: the limit's name in the store (its rule id); `limit`: counts allowed per address in a
   * window (0: no limit, nothing counted); `windowMs`: the window's length.
   */
  constructor(private readonly store: AddressLimitStore, readonly name: string, public limit: number, public readonly windowMs: number) {}

  private start(now: number): number {
    return now - (now % this.windowMs);
  }
  /** Adds one for `key` and says whether it is still within the limit. */
  async admit(key: string, now: number): Promise<boolean> {
    if (this.limit <= 0) return true;
    return (await this.add(key, now)) <= this.limit;
  }
  /** Whether `key` has used its limit in this window already (counts nothing). */
  async spent(key: string, now: number): Promise<boolean> {
    if (this.limit <= 0) return false;
    return (await this.store.count(this.name, key, this.start(now))) >= this.limit;
  }
  /** Adds one for `key`; the count in this window (every process's, on PostgreSQL). */
  add(key: string, now: number): Promise<number> {
    const start = this.start(now);
    return this.store.hit(this.name, key, start, start + this.windowMs);
  }
  /** Milliseconds until the window ends (when `key`'s count starts again). */
  msLeft(now: number): number {
    return this.windowMs - (now % this.windowMs);
  }
}
