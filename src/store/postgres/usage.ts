/**
 * PostgreSQL adapter for UsageStore (migrations 097 and 102). The writes ride in the decision and
 * status transactions' own statements (messages.sql `writes`, outbox.sql `setStatuses`, `cancel`):
 * no round trip of their own. Each upsert adds to its connection's shard of the counter (`shard` =
 * pg_backend_pid()): a backend runs one transaction at a time, so concurrent transactions of one
 * provider and day, in one process or several, never wait for each other on a counter row (with one
 * shared row they did, from the upsert to the commit: docs/SCALING.md "Usage counters under
 * contention"). Reads sum the shards; housekeeping folds into one row (`compact`) past days' shards,
 * and today's and yesterday's of backends that are gone (connection churn would otherwise add a row
 * per backend to every counter of the day, all summed by every read).
 *
 * pids are reused by the OS: a new backend with a gone one's pid adds to the gone one's row. That is
 * harmless: a shard is only a partial sum (reads and folds add the shards up, none is told apart),
 * and two live backends never share a pid, so a row still has one writer at a time.
 */
import type { Client, Pool } from './db.js';
import { queries } from './db.js';
import type { UsageStore } from '../../ports/store.js';
import type { UsageCount } from '../../domain/usage.js';
import type { UsageTally } from '../usage-tally.js';

const Q = queries('usage', ['add', 'readAll', 'readSome', 'fold', 'foldGone', 'prune'] as const);

export class PgUsage implements UsageStore {
  constructor(private readonly pool: Pool) {}

  /** The upsert on its own, in the caller's transaction (a review of a held message). */
  static async write(c: Client, t: UsageTally): Promise<void> {
    if (t.size) await c.query(Q.add, t.columns());
  }

  async read(q: { contentProviderIds?: readonly string[]; from: string; to: string }): Promise<UsageCount[]> {
    if (q.contentProviderIds && q.contentProviderIds.length === 0) return [];
    const r = q.contentProviderIds
      ? await this.pool.query<{ content_provider_id: string; day: string; key: string; n: string }>(Q.readSome, [q.contentProviderIds, q.from, q.to])
      : await this.pool.query<{ content_provider_id: string; day: string; key: string; n: string }>(Q.readAll, [q.from, q.to]);
    return r.rows.map((x) => ({ contentProviderId: x.content_provider_id, day: x.day, key: x.key, n: Number(x.n) }));
  }

  async prune(beforeDay: string, limit: number): Promise<number> {
    return (await this.pool.query(Q.prune, [beforeDay, limit])).rowCount ?? 0;
  }

  /**
   * Folds into shard 0 the shards of up to `limit` counters: all of a counter's shards for days
   * before `beforeDay` (usage.sql `fold`), then, within what is left of `limit`, for `beforeDay` and
   * later only those of backends no longer connected (`foldGone`: live ones are still being written).
   * Two statements, each atomic on its own: a read between them sees the same figures.
   */
  async compact(beforeDay: string, limit: number): Promise<number> {
    const past = (await this.pool.query(Q.fold, [beforeDay, limit])).rowCount ?? 0;
    if (past >= limit) return past;
    return past + ((await this.pool.query(Q.foldGone, [beforeDay, limit - past])).rowCount ?? 0);
  }
}
