/**
 * The one place rows enter and leave the statutory `records` table, so that tamper evidence (hash
 * chains) and the month layout live in one spot. Other adapters never touch `records` directly.
 */
import type { Db } from './db.js';
import type { RecordQuery, RecordRow } from '../../ports/store.js';

export interface NewRecord {
  id: string;
  at: number;
  kind: RecordRow['kind'];
  contentProviderId: string | null;
  msisdn: string | null;
  /** The message or consent this record is about (for status history look-ups). */
  ref: string | null;
  body: Record<string, unknown>;
}

/** A stored record row as the adapters read it back. */
export interface StoredRecord {
  seq: number;
  id: string;
  at: number;
  kind: RecordRow['kind'];
  contentProviderId: string | null;
  msisdn: string | null;
  ref: string | null;
  body: Record<string, unknown>;
}

interface RawRecord { seq: number; id: string; at: number; kind: RecordRow['kind']; content_provider_id: string | null; msisdn: string | null; ref: string | null; body: string }
const toStored = (r: RawRecord): StoredRecord => ({ seq: r.seq, id: r.id, at: r.at, kind: r.kind, contentProviderId: r.content_provider_id, msisdn: r.msisdn, ref: r.ref, body: JSON.parse(r.body) });

export class RecordsWriter {
  private readonly insert;
  private readonly q;
  constructor(private readonly db: Db) {
    this.insert = db.prepare(
      'INSERT INTO records (id, at, kind, content_provider_id, msisdn, ref, body) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.q = {
      byRef: db.prepare('SELECT * FROM records WHERE ref = ? ORDER BY seq'),
      byMsisdnKind: db.prepare('SELECT * FROM records WHERE msisdn = ? AND kind = ? ORDER BY seq'),
    };
  }

  /** Every record about one message or consent, oldest first. */
  byRef(ref: string): StoredRecord[] {
    return (this.q.byRef.all(ref) as RawRecord[]).map(toStored);
  }

  /** Every record of one kind about one number, oldest first. */
  byMsisdn(msisdn: string, kind: RecordRow['kind']): StoredRecord[] {
    return (this.q.byMsisdnKind.all(msisdn, kind) as RawRecord[]).map(toStored);
  }

  /** Newest first, keyset-paginated on seq. */
  query(q: RecordQuery): { records: RecordRow[]; nextCursor: string | null } {
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
    const rows = (this.db.prepare(sql).all(...args, q.limit + 1) as RawRecord[]).map(toStored);
    const page = rows.slice(0, q.limit);
    return {
      records: page.map((r) => ({ seq: r.seq, id: r.id, at: r.at, kind: r.kind, contentProviderId: r.contentProviderId, msisdn: r.msisdn, body: r.body })),
      nextCursor: rows.length > q.limit ? page[page.length - 1].seq.toString(36) : null,
    };
  }
  /** Appends one record; call inside the caller's transaction. */
  append(r: NewRecord): void {
    this.insert.run(r.id, r.at, r.kind, r.contentProviderId, r.msisdn, r.ref, JSON.stringify(r.body));
  }
}
