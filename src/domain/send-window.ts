/**
 * What a frequency limit counts around a send (verification 1/min, 5/h, 10/day; a consent's count per
 * day, week or month). A send is counted at the time it goes out: its schedule when it has one
 * (src/domain/schedule.ts), else when it arrived. Scheduled sends make the sends of a number
 * reach into the future, so a window is taken on both sides of the new send's time: the sends in
 * `(at − window, at + window)`. With nothing scheduled nothing lies ahead and this is the usual
 * "the last minute / hour / day". With schedules it is stricter than a sliding window needs (two sends
 * 50 minutes either side of a third are three within two hours, never within one) but never looser,
 * and it needs no search over every window that holds the new send.
 */

/** Whether a send at `t` counts against a new one at `at` for a limit over `windowMs`. */
export function countsAround(t: number, at: number, windowMs: number): boolean {
  return t > at - windowMs && t < at + windowMs;
}

/** The frequency count a message's decision took, as OutboxStore.cancel and a held message's rejection give it back. */
export interface CountTaken {
  type: 'verification' | 'commercial';
  /** A commercial send's category; null for verification. */
  category: string | null;
  /** When it was counted: its schedule, else its arrival. */
  at: number;
}

/**
 * The count a submission took, from what its record says (type, category, arrival, schedule), or
 * undefined for a type no limit counts (notification, public welfare).
 */
export function countTaken(m: { type?: string; category?: string | null; receivedAt: number; scheduledAt?: number }): CountTaken | undefined {
  if (m.type !== 'verification' && m.type !== 'commercial') return undefined;
  return { type: m.type, category: m.type === 'commercial' ? m.category ?? null : null, at: m.scheduledAt ?? m.receivedAt };
}
