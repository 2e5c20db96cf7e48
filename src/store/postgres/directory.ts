/**
 * PostgreSQL adapter for providers, signatures, ports and tokens. Unlike the SQLite adapter it keeps
 * no cache: several processes share the database, and a suspension made by one must bind the others
 * at once, so the message path loads sender and port facts inside its own transaction (one query each
 * per batch; see messages.ts).
 */
import { contentProviderCreateRecord, portReassignRecord, portRegisterRecord, signatureReassignRecord, signatureRegisterRecord } from '../registry-audit.js';
import { signatureStandsElsewhere } from '../signature-standing.js';
import { randomBytes } from 'node:crypto';
import type { Pool } from './db.js';
import { isUniqueViolation, queries, transaction } from './db.js';
import type { ContentProviderRow, DirectoryStore, PortRow, Role, SignatureRow, TokenRow } from '../../ports/store.js';
import { SmsguardError } from '../../domain/errors.js';
import type { PgRecordsWriter } from './records-writer.js';
import type { AuditAction } from '../../domain/audit-actions.js';

const Q = queries('directory', [
  'insertCp', 'insertApiKey', 'getCp', 'listCps', 'setCpStatus', 'setCpHttpThroughput', 'signatureOwner', 'standingSignatures', 'insertSignature', 'setSignatureStatus', 'listSignatures',
  'getSignature', 'latestRevokedSignature', 'revokeSignature', 'getSignatureOf', 'retiredPortForUpdate', 'takeOverPort', 'retirePort',
  'insertPort', 'getPort', 'listPorts', 'listPortsOf', 'insertToken', 'findToken', 'countTokens', 'getToken', 'listTokens', 'revokeToken',
] as const);

interface CpDb { id: string; name: string; credit_code: string; license_number: string | null; status: 'active' | 'suspended'; created_at: number; http_throughput: number | null }
const toCp = (r: CpDb): ContentProviderRow => ({ id: r.id, name: r.name, creditCode: r.credit_code, licenseNumber: r.license_number, status: r.status, createdAt: r.created_at, httpThroughput: r.http_throughput });
interface PortDb { number: string; content_provider_id: string; kind: PortRow['kind']; created_at: number; retired_at: number | null; retired_reason: string | null }
const toPort = (r: PortDb): PortRow => ({ number: r.number, ownerId: r.content_provider_id, kind: r.kind, createdAt: r.created_at, retiredAt: r.retired_at, retiredReason: r.retired_reason });
interface SigDb { id: string; content_provider_id: string; signature: string; status: Exclude<SignatureRow['status'], 'revoked'>; created_at: number; revoked_at: number | null; revoked_reason: string | null }
/** A revoked signature reads back `revoked` whatever its review said (migration 103). */
const toSig = (r: SigDb): SignatureRow => ({
  id: r.id, contentProviderId: r.content_provider_id, signature: r.signature, status: r.revoked_at === null ? r.status : 'revoked', createdAt: r.created_at,
  revokedAt: r.revoked_at, revokedReason: r.revoked_reason,
});
interface TokenDb { id: string; role: Role; subject: string | null; label: string; scope: Record<string, unknown>; created_at: number; revoked_at: number | null }
const toToken = (r: TokenDb): TokenRow => ({ id: r.id, role: r.role, subject: r.subject, label: r.label, scope: r.scope, createdAt: r.created_at, revokedAt: r.revoked_at });

export class PgDirectory implements DirectoryStore {
  constructor(private readonly pool: Pool, private readonly records: PgRecordsWriter) {}

  async createContentProvider(row: ContentProviderRow, apiKey: { id: string; hash: string }, actor?: string): Promise<void> {
    try {
      await this.records.withPartitions([row.createdAt], () => transaction(this.pool, async (c) => {
        await c.query(Q.insertCp, [row.id, row.name, row.creditCode, row.licenseNumber, row.status, row.createdAt, row.httpThroughput]);
        await c.query(Q.insertApiKey, [apiKey.id, apiKey.hash, row.id, row.createdAt]);
        if (actor !== undefined) await this.records.append(c, [contentProviderCreateRecord(row, actor)]);
      }));
    } catch (e) {
      if (isUniqueViolation(e)) throw new SmsguardError('conflict', `a content provider with credit code ${row.creditCode} exists`, {}, 'creditCode');
      throw e;
    }
  }

  async getContentProvider(id: string): Promise<ContentProviderRow | null> {
    const r = (await this.pool.query<CpDb>(Q.getCp, [id])).rows[0];
    return r ? toCp(r) : null;
  }

  async listContentProviders(): Promise<ContentProviderRow[]> {
    return (await this.pool.query<CpDb>(Q.listCps)).rows.map(toCp);
  }

  async setContentProviderStatus(id: string, status: ContentProviderRow['status'], at: number, actor: string, reason?: string): Promise<boolean> {
    return this.records.withPartitions([at], () => transaction(this.pool, async (c) => {
      const r = await c.query(Q.setCpStatus, [id, status]);
      if (r.rowCount === 0) return false;
      await this.records.append(c, [{ id: `aud_${id}_${at}_${status}`, at, kind: 'audit', contentProviderId: id, msisdn: null, ref: id, body: { action: 'content_provider.status' satisfies AuditAction, status, actor, reason: reason ?? null } }]);
      return true;
    }));
  }

  async setContentProviderHttpThroughput(id: string, perSecond: number | null, at: number, actor: string): Promise<boolean> {
    return this.records.withPartitions([at], () => transaction(this.pool, async (c) => {
      const r = await c.query(Q.setCpHttpThroughput, [id, perSecond]);
      if (r.rowCount === 0) return false;
      await this.records.append(c, [{ id: `aud_${id}_${at}_http_${randomBytes(4).toString('hex')}`, at, kind: 'audit', contentProviderId: id, msisdn: null, ref: id, body: { action: 'content_provider.http_throughput' satisfies AuditAction, httpThroughput: perSecond, actor } }]);
      return true;
    }));
  }

  async setSignatureStatus(id: string, status: Exclude<SignatureRow['status'], 'revoked'>, _at: number): Promise<boolean> {
    try {
      return ((await this.pool.query(Q.setSignatureStatus, [id, status])).rowCount ?? 0) > 0;
    } catch (e) {
      // a rejected application made to stand while its text is registered elsewhere (migration 117)
      if (isUniqueViolation(e)) throw signatureStandsElsewhere();
      throw e;
    }
  }

  async getSignature(id: string): Promise<SignatureRow | null> {
    const r = (await this.pool.query<SigDb>(Q.getSignature, [id])).rows[0];
    return r ? toSig(r) : null;
  }

  async revokeSignature(contentProviderId: string, id: string, at: number, actor: string, reason: string): Promise<SignatureRow | null> {
    return this.records.withPartitions([at], () => transaction(this.pool, async (c) => {
      const r = (await c.query<{ signature: string; status: string }>(Q.revokeSignature, [id, contentProviderId, at, reason])).rows[0];
      if (r) await this.records.append(c, [{ id: `aud_${id}_${at}_revoke`, at, kind: 'audit', contentProviderId, msisdn: null, ref: id, body: { action: 'signature.revoke' satisfies AuditAction, signatureId: id, signature: r.signature, previousStatus: r.status, actor, reason } }]);
      const row = (await c.query<SigDb>(Q.getSignatureOf, [id, contentProviderId])).rows[0];
      return row ? toSig(row) : null;
    }));
  }

  async addSignature(row: SignatureRow, actor?: string): Promise<SignatureRow | null> {
    try {
      // The partial unique index (migration 105) refuses a second standing registration of the text,
      // whichever of two racing inserts loses; a revoked one gives way.
      return await this.records.withPartitions([row.createdAt], () => transaction(this.pool, async (c) => {
        await c.query(Q.insertSignature, [row.id, row.contentProviderId, row.signature, row.status, row.createdAt]);
        const old = (await c.query<SigDb>(Q.latestRevokedSignature, [row.signature])).rows[0];
        const previous = old ? toSig(old) : null;
        if (actor !== undefined) await this.records.append(c, [signatureRegisterRecord(row, actor), ...(previous ? [signatureReassignRecord(row, previous, actor)] : [])]);
        return previous;
      }));
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      const owner = (await this.pool.query<{ content_provider_id: string }>(Q.signatureOwner, [row.signature])).rows[0]?.content_provider_id;
      throw new SmsguardError('conflict', owner === row.contentProviderId ? `signature ${row.signature} is already registered` : `signature ${row.signature} is registered to another content provider`, {}, 'signature');
    }
  }

  async standingSignatures(): Promise<Array<{ contentProviderId: string; signature: string }>> {
    return (await this.pool.query<{ content_provider_id: string; signature: string }>(Q.standingSignatures)).rows.map((r) => ({ contentProviderId: r.content_provider_id, signature: r.signature }));
  }

  async listSignatures(contentProviderId: string): Promise<SignatureRow[]> {
    return (await this.pool.query<SigDb>(Q.listSignatures, [contentProviderId])).rows.map(toSig);
  }

  async addPort(row: PortRow, actor?: string): Promise<PortRow | null> {
    try {
      return await this.records.withPartitions([row.createdAt], () => transaction(this.pool, async (c) => {
        const old = (await c.query<PortDb>(Q.retiredPortForUpdate, [row.number])).rows[0];
        if (old) {
          await c.query(Q.takeOverPort, [row.number, row.ownerId, row.kind, row.createdAt]);
          const replaced = toPort(old);
          if (actor !== undefined) await this.records.append(c, [portRegisterRecord(row, actor), portReassignRecord(row, replaced, actor)]);
          return replaced;
        }
        await c.query(Q.insertPort, [row.number, row.ownerId, row.kind, row.createdAt]);
        if (actor !== undefined) await this.records.append(c, [portRegisterRecord(row, actor)]);
        return null;
      }));
    } catch (e) {
      if (isUniqueViolation(e)) throw new SmsguardError('conflict', `port ${row.number} is already registered`, {}, 'number');
      throw e;
    }
  }

  async retirePort(number: string, at: number, actor: string, reason: string): Promise<PortRow | null> {
    return this.records.withPartitions([at], () => transaction(this.pool, async (c) => {
      const r = (await c.query<{ content_provider_id: string; kind: string; created_at: number }>(Q.retirePort, [number, at, reason])).rows[0];
      if (r) await this.records.append(c, [{ id: `aud_port_${number}_${at}_retire`, at, kind: 'audit', contentProviderId: r.content_provider_id, msisdn: null, ref: number, body: { action: 'port.retire' satisfies AuditAction, number, kind: r.kind, since: Number(r.created_at), actor, reason } }]);
      const row = (await c.query<PortDb>(Q.getPort, [number])).rows[0];
      return row ? toPort(row) : null;
    }));
  }

  async getPort(number: string): Promise<PortRow | null> {
    const r = (await this.pool.query<PortDb>(Q.getPort, [number])).rows[0];
    return r ? toPort(r) : null;
  }

  async listPorts(contentProviderId?: string): Promise<PortRow[]> {
    const r = contentProviderId ? await this.pool.query<PortDb>(Q.listPortsOf, [contentProviderId]) : await this.pool.query<PortDb>(Q.listPorts);
    return r.rows.map(toPort);
  }

  async addToken(row: TokenRow, hash: string): Promise<void> {
    try {
      await this.pool.query(Q.insertToken, [row.id, hash, row.role, row.subject, row.label, JSON.stringify(row.scope), row.createdAt, row.revokedAt]);
    } catch (e) {
      if (isUniqueViolation(e)) throw new SmsguardError('conflict', 'a token with this secret or id exists (live or revoked)');
      throw e;
    }
  }

  async findTokenByHash(hash: string): Promise<TokenRow | null> {
    const r = (await this.pool.query<TokenDb>(Q.findToken, [hash])).rows[0];
    return r ? toToken(r) : null;
  }

  async getToken(id: string): Promise<TokenRow | null> {
    const r = (await this.pool.query<TokenDb>(Q.getToken, [id])).rows[0];
    return r ? toToken(r) : null;
  }

  async listTokens(filter: { role?: Role; subject?: string } = {}): Promise<TokenRow[]> {
    return (await this.pool.query<TokenDb>(Q.listTokens, [filter.role ?? null, filter.subject ?? null])).rows.map(toToken);
  }

  async revokeToken(id: string, at: number): Promise<TokenRow | null> {
    await this.pool.query(Q.revokeToken, [id, at]);
    return this.getToken(id);
  }

  async countTokens(role: Role): Promise<number> {
    return (await this.pool.query<{ n: number }>(Q.countTokens, [role])).rows[0].n;
  }
}
