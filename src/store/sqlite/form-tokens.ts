/**
 * The web forms' once-tokens in SQLite (migration 130; ports/form-tokens.ts). One process serves a
 * SQLite database, but the claims are kept in the file all the same: a repeat posted after a restart
 * still finds the first post's answer, and the adapters keep one contract.
 */
import type { Db } from './db.js';
import type { FormTokenClaim, FormTokenStore } from '../../ports/form-tokens.js';

export class SqliteFormTokens implements FormTokenStore {
  private readonly q;
  constructor(db: Db) {
    this.q = {
      // A new token, or one whose claim expired, is taken; a live claim is left as it is (changes = 0).
      claim: db.prepare(
        `INSERT INTO form_tokens (form, token, claimed_at, result) VALUES (?, ?, ?, NULL)
         ON CONFLICT (form, token) DO UPDATE SET claimed_at = excluded.claimed_at, result = NULL
         WHERE form_tokens.claimed_at <= ?`,
      ),
      find: db.prepare('SELECT result FROM form_tokens WHERE form = ? AND token = ? AND claimed_at > ?'),
      settle: db.prepare('UPDATE form_tokens SET result = ? WHERE form = ? AND token = ? AND claimed_at = ? AND result IS NULL'),
      release: db.prepare('DELETE FROM form_tokens WHERE form = ? AND token = ? AND claimed_at = ? AND result IS NULL'),
      sweep: db.prepare('DELETE FROM form_tokens WHERE rowid IN (SELECT rowid FROM form_tokens WHERE claimed_at < ? LIMIT ?)'),
    };
  }

  async claim(form: string, token: string, now: number, expiredBefore: number): Promise<FormTokenClaim> {
    if (this.q.claim.run(form, token, now, expiredBefore).changes > 0) return 'claimed';
    const r = this.q.find.get(form, token, expiredBefore) as { result: string | null } | undefined;
    return r?.result != null ? { result: r.result } : 'pending';
  }

  async settle(form: string, token: string, claimedAt: number, result: string): Promise<void> {
    this.q.settle.run(result, form, token, claimedAt);
  }

  async release(form: string, token: string, claimedAt: number): Promise<void> {
    this.q.release.run(form, token, claimedAt);
  }

  async sweep(before: number, limit: number): Promise<number> {
    return this.q.sweep.run(before, limit).changes;
  }
}
