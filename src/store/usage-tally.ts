/**
 * One transaction's usage figures (src/domain/usage.ts), summed in memory so that the transaction
 * writes one upsert per distinct (provider, day, key), never a statement per message: a batch of
 * 500 acceptances of one provider on one day is two rows (`submitted`, `accepted`) plus `segments`.
 * Shared by both adapters.
 */
import { rejectedKey, shanghaiDay, shanghaiDayStart, type UsageCount } from '../domain/usage.js';
import { measure } from '../domain/segments.js';
import type { HoldResolution, SubmissionItem } from '../ports/store.js';
import type { Decision } from '../pipeline/types.js';
import type { HeldDb } from './held-messages.js';

export class UsageTally {
  /** provider → day → key → n. Nested, so that adding builds no string key (this runs per message). */
  private readonly m = new Map<string, Map<string, Map<string, number>>>();
  /** The last day met and where it starts and ends: a batch's messages nearly all fall in it (no Date per message). */
  private lastDay = '';
  private dayFrom = Infinity;
  private dayTo = -Infinity;
  /** The counts of the last (provider, day) added to: a batch is nearly always one provider on one day. */
  private lastCp: string | null = null;
  private lastDayOfCp = '';
  private last: Map<string, number> | null = null;
  private rowCount = 0;

  add(contentProviderId: string, at: number, key: string, n = 1): void {
    if (n === 0) return;
    if (!(at >= this.dayFrom && at < this.dayTo)) {
      this.lastDay = shanghaiDay(at);
      this.dayFrom = shanghaiDayStart(this.lastDay);
      this.dayTo = this.dayFrom + 86_400_000;
    }
    let counts = this.last;
    if (counts === null || contentProviderId !== this.lastCp || this.lastDay !== this.lastDayOfCp) {
      let days = this.m.get(contentProviderId);
      if (!days) this.m.set(contentProviderId, (days = new Map()));
      let found = days.get(this.lastDay);
      if (!found) days.set(this.lastDay, (found = new Map()));
      counts = found;
      this.lastCp = contentProviderId;
      this.lastDayOfCp = this.lastDay;
      this.last = counts;
    }
    const had = counts.get(key);
    if (had === undefined) this.rowCount++;
    counts.set(key, (had ?? 0) + n);
  }

  /** Distinct (provider, day, key) rows. */
  get size(): number {
    return this.rowCount;
  }

  /**
   * The rows to upsert, sorted by (provider, day, key): concurrent transactions then take the
   * counter rows' locks (PostgreSQL) in one order and cannot deadlock on them.
   */
  rows(): UsageCount[] {
    const a: UsageCount[] = [];
    for (const [contentProviderId, days] of this.m) for (const [day, counts] of days) for (const [key, n] of counts) a.push({ contentProviderId, day, key, n });
    a.sort((x, y) => cmp(x.contentProviderId, y.contentProviderId) || cmp(x.day, y.day) || cmp(x.key, y.key));
    return a;
  }

  /** As four column arrays (PostgreSQL's unnest). */
  columns(): [string[], string[], string[], number[]] {
    const r = this.rows();
    return [r.map((x) => x.contentProviderId), r.map((x) => x.day), r.map((x) => x.key), r.map((x) => x.n)];
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A decision's usage figures (src/domain/usage.ts), on the day it arrived. */
export function tallyDecision(t: UsageTally, item: SubmissionItem, d: Decision): void {
  const cp = item.candidate.contentProviderId;
  const at = item.receivedAt;
  t.add(cp, at, 'submitted');
  if (d.accepted) {
    t.add(cp, at, 'accepted');
    t.add(cp, at, 'segments', d.segments);
  } else if (d.held) t.add(cp, at, 'held');
  else t.add(cp, at, rejectedKey(d.rejection?.code));
}

/**
 * A replacement's figures (MessageStore.replaceQueued): no new message, so `submitted` and the first
 * decision's outcome stay as they were counted; only `segments`, what carriers bill, follows the text
 * that will now go. The segments an accepted message counted (measured on its queued text, as
 * tallyReview measures a held one) are given back and the new accepted text's added; a message held
 * before or after counts its segments when released (tallyReview), so none here for it. On the day
 * the message arrived: the replacement revises its decision's figure, where that figure was counted.
 */
export function tallyReplacement(contentProviderId: string, receivedAt: number, was: { status: string; text: string }, d: Decision): UsageTally {
  const t = new UsageTally();
  const before = was.status === 'accepted' ? measure(was.text).segments : 0;
  t.add(contentProviderId, receivedAt, 'segments', (d.accepted ? d.segments : 0) - before);
  return t;
}

/**
 * A review's figures, on its day: `released` with the segments it will be billed for (measured on
 * the text it was held with, as the decision measured it), or `review_rejected`; an expiry (held past
 * its hold, undecided) counts as the status it reaches, `expired`.
 */
export function tallyReview(row: Pick<HeldDb, 'content_provider_id' | 'text'>, r: HoldResolution): UsageTally {
  const t = new UsageTally();
  if (r.action === 'release') {
    t.add(row.content_provider_id, r.at, 'released');
    t.add(row.content_provider_id, r.at, 'segments', measure(row.text).segments);
  } else t.add(row.content_provider_id, r.at, r.action === 'reject' ? 'review_rejected' : 'expired');
  return t;
}
