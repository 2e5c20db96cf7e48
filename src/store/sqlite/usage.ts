/**
 * SQLite adapter for UsageStore (migration 106), and the write the decision and status transactions
 * call (`write`): one execution of one prepared upsert per distinct (provider, day, key) of the
 * transaction's tally, inside that transaction.
 */
import type { Db } from './db.js';
import type { UsageStore } from '../../ports/store.js';
import type { UsageCount } from '../../domain/usage.js';
import type { UsageTally } from '../usage-tally.js';

export class SqliteUsage implements UsageStore {
  private readonly q;
  constructor(db: Db) {
    this.q = {
      add: db.prepare('INSERT INTO usage_counts (content_provider_id, day, key, n) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n'),
      all: db.prepare('SELECT content_provider_id, day, key, n FROM usage_counts WHERE day >= ? AND day <= ? ORDER BY content_provider_id, day, key'),
      // the providers as a JSON array: one statement whatever their number
      some: db.prepare(`SELECT content_provider_id, day, key, n FROM usage_counts
        WHERE content_provider_id IN (SELECT value FROM json_each(?)) AND day >= ? AND day <= ? ORDER BY content_provider_id, day, key`),
      prune: db.prepare('DELETE FROM usage_counts WHERE (content_provider_id, day, key) IN (SELECT content_provider_id, day, key FROM usage_counts WHERE day < ? LIMIT ?)'),
    };
  }

  /** Adds a transaction's tally; call it inside that transaction. */
  write(t: UsageTally): void {
    if (t.size === 0) return;
    for (const r of t.rows()) this.q.add.run(r.contentProviderId, r.day, r.key, r.n);
  }

  async read(q: { contentProviderIds?: readonly string[]; from: string; to: string }): Promise<UsageCount[]> {
    if (q.contentProviderIds && q.contentProviderIds.length === 0) return [];
    const rows = (q.contentProviderIds ? this.q.some.all(JSON.stringify(q.contentProviderIds), q.from, q.to) : this.q.all.all(q.from, q.to)) as { content_provider_id: string; day: string; key: string; n: number }[];
    return rows.map((r) => ({ contentProviderId: r.content_provider_id, day: r.day, key: r.key, n: Number(r.n) }));
  }

  async prune(beforeDay: string, limit: number): Promise<number> {
    return this.q.prune.run(beforeDay, limit).changes;
  }

  /** One row per counter already (one connection writes: nothing waits on a row here). */
  async compact(): Promise<number> {
    return 0;
  }
}
