/** PRC working days: holidays and adjusted working weekends come from chinese-days, not from this file. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import chineseDays from 'chinese-days';
import { PRC_CALENDAR, addWorkingDays, shanghaiDate, shanghaiMidnight, workingDaysBetween, calendarCovers, statutoryHolidays, type WorkCalendar } from '../../../src/domain/working-days.js';

const at = (iso: string) => Date.parse(iso);

describe('working days on the PRC calendar', () => {
  test('Shanghai dates: 23:30 UTC is already the next day in Shanghai', () => {
    assert.equal(shanghaiDate(at('2026-11-29T23:30:00Z')), '2026-11-30');
    assert.equal(shanghaiMidnight('2026-11-30'), at('2026-11-29T16:00:00Z'));
  });

  test('an ordinary week: Monday + 5 working days ends next Monday 24:00', () => {
    assert.equal(addWorkingDays(at('2026-11-30T04:00:00Z'), 5), at('2026-12-07T16:00:00Z'));
    // Friday + 1 skips the weekend
    assert.equal(addWorkingDays(at('2026-12-04T04:00:00Z'), 1), at('2026-12-07T16:00:00Z'));
  });

  test('National Day 2026: the holiday week is skipped and the adjusted Saturday 10 October counts', () => {
    assert.equal(chineseDays.isWorkday('2026-10-10'), true, 'library: 10 Oct 2026 is an adjusted working Saturday');
    // Wed 30 Sep + 1 working day: 1–7 Oct are holidays, Thu 8 Oct? ask the library rather than assume
    const expected = ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07', '2026-10-08', '2026-10-09', '2026-10-10'].find((d) => chineseDays.isWorkday(d))!;
    assert.equal(shanghaiDate(addWorkingDays(at('2026-09-30T04:00:00Z'), 1) - 1), expected);
    for (const d of ['2026-10-01', '2026-10-02', '2026-10-05']) assert.equal(PRC_CALENDAR.isWorkingDay(d), false);
    // 5 working days from the eve of the holiday land well after it
    const due = shanghaiDate(addWorkingDays(at('2026-09-30T04:00:00Z'), 5) - 1);
    assert.ok(due >= '2026-10-13', due);
  });

  test('Spring Festival 2026 with its adjusted Sunday', () => {
    assert.equal(PRC_CALENDAR.isWorkingDay('2026-02-17'), false, 'New Year\'s Day of the lunar calendar');
    assert.equal(PRC_CALENDAR.isWorkingDay('2026-02-14'), chineseDays.isWorkday('2026-02-14'));
  });

  test('the calendar knows how far its data reaches', () => {
    assert.ok(PRC_CALENDAR.lastCoveredYear >= 2026);
    assert.equal(calendarCovers(at('2026-01-01T00:00:00Z'), at('2026-12-01T00:00:00Z')), true);
    assert.equal(calendarCovers(at('2026-01-01T00:00:00Z'), at(`${PRC_CALENDAR.lastCoveredYear + 1}-06-01T00:00:00Z`)), false);
  });

  test('the statutory holidays worked out from the law are days off in every year the official schedule covers under it (2025 on)', () => {
    for (let y = 2025; y <= PRC_CALENDAR.lastCoveredYear; y++) {
      const days = statutoryHolidays(y);
      assert.equal(days.size, 13, `${y}: 13 statutory days`);
      for (const d of days) assert.equal(chineseDays.isWorkday(d), false, `${d} is a day off in the ${y} schedule`);
    }
  });

  test('past the schedule\'s last year: Monday–Friday less the statutory holidays (New Year, the Spring Festival from its eve, Qingming, 1–2 May, the Dragon Boat and Mid-Autumn days, 1–3 October)', () => {
    const y = PRC_CALENDAR.lastCoveredYear + 1;
    const days = statutoryHolidays(y);
    assert.ok(days.has(`${y}-01-01`) && days.has(`${y}-05-02`) && days.has(`${y}-10-03`));
    for (const d of days) assert.equal(PRC_CALENDAR.isWorkingDay(d), false, d);
    if (y === 2027) {
      // lunar new year 2027 is 6 February (a Saturday): its eve Friday the 5th and Monday the 8th are off
      assert.deepEqual(['2027-02-04', '2027-02-05', '2027-02-08', '2027-02-09'].map((d) => PRC_CALENDAR.isWorkingDay(d)), [true, false, false, true]);
      assert.deepEqual(['2027-04-05', '2027-06-09', '2027-09-15'].map((d) => PRC_CALENDAR.isWorkingDay(d)), [false, false, false]);
      // a case arriving on 31 December 2026: the 5th working day is 8 January, not 7 January
      assert.equal(shanghaiDate(addWorkingDays(at('2026-12-31T02:00:00Z'), 5) - 1), '2027-01-08');
    }
    assert.equal(PRC_CALENDAR.isWorkingDay(`${y}-03-06`), new Date(`${y}-03-06T00:00:00Z`).getUTCDay() % 6 !== 0, 'an ordinary day: Monday–Friday');
  });

  test('property: the deadline is a Shanghai midnight, its last day is a working day, and exactly n working days lie before it', () => {
    fc.assert(fc.property(fc.integer({ min: at('2024-01-01T00:00:00Z'), max: at('2026-11-01T00:00:00Z') }), fc.integer({ min: 1, max: 20 }), (t, n) => {
      const due = addWorkingDays(t, n);
      assert.equal((due + 8 * 3_600_000) % 86_400_000, 0);
      assert.equal(PRC_CALENDAR.isWorkingDay(shanghaiDate(due - 1)), true);
      assert.equal(workingDaysBetween(t, due - 1), n);
      assert.ok(due > t);
    }), { numRuns: 200 });
  });

  test('property: more working days never give an earlier deadline', () => {
    fc.assert(fc.property(fc.integer({ min: at('2024-01-01T00:00:00Z'), max: at('2026-11-01T00:00:00Z') }), fc.integer({ min: 0, max: 15 }), (t, n) => {
      assert.ok(addWorkingDays(t, n + 1) > addWorkingDays(t, n));
    }), { numRuns: 200 });
  });

  test('a calendar is injectable (a test calendar with only Mondays)', () => {
    const mondays: WorkCalendar = { isWorkingDay: (d) => new Date(`${d}T00:00:00Z`).getUTCDay() === 1, lastCoveredYear: 9999 };
    assert.equal(shanghaiDate(addWorkingDays(at('2026-11-30T04:00:00Z'), 2, mondays) - 1), '2026-12-14');
    assert.throws(() => addWorkingDays(0, -1), RangeError);
  });
});
