/**
 * Retention (Art. 20 cn-2015; reportedly 6 months in cn-2026): what the profile no longer requires is
 * purged a whole month at a time. A month goes once every record in it is `retentionMonths` old. Before
 * its table is dropped, two kinds of records are carried into the `retained` chain:
 * - subscription records whose relationship has not ended `subscriptionRetentionMonths` ago. The
 *   relationship between a content provider and a number *ended* when its last consent was withdrawn
 *   or expired (or the number opted out) and no message or subscription event followed; a live consent
 *   means it has not ended. DND entries are the platform's relationship and last while listed;
 * - records under an active legal hold (by number or by content provider).
 * Retained records leave once neither reason holds any more. Every real purge is itself recorded.
 */
import { addMonthsToInstant, monthPastRetention } from '../domain/hash-chain.js';
import { subtractCounts } from '../domain/counts.js';
import type { KindCounts, LegalHold } from '../ports/store.js';
import type { AppContext } from './context.js';
import { recordsFor } from './records-service.js';
import { pruneOperational, USAGE_KEPT_MONTHS, type Housekeeping } from './housekeeping.js';
import type { ChainVerdict } from './records-verify.js';

export interface MonthReport {
  chain: string;
  removed: KindCounts;
  kept: KindCounts;
  /** Why records stayed: subscription records of live relationships, and per hold. */
  keptFor: { subscription: number; holds: { holdId: string; reason: string; records: number }[] };
}

export interface PurgeReport {
  dryRun: boolean;
  at: number;
  profile: string;
  retentionMonths: number;
  subscriptionRetentionMonths: number;
  months: MonthReport[];
  /** What left the retained chain (relationships now ended long enough ago, holds released). */
  retained: MonthReport | null;
  /** Months still within retention (not touched). */
  keptMonths: string[];
  /** Operational rows pruned with it (the daily job; src/app/housekeeping.ts). */
  operational?: Housekeeping;
  /**
   * Chains this purge would remove or re-chain that no longer verify (each with its first failure).
   * A real purge over one is refused (`PurgeRefusedError`) unless `allowDamaged`; a dry run lists them.
   */
  damaged: ChainVerdict[];
}

/** A line per damaged chain, as `records verify`, `records purge` and `inspect export` say it. */
export function damagedLines(chains: readonly ChainVerdict[]): string[] {
  return chains.map((c) => `${c.chain}: FAILED at seq ${c.failure!.seq}${c.failure!.id ? ` (id ${c.failure!.id})` : ''}: ${c.failure!.reason}: ${c.failure!.detail}`);
}

/**
 * A purge refused because a chain it would remove or re-chain no longer verifies. Removing the month
 * would destroy the evidence of the damage, and carrying its records into the retained chain (or
 * pruning that chain) rebuilds the retained chain over them and signs a new head: a changed record
 * would verify from then on (before 2026-12-08 it did, `retained: ok`).
 */
export class PurgeRefusedError extends Error {
  constructor(readonly damaged: ChainVerdict[]) {
    super(`records purge refused: ${damaged.map((c) => `${c.chain} no longer verifies (seq ${c.failure!.seq}: ${c.failure!.reason})`).join('; ')}; purging would remove the evidence, or re-sign changed records in the retained chain. Restore the month from a backup (smsguard backup) and run it again, or purge by hand with smsguard records purge --allow-damaged, which records the damage in its records.purge audit record`);
    this.name = 'PurgeRefusedError';
  }
}

const sum = (c: KindCounts): number => Object.values(c).reduce((a, b) => a + (b ?? 0), 0);

/**
 * Runs (or, with dryRun, only plans) the purge the profile allows at the app clock's now. A run that
 * removes nothing is recorded only when `recordEmpty` (the CLI, where someone asked); the daily job
 * of every gateway process (several on PostgreSQL, one after another under the linker lock) records
 * only the run that removed something.
 */
export async function purgeRecords(ctx: AppContext, opts: { dryRun: boolean; actor: string; recordEmpty?: boolean; allowDamaged?: boolean }): Promise<PurgeReport> {
  const svc = recordsFor(ctx);
  const a = svc.archive;
  const now = ctx.clock.now();
  const retention = ctx.profile.params.retentionMonths.value;
  const subRetention = ctx.profile.params.subscriptionRetentionMonths.value;
  const holds = await a.holds(true);
  const ends = new Map<string, number | null>();
  const relationshipLive = async (cp: string | null, msisdn: string): Promise<boolean> => {
    const key = `${cp ?? ''}\u0000${msisdn}`;
    let end = ends.get(key);
    if (end === undefined) {
      end = await a.relationshipEnd(cp, msisdn, now);
      ends.set(key, end);
    }
    return end === null || addMonthsToInstant(end, subRetention) > now;
  };

  const plan = async (chain: string): Promise<{ keep: number[]; keptFor: MonthReport['keptFor'] }> => {
    const keep = new Set<number>();
    let subscription = 0;
    for (const s of await a.subscriptionParties(chain)) {
      if (await relationshipLive(s.contentProviderId, s.msisdn)) {
        keep.add(s.seq);
        subscription++;
      }
    }
    const perHold = new Map<string, number>();
    for (const h of await a.heldSeqs(chain, holds)) {
      keep.add(h.seq);
      perHold.set(h.holdId, (perHold.get(h.holdId) ?? 0) + 1);
    }
    const byId = new Map<string, LegalHold>(holds.map((h) => [h.id, h]));
    return { keep: [...keep], keptFor: { subscription, holds: [...perHold].map(([holdId, records]) => ({ holdId, reason: byId.get(holdId)?.reason ?? '', records })) } };
  };

  const report: PurgeReport = { dryRun: opts.dryRun, at: now, profile: ctx.profile.id, retentionMonths: retention, subscriptionRetentionMonths: subRetention, months: [], retained: null, keptMonths: [], damaged: [] };
  const chains = await a.chains();
  const months = chains.filter((c) => c.chain !== 'retained').map((c) => c.chain);
  const due = months.filter((m) => monthPastRetention(m, retention, now));
  report.keptMonths = months.filter((m) => !due.includes(m));

  // The retained chain first: what it no longer needs leaves before this run adds to it.
  const retainedPlan = chains.some((c) => c.chain === 'retained') ? await plan('retained') : null;
  let retainedRemoved: KindCounts = {};
  if (retainedPlan) {
    const all = await a.countKinds('retained');
    const kept = await a.countKinds('retained', retainedPlan.keep);
    retainedRemoved = subtractCounts(all, kept);
    report.retained = { chain: 'retained', removed: retainedRemoved, kept, keptFor: retainedPlan.keptFor };
  }
  // Every chain this run removes or re-chains must verify first: a month removed takes the evidence
  // of its damage with it, and the retained chain is rebuilt over what it holds (a pruned one, or one
  // a month's records are carried into) and its new head signed, which would certify a changed record.
  // Only those: a run with nothing due reads nothing (the daily job).
  const touched = new Set(due);
  if (retainedPlan && (due.length || sum(retainedRemoved) > 0)) touched.add('retained');
  if (touched.size) {
    const v = await svc.verify({ only: (c) => touched.has(c.chain) });
    report.damaged = v.chains.filter((c) => !c.ok);
  }
  if (report.damaged.length && !opts.allowDamaged && !opts.dryRun) throw new PurgeRefusedError(report.damaged);
  if (retainedPlan && !opts.dryRun) {
    const r = await a.pruneRetained(retainedPlan.keep);
    report.retained = { chain: 'retained', removed: r.removed, kept: r.kept, keptFor: retainedPlan.keptFor };
  }
  await a.seal(due);
  for (const m of due) {
    const { keep, keptFor } = await plan(m);
    if (opts.dryRun) {
      const all = await a.countKinds(m);
      const kept = keep.length ? await a.countKinds(m, keep) : {};
      report.months.push({ chain: m, removed: subtractCounts(all, kept), kept, keptFor });
    } else {
      const r = await a.purgeMonth(m, keep, now);
      report.months.push({ chain: m, removed: r.removed, kept: r.kept, keptFor });
    }
  }
  // Acted: a month went (even if every record in it moved to `retained`) or retained records left.
  const acted = report.months.length > 0 || (report.retained !== null && sum(report.retained.removed) > 0);
  if (!opts.dryRun && (acted || (opts.recordEmpty ?? true))) {
    await ctx.store.records.appendAudit(now, opts.actor, 'records.purge', {
      profile: report.profile, retentionMonths: retention, subscriptionRetentionMonths: subRetention,
      months: report.months.map((m) => ({ month: m.chain, removed: m.removed, kept: m.kept, holds: m.keptFor.holds })),
      retained: report.retained && { removed: report.retained.removed, kept: report.retained.kept },
      // --allow-damaged: what no longer verified, said in the records themselves
      ...(report.damaged.length ? { damaged: report.damaged.map((c) => ({ chain: c.chain, seq: c.failure!.seq, id: c.failure!.id ?? null, reason: c.failure!.reason })) } : {}),
    });
  }
  if (!opts.dryRun) await svc.publishHeads();
  return report;
}

/** Human lines for the CLI and the daily job's log: what went, by month and kind, and what stayed and why. */
export function formatPurgeReport(r: PurgeReport): string[] {
  const kinds = (c: KindCounts) => (Object.keys(c).length ? Object.entries(c).map(([k, v]) => `${k} ${v}`).join(', ') : 'nothing');
  const lines = [`${r.dryRun ? 'would purge (dry run)' : 'purged'} under ${r.profile}: records ${r.retentionMonths} months, subscription records ${r.subscriptionRetentionMonths} months after the relationship ends`];
  if (!r.months.length && !(r.retained && sum(r.retained.removed))) lines.push('  nothing is past retention');
  for (const m of [...(r.retained ? [r.retained] : []), ...r.months]) {
    lines.push(`  ${m.chain}: ${r.dryRun ? 'would remove' : 'removed'} ${sum(m.removed)} (${kinds(m.removed)}); kept ${sum(m.kept)} (${kinds(m.kept)})`);
    if (m.keptFor.subscription) lines.push(`    kept ${m.keptFor.subscription} subscription records: relationship not ended ${r.subscriptionRetentionMonths} months ago`);
    for (const h of m.keptFor.holds) lines.push(`    skipped ${h.records} records under legal hold ${h.holdId} (${h.reason})`);
  }
  if (r.keptMonths.length) lines.push(`  within retention: ${r.keptMonths.join(', ')}`);
  if (r.damaged.length) {
    lines.push(...damagedLines(r.damaged).map((l) => `  ${l}`));
    lines.push(r.dryRun ? '  the purge would be refused: these chains no longer verify (smsguard records verify; with --allow-damaged it purges anyway and records the damage)' : '  purged with --allow-damaged: the records.purge audit record lists these chains as damaged');
  }
  if (r.operational && (r.operational.statuses || r.operational.sends)) lines.push(`  operational: ${r.operational.statuses} message status rows past retention, ${r.operational.sends} frequency-counter rows no rule reads any more`);
  if (r.operational?.callbacks) lines.push(`  operational: ${r.operational.callbacks} given-up HTTP callbacks a week old`);
  if (r.operational?.idempotencyKeys) lines.push(`  operational: ${r.operational.idempotencyKeys} Idempotency-Keys past their 24 hours`);
  if (r.operational?.usage) lines.push(`  operational: ${r.operational.usage} usage counter rows past their ${USAGE_KEPT_MONTHS} months (or the records' retention, if longer)`);
  return lines;
}

/** How the daily job runs; see {@link RetentionJob}. */
export interface RetentionJobOptions {
  /** Between runs (ms). Default one day. */
  everyMs?: number;
  /**
   * The app clock is simulated (`--clock simulated`): the job then removes nothing, neither records
   * nor the operational rows that follow them. A simulated clock is a testing and demonstration aid:
   * moving it ahead must never destroy statutory evidence, and the records' simulated times say
   * nothing of their real age. `smsguard records purge` (on the real clock) still purges by hand.
   */
  simulatedClock?: boolean;
  /** Told once, at the first run skipped for the simulated clock, so the log says why nothing went. */
  onSkip?: (why: string) => void;
}

/** What the daily job says, once, when it skips its runs under a simulated clock. */
export const SIMULATED_CLOCK_SKIP = 'records retention purge skipped: the clock is simulated, and a simulated clock never removes statutory records (smsguard records purge runs on the real clock)';

/**
 * The daily purge inside `start`. The composition root wires it and logs each report. The purge
 * itself takes its time from the app context (pure core, time passed in); whether a scheduled run
 * may destroy anything at that time is decided here, where the schedule lives.
 */
export class RetentionJob {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private saidSkip = false;
  private readonly everyMs: number;
  constructor(private readonly ctx: AppContext, private readonly onReport: (r: PurgeReport) => void, private readonly onError: (e: Error) => void, private readonly opts: RetentionJobOptions = {}) {
    this.everyMs = opts.everyMs ?? 86_400_000;
  }

  start(firstAfterMs = 60_000): void {
    const tick = () => void this.runOnce();
    this.timer = setTimeout(function again(this: RetentionJob) { tick(); this.timer = setInterval(tick, this.everyMs); this.timer.unref(); }.bind(this), firstAfterMs);
    this.timer.unref();
  }

  /** One run: the report, or null when a run was already going, it failed (onError), or it was skipped (simulated clock). */
  async runOnce(): Promise<PurgeReport | null> {
    if (this.running) return null;
    if (this.opts.simulatedClock) {
      if (!this.saidSkip) this.opts.onSkip?.(SIMULATED_CLOCK_SKIP);
      this.saidSkip = true;
      return null;
    }
    this.running = true;
    try {
      const r = await purgeRecords(this.ctx, { dryRun: false, actor: 'retention-job', recordEmpty: false });
      // The operational tables follow the records' retention (src/app/housekeeping.ts).
      r.operational = await pruneOperational(this.ctx);
      this.onReport(r);
      return r;
    } catch (e) {
      this.onError(e as Error);
      return null;
    } finally {
      this.running = false;
    }
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
