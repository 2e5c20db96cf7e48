/**
 * A consent's frequency period: the calendar day, week (Monday first) or month in Asia/Shanghai
 * holding an instant (src/domain/frequency-period.ts), at the edges a provider and a user would see.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frequencyPeriod, LONGEST_FREQUENCY_PERIOD_MS } from '../../../src/domain/frequency-period.js';

const at = (s: string) => Date.parse(s);
const iso8 = (t: number) => new Date(t + 8 * 3_600_000).toISOString().replace('.000Z', '+08:00');
const span = (per: 'day' | 'week' | 'month', s: string) => { const p = frequencyPeriod(per, at(s)); return [iso8(p.from), iso8(p.to)]; };

test('day: Shanghai midnight to midnight, whatever the UTC date', () => {
  assert.deepEqual(span('day', '2026-12-01T15:59:59.999Z'), ['2026-12-01T00:00:00+08:00', '2026-12-02T00:00:00+08:00']);
  assert.deepEqual(span('day', '2026-12-01T16:00:00Z'), ['2026-12-02T00:00:00+08:00', '2026-12-03T00:00:00+08:00'], '00:00 Shanghai opens the next day');
  assert.deepEqual(span('day', '2026-12-31T23:59:59+08:00'), ['2026-12-31T00:00:00+08:00', '2027-01-01T00:00:00+08:00']);
});

test('week: Monday 00:00 to the next Monday, Sunday night in the week that began the Monday before', () => {
  assert.deepEqual(span('week', '2026-12-07T00:00:00+08:00'), ['2026-12-07T00:00:00+08:00', '2026-12-14T00:00:00+08:00'], 'a Monday');
  assert.deepEqual(span('week', '2026-12-13T23:59:59+08:00'), ['2026-12-07T00:00:00+08:00', '2026-12-14T00:00:00+08:00'], 'a Sunday');
  assert.deepEqual(span('week', '2026-12-06T20:00:00+08:00'), ['2026-11-30T00:00:00+08:00', '2026-12-07T00:00:00+08:00'], 'Sunday (UTC noon)');
  assert.deepEqual(span('week', '2026-12-31T10:00:00+08:00'), ['2026-12-28T00:00:00+08:00', '2027-01-04T00:00:00+08:00'], 'across the new year');
});

test('month: the calendar month, 28 to 31 days, leap February included', () => {
  assert.deepEqual(span('month', '2027-01-31T23:59:59+08:00'), ['2027-01-01T00:00:00+08:00', '2027-02-01T00:00:00+08:00']);
  assert.deepEqual(span('month', '2027-01-31T16:00:00Z'), ['2027-02-01T00:00:00+08:00', '2027-03-01T00:00:00+08:00'], 'UTC still says January');
  assert.deepEqual(span('month', '2028-02-29T12:00:00+08:00'), ['2028-02-01T00:00:00+08:00', '2028-03-01T00:00:00+08:00']);
  assert.deepEqual(span('month', '2026-12-15T12:00:00+08:00'), ['2026-12-01T00:00:00+08:00', '2027-01-01T00:00:00+08:00']);
});

test('every instant lies in its period, and no period reaches further back than LONGEST_FREQUENCY_PERIOD_MS', () => {
  for (let t = at('2026-01-01T00:00:00Z'); t < at('2029-01-01T00:00:00Z'); t += 3_600_000 * 7 + 123_457) {
    for (const per of ['day', 'week', 'month'] as const) {
      const p = frequencyPeriod(per, t);
      assert.ok(p.from <= t && t < p.to, `${per} ${new Date(t).toISOString()}`);
      assert.ok(t - p.from < LONGEST_FREQUENCY_PERIOD_MS);
      assert.deepEqual(frequencyPeriod(per, p.from), p, 'a period starts in itself');
      assert.equal(frequencyPeriod(per, p.to).from, p.to, 'the next one begins where it ends');
    }
  }
});
