/** SQLite adapter for SmppCredentialStore (table from migration 050; default_category from 099). */
import type { Db } from './db.js';
import type { SmppCredentialRow, SmppCredentialStore } from '../../ports/smpp-credentials.js';
import { SmsguardError } from '../../domain/errors.js';
import { recordsWriterOf, type RecordsWriter } from './records-writer.js';
import { smppCredentialCreateRecord, smppCredentialRevokeRecord } from '../registry-audit.js';

interface Raw {
  id: string;
  content_provider_id: string;
  system_id: string;
  password_hash: string;
  allowed_ips: string | null;
  max_binds: number | null;
  throughput: number | null;
  default_category: string | null;
  created_at: number;
  revoked_at: number | null;
}

function toRow(r: Raw): SmppCredentialRow {
  return {
    id: r.id,
    contentProviderId: r.content_provider_id,
    systemId: r.system_id,
    passwordHash: r.password_hash,
    allowedIps: r.allowed_ips === null ? null : (JSON.parse(r.allowed_ips) as string[]),
    maxBinds: r.max_binds,
    throughput: r.throughput,
    defaultCategory: r.default_category,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
  };
}

export class SqliteSmppCredentials implements SmppCredentialStore {
  /** `records`: the connection's writer (the store's), for the creation's audit record. */
  constructor(private readonly db: Db, private readonly records: RecordsWriter = recordsWriterOf(db)) {}

  async addSmppCredential(row: SmppCredentialRow, actor?: string): Promise<void> {
    try {
      this.db.transaction(() => {
        this.db
          .prepare('INSERT INTO smpp_credentials (id, content_provider_id, system_id, password_hash, allowed_ips, max_binds, throughput, default_category, created_at, revoked_at) VALUES (?,?,?,?,?,?,?,?,?,?)')
          .run(row.id, row.contentProviderId, row.systemId, row.passwordHash, row.allowedIps === null ? null : JSON.stringify(row.allowedIps), row.maxBinds, row.throughput, row.defaultCategory, row.createdAt, row.revokedAt);
        if (actor !== undefined) this.records.append(smppCredentialCreateRecord(row, actor));
      })();
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new SmsguardError('conflict', `system_id ${row.systemId} is taken`, {}, 'systemId');
      throw e;
    }
  }

  async findSmppCredential(systemId: string): Promise<SmppCredentialRow | null> {
    const r = this.db.prepare('SELECT * FROM smpp_credentials WHERE system_id = ? AND revoked_at IS NULL').get(systemId) as Raw | undefined;
    return r ? toRow(r) : null;
  }

  async listSmppCredentials(contentProviderId: string): Promise<SmppCredentialRow[]> {
    return (this.db.prepare('SELECT * FROM smpp_credentials WHERE content_provider_id = ? ORDER BY created_at').all(contentProviderId) as Raw[]).map(toRow);
  }

  async revokeSmppCredential(contentProviderId: string, systemId: string, at: number, actor?: string): Promise<SmppCredentialRow | null> {
    return this.db.transaction(() => {
      const live = this.db.prepare('SELECT id FROM smpp_credentials WHERE content_provider_id = ? AND system_id = ? AND revoked_at IS NULL').get(contentProviderId, systemId) as { id: string } | undefined;
      if (live) this.db.prepare('UPDATE smpp_credentials SET revoked_at = ? WHERE id = ?').run(at, live.id);
      const r = (live
        ? this.db.prepare('SELECT * FROM smpp_credentials WHERE id = ?').get(live.id)
        : this.db.prepare('SELECT * FROM smpp_credentials WHERE content_provider_id = ? AND system_id = ? ORDER BY revoked_at DESC, id DESC LIMIT 1').get(contentProviderId, systemId)) as Raw | undefined;
      const row = r ? toRow(r) : null;
      if (live && row && actor !== undefined) this.records.append(smppCredentialRevokeRecord(row, at, actor));
      return row;
    })();
  }

  async liveSmppCredentialIds(ids: readonly string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    // the ids as one JSON array: one statement however many, no variable-count placeholder list
    const rows = this.db.prepare('SELECT id FROM smpp_credentials WHERE id IN (SELECT value FROM json_each(?)) AND revoked_at IS NULL').all(JSON.stringify(ids)) as { id: string }[];
    return new Set(rows.map((r) => r.id));
  }
}
