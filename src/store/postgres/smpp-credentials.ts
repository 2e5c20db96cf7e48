/** PostgreSQL adapter for SmppCredentialStore (migration 050; default_category from 090), the twin of the SQLite one. */
import type { Pool } from './db.js';
import { isUniqueViolation, queries, transaction } from './db.js';
import type { PgRecordsWriter } from './records-writer.js';
import { smppCredentialCreateRecord, smppCredentialRevokeRecord } from '../registry-audit.js';
import type { SmppCredentialRow, SmppCredentialStore } from '../../ports/smpp-credentials.js';
import { SmsguardError } from '../../domain/errors.js';

const Q = queries('smpp-credentials', ['insert', 'find', 'list', 'revoke', 'lastRevoked', 'liveIds'] as const);

interface Raw { id: string; content_provider_id: string; system_id: string; password_hash: string; allowed_ips: string[] | null; max_binds: number | null; throughput: number | null; default_category: string | null; created_at: number; revoked_at: number | null }
const toRow = (r: Raw): SmppCredentialRow => ({
  id: r.id, contentProviderId: r.content_provider_id, systemId: r.system_id, passwordHash: r.password_hash, allowedIps: r.allowed_ips,
  maxBinds: r.max_binds, throughput: r.throughput, defaultCategory: r.default_category, createdAt: r.created_at, revokedAt: r.revoked_at,
});

export class PgSmppCredentials implements SmppCredentialStore {
  /** `records`: the store's writer, for the creation's audit record. */
  constructor(private readonly pool: Pool, private readonly records: PgRecordsWriter) {}

  async addSmppCredential(row: SmppCredentialRow, actor?: string): Promise<void> {
    try {
      await this.records.withPartitions([row.createdAt], () => transaction(this.pool, async (c) => {
        await c.query(Q.insert, [row.id, row.contentProviderId, row.systemId, row.passwordHash, row.allowedIps === null ? null : JSON.stringify(row.allowedIps), row.maxBinds, row.throughput, row.defaultCategory, row.createdAt, row.revokedAt]);
        if (actor !== undefined) await this.records.append(c, [smppCredentialCreateRecord(row, actor)]);
      }));
    } catch (e) {
      if (isUniqueViolation(e)) throw new SmsguardError('conflict', `system_id ${row.systemId} is taken`, {}, 'systemId');
      throw e;
    }
  }

  async findSmppCredential(systemId: string): Promise<SmppCredentialRow | null> {
    const r = (await this.pool.query<Raw>(Q.find, [systemId])).rows[0];
    return r ? toRow(r) : null;
  }

  async listSmppCredentials(contentProviderId: string): Promise<SmppCredentialRow[]> {
    return (await this.pool.query<Raw>(Q.list, [contentProviderId])).rows.map(toRow);
  }

  async revokeSmppCredential(contentProviderId: string, systemId: string, at: number, actor?: string): Promise<SmppCredentialRow | null> {
    // One statement revokes the live row, recorded in the same transaction; only when there was none
    // is the last revoked one read (and nothing recorded: a repeat revokes nothing).
    const revoked = await this.records.withPartitions([at], () => transaction(this.pool, async (c) => {
      const r = (await c.query<Raw>(Q.revoke, [contentProviderId, systemId, at])).rows[0];
      const row = r ? toRow(r) : null;
      if (row && actor !== undefined) await this.records.append(c, [smppCredentialRevokeRecord(row, at, actor)]);
      return row;
    }));
    if (revoked) return revoked;
    const r = (await this.pool.query<Raw>(Q.lastRevoked, [contentProviderId, systemId])).rows[0];
    return r ? toRow(r) : null;
  }

  async liveSmppCredentialIds(ids: readonly string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    return new Set((await this.pool.query<{ id: string }>(Q.liveIds, [ids])).rows.map((r) => r.id));
  }
}
