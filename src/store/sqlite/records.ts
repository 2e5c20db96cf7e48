/** SQLite adapter for MO intake, record queries (keyset pagination on seq, newest first) and the records archive. */
import type { AuditAction } from '../../domain/audit-actions.js';
import type { AuditSubject, MoPart, MoRecord, RecordQuery, RecordRow, RecordStore } from '../../ports/store.js';
import type { Statement } from 'better-sqlite3';
import type { RecordsWriter } from './records-writer.js';
import { SqliteRecordArchive } from './records-archive.js';
import type { SqliteCallbacks } from './callbacks.js';
import { moCallbackRow, toldMo } from '../callback-targets.js';
import { moRecordRow } from '../record-columns.js';

export class SqliteRecords implements RecordStore {
  private auditSeq = 0;
  private moParts?: { add: Statement; count: Statement; all: Statement; drop: Statement; expireSome: Statement };
  readonly archive: SqliteRecordArchive;
  /** `callbacks`: an MO told to a provider with a moUrl (`toldMo`) queues its callback with its record. */
  constructor(readonly writer: RecordsWriter, private readonly callbacks: SqliteCallbacks) {
    this.archive = new SqliteRecordArchive(writer.db, writer);
  }

  async recordMo(mo: MoRecord): Promise<void> {
    const append = () => this.writer.append(moRecordRow(mo));
    if (!toldMo(mo) || !this.callbacks.targets.wantsMo(mo.contentProviderId)) return void append();
    const cp = mo.contentProviderId;
    this.writer.db.transaction(() => {
      append();
      this.callbacks.queueInTransaction([moCallbackRow(cp, mo)]);
    })();
  }

  async addMoPart(p: MoPart, expireBefore: number): Promise<MoPart[] | null> {
    const db = this.writer.db;
    const q = this.moPartStatements();
    return db.transaction(() => {
      q.expireSome.run(expireBefore, 1000);
      q.add.run(p.setKey, p.seq, p.total, JSON.stringify(p.text), p.at);
      if ((q.count.get(p.setKey) as number) < p.total) return null;
      return (q.all.all(p.setKey) as { seq: number; total: number; text_json: string; at: number }[]).map((r) => ({ setKey: p.setKey, seq: r.seq, total: r.total, text: JSON.parse(r.text_json) as string, at: r.at }));
    })();
  }

  async expireMoParts(before: number, limit: number): Promise<number> {
    return this.moPartStatements().expireSome.run(before, limit).changes;
  }

  async dropMoParts(setKey: string): Promise<void> {
    this.moPartStatements().drop.run(setKey);
  }

  /** Prepared on first use: most gateways never see a long MO. */
  private moPartStatements() {
    const db = this.writer.db;
    return (this.moParts ??= {
      expireSome: db.prepare('DELETE FROM mo_parts WHERE (set_key, seq) IN (SELECT set_key, seq FROM mo_parts WHERE at < ? LIMIT ?)'),
      add: db.prepare('INSERT OR IGNORE INTO mo_parts (set_key, seq, total, text_json, at) VALUES (?, ?, ?, ?, ?)'),
      count: db.prepare('SELECT count(*) FROM mo_parts WHERE set_key = ?').pluck(),
      all: db.prepare('SELECT seq, total, text_json, at FROM mo_parts WHERE set_key = ? ORDER BY seq'),
      drop: db.prepare('DELETE FROM mo_parts WHERE set_key = ?'),
    });
  }

  async queryRecords(q: RecordQuery): Promise<{ records: RecordRow[]; nextCursor: string | null }> {
    return this.writer.query(q);
  }

  async appendAudit(at: number, actor: string, action: AuditAction, detail: Record<string, unknown>, subject?: AuditSubject): Promise<void> {
    this.writer.append({ id: `aud_${at.toString(36)}_${process.pid.toString(36)}_${(this.auditSeq++).toString(36)}`, at, kind: 'audit', contentProviderId: subject?.contentProviderId ?? null, msisdn: subject?.msisdn ?? null, ref: null, body: { actor, action, ...detail } });
  }
}
