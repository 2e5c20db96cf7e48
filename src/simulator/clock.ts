/** Clock adapters: the system clock, and a simulated one that moves only when told (`--clock simulated`). */
import type { Clock } from '../ports/clock.js';

export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
}

/**
 * The instants a simulated clock may show: 2000-01-01 up to (not including) 2200-01-01 UTC. Far
 * outside, `new Date(t).toISOString()` throws (beyond ±8.64e15 ms) or dates make no sense for a
 * gateway (records partitioned by month, consents, receipts), so moves there are refused.
 */
export const SIMULATED_MIN = Date.UTC(2000, 0, 1);
export const SIMULATED_MAX = Date.UTC(2200, 0, 1);

/** True when `t` is an instant the simulated clock may be moved to. */
export function isSimulatableTime(t: number): boolean {
  return Number.isFinite(t) && t >= SIMULATED_MIN && t < SIMULATED_MAX;
}

export class SimulatedClock implements Clock {
  private t: number;
  private readonly listeners: ((now: number) => void)[] = [];
  constructor(start: number = Date.now()) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advance must be a non-negative number of ms');
    if (!isSimulatableTime(this.t + ms)) throw new RangeError('advance would leave the years 2000–2199');
    this.t += ms;
    for (const l of this.listeners) l(this.t);
    return this.t;
  }
  set(t: number): number {
    if (!isSimulatableTime(t)) throw new RangeError('set needs a time in the years 2000–2199');
    this.t = t;
    for (const l of this.listeners) l(this.t);
    return this.t;
  }
  /** Called after every change, so time-driven jobs (consent deadlines) run when time moves. */
  onChange(fn: (now: number) => void): void {
    this.listeners.push(fn);
  }
}
