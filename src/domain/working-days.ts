/**
 * Working days on the PRC calendar (rule 10: the 12321 centre forwards within 5 working days, the
 * provider answers within 15). Public holidays and the adjusted working weekends (调休) come from the
 * maintained `chinese-days` data set, never from a schedule written here. For a year the data set does
 * not cover yet (the State Council publishes each year's schedule late in the year before) the days
 * the law itself names are holidays, worked out from its rules (below); that year's adjusted weekends
 * cannot be known and are not guessed. Pure: time arrives as an argument; the calendar is a data
 * look-up with no clock.
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
  /**
   * Last year the calendar has official data for; later years fall back to Monday–Friday less the
   * statutory holidays ({@link statutoryHolidays}).
   */
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

/**
 * The public holidays of the 全国年节及纪念日放假办法 (as amended by State Council Decree No. 798,
 * in force from 2025): New Year's Day (1 January), the Spring Festival (New Year's Eve and the first
 * three days of the first lunar month), Qingming (the day of the solar term), Labour Day (1–2 May),
 * the Dragon Boat Festival (5th of the fifth lunar month), the Mid-Autumn Festival (15th of the
 * eighth) and National Day (1–3 October), as `YYYY-MM-DD` dates of Gregorian year `year`. The lunar
 * and solar-term dates come from `chinese-days`' astronomical tables, which reach years its holiday
 * schedules do not. A holiday on a weekend adds no weekday off here: that is the yearly schedule's
 * call.
 */
export function statutoryHolidays(year: number): Set<string> {
  const y = String(year);
  const lunar = (ly: number, m: number, d: number): string => chineseDays.getSolarDateFromLunar(`${ly}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`).date;
  const shift = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
  const out = new Set<string>([`${y}-01-01`, `${y}-05-01`, `${y}-05-02`, `${y}-10-01`, `${y}-10-02`, `${y}-10-03`]);
  // The first lunar month's first day falls in January or February of the same Gregorian year; its
  // eve (the twelfth month has 29 or 30 days) is the day before.
  const newYear = lunar(year, 1, 1);
  for (let k = -1; k <= 2; k++) out.add(shift(newYear, k));
  for (const t of chineseDays.getSolarTerms(`${y}-04-01`, `${y}-04-10`)) if (t.name === '清明') out.add(t.date);
  out.add(lunar(year, 5, 5));
  out.add(lunar(year, 8, 15));
  // Only this year's dates (the eve of a lunar new year on 1 February or earlier stays in this year).
  for (const d of out) if (!d.startsWith(y)) out.delete(d);
  return out;
}

const statutoryByYear = new Map<number, Set<string>>();

/** The PRC State Council calendar as published in `chinese-days`; past its last year, the statutory holidays on Monday–Friday. */
export const PRC_CALENDAR: WorkCalendar = {
  isWorkingDay(date: string): boolean {
    const year = Number(date.slice(0, 4));
    if (year <= PRC_CALENDAR.lastCoveredYear) return chineseDays.isWorkday(date);
    const day = new Date(`${date}T00:00:00Z`).getUTCDay();
    if (day === 0 || day === 6) return false;
    let holidays = statutoryByYear.get(year);
    if (!holidays) statutoryByYear.set(year, (holidays = statutoryHolidays(year)));
    return !holidays.has(date);
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
