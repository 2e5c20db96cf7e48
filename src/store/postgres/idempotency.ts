/**
 * PostgreSQL adapter for IdempotencyStore (migration 099), and the write the decision transaction
 * sends (`keep`): one statement per keyed request, inside PgMessages.decideAndRecord's transaction.
 * Across processes the primary key (provider, key) decides which of two concurrent requests keeps
 * it: the other's insert waits for that commit, finds the key live and fails its transaction.
 */
import type { Client, Pool } from './db.js';
import { queries } from './db.js';
import type { DecidedItem, IdempotencyStore, IdempotencyWrite, StoredIdempotency } from '../../ports/store.js';
import { keyInUse } from '../../domain/idempotency.js';

const Q = queries('idempotency', ['keep', 'find', 'prune'] as const);

interface Row { request_hash: string; created_at: string; status: number; body: string; message_ids: string[] }

export class PgIdempotency implements IdempotencyStore {
  constructor(private readonly pool: Pool) {}

  /**
   * Keeps `w` with the answer it computes from `decided`, in the caller's transaction. Throws
   * `idempotency_key_in_flight` when the key is live: the caller rolls back.
   */
  static async keep(c: Client, w: IdempotencyWrite, decided: readonly DecidedItem[]): Promise<void> {
    const a = w.answer(decided);
    if (a === null) return;
    const r = await c.query(Q.keep, [w.contentProviderId, w.key, w.requestHash, w.at, a.status, a.body, decided.map((d) => d.id), w.expiredBefore]);
    if (!r.rowCount) throw keyInUse();
  }

  async find(contentProviderId: string, key: string, createdAfter: number): Promise<StoredIdempotency | null> {
    const r = (await this.pool.query<Row>(Q.find, [contentProviderId, key, createdAfter])).rows[0];
    if (!r) return null;
    return { requestHash: r.request_hash, createdAt: Number(r.created_at), status: Number(r.status), body: r.body, messageIds: r.message_ids };
  }

  async prune(before: number, limit: number): Promise<number> {
    return (await this.pool.query(Q.prune, [before, limit])).rowCount ?? 0;
  }
}
