/**
 * Usage figures per content provider (README "Usage"): counters kept per provider, Asia/Shanghai
 * calendar day and key, added to in the very transactions that decide and move statuses, so they
 * are exactly as durable as what they count (src/store/usage-tally.ts aggregates one transaction's).
 *
 * Keys (the store keeps them as text; a figure not listed here is never written):
 * - `submitted`: submissions decided, whatever the decision (on the day they arrived);
 * - `accepted`, `held`, `rejected:<code>`: the decision (a rejection by its stable code);
 * - `segments`: what carriers bill: the segments of accepted messages, and of held ones when an
 *   operator releases them (on the release's day); a replacement of a waiting message (no new
 *   message: the other decision figures stay) moves them to its new text's, on the day it arrived;
 * - `released`, `review_rejected`: an operator's review of a held message (one that expired
 *   undecided counts as `expired`, below);
 * - `sent` (the carrier took it: status `submitted`), `delivered`, `undeliverable`, `expired`,
 *   `failed`, `rejected_upstream`, `stopped` (a queued message stopped before it was sent: status
 *   `rejected`), `cancelled`: a status reached, counted once (statuses only move forward, so a
 *   repeated receipt changes nothing), on the day of the status.
 * A message's later figures fall on the day they happen: accepted at 23:59, delivered at 00:01 the
 * next day counts on both days.
 */

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** The Asia/Shanghai calendar day `YYYY-MM-DD` of an instant (no DST there since 1991: a fixed offset is exact). */
export function shanghaiDay(at: number): string {
  return new Date(at + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a Shanghai day `YYYY-MM-DD` starts. */
export function shanghaiDayStart(day: string): number {
  return Date.parse(`${day}T00:00:00+08:00`);
}

/** A key that counts a status reached (see above); undefined for a status that is not a figure (`accepted`). */
export function statusUsageKey(status: string): string | undefined {
  return STATUS_KEYS[status];
}

const STATUS_KEYS: Readonly<Record<string, string>> = {
  submitted: 'sent', delivered: 'delivered', undeliverable: 'undeliverable', expired: 'expired', failed: 'failed',
  rejected_upstream: 'rejected_upstream', rejected: 'stopped', cancelled: 'cancelled',
};

/** The key of a rejection at submission. */
export const rejectedKey = (code: string | undefined): string => `rejected:${code ?? 'unknown'}`;

/** One counter row: a provider's figure on a day. */
export interface UsageCount {
  contentProviderId: string;
  /** Asia/Shanghai calendar day, `YYYY-MM-DD`. */
  day: string;
  key: string;
  n: number;
}
