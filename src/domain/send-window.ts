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
