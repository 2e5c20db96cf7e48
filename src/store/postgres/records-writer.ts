/**
 * The one place rows enter and leave the statutory `records` table in PostgreSQL (the twin of
 * src/store/sqlite/records-writer.ts). The table is partitioned by Asia/Shanghai calendar month;
 * before a write the writer makes sure the month partitions it needs exist, each in its own short
 * transaction (creating a partition locks the parent, which must not happen inside a busy one).
 */
import type { Client, Pool } from './db.js';
import { queries } from './db.js';
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

export interface StoredRecord extends NewRecord {
  seq: number;
}

interface Raw { seq: number; id: string; at: number; kind: RecordRow['kind']; content_provider_id: string | null; msisdn: string | null; ref: string | null; body: Record<string, unknown> }
const toStored = (r: Raw): StoredRecord => ({ seq: r.seq, id: r.id, at: r.at, kind: r.kind, contentProviderId: r.content_provider_id, msisdn: r.msisdn, ref: r.ref, body: r.body });

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** `YYYYMM` of the Asia/Shanghai calendar month holding epoch-ms `at` (China has no DST). */
export function monthKey(at: number): string {
  const d = new Date(at + SHANGHAI_OFFSET_MS);
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

const Q = queries('records', ['ensurePartition', 'appendMany', 'byRef', 'byMsisdnKind'] as const);

export class PgRecordsWriter {
  private readonly months = new Set<string>();
  constructor(private readonly pool: Pool) {}

  /** Creates the month partitions for these times if missing. Call before the transaction that appends. */
  async ensurePartitions(ats: Iterable<number>): Promise<void> {
    const need = new Map<string, number>();
    for (const at of ats) {
      const k = monthKey(at);
      if (!this.months.has(k) && !need.has(k)) need.set(k, at);
    }
    for (const [k, at] of need) {
      await this.pool.query(Q.ensurePartition, [at]);
      this.months.add(k);
    }
  }

  /** Forgets which partitions exist (after a purge dropped some). */
  forgetPartitions(): void {
    this.months.clear();
  }

  /** Appends records inside the caller's transaction (partitions must exist: see ensurePartitions). */
  async append(c: Client | Pool, rows: readonly NewRecord[]): Promise<void> {
    if (rows.length === 0) return;
    const id: string[] = [], at: number[] = [], kind: string[] = [], cp: (string | null)[] = [], ms: (string | null)[] = [], ref: (string | null)[] = [], body: string[] = [];
    for (const r of rows) {
      id.push(r.id); at.push(r.at); kind.push(r.kind); cp.push(r.contentProviderId); ms.push(r.msisdn); ref.push(r.ref); body.push(JSON.stringify(r.body));
    }
    await c.query(Q.appendMany, [id, at, kind, cp, ms, ref, body]);
  }

  /** Appends outside any caller transaction (ensures partitions first). */
  async appendNow(rows: readonly NewRecord[]): Promise<void> {
    await this.ensurePartitions(rows.map((r) => r.at));
    await this.append(this.pool, rows);
  }

  /** Every record about one message or consent, oldest first. */
  async byRef(ref: string, c: Client | Pool = this.pool): Promise<StoredRecord[]> {
    return (await c.query<Raw>(Q.byRef, [ref])).rows.map(toStored);
  }

  /** Every record of one kind about one number, oldest first. */
  async byMsisdn(msisdn: string, kind: RecordRow['kind']): Promise<StoredRecord[]> {
    return (await this.pool.query<Raw>(Q.byMsisdnKind, [msisdn, kind])).rows.map(toStored);
  }

  /** Newest first, keyset-paginated on seq (the cursor is the last seq seen, base 36). */
  async query(q: RecordQuery): Promise<{ records: RecordRow[]; nextCursor: string | null }> {
    const where: string[] = [];
    const args: unknown[] = [];
    const arg = (v: unknown) => {
      args.push(v);
      return `$${args.length}`;
    };
    if (q.msisdn) where.push(`msisdn = ${arg(q.msisdn)}`);
    if (q.contentProviderId) where.push(`content_provider_id = ${arg(q.contentProviderId)}`);
    // Bounds on `at` prune whole month partitions.
    if (q.from !== undefined) where.push(`at >= ${arg(q.from)}`);
    if (q.to !== undefined) where.push(`at < ${arg(q.to)}`);
    if (q.cursor) {
      const seq = Number.parseInt(q.cursor, 36);
      if (Number.isFinite(seq)) where.push(`seq < ${arg(seq)}`);
    }
    const sql = `SELECT seq, id, at, kind, content_provider_id, msisdn, ref, body FROM records ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ${arg(q.limit + 1)}`;
    const rows = (await this.pool.query<Raw>(sql, args)).rows.map(toStored);
    const page = rows.slice(0, q.limit);
    return {
      records: page.map((r) => ({ seq: r.seq, id: r.id, at: r.at, kind: r.kind, contentProviderId: r.contentProviderId, msisdn: r.msisdn, body: r.body })),
      nextCursor: rows.length > q.limit ? page[page.length - 1].seq.toString(36) : null,
    };
  }
}
