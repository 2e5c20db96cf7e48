/** SQLite adapter for MO intake and record queries (keyset pagination on seq, newest first). */
import type { Db } from './db.js';
import type { MoRecord, RecordQuery, RecordRow, RecordStore } from '../../ports/store.js';
import type { RecordsWriter } from './records-writer.js';

export class SqliteRecords implements RecordStore {
  private auditSeq = 0;
  constructor(private readonly db: Db, private readonly writer: RecordsWriter) {}

  async recordMo(mo: MoRecord): Promise<void> {
    this.writer.append({ id: mo.id, at: mo.at, kind: 'mo', contentProviderId: mo.contentProviderId, msisdn: mo.from, ref: mo.id, body: { from: mo.from, to: mo.to, text: mo.text, action: mo.action } });
  }

  async queryRecords(q: RecordQuery): Promise<{ records: RecordRow[]; nextCursor: string | null }> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.msisdn) { where.push('msisdn = ?'); args.push(q.msisdn); }
    if (q.contentProviderId) { where.push('content_provider_id = ?'); args.push(q.contentProviderId); }
    if (q.from !== undefined) { where.push('at >= ?'); args.push(q.from); }
    if (q.to !== undefined) { where.push('at < ?'); args.push(q.to); }
    if (q.cursor) {
      const seq = Number.parseInt(q.cursor, 36);
      if (Number.isFinite(seq)) { where.push('seq < ?'); args.push(seq); }
    }
    const sql = `SELECT * FROM records ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...args, q.limit + 1) as { seq: number; id: string; at: number; kind: RecordRow['kind']; content_provider_id: string | null; msisdn: string | null; body: string }[];
    const page = rows.slice(0, q.limit);
    return {
      records: page.map((r) => ({ seq: r.seq, id: r.id, at: r.at, kind: r.kind, contentProviderId: r.content_provider_id, msisdn: r.msisdn, body: JSON.parse(r.body) })),
      nextCursor: rows.length > q.limit ? page[page.length - 1].seq.toString(36) : null,
    };
  }

  async appendAudit(at: number, actor: string, action: string, detail: Record<string, unknown>): Promise<void> {
    this.writer.append({ id: `aud_${at.toString(36)}_${(this.auditSeq++).toString(36)}`, at, kind: 'audit', contentProviderId: null, msisdn: null, ref: null, body: { actor, action, ...detail } });
  }
}
