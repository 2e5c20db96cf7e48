/**
 * One month's verification for staff (the `/web/records` page): the same recomputation as
 * `smsguard records verify --month` (RecordsService.verify: the month's hash chain from its genesis,
 * against every signed head of it with the trusted keys), for the operator and a regulator.
 *
 * The page and `GET /v1/records/verify` are its doors, and it keeps to what a token already reads: a chain's size and seq range are in the signed heads any token reads
 * (`GET /v1/records/heads`); a regulator limited to dates verifies only a month wholly inside them
 * (as its complaint rate, `supervision.date-scope`); a regulator limited to a province learns whether
 * the month holds and at which seq it first breaks, but not the id of the broken record nor the
 * technical detail naming it (that record may be another province's provider's). A provider verifies
 * nothing (the chain is every provider's month). A regulator's verification is recorded as
 * `records.verify`, as its queries are.
 */
import { SmsguardError } from '../domain/errors.js';
import { addMonths, isMonth, monthStart } from '../domain/hash-chain.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import { requireRole } from './access.js';
import { inDateRange, scopeRefusal } from './records-scope.js';
import { recordsFor } from './records-service.js';
import type { ChainFailureReason, VerifyReport } from './records-verify.js';

export interface MonthVerification {
  month: string;
  /** False when the month has no chain (no records were ever written in it, or it was purged). */
  found: boolean;
  ok: boolean;
  checked: number;
  firstSeq?: number;
  lastSeq?: number;
  /** Signed heads of the month checked against the recomputed chain (0: none signed yet). */
  headsChecked: number;
  /** Records written during the run and not linked yet (not checked). */
  pending?: number;
  /** The first broken link; `id` and `detail` only for a principal not limited to a province. */
  failure?: { seq: number; reason: ChainFailureReason; id?: string; detail?: string };
  /** A month with no chain whose signed heads are kept: purged past retention ({@link purgedMonth}). */
  purged?: PurgedMonth;
}

/** What is left of a month purged past retention: its signed heads, the last of them covering `firstSeq`–`lastSeq`. */
export interface PurgedMonth {
  heads: number;
  firstSeq: number;
  lastSeq: number;
  count: number;
}

/**
 * A month with no chain whose signed heads are kept was purged past retention (`smsguard records
 * purge`): said so by every door (this use case, `records verify --month`), where each had said "no
 * records for 2026-05", as for a month never written, which an inspector reads as nothing ever
 * recorded. Null for a month none of whose heads is kept (never written).
 */
export async function purgedMonth(ctx: AppContext, month: string): Promise<PurgedMonth | null> {
  const heads = (await recordsFor(ctx).archive.heads()).filter((h) => h.chain === month);
  if (!heads.length) return null;
  const last = heads.reduce((a, b) => (b.lastSeq > a.lastSeq || (b.lastSeq === a.lastSeq && b.signedAt > a.signedAt) ? b : a));
  return { heads: heads.length, firstSeq: last.firstSeq, lastSeq: last.lastSeq, count: last.count };
}

/** One run per month at a time, per app: a second request for the same month waits for the first's result. */
const running = new WeakMap<AppContext, Map<string, Promise<VerifyReport>>>();

function verifyOnce(ctx: AppContext, month: string): Promise<VerifyReport> {
  let m = running.get(ctx);
  if (!m) running.set(ctx, (m = new Map()));
  const cur = m.get(month);
  if (cur) return cur;
  const run = recordsFor(ctx).verify({ month }).finally(() => m.delete(month));
  m.set(month, run);
  return run;
}

export async function verifyMonth(ctx: AppContext, p: Principal, month: string): Promise<MonthVerification> {
  requireRole(p, 'admin', 'regulator');
  if (!isMonth(month)) throw new SmsguardError('invalid_request', `month: a month as YYYY-MM, got ${month}`, {}, 'month', { id: 'month_format' });
  const from = monthStart(month);
  const to = monthStart(addMonths(month, 1));
  if (!inDateRange(p, from) || !inDateRange(p, to - 1)) {
    await ctx.store.records.appendAudit(ctx.clock.now(), p.actorId, 'records.verify', { month, refused: 'forbidden' });
    throw scopeRefusal(ctx, 'dates', `month ${month} is not wholly inside this token's date range`, { id: 'month_outside_dates', params: { month } }, 'month');
  }
  const r = await verifyOnce(ctx, month);
  const c = r.chains.find((x) => x.chain === month);
  const limited = p.role === 'regulator' && !!p.province;
  const out: MonthVerification = c
    ? {
      month, found: true, ok: c.ok, checked: c.checked, firstSeq: c.firstSeq, lastSeq: c.lastSeq, headsChecked: c.headsChecked,
      ...(c.pending ? { pending: c.pending } : {}),
      ...(c.failure ? { failure: limited ? { seq: c.failure.seq, reason: c.failure.reason } : { seq: c.failure.seq, reason: c.failure.reason, id: c.failure.id, detail: c.failure.detail } } : {}),
    }
    : { month, found: false, ok: true, checked: 0, headsChecked: 0 };
  if (!c) {
    const purged = await purgedMonth(ctx, month);
    if (purged) out.purged = purged;
  }
  if (p.role === 'regulator') await ctx.store.records.appendAudit(ctx.clock.now(), p.actorId, 'records.verify', { month, ok: out.ok, checked: out.checked });
  return out;
}
