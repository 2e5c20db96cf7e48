/**
 * Usage figures (README "Usage"): how much a content provider sent, per Shanghai day or month, from
 * the counters the decision and status transactions keep (src/domain/usage.ts), never a scan of the
 * records.
 *
 * Who reads what, as the registry reads (directory-views.ts):
 * - the operator (admin): any provider, or all of them when none is named;
 * - a content provider: itself (the default); another provider is `forbidden`, before the id is
 *   looked up;
 * - a regulator: any provider, or with a token limited to a province those registered there (another
 *   province is a scope refusal, rule supervision.province-scope); all it may list when none is named.
 * An id no provider has is `not_found` (after the province: such a token is refused it as another
 * province's, never told which ids exist).
 */
import { SmsguardError } from '../domain/errors.js';
import { shanghaiDay, shanghaiDayStart, type UsageCount } from '../domain/usage.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import { ownFilter, requireRole } from './access.js';
import { inProvince, providersInProvince, scopeRefusal } from './records-scope.js';
import { str } from './validate.js';
import { mustBeFilterAccount } from './known-provider.js';

/** Most days one read covers (a leap year). */
export const USAGE_MAX_DAYS = 366;

export type UsageGranularity = 'day' | 'month';

/** One provider's figures in one period. Statuses count on the day they happened, not the day the message arrived. */
export interface UsageFigures {
  contentProviderId: string;
  /** `YYYY-MM-DD` or `YYYY-MM` (Asia/Shanghai); a month counts only the days of it inside from…to. */
  period: string;
  /** Submissions decided, whatever the decision. */
  submitted: number;
  accepted: number;
  /** Refused at submission: the sum of rejectedByCode. */
  rejected: number;
  /** Refusals by their stable code (`frequency_exceeded`, `opted_out`…). */
  rejectedByCode: Record<string, number>;
  /** Parked for an operator's review (early-warning hold). */
  held: number;
  /** Held messages an operator released (they are sent) and rejected. */
  released: number;
  reviewRejected: number;
  /** What carriers bill: segments of accepted messages and of released ones. */
  segments: number;
  /** Taken by the carrier (status `submitted`). */
  sent: number;
  delivered: number;
  undeliverable: number;
  expired: number;
  failed: number;
  rejectedUpstream: number;
  /** Stopped in the queue before they were sent (status `rejected`: an opt-out or expired consent since). */
  stopped: number;
  cancelled: number;
}

export interface UsageQuery {
  contentProviderId?: unknown;
  from?: unknown;
  to?: unknown;
  granularity?: unknown;
}

/** Counter key → figure (src/domain/usage.ts); `rejected:<code>` is handled apart. */
const FIGURES: Readonly<Record<string, keyof UsageFigures>> = {
  submitted: 'submitted', accepted: 'accepted', held: 'held', released: 'released', review_rejected: 'reviewRejected', segments: 'segments',
  sent: 'sent', delivered: 'delivered', undeliverable: 'undeliverable', expired: 'expired', failed: 'failed', rejected_upstream: 'rejectedUpstream',
  stopped: 'stopped', cancelled: 'cancelled',
};

/** A `YYYY-MM-DD` that is a real day, or `invalid_request` naming the field. */
function day(v: unknown, field: string): string {
  const s = str(v, field, { min: 10, max: 10 });
  // A month 13 or day 32 parses to NaN, which shanghaiDay cannot format: refused before it is asked to.
  const start = /^\d{4}-\d{2}-\d{2}$/.test(s) ? shanghaiDayStart(s) : NaN;
  if (!Number.isFinite(start) || shanghaiDay(start) !== s) throw new SmsguardError('invalid_request', `${field}: not a day (YYYY-MM-DD, Asia/Shanghai)`, {}, field);
  return s;
}

/**
 * `GET /v1/usage`: figures per provider and period over the Shanghai days from…to (inclusive; default
 * the current month up to today), at most USAGE_MAX_DAYS days; periods with nothing counted are left
 * out. Ordered by provider, then period.
 */
export async function readUsage(ctx: AppContext, p: Principal, q: UsageQuery = {}): Promise<UsageFigures[]> {
  requireRole(p, 'admin', 'content-provider', 'regulator');
  let cpId = q.contentProviderId === undefined || q.contentProviderId === '' ? undefined : str(q.contentProviderId, 'contentProviderId', { min: 1, max: 64 });
  const granularity = q.granularity ?? 'day';
  if (granularity !== 'day' && granularity !== 'month') throw new SmsguardError('invalid_request', 'granularity: must be day or month', {}, 'granularity');
  const today = shanghaiDay(ctx.clock.now());
  const to = q.to === undefined ? today : day(q.to, 'to');
  const from = q.from === undefined ? `${to.slice(0, 8)}01` : day(q.from, 'from');
  if (from > to) throw new SmsguardError('invalid_request', 'from: must not be after to', {}, 'from');
  const days = Math.round((shanghaiDayStart(to) - shanghaiDayStart(from)) / 86_400_000) + 1;
  if (days > USAGE_MAX_DAYS) throw new SmsguardError('invalid_request', `to: from…to covers ${days} days, at most ${USAGE_MAX_DAYS}`, {}, 'to');

  // forbidden before looking: no other provider's id is confirmed to exist
  cpId = ownFilter(p, cpId);
  let ids: string[] | undefined;
  if (cpId !== undefined) {
    // The province first: a token limited to one is refused an unknown id as another province's.
    if (!(await inProvince(ctx, p, cpId))) throw scopeRefusal(ctx, 'province', `content provider ${cpId} is outside this token's province`, { id: 'provider_other_province', params: { id: cpId } }, 'contentProviderId');
    await mustBeFilterAccount(ctx, p, cpId, 'providers');
    ids = [cpId];
  } else ids = await providersInProvince(ctx, p);

  return figures(await ctx.store.usage.read({ ...(ids ? { contentProviderIds: ids } : {}), from, to }), granularity);
}

/** Counter rows (ordered by provider, day, key) summed into one entry per provider and period. */
function figures(rows: UsageCount[], granularity: UsageGranularity): UsageFigures[] {
  const out = new Map<string, UsageFigures>();
  for (const r of rows) {
    const period = granularity === 'month' ? r.day.slice(0, 7) : r.day;
    const k = `${r.contentProviderId}\u0000${period}`;
    let f = out.get(k);
    if (!f) out.set(k, (f = empty(r.contentProviderId, period)));
    if (r.key.startsWith('rejected:')) {
      const code = r.key.slice('rejected:'.length);
      f.rejectedByCode[code] = (f.rejectedByCode[code] ?? 0) + r.n;
      f.rejected += r.n;
      continue;
    }
    const name = FIGURES[r.key];
    // a key this version does not know (written by a newer one) is left out, not an error
    if (name) (f[name] as number) += r.n;
  }
  return [...out.values()].sort((a, b) => (a.contentProviderId < b.contentProviderId ? -1 : a.contentProviderId > b.contentProviderId ? 1 : a.period < b.period ? -1 : a.period > b.period ? 1 : 0));
}

function empty(contentProviderId: string, period: string): UsageFigures {
  return {
    contentProviderId, period, submitted: 0, accepted: 0, rejected: 0, rejectedByCode: {}, held: 0, released: 0, reviewRejected: 0, segments: 0,
    sent: 0, delivered: 0, undeliverable: 0, expired: 0, failed: 0, rejectedUpstream: 0, stopped: 0, cancelled: 0,
  };
}
