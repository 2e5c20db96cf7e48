/**
 * The timer behind the sweepers whose deadlines live in the store (consent-sweeper.ts,
 * held-expiry-sweeper.ts): a sweep on an interval and whenever a simulated clock moves
 * (SimulatedClock.onChange), never two at once, bursts of requests coalesced into one more sweep,
 * errors kept (the last 100) and emitted as `workerError`. A subclass says what a sweep does and,
 * optionally, what runs once before the first one.
 */
import type { AppContext } from './context.js';

/** A clock the sweeper can follow (SimulatedClock has it; the system clock has not). */
interface ObservableClock {
  onChange(fn: (now: number) => void): void;
}

export abstract class ClockSweeper<R> {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private subscribed = false;
  /** Errors from background sweeps (also emitted as workerError). */
  readonly errors: string[] = [];

  /** `where` names the sweeper in `workerError` events; `intervalMs` is how often it sweeps unasked. */
  protected constructor(protected readonly ctx: AppContext, private readonly where: string, private readonly intervalMs: number) {}

  /** One pass at the clock's current time. */
  abstract sweep(): Promise<R>;

  /** Runs once at start, before the first sweep (none by default). */
  protected beforeFirst(): Promise<void> {
    return Promise.resolve();
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const c = this.ctx.clock as unknown as Partial<ObservableClock>;
    if (!this.subscribed && typeof c.onChange === 'function') {
      // SimulatedClock has no unsubscribe: the listener stays but does nothing once stopped.
      c.onChange.call(this.ctx.clock, () => this.kick());
      this.subscribed = true;
    }
    this.timer = setInterval(() => this.kick(), this.intervalMs);
    this.timer.unref();
    this.running = this.beforeFirst().catch((e: Error) => this.report(e)).finally(() => {
      this.running = null;
      this.kick();
    });
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

  private report(e: Error): void {
    if (this.errors.length < 100) this.errors.push(e.message);
    this.ctx.events.emit('workerError', { where: this.where, message: e.message });
  }
}
