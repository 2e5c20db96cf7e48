/**
 * The period a consent's frequency counts in: the calendar day, week (Monday first) or month in
 * Asia/Shanghai that holds the send's time (docs/CONSENT.md, "Consents and their limits").
 *
 * Why calendar periods and not rolling ones (found by the consent audit, 2026-12-07): a consent
 * request says "每天/每周/每月不超过N条", which a user and a provider read as per calendar day, week
 * and month. A rolling 30-day "month" let two messages of a 1-a-month consent reach the phone in
 * January (the 1st and the 31st), breaking the stated frequency; a rolling 24-hour "day" refused a
 * provider's daily 09:00 push whenever it ran a few seconds earlier than the day before. A calendar
 * period keeps both: never more than N in any calendar day, week or month, and each day's (week's,
 * month's) allowance whole from its first instant.
 *
 * Asia/Shanghai has had no daylight saving time since 1991, so a fixed UTC+8 offset is exact. The
 * periods are the law's jurisdiction's, not the operator's quiet-hours time zone.
 */
import type { ConsentPeriod } from './consent.js';

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DAY = 86_400_000;

/** A frequency period: sends with `from <= at < to` count in it. */
export interface FrequencyPeriod {
  from: number;
  to: number;
}

/** The calendar `per` (Asia/Shanghai) holding the instant `at`. */
export function frequencyPeriod(per: ConsentPeriod, at: number): FrequencyPeriod {
  const local = at + SHANGHAI_OFFSET_MS;
  const dayStart = Math.floor(local / DAY) * DAY;
  if (per === 'day') return { from: dayStart - SHANGHAI_OFFSET_MS, to: dayStart + DAY - SHANGHAI_OFFSET_MS };
  if (per === 'week') {
    const sinceMonday = (new Date(dayStart).getUTCDay() + 6) % 7;
    const start = dayStart - sinceMonday * DAY;
    return { from: start - SHANGHAI_OFFSET_MS, to: start + 7 * DAY - SHANGHAI_OFFSET_MS };
  }
  const d = new Date(local);
  const y = d.getUTCFullYear(), mo = d.getUTCMonth();
  return { from: Date.UTC(y, mo, 1) - SHANGHAI_OFFSET_MS, to: Date.UTC(y, mo + 1, 1) - SHANGHAI_OFFSET_MS };
}

/**
 * The longest span from a period's start to an instant in it (a 31-day month): how far back a store
 * must read sends to count any period, and (with a margin) how long housekeeping keeps them.
 */
export const LONGEST_FREQUENCY_PERIOD_MS = 31 * DAY;
