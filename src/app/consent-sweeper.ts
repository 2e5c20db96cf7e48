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
import { ClockSweeper } from './clock-sweeper.js';

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

export class ConsentSweeper extends ClockSweeper<{ settled: number; expired: number }> {
  constructor(ctx: AppContext, opts: { intervalMs?: number } = {}) {
    super(ctx, 'consent-sweeper', opts.intervalMs ?? 10_000);
  }

  /** One pass at the clock's current time. */
  async sweep(): Promise<{ settled: number; expired: number }> {
    const now = this.ctx.clock.now();
    const settled = await settleDueRequests(this.ctx, now);
    const expired = await recordExpiries(this.ctx, now);
    return { settled, expired };
  }

  /** Re-queues the carrying message of requests opened just before a crash (once, at start). */
  protected override async beforeFirst(): Promise<void> {
    const { sendRequestMessage } = await import('./consent-requests.js');
    for (const r of await this.ctx.store.consents.unsentConsentRequests(1000)) await sendRequestMessage(this.ctx, r);
  }
}
