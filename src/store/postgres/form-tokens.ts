/**
 * The web forms' once-tokens in PostgreSQL (migration 124; ports/form-tokens.ts), shared by every
 * gateway process on the schema. The primary key (form, token) decides which of two concurrent first
 * posts takes a token: the other's insert waits for that commit and finds the claim live. One round
 * trip for a first post; a repeat reads the claim with a second.
 */
import type { FormTokenClaim, FormTokenStore } from '../../ports/form-tokens.js';
import type { Pool } from './db.js';
import { queries } from './db.js';

const Q = queries('form-tokens', ['claim', 'find', 'settle', 'release', 'sweep'] as const);

export class PgFormTokens implements FormTokenStore {
  constructor(private readonly pool: Pool) {}

  async claim(form: string, token: string, now: number, expiredBefore: number): Promise<FormTokenClaim> {
    if ((await this.pool.query(Q.claim, [form, token, now, expiredBefore])).rowCount) return 'claimed';
    // Gone meanwhile (released, swept): said as pending, and the caller's next claim takes it.
    const r = (await this.pool.query<{ result: string | null }>(Q.find, [form, token, expiredBefore])).rows[0];
    return r?.result != null ? { result: r.result } : 'pending';
  }

  async settle(form: string, token: string, claimedAt: number, result: string): Promise<void> {
    await this.pool.query(Q.settle, [form, token, claimedAt, result]);
  }

  async release(form: string, token: string, claimedAt: number): Promise<void> {
    await this.pool.query(Q.release, [form, token, claimedAt]);
  }

  async sweep(before: number, limit: number): Promise<number> {
    return (await this.pool.query(Q.sweep, [before, limit])).rowCount ?? 0;
  }
}
