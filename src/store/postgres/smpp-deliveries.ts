/** PostgreSQL adapter for SmppDeliveryStore (migration 080), the twin of the SQLite one. */
import type { Pool } from './db.js';
import { queries } from './db.js';
import { toProviderPart, type ProviderPartRow } from '../provider-part-rows.js';
import type { ExpiredSmppDelivery, NewSmppDelivery, ProviderPart, SmppDelivery, SmppDeliveryClaim, SmppDeliveryKind, SmppDeliveryStore } from '../../ports/smpp-deliveries.js';

const Q = queries('smpp-deliveries', ['insert', 'due', 'claim', 'remove', 'retry', 'release', 'expire', 'count', 'announce', 'elsewhere', 'keepParts', 'dropParts', 'takeWholeSet', 'openParts'] as const);


interface Raw { id: number; content_provider_id: string; kind: SmppDeliveryKind; key: string; pdu: Buffer; msisdn: string; created_at: number; due_at: number; attempts: number }

const toRow = (r: Raw): SmppDelivery => ({
  id: r.id, contentProviderId: r.content_provider_id, kind: r.kind, key: r.key, pdu: r.pdu, msisdn: r.msisdn,
  createdAt: r.created_at, dueAt: r.due_at, attempts: r.attempts,
});

export class PgSmppDeliveries implements SmppDeliveryStore {
  constructor(private readonly pool: Pool) {}

  async add(rows: readonly NewSmppDelivery[]): Promise<number> {
    if (rows.length === 0) return 0;
    const col = <T>(f: (r: NewSmppDelivery) => T): T[] => rows.map(f);
    const r = await this.pool.query(Q.insert, [
      col((r) => r.contentProviderId), col((r) => r.kind), col((r) => r.key), col((r) => Buffer.from(r.pdu)), col((r) => r.msisdn),
      col((r) => r.createdAt), col((r) => r.dueAt), col((r) => r.attempts),
    ]);
    return r.rowCount ?? 0;
  }

  async due(contentProviderIds: readonly string[], now: number): Promise<string[]> {
    if (contentProviderIds.length === 0) return [];
    return (await this.pool.query<{ cp: string }>(Q.due, [contentProviderIds, now])).rows.map((r) => r.cp);
  }

  async claim(c: SmppDeliveryClaim): Promise<SmppDelivery[]> {
    const rows = (await this.pool.query<Raw>(Q.claim, [c.contentProviderId, c.owner, c.now + c.leaseMs, c.now, c.limit])).rows;
    // UPDATE … RETURNING does not keep the subquery's order.
    return rows.map(toRow).sort((a, b) => a.id - b.id);
  }

  async remove(ids: readonly number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.pool.query(Q.remove, [ids]);
  }

  async retry(id: number, owner: string, dueAt: number, attempts: number): Promise<boolean> {
    return ((await this.pool.query(Q.retry, [id, owner, dueAt, attempts])).rowCount ?? 0) > 0;
  }

  async release(owner: string): Promise<number> {
    return (await this.pool.query(Q.release, [owner])).rowCount ?? 0;
  }

  async expire(before: number, limit: number): Promise<ExpiredSmppDelivery[]> {
    const rows = (await this.pool.query<Omit<Raw, 'key' | 'pdu' | 'due_at'>>(Q.expire, [before, limit])).rows;
    return rows
      .map((r) => ({ id: r.id, contentProviderId: r.content_provider_id, kind: r.kind, msisdn: r.msisdn, createdAt: r.created_at, attempts: r.attempts }))
      .sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
  }

  async count(contentProviderId?: string): Promise<number> {
    return (await this.pool.query<{ n: number }>(Q.count, [contentProviderId ?? null])).rows[0].n;
  }

  async announceReceivers(q: { owner: string; contentProviderIds: readonly string[]; now: number; until: number }): Promise<void> {
    await this.pool.query(Q.announce, [q.owner, [...new Set(q.contentProviderIds)], q.now, q.until]);
  }

  async receiversElsewhere(owner: string, now: number): Promise<string[]> {
    return (await this.pool.query<{ cp: string }>(Q.elsewhere, [owner, now])).rows.map((r) => r.cp);
  }

  async keepParts(parts: readonly ProviderPart[]): Promise<void> {
    if (parts.length === 0) return;
    const col = <T>(f: (p: ProviderPart) => T): T[] => parts.map(f);
    await this.pool.query(Q.keepParts, [
      col((p) => p.setKey), col((p) => p.seq), col((p) => p.total), col((p) => Buffer.from(p.octets)), col((p) => p.dataCoding),
      col((p) => p.partId), col((p) => p.registeredDelivery), col((p) => p.at),
      col((p) => p.messageType ?? null), col((p) => p.category ?? null), col((p) => p.chargedServiceId ?? null),
    ]);
  }

  async dropParts(setKeys: readonly string[]): Promise<{ setKey: string; seq: number }[]> {
    if (setKeys.length === 0) return [];
    return (await this.pool.query<{ set_key: string; seq: number }>(Q.dropParts, [[...setKeys]])).rows.map((r) => ({ setKey: r.set_key, seq: r.seq }));
  }

  async takeWholeSet(setKey: string, total: number): Promise<ProviderPart[] | null> {
    const rows = (await this.pool.query<ProviderPartRow>(Q.takeWholeSet, [setKey, total])).rows.map(toProviderPart).sort((a, b) => a.seq - b.seq);
    if (rows.length === total) return rows;
    // a part of it taken meanwhile by an expiry elsewhere (never expected): put back what came
    if (rows.length > 0) await this.keepParts(rows);
    return null;
  }

  async openParts(): Promise<ProviderPart[]> {
    return (await this.pool.query<ProviderPartRow>(Q.openParts)).rows.map(toProviderPart);
  }
}
