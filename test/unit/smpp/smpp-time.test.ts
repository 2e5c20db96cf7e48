/**
 * SMPP 3.4 time strings (§7.1.1): absolute `YYMMDDhhmmsstnnp` and relative `YYMMDDhhmmsstnnR`
 * (src/smpp/pdu/smpp-time.ts). Known values both offset signs, the relative form, every way a string
 * can be malformed, formatSmppTime, and properties: a formatted instant reads back, and no string throws.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatSmppTime, parseSmppTime, type SmppTimeResult } from '../../../src/smpp/pdu/smpp-time.js';

const NOW = Date.UTC(2026, 11, 6, 12, 15, 0);
const at = (r: SmppTimeResult) => {
  assert.ok(r.kind === 'absolute' || r.kind === 'relative', `parsed: ${JSON.stringify(r)}`);
  return r.at;
};
const iso = (r: SmppTimeResult) => new Date(at(r)).toISOString();

describe('smpp time: absolute', () => {
  test('UTC+8 (32 quarter hours ahead): local 20:15 is 12:15 UTC', () => {
    const r = parseSmppTime('261206201500032+', NOW);
    assert.equal(r.kind, 'absolute');
    assert.equal(iso(r), '2026-12-06T12:15:00.000Z');
  });

  test('UTC−5 (20 quarter hours behind): local 07:15 is 12:15 UTC', () => {
    assert.equal(iso(parseSmppTime('261206071500020-', NOW)), '2026-12-06T12:15:00.000Z');
  });

  test('an offset that is not whole hours (UTC+5:45, 23 quarter hours), across midnight', () => {
    assert.equal(iso(parseSmppTime('261207030000023+', NOW)), '2026-12-06T21:15:00.000Z');
  });

  test('offset 00 either sign is UTC; tenths are read', () => {
    assert.equal(iso(parseSmppTime('261206121500000+', NOW)), '2026-12-06T12:15:00.000Z');
    assert.equal(iso(parseSmppTime('261206121500000-', NOW)), '2026-12-06T12:15:00.000Z');
    assert.equal(iso(parseSmppTime('261206121500700+', NOW)), '2026-12-06T12:15:00.700Z');
  });

  test('offset 48 (12 hours) is the largest either way', () => {
    assert.equal(iso(parseSmppTime('261207001500048+', NOW)), '2026-12-06T12:15:00.000Z');
    assert.equal(iso(parseSmppTime('261206001500048-', NOW)), '2026-12-06T12:15:00.000Z');
  });

  test('two-digit years are 2000–2099; 29 February only in a leap year', () => {
    assert.equal(iso(parseSmppTime('000101000000000+', NOW)), '2000-01-01T00:00:00.000Z');
    assert.equal(iso(parseSmppTime('991231235959900+', NOW)), '2099-12-31T23:59:59.900Z');
    assert.equal(iso(parseSmppTime('280229120000000+', NOW)), '2028-02-29T12:00:00.000Z');
    assert.equal(parseSmppTime('270229120000000+', NOW).kind, 'invalid');
  });

  test('an absolute time does not depend on now', () => {
    assert.equal(at(parseSmppTime('261206201500032+', 0)), at(parseSmppTime('261206201500032+', NOW)));
  });
});

describe('smpp time: relative (R)', () => {
  test('days, hours, minutes, seconds from now', () => {
    assert.equal(parseSmppTime('000001000000000R', NOW).kind, 'relative');
    assert.equal(at(parseSmppTime('000001000000000R', NOW)), NOW + 86_400_000);
    assert.equal(at(parseSmppTime('000000013005000R', NOW)), NOW + 3_600_000 + 30 * 60_000 + 5_000);
    assert.equal(at(parseSmppTime('000000000000000R', NOW)), NOW);
  });

  test('years and months on the UTC calendar', () => {
    assert.equal(iso(parseSmppTime('010000000000000R', NOW)), '2027-12-06T12:15:00.000Z');
    assert.equal(iso(parseSmppTime('000200000000000R', NOW)), '2027-02-06T12:15:00.000Z');
  });

  test('fields are counts, not clock readings: 99 hours is allowed', () => {
    assert.equal(at(parseSmppTime('000000990000000R', NOW)), NOW + 99 * 3_600_000);
  });

  test('t and nn are ignored (§7.1.1.2: "should be set to 0 and 00")', () => {
    assert.equal(at(parseSmppTime('000001000000532R', NOW)), NOW + 86_400_000);
  });
});

describe('smpp time: not set and malformed', () => {
  test('the empty string is not set', () => {
    assert.deepEqual(parseSmppTime('', NOW), { kind: 'unset' });
  });

  const bad: [string, string][] = [
    ['26120620150003+', 'length 15'],
    ['261206201500032+0', 'length 17'],
    ['2', 'length 1'],
    ['                ', 'spaces'],
    ['2612062015000 2+', 'a space in nn'],
    ['26120620150003a+', 'a letter'],
    ['261206201500032r', 'lower-case r'],
    ['261206201500032*', 'p neither +, - nor R'],
    ['261206201500032 ', 'p blank'],
    ['2612062015000032', 'p a digit'],
    ['٢٦١٢٠٦٢٠١٥٠٠٠٣٢+', 'non-ASCII digits'],
    ['-61206201500032+', 'a sign in the year'],
    ['261306201500032+', 'month 13'],
    ['260006201500032+', 'month 00'],
    ['261200201500032+', 'day 00'],
    ['261232201500032+', 'day 32'],
    ['261131201500032+', '31 November'],
    ['260230201500032+', '30 February'],
    ['261206241500032+', 'hour 24'],
    ['261206206000032+', 'minute 60'],
    ['261206201560032+', 'second 60'],
    ['261206201500049+', 'offset 49 quarter hours'],
    ['261206201500099-', 'offset 99 quarter hours'],
  ];
  for (const [s, why] of bad) {
    test(`${why}: ${JSON.stringify(s)} is invalid, with a reason`, () => {
      const r = parseSmppTime(s, NOW);
      assert.equal(r.kind, 'invalid');
      assert.ok(r.kind === 'invalid' && r.reason.length > 0);
    });
  }
});

const formatAbsolute = formatSmppTime;

describe('smpp time: formatSmppTime', () => {
  test('UTC+8 by default (32 quarter hours, as receipts and query_sm_resp final_date), tenths truncated', () => {
    assert.equal(formatSmppTime(Date.UTC(2026, 11, 6, 12, 15, 0, 780)), '261206201500732+');
  });
  test('across midnight and the year, and behind UTC', () => {
    assert.equal(formatSmppTime(Date.UTC(2026, 11, 31, 16, 0, 0)), '270101000000032+');
    assert.equal(formatSmppTime(Date.UTC(2026, 11, 6, 12, 15, 0), -20), '261206071500020-');
  });
});

describe('smpp time: properties', () => {
  // instants whose local time, at any offset, stays within 2000–2099
  const instant = fc.integer({ min: Date.UTC(2000, 0, 1, 12), max: Date.UTC(2099, 11, 31, 11) });
  const quarters = fc.integer({ min: -48, max: 48 });

  test('any instant written at any offset reads back to the tenth of a second', () => {
    fc.assert(fc.property(instant, quarters, fc.integer(), (ms, q, now) => {
      const s = formatAbsolute(ms, q);
      assert.equal(s.length, 16);
      assert.deepEqual(parseSmppTime(s, now), { kind: 'absolute', at: ms - (ms % 100) });
    }), { numRuns: 2000 });
  });

  test('the same instant at two offsets is the same time', () => {
    fc.assert(fc.property(instant, quarters, quarters, (ms, a, b) => {
      assert.equal(at(parseSmppTime(formatAbsolute(ms, a), 0)), at(parseSmppTime(formatAbsolute(ms, b), 0)));
    }), { numRuns: 1000 });
  });

  test('relative days/hours/minutes/seconds add their duration to now', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 99 }), { minLength: 4, maxLength: 4 }), instant, ([dd, hh, mi, ss], now) => {
      const two = (n: number) => String(n).padStart(2, '0');
      const r = parseSmppTime(`0000${two(dd)}${two(hh)}${two(mi)}${two(ss)}000R`, now);
      assert.deepEqual(r, { kind: 'relative', at: now + (((dd * 24 + hh) * 60 + mi) * 60 + ss) * 1000 });
    }), { numRuns: 1000 });
  });

  test('any string is read or refused, never thrown on; only 16 characters (or none) can be read', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 20 }), fc.stringMatching(/^[0-9]{15}[-+R0-9]$/)), fc.integer(), (s, now) => {
      const r = parseSmppTime(s, now);
      if (s.length !== 16 && s !== '') assert.equal(r.kind, 'invalid');
      if (r.kind === 'absolute' || r.kind === 'relative') assert.ok(Number.isFinite(r.at));
    }), { numRuns: 3000 });
  });
});
