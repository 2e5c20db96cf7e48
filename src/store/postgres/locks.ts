/**
 * The advisory lock key of one (content provider, number): the first 8 bytes of a SHA-256, as a
 * signed 64-bit integer. Computed here rather than in SQL so that the locks can go out in the same
 * round trip as BEGIN; every path that decides about a number (decide-and-record, consent requests,
 * opt-outs) uses this one function, so they exclude each other.
 */
import { createHash } from 'node:crypto';

export function numberLockKey(contentProviderId: string, msisdn: string): bigint {
  return createHash('sha256').update(`smsguard.number:${contentProviderId}:${msisdn}`).digest().readBigInt64BE(0);
}

/**
 * `BEGIN` plus the transaction-scoped locks for these keys, as one simple-protocol string (the keys
 * are integers we computed: nothing from outside is spliced in). Keys are deduplicated and taken in
 * ascending order, so two transactions sharing keys can never deadlock; unnest emits array order.
 */
export function beginAndLock(keys: Iterable<bigint>): string {
  const sorted = [...new Set(keys)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (sorted.length === 0) return 'BEGIN';
  return `BEGIN; SELECT count(pg_advisory_xact_lock(k)) FROM unnest('{${sorted.join(',')}}'::bigint[]) AS k`;
}
