/**
 * SMPP 3.4 time strings (§7.1.1), as submit_sm carries them in `schedule_delivery_time` and
 * `validity_period`. Pure: the current time is passed in (a relative time counts from it).
 *
 * - absolute (§7.1.1.1) `YYMMDDhhmmsstnnp`: local time, `t` tenths of a second, `nn` the local
 *   time's offset from UTC in quarter hours (00–48), `p` `+` (local ahead of UTC) or `-` (behind).
 * - relative (§7.1.1.2) `YYMMDDhhmmsstnnR`: years, months, days, hours, minutes and seconds from
 *   now; `t` and `nn` are ignored by the spec ("should be set to 0 and 00"), so any digits there are
 *   taken and ignored.
 * - the empty string: not set.
 */

/** A time field read: not set, or the instant it names (epoch ms, UTC). */
export type SmppTime = { kind: 'unset' } | { kind: 'absolute' | 'relative'; at: number };

/** What `parseSmppTime` returns: the time, or why the string is not an SMPP 3.4 time. */
export type SmppTimeResult = SmppTime | { kind: 'invalid'; reason: string };

const SHAPE = /^([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})([0-9])([0-9]{2})([-+R])$/;
const QUARTER_HOUR_MS = 15 * 60_000;

/**
 * Reads an SMPP 3.4 time string. Absolute: two-digit years are 2000–2099 (SMPP 3.4 postdates 1999 and
 * no ESME schedules a message in the past century); every field must be in its range and the date
 * must exist (no 30 February). Relative: each field is a count (`99` hours is allowed); years and
 * months are added on the UTC calendar from `now` (31 January + 1 month rolls over into March, as
 * `Date.UTC` does), the rest as durations. Never throws.
 *
 * @param s the field as decoded (latin1, without its NUL)
 * @param now the caller's clock, epoch ms (the SMPP server passes the gateway's): a relative time counts from it
 */
export function parseSmppTime(s: string, now: number): SmppTimeResult {
  if (s === '') return { kind: 'unset' };
  if (s.length !== 16) return invalid(`${s.length} characters, not 16`);
  const m = SHAPE.exec(s);
  if (!m) return invalid('not YYMMDDhhmmsstnn followed by +, - or R');
  const [yy, mo, dd, hh, mi, ss, t, nn] = m.slice(1, 9).map(Number);
  const p = m[9];
  if (p === 'R') {
    const d = new Date(now);
    d.setUTCFullYear(d.getUTCFullYear() + yy, d.getUTCMonth() + mo);
    const at = d.getTime() + ((dd * 24 + hh) * 60 + mi) * 60_000 + ss * 1000;
    return { kind: 'relative', at };
  }
  if (mo < 1 || mo > 12) return invalid(`month ${mo}`);
  if (hh > 23) return invalid(`hour ${hh}`);
  if (mi > 59) return invalid(`minute ${mi}`);
  if (ss > 59) return invalid(`second ${ss}`);
  if (nn > 48) return invalid(`UTC offset ${nn} quarter hours (at most 48)`);
  const year = 2000 + yy;
  // the day must exist in that month: Date.UTC would roll 30 February into March
  if (dd < 1 || dd > new Date(Date.UTC(year, mo, 0)).getUTCDate()) return invalid(`day ${dd} of ${year}-${String(mo).padStart(2, '0')}`);
  const local = Date.UTC(year, mo - 1, dd, hh, mi, ss, t * 100);
  // local = UTC + offset when local time is ahead ('+'), so UTC = local − offset
  const offset = nn * QUARTER_HOUR_MS * (p === '+' ? 1 : -1);
  return { kind: 'absolute', at: local - offset };
}

function invalid(reason: string): SmppTimeResult {
  return { kind: 'invalid', reason };
}

/**
 * Writes an instant as an SMPP 3.4 absolute time (§7.1.1.1), `YYMMDDhhmmsstnnp`, in the local time
 * `offsetQuarterHours` ahead of UTC (default 32: UTC+8, China Standard Time, as smsguard's receipt
 * dates). Tenths of a second are truncated, so `parseSmppTime` reads back the instant to the tenth.
 * For years 2000–2099, which is all an SMPP time can say (see `parseSmppTime`).
 *
 * @param at epoch ms
 * @param offsetQuarterHours −48…48; negative for local time behind UTC
 */
export function formatSmppTime(at: number, offsetQuarterHours = 32): string {
  const local = new Date(at + offsetQuarterHours * QUARTER_HOUR_MS);
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    two(local.getUTCFullYear() % 100) + two(local.getUTCMonth() + 1) + two(local.getUTCDate()) +
    two(local.getUTCHours()) + two(local.getUTCMinutes()) + two(local.getUTCSeconds()) +
    String(Math.floor(local.getUTCMilliseconds() / 100)) + two(Math.abs(offsetQuarterHours)) + (offsetQuarterHours < 0 ? '-' : '+')
  );
}
