/**
 * Scheduled delivery: a sender asks for a message to go out later (SMPP schedule_delivery_time, HTTP
 * `scheduledAt`). Pure; callers pass their clock.
 *
 * A scheduled message is judged at submission as if it were sent at its scheduled time (the rules
 * that read the clock: the sending hours, a consent's expiry), kept in the queue until then, and
 * judged again when it is taken for sending like any queued commercial message (consent withdrawn,
 * opt-out, suspension: src/app/send-time-check.ts). It counts against frequency limits at its
 * scheduled time (src/domain/send-window.ts).
 */

/**
 * A schedule at most this far ahead of the clock is taken as "now": a client whose clock runs a little
 * fast, stamping the time it sends at, gets its message sent at once rather than seconds later.
 */
export const SCHEDULE_SLACK_MS = 10_000;

/**
 * How far ahead a message may be scheduled (35 days, as large public SMS APIs allow): far enough for
 * a monthly reminder, near enough that what it was judged against (a consent, a template, the
 * sender's standing) is not stale by a season.
 */
export const MAX_SCHEDULE_AHEAD_MS = 35 * 86_400_000;

/** What a requested send time means at `now`. */
export type ScheduleReading =
  /** at or before now, or within SCHEDULE_SLACK_MS of it: send as soon as possible */
  | { kind: 'now' }
  /** a real schedule: not sent before `at` */
  | { kind: 'later'; at: number }
  /** beyond MAX_SCHEDULE_AHEAD_MS: refused */
  | { kind: 'too_far' };

/** Reads a requested send time `at` (epoch ms) against `now`. */
export function readSchedule(at: number, now: number): ScheduleReading {
  if (at <= now + SCHEDULE_SLACK_MS) return { kind: 'now' };
  if (at > now + MAX_SCHEDULE_AHEAD_MS) return { kind: 'too_far' };
  return { kind: 'later', at };
}

/** The time the rules judge a submission at: its scheduled time when it has one, else when it arrived. */
export function judgedAt(item: { receivedAt: number; scheduledAt?: number }): number {
  return item.scheduledAt ?? item.receivedAt;
}
