/** Clock adapters: the system clock, and a simulated one that moves only when told (`--clock simulated`). */
import type { Clock } from '../ports/clock.js';

export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
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
    this.t += ms;
    for (const l of this.listeners) l(this.t);
    return this.t;
  }
  set(t: number): number {
    if (!Number.isFinite(t)) throw new RangeError('set needs a valid time');
    this.t = t;
    for (const l of this.listeners) l(this.t);
    return this.t;
  }
  /** Called after every change, so time-driven jobs (consent deadlines) run when time moves. */
  onChange(fn: (now: number) => void): void {
    this.listeners.push(fn);
  }
}
