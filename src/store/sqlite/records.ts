/** SQLite adapter for MO intake, record queries (keyset pagination on seq, newest first) and the records archive. */
import type { MoRecord, RecordQuery, RecordRow, RecordStore } from '../../ports/store.js';
import type { RecordsWriter } from './records-writer.js';
import { SqliteRecordArchive } from './records-archive.js';

export class SqliteRecords implements RecordStore {
  private auditSeq = 0;
  readonly archive: SqliteRecordArchive;
  constructor(readonly writer: RecordsWriter) {
    this.archive = new SqliteRecordArchive(writer.db, writer);
  }

  async recordMo(mo: MoRecord): Promise<void> {
    this.writer.append({ id: mo.id, at: mo.at, kind: 'mo', contentProviderId: mo.contentProviderId, msisdn: mo.from, ref: mo.id, body: { from: mo.from, to: mo.to, text: mo.text, action: mo.action } });
  }

  async queryRecords(q: RecordQuery): Promise<{ records: RecordRow[]; nextCursor: string | null }> {
    return this.writer.query(q);
  }

  async appendAudit(at: number, actor: string, action: string, detail: Record<string, unknown>): Promise<void> {
    this.writer.append({ id: `aud_${at.toString(36)}_${process.pid.toString(36)}_${(this.auditSeq++).toString(36)}`, at, kind: 'audit', contentProviderId: null, msisdn: null, ref: null, body: { actor, action, ...detail } });
  }
}
