/**
 * Working days on the PRC calendar (rule 10: the 12321 centre forwards within 5 working days, the
 * provider answers within 15). Public holidays and the adjusted working weekends (调休) come from the
 * maintained `chinese-days` data set, never from a list written here. Pure: time arrives as an
 * argument; the calendar is a data look-up with no clock.
 *
 * Convention (as in PRC procedural law, 期间开始的当日不计算在内): the day the case arrives is not
 * counted; the deadline is the end (24:00 Asia/Shanghai) of the Nth working day after it.
 */
import chineseDays from 'chinese-days';

const SHANGHAI_OFFSET_MS = 8 * 3_600_000; // China has had no daylight saving time since 1991.
const DAY_MS = 86_400_000;

/** A calendar answers whether a Shanghai date (`YYYY-MM-DD`) is a working day. */
export interface WorkCalendar {
  isWorkingDay(date: string): boolean;
  /** Last year the calendar has official data for; later years fall back to Monday–Friday. */
  readonly lastCoveredYear: number;
}

function computeLastYear(): number {
  // New Year's Day is a public holiday every year; the data set names it only for years it covers
  // (uncovered dates come back as a plain weekday name).
  for (let y = 2099; y >= 2004; y--) {
    if (chineseDays.getDayDetail(`${y}-01-01`).name.includes(',')) return y;
  }
  return 0;
}

let lastYear: number | null = null;

/** The PRC State Council calendar as published in `chinese-days`. */
export const PRC_CALENDAR: WorkCalendar = {
  isWorkingDay(date: string): boolean {
    return chineseDays.isWorkday(date);
  },
  get lastCoveredYear(): number {
    lastYear ??= computeLastYear();
    return lastYear;
  },
};

/** The Shanghai calendar date of an instant, `YYYY-MM-DD`. */
export function shanghaiDate(at: number): string {
  return new Date(at + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** 00:00 Asia/Shanghai of a `YYYY-MM-DD` date, as epoch ms. */
export function shanghaiMidnight(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) - SHANGHAI_OFFSET_MS;
}

function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

/**
 * The deadline `n` working days after the instant `from`: 24:00 Shanghai at the end of the nth
 * working day following the day of `from` (that day itself not counted). n = 0 gives the end of
 * the day of `from`.
 */
export function addWorkingDays(from: number, n: number, cal: WorkCalendar = PRC_CALENDAR): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError('n must be a non-negative integer');
  let d = shanghaiDate(from);
  let left = n;
  // A bound so a broken calendar (no working days at all) cannot loop forever.
  for (let guard = 0; left > 0 && guard < 3660; guard++) {
    d = nextDate(d);
    if (cal.isWorkingDay(d)) left--;
  }
  return shanghaiMidnight(nextDate(d));
}

/**
 * Working days from the day after `from` through the day of `to` (0 when `to` is on the same day
 * or earlier): how many working days a case took.
 */
export function workingDaysBetween(from: number, to: number, cal: WorkCalendar = PRC_CALENDAR): number {
  let d = shanghaiDate(from);
  const end = shanghaiDate(to);
  let n = 0;
  for (let guard = 0; d < end && guard < 36600; guard++) {
    d = nextDate(d);
    if (cal.isWorkingDay(d)) n++;
  }
  return n;
}

/** True when every date between the two instants lies in years the calendar has official data for. */
export function calendarCovers(from: number, to: number, cal: WorkCalendar = PRC_CALENDAR): boolean {
  return Number(shanghaiDate(Math.max(from, to)).slice(0, 4)) <= cal.lastCoveredYear;
}
