/**
 * The consent timer. Deadlines live in the store (consent_requests.deadline_at, consents.expires_at),
 * so nothing is lost across a restart: the sweeper only finds what is due and records it.
 * - a pending request whose window closed → `deemed_refused` (profile `noReplyMeansRefusal`) or
 *   `lapsed`, recorded at the deadline itself, not at the moment the sweep ran;
 * - a consent that expired → `consent_expired`, and the end of the relationship when it was the
 *   number's last live consent with that provider (the retention work purges from there);
 * - at start: requests whose carrying message was never queued (crash between the two steps).
 *
 * It runs on an interval and whenever a simulated clock moves (SimulatedClock.onChange), and the use
 * cases that depend on a closed window settle it themselves first (settleDueRequests), so no answer
 * depends on when the sweep last ran.
 */
import { noReplyOutcome } from '../domain/consent.js';
import type { AppContext } from './context.js';

const BATCH = 500;

/** Resolves every pending request whose window closed by `now`. Returns how many. */
export async function settleDueRequests(ctx: AppContext, now: number): Promise<number> {
  const status = noReplyOutcome(ctx.profile.params.noReplyMeansRefusal.value);
  let n = 0;
  for (;;) {
    const due = await ctx.store.consents.dueConsentRequests(now, BATCH);
    for (const r of due) {
      const ok = await ctx.store.consents.resolveConsentRequest(r.id, {
        status, at: r.deadlineAt, channel: 'system',
        evidence: { reason: 'no_reply', windowHours: ctx.profile.params.consentReplyWindowHours.value, rule: 'consent.no-reply', article: ctx.profile.rules['consent.no-reply']?.article, profile: ctx.profile.id, recordedAt: new Date(now).toISOString() },
      });
      if (ok) n++;
    }
    if (due.length < BATCH) return n;
  }
}

/** Records expiries of consents (and relationship ends) up to `now`. Returns how many. */
export async function recordExpiries(ctx: AppContext, now: number): Promise<number> {
  let n = 0;
  for (;;) {
    const k = await ctx.store.consents.recordConsentExpiries(now, BATCH);
    n += k;
    if (k < BATCH) return n;
  }
}

/** A clock the sweeper can follow (SimulatedClock has it; the system clock has not). */
interface ObservableClock {
  onChange(fn: (now: number) => void): void;
}

export class ConsentSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private subscribed = false;
  /** Errors from background sweeps (also emitted as workerError). */
  readonly errors: string[] = [];

  constructor(private readonly ctx: AppContext, private readonly opts: { intervalMs?: number } = {}) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const c = this.ctx.clock as unknown as Partial<ObservableClock>;
    if (!this.subscribed && typeof c.onChange === 'function') {
      // SimulatedClock has no unsubscribe: the listener stays but does nothing once stopped.
      c.onChange.call(this.ctx.clock, () => this.kick());
      this.subscribed = true;
    }
    this.timer = setInterval(() => this.kick(), this.opts.intervalMs ?? 10_000);
    this.timer.unref();
    this.running = this.repair().catch((e: Error) => this.report(e)).finally(() => {
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

  /** One pass at the clock's current time. */
  async sweep(): Promise<{ settled: number; expired: number }> {
    const now = this.ctx.clock.now();
    const settled = await settleDueRequests(this.ctx, now);
    const expired = await recordExpiries(this.ctx, now);
    return { settled, expired };
  }

  /** Re-queues the carrying message of requests opened just before a crash. */
  private async repair(): Promise<void> {
    const { sendRequestMessage } = await import('./consent-requests.js');
    for (const r of await this.ctx.store.consents.unsentConsentRequests(1000)) await sendRequestMessage(this.ctx, r);
  }

  private report(e: Error): void {
    if (this.errors.length < 100) this.errors.push(e.message);
    this.ctx.events.emit('workerError', { where: 'consent-sweeper', message: e.message });
  }
}
