/**
 * Live SMPP binds of every gateway process, kept in PostgreSQL (migration 104), so a credential's
 * maxBinds and throughput hold for the deployment (ports/smpp-binds.ts, docs/SMPP.md). A bind is
 * rare: its claim is one transaction that locks the credential's row, counts the live binds of all
 * processes and inserts. Submits never touch the store for this: the heartbeat renews the leases and
 * reads the other processes' counts, off the message path.
 */
import type { HeldBind, SmppBindClaim, SmppBindClaimResult, SmppBindRegistry, SmppBindsElsewhere } from '../../ports/smpp-binds.js';
import type { Pool } from './db.js';
import { queries, transaction } from './db.js';

const Q = queries('smpp-binds', ['lockCredential', 'countOne', 'insert', 'release', 'renew', 'elsewhere', 'prune', 'leave'] as const);

export class PgSmppBinds implements SmppBindRegistry {
  constructor(private readonly pool: Pool) {}

  async claim(c: SmppBindClaim, maxBinds: number | null, now: number, leaseMs: number): Promise<SmppBindClaimResult> {
    return transaction(this.pool, async (db) => {
      await db.query(Q.lockCredential, [c.credentialId]);
      const r = (await db.query<{ total: number; binds: number; processes: number }>(Q.countOne, [c.credentialId, now, c.member])).rows[0];
      const elsewhere = { binds: r.binds, processes: r.processes };
      if (maxBinds !== null && r.total >= maxBinds) return { ok: false, elsewhere };
      await db.query(Q.insert, [c.bindId, c.member, c.credentialId, now + leaseMs]);
      return { ok: true, elsewhere };
    });
  }

  async release(bindId: string): Promise<void> {
    await this.pool.query(Q.release, [bindId]);
  }

  async beat(member: string, held: readonly HeldBind[], now: number, leaseMs: number): Promise<Map<string, SmppBindsElsewhere>> {
    if (held.length) await this.pool.query(Q.renew, [member, held.map((b) => b.bindId), held.map((b) => b.credentialId), now + leaseMs]);
    await this.pool.query(Q.prune, [now]);
    const out = new Map<string, SmppBindsElsewhere>();
    if (!held.length) return out;
    const credentialIds = [...new Set(held.map((b) => b.credentialId))];
    const rows = (await this.pool.query<{ credential_id: string; binds: number; processes: number }>(Q.elsewhere, [member, credentialIds, now])).rows;
    for (const r of rows) out.set(r.credential_id, { binds: r.binds, processes: r.processes });
    return out;
  }

  async leave(member: string): Promise<void> {
    await this.pool.query(Q.leave, [member]);
  }
}
