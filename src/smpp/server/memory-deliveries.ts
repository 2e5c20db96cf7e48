/**
 * SmppDeliveryStore in process memory: what an SmppServer uses when it is given no store (tests,
 * embedding). Same contract as the store adapters (test/contract runs it too), but a restart loses
 * it; src/main.ts always passes the SQLite or PostgreSQL one.
 */
import type { ExpiredSmppDelivery, NewSmppDelivery, ProviderPart, SmppDelivery, SmppDeliveryClaim, SmppDeliveryStore } from '../../ports/smpp-deliveries.js';

interface Row extends SmppDelivery {
  owner: string | null;
  leaseUntil: number;
}

export class MemorySmppDeliveries implements SmppDeliveryStore {
  /** Insertion order = id order (a Map iterates in insertion order). */
  private readonly rows = new Map<number, Row>();
  private readonly keys = new Set<string>();
  private seq = 0;
  private readonly receivers = new Map<string, { owner: string; cp: string; until: number }>();
  /** Insertion order = arrival order. */
  private readonly parts = new Map<string, ProviderPart>();

  async add(rows: readonly NewSmppDelivery[]): Promise<number> {
    let n = 0;
    for (const r of rows) {
      const k = `${r.contentProviderId}\u0000${r.key}`;
      if (this.keys.has(k)) continue;
      this.keys.add(k);
      const id = ++this.seq;
      this.rows.set(id, { ...r, pdu: Uint8Array.from(r.pdu), id, owner: null, leaseUntil: 0 });
      n++;
    }
    return n;
  }

  async due(cpIds: readonly string[], now: number): Promise<string[]> {
    const want = new Set(cpIds);
    const out = new Set<string>();
    for (const r of this.rows.values()) if (want.has(r.contentProviderId) && r.dueAt <= now && r.leaseUntil <= now) out.add(r.contentProviderId);
    return [...out];
  }

  async claim(c: SmppDeliveryClaim): Promise<SmppDelivery[]> {
    const out: SmppDelivery[] = [];
    for (const r of this.rows.values()) {
      if (out.length >= c.limit) break;
      if (r.contentProviderId !== c.contentProviderId || r.dueAt > c.now || r.leaseUntil > c.now) continue;
      r.owner = c.owner;
      r.leaseUntil = c.now + c.leaseMs;
      out.push(view(r));
    }
    return out;
  }

  async remove(ids: readonly number[]): Promise<void> {
    for (const id of ids) this.drop(id);
  }

  async retry(id: number, owner: string, dueAt: number, attempts: number): Promise<boolean> {
    const r = this.rows.get(id);
    if (!r || r.owner !== owner) return false;
    Object.assign(r, { owner: null, leaseUntil: 0, dueAt, attempts });
    return true;
  }

  async release(owner: string): Promise<number> {
    let n = 0;
    for (const r of this.rows.values()) {
      if (r.owner !== owner) continue;
      r.owner = null;
      r.leaseUntil = 0;
      n++;
    }
    return n;
  }

  async expire(before: number, limit: number): Promise<ExpiredSmppDelivery[]> {
    const old = [...this.rows.values()].filter((r) => r.createdAt < before).sort((a, b) => a.createdAt - b.createdAt || a.id - b.id).slice(0, limit);
    for (const r of old) this.drop(r.id);
    return old.map((r) => ({ id: r.id, contentProviderId: r.contentProviderId, kind: r.kind, msisdn: r.msisdn, createdAt: r.createdAt, attempts: r.attempts }));
  }

  async count(contentProviderId?: string): Promise<number> {
    if (contentProviderId === undefined) return this.rows.size;
    let n = 0;
    for (const r of this.rows.values()) if (r.contentProviderId === contentProviderId) n++;
    return n;
  }

  async announceReceivers(q: { owner: string; contentProviderIds: readonly string[]; now: number; until: number }): Promise<void> {
    for (const [k, r] of this.receivers) if (r.owner === q.owner || r.until <= q.now) this.receivers.delete(k);
    for (const cp of q.contentProviderIds) this.receivers.set(`${q.owner}\u0000${cp}`, { owner: q.owner, cp, until: q.until });
  }

  async receiversElsewhere(owner: string, now: number): Promise<string[]> {
    const out = new Set<string>();
    for (const r of this.receivers.values()) if (r.owner !== owner && r.until > now) out.add(r.cp);
    return [...out];
  }

  private drop(id: number): void {
    const r = this.rows.get(id);
    if (!r) return;
    this.rows.delete(id);
    this.keys.delete(`${r.contentProviderId}\u0000${r.key}`);
  }

  async keepParts(parts: readonly ProviderPart[]): Promise<void> {
    for (const p of parts) {
      const k = `${p.setKey}\u0000${p.seq}`;
      if (!this.parts.has(k)) this.parts.set(k, { ...p, octets: Uint8Array.from(p.octets) });
    }
  }

  async dropParts(setKeys: readonly string[]): Promise<{ setKey: string; seq: number }[]> {
    const keys = new Set(setKeys);
    const gone: { setKey: string; seq: number }[] = [];
    for (const [k, p] of this.parts) {
      if (!keys.has(p.setKey)) continue;
      this.parts.delete(k);
      gone.push({ setKey: p.setKey, seq: p.seq });
    }
    return gone;
  }

  async takeWholeSet(setKey: string, total: number): Promise<ProviderPart[] | null> {
    const parts = [...this.parts.values()].filter((p) => p.setKey === setKey);
    if (parts.length !== total) return null;
    for (const p of parts) this.parts.delete(`${p.setKey}\u0000${p.seq}`);
    return parts.sort((a, b) => a.seq - b.seq);
  }

  async openParts(): Promise<ProviderPart[]> {
    return [...this.parts.values()].map((p) => ({ ...p, octets: Uint8Array.from(p.octets) })).sort((a, b) => a.at - b.at);
  }
}

function view(r: Row): SmppDelivery {
  return { id: r.id, contentProviderId: r.contentProviderId, kind: r.kind, key: r.key, pdu: r.pdu, msisdn: r.msisdn, createdAt: r.createdAt, dueAt: r.dueAt, attempts: r.attempts };
}
