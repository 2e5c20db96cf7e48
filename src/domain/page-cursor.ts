/**
 * The keyset cursor of every paged list (`GET /v1/records`, `GET /v1/cases`, the web case list): the
 * last seq of the page in base 36, a dot, and two check characters. Clients treat it as opaque and
 * pass `nextCursor` back as it came.
 *
 * The check characters are there so a cursor the API never returned (typed by hand, truncated, taken
 * from another field) is refused rather than read as some position: bare base 36 read `zzz` as seq
 * 46,655, past every row, and answered the first page again, so a client paging through results
 * silently started over. It is a typo check, not a signature: a cursor only says where a page starts,
 * and every filter and scope is applied again on each page.
 */
import { SmsguardError } from './errors.js';

/** Two base-36 characters: a garbled cursor passes by chance once in 1,296. */
const CHECK_SPACE = 36 * 36;

/**
 * FNV-1a over the seq's digits, then MurmurHash3's finalizer: FNV's low bits alone are poorly mixed
 * (the remainder mod 1,296 let one one-digit typo in 180 through), the finalizer spreads every input
 * bit over all of them (test/unit/domain/page-cursor.test.ts measures it).
 */
function check(digits: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < digits.length; i++) {
    h ^= digits.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return ((h >>> 0) % CHECK_SPACE).toString(36).padStart(2, '0');
}

/** The cursor a page hands out: the page's last seq, from which the next page reads down. */
export function encodeCursor(seq: number): string {
  if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`cursor seq must be a non-negative integer, got ${seq}`);
  const digits = seq.toString(36);
  return `${digits}.${check(digits)}`;
}

/**
 * The seq a cursor from {@link encodeCursor} stands for, or `invalid_request` naming `field`: only
 * the exact text encodeCursor gives is accepted (no case folding, no leading zeros).
 */
export function decodeCursor(raw: string, field = 'cursor'): number {
  const m = /^([0-9a-z]{1,11})\.[0-9a-z]{2}$/.exec(raw);
  const seq = m ? Number.parseInt(m[1], 36) : Number.NaN;
  if (!m || !Number.isSafeInteger(seq) || encodeCursor(seq) !== raw) {
    throw new SmsguardError('invalid_request', `${field}: not a cursor this API returned (pass nextCursor from the previous page unchanged)`, {}, field, { id: 'cursor_invalid' });
  }
  return seq;
}

/**
 * A place in a list ordered by a time and then an id (the review queue by when a message was held,
 * early-warning alerts by when they were raised, given-up callbacks by when they were given up): the
 * last row of a page. The next page is the rows strictly past it in the list's own order, so a row
 * inserted meanwhile neither shifts a page nor is read twice, as an offset would.
 */
export interface KeysetPosition {
  /** The row's time (epoch ms). */
  at: number;
  /** The row's id: ties on `at` are ordered by it. */
  id: string;
}

/** The cursor of a page ending at `p`: the time in base 36, the id in base64url, a dot between each, two check characters. */
export function encodeKeysetCursor(p: KeysetPosition): string {
  if (!Number.isSafeInteger(p.at) || p.at < 0) throw new RangeError(`cursor time must be a non-negative integer, got ${p.at}`);
  const body = `${p.at.toString(36)}.${Buffer.from(p.id, 'utf8').toString('base64url')}`;
  return `${body}.${check(body)}`;
}

/**
 * The place a cursor from {@link encodeKeysetCursor} stands for, or `invalid_request` naming `field`
 * (the same refusal as {@link decodeCursor}'s): only the exact text encodeKeysetCursor gives is accepted.
 */
export function decodeKeysetCursor(raw: string, field = 'cursor'): KeysetPosition {
  const m = /^([0-9a-z]{1,11})\.([A-Za-z0-9_-]{1,340})\.[0-9a-z]{2}$/.exec(raw);
  const at = m ? Number.parseInt(m[1], 36) : Number.NaN;
  const id = m ? Buffer.from(m[2], 'base64url').toString('utf8') : '';
  if (!m || !Number.isSafeInteger(at) || id === '' || encodeKeysetCursor({ at, id }) !== raw) {
    throw new SmsguardError('invalid_request', `${field}: not a cursor this API returned (pass nextCursor from the previous page unchanged)`, {}, field, { id: 'cursor_invalid' });
  }
  return { at, id };
}

/** Longest cursor {@link encodeKeysetCursor} writes for ids of up to 255 characters (the routes' maxLength). */
export const KEYSET_CURSOR_MAX = 11 + 1 + 340 + 1 + 2;

/**
 * One page of a keyset list: `rows` read with a limit of `limit + 1` (one more than the page, to know
 * whether more follow), cut to `limit`, and the cursor of its last row when more follow (else null).
 */
export function keysetPage<T>(rows: T[], limit: number, position: (row: T) => KeysetPosition): { rows: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { rows, nextCursor: null };
  const page = rows.slice(0, limit);
  return { rows: page, nextCursor: encodeKeysetCursor(position(page[page.length - 1])) };
}

/**
 * Where a keyset page of rows ordered by (time, id) starts, strictly past the returned position: `after`,
 * or, when it is absent or before `from`, just before the first row at `from` (`id: ''`, which every
 * id follows; ids are never empty). One bound for the store's query, so the index walk begins there.
 */
export function keysetLowerBound(after: KeysetPosition | undefined, from: number | undefined): KeysetPosition {
  const start = { at: from ?? Number.MIN_SAFE_INTEGER, id: '' };
  return after !== undefined && after.at >= start.at ? after : start;
}
