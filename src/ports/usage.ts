import type { UsageCount } from '../domain/usage.js';

/**
 * Usage counters (src/domain/usage.ts): per content provider, Asia/Shanghai day and key. They are
 * written only inside the transactions of MessageStore (decideAndRecord, resolveHeld) and OutboxStore
 * (recordStatuses, applyReceipts, cancel), one upsert per distinct (provider, day, key) per
 * transaction; this is how they are read and pruned.
 */
export interface UsageStore {
  /**
   * Every counter with `from <= day <= to` (days `YYYY-MM-DD`), of the providers named (all, when
   * `contentProviderIds` is left out; an empty list matches nothing), ordered by provider, day, key.
   */
  read(q: { contentProviderIds?: readonly string[]; from: string; to: string }): Promise<UsageCount[]>;
  /** Housekeeping: deletes up to `limit` counters of days before `beforeDay`; returns how many. */
  prune(beforeDay: string, limit: number): Promise<number>;
  /**
   * Housekeeping: where a store keeps a counter in several partial rows (PostgreSQL: one per
   * database connection that added to it, so that concurrent transactions never wait for each other
   * on one row), folds those of up to `limit` counters of days before `beforeDay` into one row each,
   * and of `beforeDay` and later days those of connections that are gone (PostgreSQL: backends no
   * longer connected), atomically (every read gives the same figures before and after); returns how
   * many counters it folded (0 for a store with one row per counter).
   */
  compact(beforeDay: string, limit: number): Promise<number>;
}
