/** SQLite adapter for SmppDeliveryStore (table from migration 080). */
import type { Db } from './db.js';
import { PROVIDER_PART_COLUMNS, toProviderPart, type ProviderPartRow } from '../provider-part-rows.js';
import type { ExpiredSmppDelivery, NewSmppDelivery, ProviderPart, SmppDelivery, SmppDeliveryClaim, SmppDeliveryKind, SmppDeliveryStore } from '../../ports/smpp-deliveries.js';


interface Raw {
  id: number;
  content_provider_id: string;
  kind: SmppDeliveryKind;
  key: string;
  pdu: Buffer;
  msisdn: string;
  created_at: number;
  due_at: number;
  attempts: number;
}

const toRow = (r: Raw): SmppDelivery => ({
  id: r.id, contentProviderId: r.content_provider_id, kind: r.kind, key: r.key, pdu: r.pdu, msisdn: r.msisdn,
  createdAt: r.created_at, dueAt: r.due_at, attempts: r.attempts,
});

function prepare(db: Db) {
  return {
    insert: db.prepare(`INSERT INTO smpp_deliveries (content_provider_id, kind, key, pdu, msisdn, created_at, due_at, attempts)
      VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (content_provider_id, key) DO NOTHING`),
    due: db.prepare(`SELECT DISTINCT content_provider_id AS cp FROM smpp_deliveries
      WHERE content_provider_id IN (SELECT value FROM json_each(?)) AND due_at <= ? AND lease_until <= ?`),
    pick: db.prepare(`SELECT id, content_provider_id, kind, key, pdu, msisdn, created_at, due_at, attempts FROM smpp_deliveries
      WHERE content_provider_id = ? AND due_at <= ? AND lease_until <= ? ORDER BY id LIMIT ?`),
    lease: db.prepare('UPDATE smpp_deliveries SET owner = ?, lease_until = ? WHERE id = ?'),
    remove: db.prepare('DELETE FROM smpp_deliveries WHERE id = ?'),
    retry: db.prepare('UPDATE smpp_deliveries SET owner = NULL, lease_until = 0, due_at = ?, attempts = ? WHERE id = ? AND owner = ?'),
    release: db.prepare('UPDATE smpp_deliveries SET owner = NULL, lease_until = 0 WHERE owner = ?'),
    old: db.prepare('SELECT id, content_provider_id, kind, msisdn, created_at, attempts FROM smpp_deliveries WHERE created_at < ? ORDER BY created_at, id LIMIT ?'),
    count: db.prepare('SELECT count(*) AS n FROM smpp_deliveries'),
    countCp: db.prepare('SELECT count(*) AS n FROM smpp_deliveries WHERE content_provider_id = ?'),
    unannounce: db.prepare('DELETE FROM smpp_receivers WHERE owner = ? OR until <= ?'),
    announce: db.prepare('INSERT INTO smpp_receivers (owner, content_provider_id, until) VALUES (?,?,?)'),
    elsewhere: db.prepare('SELECT DISTINCT content_provider_id AS cp FROM smpp_receivers WHERE owner <> ? AND until > ?'),
    keepPart: db.prepare(`INSERT INTO provider_parts (set_key, seq, total, octets, data_coding, part_id, registered_delivery, at, message_type, category, charged_service_id)
      VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (set_key, seq) DO NOTHING`),
    dropParts: db.prepare('DELETE FROM provider_parts WHERE set_key = ? RETURNING seq'),
    setParts: db.prepare(`SELECT ${PROVIDER_PART_COLUMNS} FROM provider_parts WHERE set_key = ? ORDER BY seq`),
    openParts: db.prepare(`SELECT ${PROVIDER_PART_COLUMNS} FROM provider_parts ORDER BY at, set_key, seq`),
  };
}

export class SqliteSmppDeliveries implements SmppDeliveryStore {
  private readonly q: ReturnType<typeof prepare>;

  constructor(private readonly db: Db) {
    this.q = prepare(db);
  }

  async add(rows: readonly NewSmppDelivery[]): Promise<number> {
    return this.db.transaction(() => {
      let n = 0;
      for (const r of rows) n += this.q.insert.run(r.contentProviderId, r.kind, r.key, Buffer.from(r.pdu), r.msisdn, r.createdAt, r.dueAt, r.attempts).changes;
      return n;
    })();
  }

  async due(contentProviderIds: readonly string[], now: number): Promise<string[]> {
    if (contentProviderIds.length === 0) return [];
    return (this.q.due.all(JSON.stringify(contentProviderIds), now, now) as { cp: string }[]).map((r) => r.cp);
  }

  async claim(c: SmppDeliveryClaim): Promise<SmppDelivery[]> {
    // One writer per SQLite file: the transaction alone keeps two claims from taking the same row.
    return this.db.transaction(() => {
      const rows = this.q.pick.all(c.contentProviderId, c.now, c.now, c.limit) as Raw[];
      for (const r of rows) this.q.lease.run(c.owner, c.now + c.leaseMs, r.id);
      return rows.map(toRow);
    }).immediate();
  }

  async remove(ids: readonly number[]): Promise<void> {
    if (ids.length === 0) return;
    this.db.transaction(() => {
      for (const id of ids) this.q.remove.run(id);
    })();
  }

  async retry(id: number, owner: string, dueAt: number, attempts: number): Promise<boolean> {
    return this.q.retry.run(dueAt, attempts, id, owner).changes > 0;
  }

  async release(owner: string): Promise<number> {
    return this.q.release.run(owner).changes;
  }

  async expire(before: number, limit: number): Promise<ExpiredSmppDelivery[]> {
    return this.db.transaction(() => {
      const rows = this.q.old.all(before, limit) as (Omit<Raw, 'key' | 'pdu' | 'due_at'>)[];
      for (const r of rows) this.q.remove.run(r.id);
      return rows.map((r) => ({ id: r.id, contentProviderId: r.content_provider_id, kind: r.kind, msisdn: r.msisdn, createdAt: r.created_at, attempts: r.attempts }));
    })();
  }

  async count(contentProviderId?: string): Promise<number> {
    const r = (contentProviderId === undefined ? this.q.count.get() : this.q.countCp.get(contentProviderId)) as { n: number };
    return r.n;
  }

  async announceReceivers(q: { owner: string; contentProviderIds: readonly string[]; now: number; until: number }): Promise<void> {
    this.db.transaction(() => {
      this.q.unannounce.run(q.owner, q.now);
      for (const cp of new Set(q.contentProviderIds)) this.q.announce.run(q.owner, cp, q.until);
    })();
  }

  async receiversElsewhere(owner: string, now: number): Promise<string[]> {
    return (this.q.elsewhere.all(owner, now) as { cp: string }[]).map((r) => r.cp);
  }

  async keepParts(parts: readonly ProviderPart[]): Promise<void> {
    this.db.transaction(() => {
      for (const p of parts) this.q.keepPart.run(p.setKey, p.seq, p.total, Buffer.from(p.octets), p.dataCoding, p.partId, p.registeredDelivery, p.at, p.messageType ?? null, p.category ?? null, p.chargedServiceId ?? null);
    })();
  }

  async dropParts(setKeys: readonly string[]): Promise<{ setKey: string; seq: number }[]> {
    return this.db.transaction(() => setKeys.flatMap((k) => (this.q.dropParts.all(k) as { seq: number }[]).map((r) => ({ setKey: k, seq: r.seq }))))();
  }

  async takeWholeSet(setKey: string, total: number): Promise<ProviderPart[] | null> {
    return this.db.transaction(() => {
      const rows = this.q.setParts.all(setKey) as ProviderPartRow[];
      if (rows.length !== total) return null;
      this.q.dropParts.all(setKey);
      return rows.map(toProviderPart);
    })();
  }

  async openParts(): Promise<ProviderPart[]> {
    return (this.q.openParts.all() as ProviderPartRow[]).map(toProviderPart);
  }
}
