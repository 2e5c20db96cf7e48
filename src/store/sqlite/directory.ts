/** SQLite adapter for providers, signatures, ports and tokens. Provider facts are cached in memory for the message path. */
import { contentProviderCreateRecord, portReassignRecord, portRegisterRecord, signatureReassignRecord, signatureRegisterRecord } from '../registry-audit.js';
import { signatureStandsElsewhere } from '../signature-standing.js';
import { randomBytes } from 'node:crypto';
import type { Db } from './db.js';
import type { ContentProviderRow, DirectoryStore, PortRow, Role, SignatureRow, TokenRow } from '../../ports/store.js';
import { SmsguardError } from '../../domain/errors.js';
import type { SenderFacts } from '../../pipeline/types.js';
import type { RecordsWriter } from './records-writer.js';
import type { AuditAction } from '../../domain/audit-actions.js';

interface CpDb { id: string; name: string; credit_code: string; license_number: string | null; status: 'active' | 'suspended'; created_at: number; http_throughput: number | null }
const toCp = (r: CpDb): ContentProviderRow => ({ id: r.id, name: r.name, creditCode: r.credit_code, licenseNumber: r.license_number, status: r.status, createdAt: r.created_at, httpThroughput: r.http_throughput });

interface TokenDb { id: string; role: Role; subject: string | null; label: string; scope: string; created_at: number; revoked_at: number | null }
interface SigDb { id: string; content_provider_id: string; signature: string; status: Exclude<SignatureRow['status'], 'revoked'>; created_at: number; revoked_at: number | null; revoked_reason: string | null }
/** A revoked signature reads back `revoked` whatever its review said (migration 110). */
const toSig = (r: SigDb): SignatureRow => ({
  id: r.id, contentProviderId: r.content_provider_id, signature: r.signature, status: r.revoked_at === null ? r.status : 'revoked', createdAt: r.created_at,
  revokedAt: r.revoked_at, revokedReason: r.revoked_reason,
});
interface PortDb { number: string; content_provider_id: string; kind: PortRow['kind']; created_at: number; retired_at: number | null; retired_reason: string | null }
const toPort = (r: PortDb): PortRow => ({ number: r.number, ownerId: r.content_provider_id, kind: r.kind, createdAt: r.created_at, retiredAt: r.retired_at, retiredReason: r.retired_reason });

const toToken = (r: TokenDb): TokenRow => ({ id: r.id, role: r.role, subject: r.subject, label: r.label, scope: JSON.parse(r.scope), createdAt: r.created_at, revokedAt: r.revoked_at });

export class SqliteDirectory implements DirectoryStore {
  private readonly senderCache = new Map<string, SenderFacts | null>();
  private readonly portCache = new Map<string, PortRow | null>();
  constructor(private readonly db: Db, private readonly records: RecordsWriter) {}

  /** Sender facts for the pipeline (cached; invalidated by this store's own writes). */
  senderFacts(id: string): SenderFacts | null {
    let f = this.senderCache.get(id);
    if (f !== undefined) return f;
    const cp = this.db.prepare('SELECT status FROM content_providers WHERE id = ?').get(id) as { status: 'active' | 'suspended' } | undefined;
    if (!cp) f = null;
    else {
      const sigs = this.db.prepare("SELECT signature, revoked_at FROM signatures WHERE content_provider_id = ? AND (status = 'approved' OR revoked_at IS NOT NULL)").all(id) as { signature: string; revoked_at: number | null }[];
      // A text revoked more than once (registered again in between, migration 111): the latest says since when.
      const revoked = new Map<string, number>();
      for (const s of sigs) if (s.revoked_at !== null && s.revoked_at > (revoked.get(s.signature) ?? -Infinity)) revoked.set(s.signature, s.revoked_at);
      f = { id, status: cp.status, signatures: new Set(sigs.filter((s) => s.revoked_at === null).map((s) => s.signature)), ...(revoked.size ? { revoked } : {}) };
    }
    this.senderCache.set(id, f);
    return f;
  }

  portSync(number: string): PortRow | null {
    let p = this.portCache.get(number);
    if (p !== undefined) return p;
    const r = this.db.prepare('SELECT * FROM ports WHERE number = ?').get(number) as PortDb | undefined;
    p = r ? toPort(r) : null;
    this.portCache.set(number, p);
    return p;
  }

  async createContentProvider(row: ContentProviderRow, apiKey: { id: string; hash: string }, actor?: string): Promise<void> {
    try {
      this.db.transaction(() => {
        if (actor !== undefined) this.records.append(contentProviderCreateRecord(row, actor));
        this.db
          .prepare('INSERT INTO content_providers (id, name, credit_code, license_number, status, created_at, http_throughput) VALUES (?, ?, ?, ?, ?, ?, ?)')
          .run(row.id, row.name, row.creditCode, row.licenseNumber, row.status, row.createdAt, row.httpThroughput);
        this.db
          .prepare("INSERT INTO tokens (id, hash, role, subject, label, scope, created_at) VALUES (?, ?, 'content-provider', ?, 'api key', '{}', ?)")
          .run(apiKey.id, apiKey.hash, row.id, row.createdAt);
      })();
    } catch (e) {
      if (String((e as Error).message).includes('UNIQUE')) {
        throw new SmsguardError('conflict', `a content provider with credit code ${row.creditCode} exists`, {}, 'creditCode');
      }
      throw e;
    }
    this.senderCache.delete(row.id);
  }

  async getContentProvider(id: string): Promise<ContentProviderRow | null> {
    const r = this.db.prepare('SELECT * FROM content_providers WHERE id = ?').get(id) as CpDb | undefined;
    return r ? toCp(r) : null;
  }

  async listContentProviders(): Promise<ContentProviderRow[]> {
    return (this.db.prepare('SELECT * FROM content_providers ORDER BY created_at, id').all() as CpDb[]).map(toCp);
  }

  async setContentProviderStatus(id: string, status: ContentProviderRow['status'], at: number, actor: string, reason?: string): Promise<boolean> {
    const changed = this.db.transaction(() => {
      const r = this.db.prepare('UPDATE content_providers SET status = ? WHERE id = ?').run(status, id);
      if (r.changes === 0) return false;
      this.records.append({ id: `aud_${id}_${at}_${status}`, at, kind: 'audit', contentProviderId: id, msisdn: null, ref: id, body: { action: 'content_provider.status' satisfies AuditAction, status, actor, reason: reason ?? null } });
      return true;
    })();
    this.senderCache.delete(id);
    return changed;
  }

  async setContentProviderHttpThroughput(id: string, perSecond: number | null, at: number, actor: string): Promise<boolean> {
    return this.db.transaction(() => {
      const r = this.db.prepare('UPDATE content_providers SET http_throughput = ? WHERE id = ?').run(perSecond, id);
      if (r.changes === 0) return false;
      this.records.append({ id: `aud_${id}_${at}_http_${randomBytes(4).toString('hex')}`, at, kind: 'audit', contentProviderId: id, msisdn: null, ref: id, body: { action: 'content_provider.http_throughput' satisfies AuditAction, httpThroughput: perSecond, actor } });
      return true;
    })();
  }

  async addSignature(row: SignatureRow, actor?: string): Promise<SignatureRow | null> {
    const previous = this.db.transaction(() => {
      // Only a standing registration binds the text (migrations 111, 121): a revoked one, or a rejected
      // application, gives way.
      const existing = this.db.prepare("SELECT content_provider_id FROM signatures WHERE signature = ? AND revoked_at IS NULL AND status <> 'rejected'").get(row.signature) as { content_provider_id: string } | undefined;
      if (existing) {
        throw new SmsguardError('conflict', existing.content_provider_id === row.contentProviderId ? `signature ${row.signature} is already registered` : `signature ${row.signature} is registered to another content provider`, {}, 'signature');
      }
      const old = this.db.prepare('SELECT * FROM signatures WHERE signature = ? AND revoked_at IS NOT NULL ORDER BY revoked_at DESC, id DESC LIMIT 1').get(row.signature) as SigDb | undefined;
      this.db.prepare('INSERT INTO signatures (id, content_provider_id, signature, status, created_at) VALUES (?, ?, ?, ?, ?)').run(row.id, row.contentProviderId, row.signature, row.status, row.createdAt);
      const previous = old ? toSig(old) : null;
      if (actor !== undefined) this.records.append(signatureRegisterRecord(row, actor));
      if (previous && actor !== undefined) this.records.append(signatureReassignRecord(row, previous, actor));
      return previous;
    })();
    this.senderCache.delete(row.contentProviderId);
    return previous;
  }

  async setSignatureStatus(id: string, status: Exclude<SignatureRow['status'], 'revoked'>, _at: number): Promise<boolean> {
    const row = this.db.prepare('SELECT content_provider_id FROM signatures WHERE id = ? AND revoked_at IS NULL').get(id) as { content_provider_id: string } | undefined;
    if (!row) return false;
    standingConflict(() => this.db.prepare('UPDATE signatures SET status = ? WHERE id = ?').run(status, id));
    this.senderCache.delete(row.content_provider_id);
    return true;
  }

  async getSignature(id: string): Promise<SignatureRow | null> {
    const r = this.db.prepare('SELECT * FROM signatures WHERE id = ?').get(id) as SigDb | undefined;
    return r ? toSig(r) : null;
  }

  async standingSignatures(): Promise<Array<{ contentProviderId: string; signature: string }>> {
    return (this.db.prepare("SELECT content_provider_id, signature FROM signatures WHERE revoked_at IS NULL AND status <> 'rejected'").all() as { content_provider_id: string; signature: string }[])
      .map((r) => ({ contentProviderId: r.content_provider_id, signature: r.signature }));
  }

  async listSignatures(contentProviderId: string): Promise<SignatureRow[]> {
    return (this.db.prepare('SELECT * FROM signatures WHERE content_provider_id = ? ORDER BY created_at, id').all(contentProviderId) as SigDb[]).map(toSig);
  }

  async revokeSignature(contentProviderId: string, id: string, at: number, actor: string, reason: string): Promise<SignatureRow | null> {
    const row = this.db.transaction(() => {
      const r = this.db.prepare('UPDATE signatures SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND content_provider_id = ? AND revoked_at IS NULL RETURNING signature, status').get(at, reason, id, contentProviderId) as { signature: string; status: string } | undefined;
      if (r) this.records.append({ id: `aud_${id}_${at}_revoke`, at, kind: 'audit', contentProviderId, msisdn: null, ref: id, body: { action: 'signature.revoke' satisfies AuditAction, signatureId: id, signature: r.signature, previousStatus: r.status, actor, reason } });
      return this.db.prepare('SELECT * FROM signatures WHERE id = ? AND content_provider_id = ?').get(id, contentProviderId) as SigDb | undefined;
    })();
    this.senderCache.delete(contentProviderId);
    return row ? toSig(row) : null;
  }

  async addPort(row: PortRow, actor?: string): Promise<PortRow | null> {
    let replaced: PortRow | null = null;
    try {
      this.db.transaction(() => {
        const old = this.db.prepare('SELECT * FROM ports WHERE number = ? AND retired_at IS NOT NULL').get(row.number) as PortDb | undefined;
        if (old) {
          // A retired number taken over: the earlier tenure is in the records (audit port.retire).
          this.db.prepare('UPDATE ports SET content_provider_id = ?, kind = ?, created_at = ?, retired_at = NULL, retired_reason = NULL WHERE number = ?').run(row.ownerId, row.kind, row.createdAt, row.number);
          replaced = toPort(old);
        } else {
          this.db.prepare('INSERT INTO ports (number, content_provider_id, kind, created_at) VALUES (?, ?, ?, ?)').run(row.number, row.ownerId, row.kind, row.createdAt);
        }
        // the registration, then (a number taken over) whose it was: the order both adapters write them in
        if (actor !== undefined) this.records.append(portRegisterRecord(row, actor));
        if (replaced && actor !== undefined) this.records.append(portReassignRecord(row, replaced, actor));
      })();
    } catch (e) {
      if (String((e as Error).message).includes('UNIQUE') || String((e as Error).message).includes('PRIMARY')) {
        throw new SmsguardError('conflict', `port ${row.number} is already registered`, {}, 'number');
      }
      throw e;
    } finally {
      this.portCache.delete(row.number);
    }
    return replaced;
  }

  async retirePort(number: string, at: number, actor: string, reason: string): Promise<PortRow | null> {
    try {
      const row = this.db.transaction(() => {
        const r = this.db.prepare('UPDATE ports SET retired_at = ?, retired_reason = ? WHERE number = ? AND retired_at IS NULL RETURNING content_provider_id, kind, created_at').get(at, reason, number) as { content_provider_id: string; kind: string; created_at: number } | undefined;
        if (r) this.records.append({ id: `aud_port_${number}_${at}_retire`, at, kind: 'audit', contentProviderId: r.content_provider_id, msisdn: null, ref: number, body: { action: 'port.retire' satisfies AuditAction, number, kind: r.kind, since: r.created_at, actor, reason } });
        return this.db.prepare('SELECT * FROM ports WHERE number = ?').get(number) as PortDb | undefined;
      })();
      return row ? toPort(row) : null;
    } finally {
      this.portCache.delete(number);
    }
  }

  async getPort(number: string): Promise<PortRow | null> {
    return this.portSync(number);
  }

  async listPorts(contentProviderId?: string): Promise<PortRow[]> {
    const rows = (contentProviderId
      ? this.db.prepare('SELECT * FROM ports WHERE content_provider_id = ? ORDER BY number').all(contentProviderId)
      : this.db.prepare('SELECT * FROM ports ORDER BY number').all()) as PortDb[];
    return rows.map(toPort);
  }

  async addToken(row: TokenRow, hash: string): Promise<void> {
    try {
      this.db
        .prepare('INSERT INTO tokens (id, hash, role, subject, label, scope, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(row.id, hash, row.role, row.subject, row.label, JSON.stringify(row.scope), row.createdAt, row.revokedAt);
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' || (e as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new SmsguardError('conflict', 'a token with this secret or id exists (live or revoked)');
      throw e;
    }
  }

  async findTokenByHash(hash: string): Promise<TokenRow | null> {
    const r = this.db.prepare('SELECT * FROM tokens WHERE hash = ? AND revoked_at IS NULL').get(hash) as TokenDb | undefined;
    return r ? toToken(r) : null;
  }

  async getToken(id: string): Promise<TokenRow | null> {
    const r = this.db.prepare('SELECT * FROM tokens WHERE id = ?').get(id) as TokenDb | undefined;
    return r ? toToken(r) : null;
  }

  async listTokens(filter: { role?: Role; subject?: string } = {}): Promise<TokenRow[]> {
    const rows = this.db
      .prepare('SELECT * FROM tokens WHERE (@role IS NULL OR role = @role) AND (@subject IS NULL OR subject = @subject) ORDER BY created_at, id')
      .all({ role: filter.role ?? null, subject: filter.subject ?? null }) as TokenDb[];
    return rows.map(toToken);
  }

  async revokeToken(id: string, at: number): Promise<TokenRow | null> {
    this.db.prepare('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id);
    return this.getToken(id);
  }

  async countTokens(role: Role): Promise<number> {
    return (this.db.prepare('SELECT count(*) AS n FROM tokens WHERE role = ? AND revoked_at IS NULL').get(role) as { n: number }).n;
  }
}

/**
 * Runs a status change that may make a rejected application stand again: while another registration
 * of its text stands (the index of migration 121), that is two holders of one brand, refused as the
 * conflict a second registration is.
 */
export function standingConflict<T>(write: () => T): T {
  try {
    return write();
  } catch (e) {
    if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw signatureStandsElsewhere();
    throw e;
  }
}
