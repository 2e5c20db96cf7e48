/**
 * SQLite adapter for IdempotencyStore (migration 108), and the write the decision transaction calls
 * (`keep`): one upsert per keyed request, inside SqliteMessages.decideAndRecord's transaction.
 */
import type { Db } from './db.js';
import type { DecidedItem, IdempotencyStore, IdempotencyWrite, StoredIdempotency } from '../../ports/store.js';
import { keyInUse } from '../../domain/idempotency.js';

interface Row { request_hash: string; created_at: number; status: number; body: string; message_ids: string }

export class SqliteIdempotency implements IdempotencyStore {
  private readonly q;
  constructor(db: Db) {
    this.q = {
      // An expired row not yet pruned is replaced; a live one is left as it is (changes = 0).
      keep: db.prepare(
        `INSERT INTO idempotency_keys (content_provider_id, idem_key, request_hash, created_at, status, body, message_ids) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (content_provider_id, idem_key) DO UPDATE SET request_hash = excluded.request_hash, created_at = excluded.created_at,
           status = excluded.status, body = excluded.body, message_ids = excluded.message_ids
         WHERE idempotency_keys.created_at <= ?`,
      ),
      find: db.prepare('SELECT request_hash, created_at, status, body, message_ids FROM idempotency_keys WHERE content_provider_id = ? AND idem_key = ? AND created_at > ?'),
      prune: db.prepare('DELETE FROM idempotency_keys WHERE (content_provider_id, idem_key) IN (SELECT content_provider_id, idem_key FROM idempotency_keys WHERE created_at < ? LIMIT ?)'),
    };
  }

  /**
   * Keeps `w` with the answer it computes from `decided`; call inside the decision's transaction.
   * Throws `idempotency_key_in_flight` when the key is in use (a live row): the caller's transaction
   * then rolls back with it.
   */
  keep(w: IdempotencyWrite, decided: readonly DecidedItem[]): void {
    const a = w.answer(decided);
    if (a === null) return;
    const ids = JSON.stringify(decided.map((d) => d.id));
    if (this.q.keep.run(w.contentProviderId, w.key, w.requestHash, w.at, a.status, a.body, ids, w.expiredBefore).changes === 0) throw keyInUse();
  }

  async find(contentProviderId: string, key: string, createdAfter: number): Promise<StoredIdempotency | null> {
    const r = this.q.find.get(contentProviderId, key, createdAfter) as Row | undefined;
    if (!r) return null;
    return { requestHash: r.request_hash, createdAt: Number(r.created_at), status: Number(r.status), body: r.body, messageIds: JSON.parse(r.message_ids) as string[] };
  }

  async prune(before: number, limit: number): Promise<number> {
    return this.q.prune.run(before, limit).changes;
  }
}

