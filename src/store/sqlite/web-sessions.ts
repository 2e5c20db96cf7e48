/**
 * The web pages' sign-ins in SQLite (migration 132; ports/web-sessions.ts). One process serves a
 * SQLite database; the sign-ins are kept in the file all the same, so a restart signs no one out
 * and the adapters keep one contract.
 */
import type { Db } from './db.js';
import type { PurgedWebSession, WebSessionRow, WebSessionStore } from '../../ports/web-sessions.js';

export class SqliteWebSessions implements WebSessionStore {
  private readonly q;
  constructor(db: Db) {
    this.q = {
      create: db.prepare('INSERT INTO web_sessions (id_hash, token_id, created_at, seen_at) VALUES (?, ?, ?, ?)'),
      find: db.prepare('SELECT token_id, created_at, seen_at FROM web_sessions WHERE id_hash = ?'),
      touch: db.prepare('UPDATE web_sessions SET seen_at = ? WHERE id_hash = ? AND seen_at < ?'),
      delete: db.prepare('DELETE FROM web_sessions WHERE id_hash = ?'),
      purge: db.prepare('DELETE FROM web_sessions WHERE rowid IN (SELECT rowid FROM web_sessions WHERE seen_at < ? OR created_at < ? LIMIT ?) RETURNING id_hash, token_id, created_at, seen_at'),
    };
  }

  async create(idHash: string, tokenId: string, at: number): Promise<void> {
    this.q.create.run(idHash, tokenId, at, at);
  }

  async find(idHash: string): Promise<WebSessionRow | null> {
    const r = this.q.find.get(idHash) as { token_id: string; created_at: number; seen_at: number } | undefined;
    return r ? { tokenId: r.token_id, createdAt: Number(r.created_at), seenAt: Number(r.seen_at) } : null;
  }

  async touch(idHash: string, at: number): Promise<void> {
    this.q.touch.run(at, idHash, at);
  }

  async delete(idHash: string): Promise<boolean> {
    return this.q.delete.run(idHash).changes > 0;
  }

  async purge(seenBefore: number, createdBefore: number, limit: number): Promise<PurgedWebSession[]> {
    const rows = this.q.purge.all(seenBefore, createdBefore, limit) as { id_hash: string; token_id: string; created_at: number; seen_at: number }[];
    return rows.map((r) => ({ idHash: r.id_hash, tokenId: r.token_id, createdAt: Number(r.created_at), seenAt: Number(r.seen_at) }));
  }
}
