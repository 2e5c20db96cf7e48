/** PostgreSQL adapter for MO intake and record queries (keyset pagination on seq, newest first). */
import type { AuditAction } from '../../domain/audit-actions.js';
import { randomBytes } from 'node:crypto';
import type { AuditSubject, MoPart, MoRecord, RecordArchive, RecordQuery, RecordRow, RecordStore } from '../../ports/store.js';
import type { Pool } from './db.js';
import { transaction } from './db.js';
import type { NewRecord, PgRecordsWriter } from './records-writer.js';
import type { PgCallbacks } from './callbacks.js';
import { moCallbackRow, toldMo } from '../callback-targets.js';
import { moRecordRow } from '../record-columns.js';

export class PgRecords implements RecordStore {
  /** `callbacks`: an MO told to a provider with a moUrl (`toldMo`) queues its callback with its record. */
  constructor(private readonly writer: PgRecordsWriter, readonly archive: RecordArchive, private readonly pool: Pool, private readonly callbacks: PgCallbacks) {}

  async recordMo(mo: MoRecord): Promise<void> {
    const rec: NewRecord = moRecordRow(mo);
    if (!toldMo(mo) || !this.callbacks.targets.wantsMo(mo.contentProviderId)) return this.writer.appendNow([rec]);
    const cp = mo.contentProviderId;
    await this.writer.withPartitions([mo.at], () => transaction(this.pool, async (c) => {
      await this.writer.append(c, [rec]);
      await this.callbacks.queueWith(c, [moCallbackRow(cp, mo)]);
    }));
  }

  async addMoPart(p: MoPart, expireBefore: number): Promise<MoPart[] | null> {
    return transaction(this.pool, async (c) => {
      await c.query('DELETE FROM mo_parts WHERE ctid IN (SELECT ctid FROM mo_parts WHERE at < $1 LIMIT 1000)', [expireBefore]);
      await c.query('INSERT INTO mo_parts (set_key, seq, total, text_json, at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING', [p.setKey, p.seq, p.total, JSON.stringify(p.text), p.at]);
      // Parts of one set may arrive at once on several connections (or processes): one at a time
      // per set, so the last one's count sees every other.
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [p.setKey]);
      const rows = (await c.query<{ seq: number; total: number; text_json: string; at: string }>('SELECT seq, total, text_json, at FROM mo_parts WHERE set_key = $1 ORDER BY seq', [p.setKey])).rows;
      if (rows.length < p.total) return null;
      return rows.map((r) => ({ setKey: p.setKey, seq: r.seq, total: r.total, text: JSON.parse(r.text_json) as string, at: Number(r.at) }));
    });
  }

  async expireMoParts(before: number, limit: number): Promise<number> {
    return (await this.pool.query('DELETE FROM mo_parts WHERE ctid IN (SELECT ctid FROM mo_parts WHERE at < $1 LIMIT $2)', [before, limit])).rowCount ?? 0;
  }

  async dropMoParts(setKey: string): Promise<void> {
    await this.pool.query('DELETE FROM mo_parts WHERE set_key = $1', [setKey]);
  }

  async queryRecords(q: RecordQuery): Promise<{ records: RecordRow[]; nextCursor: string | null }> {
    return this.writer.query(q);
  }

  async appendAudit(at: number, actor: string, action: AuditAction, detail: Record<string, unknown>, subject?: AuditSubject): Promise<void> {
    await this.writer.appendNow([{ id: `aud_${at.toString(36)}_${randomBytes(6).toString('hex')}`, at, kind: 'audit', contentProviderId: subject?.contentProviderId ?? null, msisdn: subject?.msisdn ?? null, ref: null, body: { actor, action, ...detail } }]);
  }
}
