/**
 * The web pages' sign-ins in PostgreSQL (migration 126; ports/web-sessions.ts), shared by every
 * gateway process on the schema: a sign-in made through one is honoured by the others, a sign-out
 * through any ends it for all. One round trip each.
 */
import type { PurgedWebSession, WebSessionRow, WebSessionStore } from '../../ports/web-sessions.js';
import type { Pool } from './db.js';
import { queries } from './db.js';

const Q = queries('web-sessions', ['create', 'find', 'touch', 'delete', 'purge'] as const);

export class PgWebSessions implements WebSessionStore {
  constructor(private readonly pool: Pool) {}

  async create(idHash: string, tokenId: string, at: number): Promise<void> {
    await this.pool.query(Q.create, [idHash, tokenId, at]);
  }

  async find(idHash: string): Promise<WebSessionRow | null> {
    const r = (await this.pool.query<{ token_id: string; created_at: string; seen_at: string }>(Q.find, [idHash])).rows[0];
    return r ? { tokenId: r.token_id, createdAt: Number(r.created_at), seenAt: Number(r.seen_at) } : null;
  }

  async touch(idHash: string, at: number): Promise<void> {
    await this.pool.query(Q.touch, [idHash, at]);
  }

  async delete(idHash: string): Promise<boolean> {
    return ((await this.pool.query(Q.delete, [idHash])).rowCount ?? 0) > 0;
  }

  async purge(seenBefore: number, createdBefore: number, limit: number): Promise<PurgedWebSession[]> {
    const rows = (await this.pool.query<{ id_hash: string; token_id: string; created_at: string; seen_at: string }>(Q.purge, [seenBefore, createdBefore, limit])).rows;
    return rows.map((r) => ({ idHash: r.id_hash, tokenId: r.token_id, createdAt: Number(r.created_at), seenAt: Number(r.seen_at) }));
  }
}
