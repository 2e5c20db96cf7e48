/** SQLite adapter for consents, opt-outs and the do-not-disturb list; every change is also a subscription record. */
import type { Db } from './db.js';
import type { ConsentRow, ConsentStore, SubscriptionEvent } from '../../ports/store.js';
import type { RecordsWriter } from './records-writer.js';

interface ConsentDb { id: string; content_provider_id: string; msisdn: string; category: string; freq_count: number; freq_per: ConsentRow['frequency']['per']; granted_at: number; expires_at: number; channel: string; proof: string; withdrawn_at: number | null }
const toRow = (r: ConsentDb): ConsentRow => ({
  id: r.id, contentProviderId: r.content_provider_id, msisdn: r.msisdn, category: r.category,
  frequency: { count: r.freq_count, per: r.freq_per }, grantedAt: r.granted_at, expiresAt: r.expires_at,
  channel: r.channel as ConsentRow['channel'], proof: JSON.parse(r.proof), withdrawnAt: r.withdrawn_at,
});

export class SqliteConsents implements ConsentStore {
  private seq = 0;
  constructor(private readonly db: Db, private readonly records: RecordsWriter) {}

  private event(e: Omit<SubscriptionEvent, 'id'>, ref: string | null): void {
    this.records.append({
      id: `sub_${e.at.toString(36)}_${(this.seq++).toString(36)}`,
      at: e.at, kind: 'subscription', contentProviderId: e.contentProviderId, msisdn: e.msisdn, ref,
      body: { event: e.kind, channel: e.channel, evidence: e.evidence },
    });
  }

  async grantConsent(row: ConsentRow): Promise<void> {
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO consents (id, content_provider_id, msisdn, category, freq_count, freq_per, granted_at, expires_at, channel, proof, withdrawn_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)')
        .run(row.id, row.contentProviderId, row.msisdn, row.category, row.frequency.count, row.frequency.per, row.grantedAt, row.expiresAt, row.channel, JSON.stringify(row.proof));
      this.event({ at: row.grantedAt, kind: 'consent_granted', contentProviderId: row.contentProviderId, msisdn: row.msisdn, channel: row.channel, evidence: { consentId: row.id, category: row.category, frequency: row.frequency, expiresAt: new Date(row.expiresAt).toISOString(), proof: row.proof } }, row.id);
    })();
  }

  async getConsent(id: string): Promise<ConsentRow | null> {
    const r = this.db.prepare('SELECT * FROM consents WHERE id = ?').get(id) as ConsentDb | undefined;
    return r ? toRow(r) : null;
  }

  async withdrawConsent(id: string, contentProviderId: string, at: number, channel: string): Promise<boolean> {
    return this.db.transaction(() => {
      const r = this.db.prepare('SELECT * FROM consents WHERE id = ? AND content_provider_id = ? AND withdrawn_at IS NULL').get(id, contentProviderId) as ConsentDb | undefined;
      if (!r) return false;
      this.db.prepare('UPDATE consents SET withdrawn_at = ? WHERE id = ?').run(at, id);
      this.event({ at, kind: 'consent_withdrawn', contentProviderId, msisdn: r.msisdn, channel, evidence: { consentId: id, category: r.category } }, id);
      return true;
    })();
  }

  async optOut(contentProviderId: string, msisdn: string, at: number, channel: string, evidence: Record<string, unknown>): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('INSERT INTO optouts (content_provider_id, msisdn, at) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET at = excluded.at').run(contentProviderId, msisdn, at);
      this.event({ at, kind: 'opt_out', contentProviderId, msisdn, channel, evidence }, null);
    })();
  }

  async isOptedOut(contentProviderId: string, msisdn: string): Promise<boolean> {
    return this.db.prepare('SELECT 1 FROM optouts WHERE content_provider_id = ? AND msisdn = ?').get(contentProviderId, msisdn) !== undefined;
  }

  async addDnd(msisdns: string[], at: number, actor: string, source: string): Promise<number> {
    return this.db.transaction(() => {
      const ins = this.db.prepare('INSERT INTO dnd (msisdn, at, source) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
      let added = 0;
      for (const m of msisdns) {
        if (ins.run(m, at, source).changes > 0) {
          added++;
          this.event({ at, kind: 'dnd_added', contentProviderId: null, msisdn: m, channel: 'admin', evidence: { actor, source } }, null);
        }
      }
      return added;
    })();
  }

  async subscriptionEvents(msisdn: string, contentProviderId?: string): Promise<SubscriptionEvent[]> {
    return this.records
      .byMsisdn(msisdn, 'subscription')
      .filter((r) => !contentProviderId || r.contentProviderId === contentProviderId || r.contentProviderId === null)
      .map((r) => {
        const b = r.body as { event: SubscriptionEvent['kind']; channel: string; evidence: Record<string, unknown> };
        return { id: r.id, at: r.at, kind: b.event, contentProviderId: r.contentProviderId, msisdn, channel: b.channel, evidence: b.evidence };
      });
  }
}
