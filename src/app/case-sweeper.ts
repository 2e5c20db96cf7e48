/**
 * The deadline sweeper: escalates every open case whose running deadline (forward 5, answer 15 PRC
 * working days) has passed, enters in the credit file the deadline an escalated case owes and
 * missed (one escalated by hand before it and left so), and writes credit-file entries for providers whose rejected submissions
 * in the month reached the violation threshold; drops the public doors' per-address counts of ended
 * windows. Runs on an interval and whenever a simulated clock
 * moves; one sweep at a time.
 */
import { overdueReason, shanghaiMonth } from '../domain/case.js';
import { SmsguardError } from '../domain/errors.js';
import type { AppContext } from './context.js';
import { applyTransition, recordEscalatedOverdue } from './case-workflow.js';
import { addSystemCreditEntry, type VolumeCounter } from './credit.js';

export interface SweepResult {
  escalated: { id: string; reference: string; reason: string }[];
  /** Escalated cases (by hand, before their deadline) whose missed deadline this sweep entered in a credit file. */
  overdueEntered: { id: string; reference: string; reason: 'forward_overdue' | 'answer_overdue' }[];
  violationEntries: string[];
}

export interface SweeperOptions {
  intervalMs?: number;
  /** Rejected submissions per provider per month that put an entry in its credit file (practice, not law). */
  violationThreshold?: number;
}

export class CaseSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<SweepResult> | null = null;
  private again = false;

  constructor(private readonly ctx: AppContext, private readonly volume: VolumeCounter | null, private readonly opts: SweeperOptions = {}) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.kick(), this.opts.intervalMs ?? 60_000);
    this.timer.unref();
  }

  /** Asks for a sweep soon (e.g. the simulated clock moved); sweeps never overlap. */
  kick(): void {
    if (this.running) { this.again = true; return; }
    void this.sweep().catch(() => undefined);
  }

  /** Runs one sweep now (or waits for the one in progress and runs another) and says what it did. */
  async sweep(): Promise<SweepResult> {
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.sweepOnce();
    try {
      return await this.running;
    } finally {
      this.running = null;
      if (this.again) { this.again = false; this.kick(); }
    }
  }

  private async sweepOnce(): Promise<SweepResult> {
    const now = this.ctx.clock.now();
    const out: SweepResult = { escalated: [], overdueEntered: [], violationEntries: [] };
    try {
      for (;;) {
        const due = await this.ctx.store.cases.overdue(now, 200);
        let moved = 0;
        for (const c of due) {
          const reason = overdueReason(c, now);
          if (!reason) continue;
          try {
            await applyTransition(this.ctx, 'system', c.id, 'escalate', { escalatedReason: reason }, { reasonCode: reason });
            out.escalated.push({ id: c.id, reference: c.reference, reason });
            moved++;
          } catch (e) {
            // Someone acted on the case at the same moment: their action wins.
            if (!(e instanceof SmsguardError && e.code === 'conflict')) throw e;
          }
        }
        if (due.length < 200 || moved === 0) break;
      }
      await this.escalatedOverdue(now, out);
      await this.violations(now, out);
    } catch (e) {
      this.ctx.events.emit('workerError', { where: 'case-sweeper', message: (e as Error).message });
    }
    try {
      // The public doors' per-address counts of ended windows (address-window.ts): wall-clock windows,
      // so the wall clock, not the simulated one.
      await this.ctx.store.addressLimits.prune(Date.now());
    } catch (e) {
      this.ctx.events.emit('workerError', { where: 'case-sweeper (address limits)', message: (e as Error).message });
    }
    return out;
  }

  /**
   * A case escalated by hand before its deadline is no longer escalated by the loop above, yet it
   * still owes the deadline: once that passes with the case left so, its entry goes into the file as
   * the late forward or answer would write it (same dedup key: once per case). A case drops out of
   * the store's selection once its entry is there, so each round reads only the ones still owed (a
   * page another process entered meanwhile ends the round; the next takes the rest).
   */
  private async escalatedOverdue(now: number, out: SweepResult): Promise<void> {
    for (;;) {
      const owed = await this.ctx.store.cases.escalatedOverdue(now, 200);
      let entered = 0;
      for (const c of owed) {
        const reason = await recordEscalatedOverdue(this.ctx, c, now);
        if (!reason) continue;
        out.overdueEntered.push({ id: c.id, reference: c.reference, reason });
        entered++;
      }
      if (owed.length < 200 || entered === 0) break;
    }
  }

  private async violations(now: number, out: SweepResult): Promise<void> {
    const threshold = this.opts.violationThreshold ?? 100;
    if (threshold <= 0) return;
    await this.volume?.flush();
    const month = shanghaiMonth(now);
    for (const r of await this.ctx.store.cases.rejectedByProvider(month)) {
      if (r.rejected < threshold) continue;
      const added = await addSystemCreditEntry(this.ctx, {
        subjectId: r.contentProviderId, kind: 'violation_threshold', at: now, dedupKey: `violations:${r.contentProviderId}:${month}`,
        summary: { key: 'violation_threshold', params: { month, threshold } },
        evidence: { month, rejected: r.rejected, threshold, source: 'pipeline rejections (see GET /v1/records)' },
      });
      if (added) out.violationEntries.push(r.contentProviderId);
    }
  }

  /** Resolves when no sweep is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    while (this.running) await this.running.catch(() => undefined);
  }
}
