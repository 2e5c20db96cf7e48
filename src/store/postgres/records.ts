/** PostgreSQL adapter for MO intake and record queries (keyset pagination on seq, newest first). */
import { randomBytes } from 'node:crypto';
import type { MoRecord, RecordArchive, RecordQuery, RecordRow, RecordStore } from '../../ports/store.js';
import type { PgRecordsWriter } from './records-writer.js';

export class PgRecords implements RecordStore {
  constructor(private readonly writer: PgRecordsWriter, readonly archive: RecordArchive) {}

  async recordMo(mo: MoRecord): Promise<void> {
    await this.writer.appendNow([{ id: mo.id, at: mo.at, kind: 'mo', contentProviderId: mo.contentProviderId, msisdn: mo.from, ref: mo.id, body: { from: mo.from, to: mo.to, text: mo.text, action: mo.action } }]);
  }

  async queryRecords(q: RecordQuery): Promise<{ records: RecordRow[]; nextCursor: string | null }> {
    return this.writer.query(q);
  }

  async appendAudit(at: number, actor: string, action: string, detail: Record<string, unknown>): Promise<void> {
    await this.writer.appendNow([{ id: `aud_${at.toString(36)}_${randomBytes(6).toString('hex')}`, at, kind: 'audit', contentProviderId: null, msisdn: null, ref: null, body: { actor, action, ...detail } }]);
  }
}
