/**
 * Mainland China mobile numbers (MSISDN). Canonical form is E.164 (`+8613800138000`).
 *
 * Validity comes from libphonenumber-js (its metadata knows which prefixes are mobile ranges), not
 * from a regex of ours. Parsing costs several microseconds, too much for the message path at tens of
 * thousands of messages a second, so results are memoised by the first seven digits: in the CN
 * numbering plan a mobile number's type and validity are fixed by its leading digits and its length
 * (11), so every number sharing a 7-digit prefix has the same answer. Memory is bounded by the
 * number of 7-digit prefixes actually seen (≤ 10^6, in practice a few thousand).
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

const SHAPE = /^(?:\+?86|0086)?(1\d{10})$/;
const prefixValid = new Map<string, boolean>();

function validByLibrary(national: string): boolean {
  const p = parsePhoneNumberFromString(`+86${national}`);
  if (!p || !p.isValid()) return false;
  const t = p.getType();
  return t === 'MOBILE' || t === 'FIXED_LINE_OR_MOBILE';
}

/**
 * Returns the canonical E.164 form of a mainland mobile number, or `null` if `raw` is not one.
 * Accepts `13800138000`, `+8613800138000`, `8613800138000`, `008613800138000`, with spaces or dashes.
 */
export function normalizeMsisdn(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length > 32) return null;
  const compact = raw.replace(/[\s-]/g, '');
  const m = SHAPE.exec(compact);
  if (!m) return null;
  const national = m[1];
  const key = national.slice(0, 7);
  let ok = prefixValid.get(key);
  if (ok === undefined) {
    ok = validByLibrary(national);
    prefixValid.set(key, ok);
  }
  return ok ? `+86${national}` : null;
}

/** `+8613800138000` → `138****8000`, for logs and metrics, which must never carry full numbers. */
export function maskMsisdn(msisdn: string): string {
  const national = msisdn.startsWith('+86') ? msisdn.slice(3) : msisdn;
  if (national.length < 8) return '****';
  return `${national.slice(0, 3)}****${national.slice(-4)}`;
}
