/** PostgreSQL adapter for consents, opt-outs and the do-not-disturb list; every change is also a subscription record, in the same transaction. */
import { randomBytes } from 'node:crypto';
import type { Pool } from './db.js';
import { queries, transaction } from './db.js';
import type { ConsentRow, ConsentStore, SubscriptionEvent } from '../../ports/store.js';
import type { NewRecord, PgRecordsWriter } from './records-writer.js';

const Q = queries('consents', ['insertConsent', 'getConsent', 'withdraw', 'optOut', 'isOptedOut', 'addDnd'] as const);

interface ConsentDb { id: string; content_provider_id: string; msisdn: string; category: string; freq_count: number; freq_per: ConsentRow['frequency']['per']; granted_at: number; expires_at: number; channel: string; proof: Record<string, unknown>; withdrawn_at: number | null }
const toRow = (r: ConsentDb): ConsentRow => ({
  id: r.id, contentProviderId: r.content_provider_id, msisdn: r.msisdn, category: r.category,
  frequency: { count: r.freq_count, per: r.freq_per }, grantedAt: r.granted_at, expiresAt: r.expires_at,
  channel: r.channel as ConsentRow['channel'], proof: r.proof, withdrawnAt: r.withdrawn_at,
});

/** Subscription record ids: unique across processes without coordination. */
function subId(at: number): string {
  return `sub_${at.toString(36)}_${randomBytes(6).toString('hex')}`;
}

function event(e: Omit<SubscriptionEvent, 'id'>, ref: string | null): NewRecord {
  return { id: subId(e.at), at: e.at, kind: 'subscription', contentProviderId: e.contentProviderId, msisdn: e.msisdn, ref, body: { event: e.kind, channel: e.channel, evidence: e.evidence } };
}

export class PgConsents implements ConsentStore {
  constructor(private readonly pool: Pool, private readonly records: PgRecordsWriter) {}

  async grantConsent(row: ConsentRow): Promise<void> {
    await this.records.ensurePartitions([row.grantedAt]);
    await transaction(this.pool, async (c) => {
      await c.query(Q.insertConsent, [row.id, row.contentProviderId, row.msisdn, row.category, row.frequency.count, row.frequency.per, row.grantedAt, row.expiresAt, row.channel, JSON.stringify(row.proof)]);
      await this.records.append(c, [event({ at: row.grantedAt, kind: 'consent_granted', contentProviderId: row.contentProviderId, msisdn: row.msisdn, channel: row.channel, evidence: { consentId: row.id, category: row.category, frequency: row.frequency, expiresAt: new Date(row.expiresAt).toISOString(), proof: row.proof } }, row.id)]);
    });
  }

  async getConsent(id: string): Promise<ConsentRow | null> {
    const r = (await this.pool.query<ConsentDb>(Q.getConsent, [id])).rows[0];
    return r ? toRow(r) : null;
  }

  async withdrawConsent(id: string, contentProviderId: string, at: number, channel: string): Promise<boolean> {
    await this.records.ensurePartitions([at]);
    return transaction(this.pool, async (c) => {
      const r = (await c.query<{ msisdn: string; category: string }>(Q.withdraw, [id, contentProviderId, at])).rows[0];
      if (!r) return false;
      await this.records.append(c, [event({ at, kind: 'consent_withdrawn', contentProviderId, msisdn: r.msisdn, channel, evidence: { consentId: id, category: r.category } }, id)]);
      return true;
    });
  }

  async optOut(contentProviderId: string, msisdn: string, at: number, channel: string, evidence: Record<string, unknown>): Promise<void> {
    await this.records.ensurePartitions([at]);
    await transaction(this.pool, async (c) => {
      await c.query(Q.optOut, [contentProviderId, msisdn, at]);
      await this.records.append(c, [event({ at, kind: 'opt_out', contentProviderId, msisdn, channel, evidence }, null)]);
    });
  }

  async isOptedOut(contentProviderId: string, msisdn: string): Promise<boolean> {
    return ((await this.pool.query(Q.isOptedOut, [contentProviderId, msisdn])).rowCount ?? 0) > 0;
  }

  async addDnd(msisdns: string[], at: number, actor: string, source: string): Promise<number> {
    if (msisdns.length === 0) return 0;
    await this.records.ensurePartitions([at]);
    return transaction(this.pool, async (c) => {
      const added = (await c.query<{ msisdn: string }>(Q.addDnd, [msisdns, at, source])).rows.map((r) => r.msisdn);
      // Records in input order, as the SQLite adapter writes them.
      const set = new Set(added);
      const order = [...new Set(msisdns)].filter((m) => set.has(m));
      await this.records.append(c, order.map((m) => event({ at, kind: 'dnd_added', contentProviderId: null, msisdn: m, channel: 'admin', evidence: { actor, source } }, null)));
      return added.length;
    });
  }

  async subscriptionEvents(msisdn: string, contentProviderId?: string): Promise<SubscriptionEvent[]> {
    return (await this.records.byMsisdn(msisdn, 'subscription'))
      .filter((r) => !contentProviderId || r.contentProviderId === contentProviderId || r.contentProviderId === null)
      .map((r) => {
        const b = r.body as { event: SubscriptionEvent['kind']; channel: string; evidence: Record<string, unknown> };
        return { id: r.id, at: r.at, kind: b.event, contentProviderId: r.contentProviderId, msisdn, channel: b.channel, evidence: b.evidence };
      });
  }
}
