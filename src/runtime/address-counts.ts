/**
 * The per-address window counts (ports/address-limits.ts) in this process's memory: the SQLite
 * store's (one process serves), and the public complaint door's fallback while PostgreSQL does not
 * answer (src/app/complaint-service.ts). Bounded: past `cap` pairs, ended windows are dropped, and
 * if that is not enough every count is (those addresses' windows then start early).
 */
import type { AddressLimitStore } from '../ports/address-limits.js';

interface Entry { start: number; end: number; n: number }

export class MemoryAddressLimits implements AddressLimitStore {
  private readonly counts = new Map<string, Entry>();
  constructor(private readonly cap = 100_000) {}

  async hit(limit: string, address: string, windowStart: number, windowEnd: number): Promise<number> {
    const k = key(limit, address);
    let e = this.counts.get(k);
    if (!e) {
      if (this.counts.size >= this.cap) {
        this.drop(windowStart);
        if (this.counts.size >= this.cap) this.counts.clear();
      }
      e = { start: windowStart, end: windowEnd, n: 0 };
      this.counts.set(k, e);
    }
    if (windowStart > e.start) Object.assign(e, { start: windowStart, end: windowEnd, n: 0 });
    e.n++;
    return e.n;
  }

  async count(limit: string, address: string, windowStart: number): Promise<number> {
    const e = this.counts.get(key(limit, address));
    return e && e.start >= windowStart ? e.n : 0;
  }

  async prune(now: number): Promise<number> {
    return this.drop(now);
  }

  private drop(now: number): number {
    let n = 0;
    for (const [k, e] of this.counts) if (e.end <= now) { this.counts.delete(k); n++; }
    return n;
  }
}

const key = (limit: string, address: string) => `${limit}\u0000${address}`;
