/**
 * When a callback the receiver did not take is tried again: soon at first (a receiver restarting),
 * then less and less often, hourly at the end, and given up 24 h after it was queued, as Kannel and
 * Twilio do for their own callbacks. Pure; times are the app clock's epoch ms.
 */

/** Waits after the 1st, 2nd, … failed attempt; past the list, hourly. */
export const CALLBACK_BACKOFF_MS: readonly number[] = [10_000, 60_000, 5 * 60_000, 30 * 60_000];
const HOURLY = 3_600_000;
/** A callback not taken this long after it was queued is given up (kept as failed, then pruned). */
export const CALLBACK_GIVE_UP_MS = 24 * 3_600_000;

/**
 * After failed attempt number `attempts` (1-based) of a callback queued at `createdAt`, at `now`:
 * when to try again, or `null` to give up (the next try would fall past the 24 h).
 */
export function nextCallbackAttempt(attempts: number, createdAt: number, now: number): number | null {
  const wait = CALLBACK_BACKOFF_MS[attempts - 1] ?? HOURLY;
  const due = now + wait;
  return due - createdAt > CALLBACK_GIVE_UP_MS ? null : due;
}
