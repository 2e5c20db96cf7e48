/**
 * Housekeeping of the operational tables (not the statutory records): without it `message_status`
 * (one row per message, with the number) and `sends` (the frequency counters) grow for ever, and keep
 * numbers longer than the records that the regulation actually requires (issue 6, privacy: only the
 * records store should hold them, and only as long as retention asks).
 * - A message's status row goes once it is no longer work (not `accepted` or `held`) and was last
 *   changed before the records' retention: past it the statutory copy is purged too (`GET
 *   /v1/messages/{id}` reads the records, so it answers while they are kept; the status row only
 *   serves the queue and receipt matching).
 * - The ids an SMPP provider was given for the earlier parts of a long message (query_sm and
 *   cancel_sm name the message by them) go with its status row; a refused message's, after the same cut.
 * - The parts of a long MO whose set never finished go after MO_PART_TTL_MS (receive-mo.ts).
 * - A frequency-counter row goes once no rule can read it: the longest window is a consent's
 *   monthly frequency (a calendar month, `LONGEST_FREQUENCY_PERIOD_MS`: 31 days); verification caps look back a rolling day (the facts
 *   `verificationSends.day`), so verification rows go after two: a gateway sending mostly codes
 *   keeps two days of them instead of 38 (arithmetic, not a measurement).
 * - An HTTP callback given up (24 h of failed attempts, callback-worker.ts) is kept a week after,
 *   for an operator to see what the receiver answered, then goes.
 * - Usage counters (README "Usage") hold no number, only a provider's figures per day, a few dozen
 *   rows a day each: they are kept at least as long as the records (so a figure can be checked
 *   against the records it counts) and never less than USAGE_KEPT_MONTHS (what an operator bills
 *   and reconciles over), then go by whole Shanghai days.
 * - An `Idempotency-Key` (README "Retrying safely") answers its retries IDEMPOTENCY_KEPT_MS (24 h),
 *   then goes; until then an expired one is only ignored (and replaced if its key comes again).
 */
import { LONGEST_FREQUENCY_PERIOD_MS } from '../domain/frequency-period.js';
import type { AppContext } from './context.js';
import { addMonthsToInstant } from '../domain/hash-chain.js';
import { MO_PART_TTL_MS } from './receive-mo.js';
import { shanghaiDay } from '../domain/usage.js';
import { IDEMPOTENCY_KEPT_MS } from '../domain/idempotency.js';

/** Counter rows are kept this long: the longest frequency window plus a week of margin. */
export const SENDS_KEPT_MS = LONGEST_FREQUENCY_PERIOD_MS + 7 * 86_400_000;
/** Verification counter rows are kept this long: their rolling day plus a day of margin. */
export const VERIFICATION_SENDS_KEPT_MS = 2 * 86_400_000;
/** Given-up callbacks are kept this long after they were given up. */
export const FAILED_CALLBACKS_KEPT_MS = 7 * 86_400_000;
/** Usage counters are kept at least this many months (longer when the records' retention is longer). */
export const USAGE_KEPT_MONTHS = 24;

export interface Housekeeping {
  statuses: number;
  sends: number;
  /** Given-up callbacks removed. */
  callbacks: number;
  /** Usage counter rows removed (days past USAGE_KEPT_MONTHS and the records' retention). */
  usage: number;
  /** Idempotency-Keys past their 24 hours removed. */
  idempotencyKeys: number;
}

/** Prunes in chunks of `chunk` rows, yielding to traffic between them. */
export async function pruneOperational(ctx: AppContext, chunk = 10_000): Promise<Housekeeping> {
  const now = ctx.clock.now();
  const statusBefore = addMonthsToInstant(now, -ctx.profile.params.retentionMonths.value);
  const sendsBefore = now - SENDS_KEPT_MS;
  const verificationSendsBefore = now - VERIFICATION_SENDS_KEPT_MS;
  const total: Housekeeping = { statuses: 0, sends: 0, callbacks: 0, usage: 0, idempotencyKeys: 0 };
  // the first Shanghai day still kept: the longer of the records' retention and USAGE_KEPT_MONTHS
  const usageBefore = shanghaiDay(addMonthsToInstant(now, -Math.max(USAGE_KEPT_MONTHS, ctx.profile.params.retentionMonths.value)));
  // days before yesterday (Shanghai): over, but for a late status of one of their messages
  const yesterday = shanghaiDay(now - 86_400_000);
  for (;;) {
    const r = await ctx.store.messages.prune({ statusBefore, sendsBefore, verificationSendsBefore, limit: chunk });
    total.statuses += r.statuses;
    total.sends += r.sends;
    // a long message's part ids (up to 253 a message) go on their own count: a chunk of status rows may free many more
    if (r.statuses < chunk && r.sends < chunk && r.parts < chunk) {
      // Parts of long MOs whose sets never finished (wall time, as they were kept: receive-mo.ts).
      while ((await ctx.store.records.expireMoParts(Date.now() - MO_PART_TTL_MS, chunk)) === chunk) await new Promise((res) => setImmediate(res));
      // Given-up callbacks (app clock, as they were given up: callback-worker.ts).
      for (;;) {
        const n = await ctx.store.callbacks.pruneFailed(now - FAILED_CALLBACKS_KEPT_MS, chunk);
        total.callbacks += n;
        if (n < chunk) break;
        await new Promise((res) => setImmediate(res));
      }
      for (;;) {
        const n = await ctx.store.usage.prune(usageBefore, chunk);
        total.usage += n;
        if (n < chunk) break;
        await new Promise((res) => setImmediate(res));
      }
      // Counters kept in partial rows (PostgreSQL: one per connection, so that writers never wait on
      // one row) folded into one row each once their day is over: the rows of a day stay one per key.
      // Today's and yesterday's, still written to, fold only the rows of connections that are gone
      // (a pool's connections closing and reopening, restarts): a day's rows stay one per key and
      // live connection, however many connections came and went.
      while ((await ctx.store.usage.compact(yesterday, chunk)) === chunk) await new Promise((res) => setImmediate(res));
      // Idempotency-Keys (app clock, as they were kept: src/app/idempotency.ts).
      for (;;) {
        const n = await ctx.store.idempotency.prune(now - IDEMPOTENCY_KEPT_MS, chunk);
        total.idempotencyKeys += n;
        if (n < chunk) break;
        await new Promise((res) => setImmediate(res));
      }
      return total;
    }
    await new Promise((res) => setImmediate(res));
  }
}
