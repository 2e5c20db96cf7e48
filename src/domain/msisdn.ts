/**
 * Mainland China mobile numbers (MSISDN). Canonical form is E.164 (`+8613800138000`).
 *
 * Validity comes from libphonenumber-js (its metadata knows which prefixes are mobile ranges), not
 * from a regex of ours. Parsing costs several microseconds, too much for the message path at tens of
 * thousands of messages a second, so results are memoised by the first seven digits: in the CN
 * numbering plan a mobile number's type and validity are fixed by its leading digits and its length
 * (11), so every number sharing a 7-digit prefix has the same answer. The answers live in a table
 * of 10^6 bytes (the prefix's six digits after the leading 1), allocated on first use.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { nfkc } from './text-fold.js';

/**
 * The accepted forms (issue 2): `13800138000`, `+8613800138000`, `8613800138000`; ASCII digits only.
 * Issue 2 says to reject anything else, full-width digits included: an API client or ESME writes the
 * number in one of these forms. A person typing into a form gets the lenient reading below.
 */
const SHAPE = /^(?:\+?86)?(1\d{10})$/;
/** Forms people type and carriers write: also `0086…`, with spaces or dashes between digit groups. */
const LENIENT_SHAPE = /^(?:\+?86|0086)?(1\d{10})$/;
/**
 * Each 7-digit prefix's answer, indexed by its six digits after the leading 1: 0 not asked yet, 1
 * valid, 2 not. A table rather than a Map keyed by the prefix's string: every number on the message
 * path is looked up here, and the Map hashed a freshly sliced 7-character string each time (~1.5 % of
 * the event loop's on-CPU samples on the HTTP batch path, docs/PERFORMANCE.md).
 */
let prefixValid: Uint8Array | null = null;
const ASKED_VALID = 1;
const ASKED_INVALID = 2;

function validByLibrary(national: string): boolean {
  const p = parsePhoneNumberFromString(`+86${national}`);
  if (!p || !p.isValid()) return false;
  const t = p.getType();
  return t === 'MOBILE' || t === 'FIXED_LINE_OR_MOBILE';
}

/** `national` is `1` and ten ASCII digits (SHAPE / LENIENT_SHAPE). */
function canonical(national: string): string | null {
  let k = 0;
  for (let i = 1; i < 7; i++) k = k * 10 + (national.charCodeAt(i) - 48);
  const table = (prefixValid ??= new Uint8Array(1_000_000));
  let ok = table[k];
  if (ok === 0) {
    ok = validByLibrary(national) ? ASKED_VALID : ASKED_INVALID;
    table[k] = ok;
  }
  return ok === ASKED_VALID ? `+86${national}` : null;
}

/**
 * How a number must be written where the strict reading applies, for refusals: `+86 138 0013 8000`
 * or `008613800138000` is a mainland number, and "not a mainland China mobile number" alone sent
 * its sender looking for a wrong number rather than a wrong way of writing it.
 */
export const MSISDN_FORMS = 'written 13800138000, +8613800138000 or 8613800138000 (ASCII digits only: no spaces, dashes or 00 prefix)';

/**
 * Returns the canonical E.164 form of a mainland mobile number, or `null` if `raw` is not one.
 * Accepts exactly the three forms of issue 2 — `13800138000`, `+8613800138000`, `8613800138000` —
 * digits only (surrounding whitespace is trimmed); `0086…`, spaces or dashes inside are rejected.
 * Full-width digits (`１３８００１３８０００`) are refused here as issue 2 asks; the lenient reading
 * takes them.
 * Every API field and SMPP address goes through this one (an SMPP `destination_addr` arrives as
 * `8613800138000` with TON international, or national `13800138000`).
 */
export function normalizeMsisdn(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length > 32) return null;
  const m = SHAPE.exec(raw.trim());
  return m ? canonical(m[1]) : null;
}

/**
 * The lenient reading, for numbers a person types into a form (complaints and 12321 reports, a
 * staff search) and for the sender of an MO from a carrier (a refusal must never be lost to how an
 * SMSC writes the number): also `008613800138000`, `138 0013 8000`, `138-0013-8000`, read after Unicode
 * NFKC: full-width digits, `＋`, `－` and the ideographic space too, as a Chinese input method types
 * them. The library still
 * decides validity; the canonical form is the same.
 */
export function normalizeMsisdnLenient(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length > 32) return null;
  const m = LENIENT_SHAPE.exec(nfkc(raw).replace(/[\s-]/g, ''));
  return m ? canonical(m[1]) : null;
}

/** `+8613800138000` → `138****8000`, for logs and metrics, which must never carry full numbers. */
export function maskMsisdn(msisdn: string): string {
  const national = msisdn.startsWith('+86') ? msisdn.slice(3) : msisdn;
  if (national.length < 8) return '****';
  return `${national.slice(0, 3)}****${national.slice(-4)}`;
}
