/**
 * The one place rows enter the statutory `records` table, so that tamper evidence (hash chains) and
 * month layout can be added in one spot.
 */
import type { Db } from './db.js';
import type { RecordRow } from '../../ports/store.js';

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

export class RecordsWriter {
  private readonly insert;
  constructor(db: Db) {
    this.insert = db.prepare(
      'INSERT INTO records (id, at, kind, content_provider_id, msisdn, ref, body) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
  }
  /** Appends one record; call inside the caller's transaction. */
  append(r: NewRecord): void {
    this.insert.run(r.id, r.at, r.kind, r.contentProviderId, r.msisdn, r.ref, JSON.stringify(r.body));
  }
}
