/**
 * The one place rows enter and leave the statutory `records` table in PostgreSQL (the twin of
 * src/store/sqlite/records-writer.ts). The table is partitioned by Asia/Shanghai calendar month;
 * before a write the writer makes sure the month partitions it needs exist, each in its own short
 * transaction (creating a partition locks the parent, which must not happen inside a busy one).
 */
import { monthOf } from '../../domain/hash-chain.js';
import { derivedColumns, readBody, type NewRecord, type StoredRecord } from '../record-columns.js';
import type { Client, Pool } from './db.js';
import { queries, jsonbText } from './db.js';
import type { RecordQuery, RecordRow } from '../../ports/store.js';
import { decodeCursor, encodeCursor } from '../../domain/page-cursor.js';

export type { NewRecord, StoredRecord };

interface Raw { seq: number; id: string; at: number; kind: RecordRow['kind']; content_provider_id: string | null; msisdn: string | null; ref: string | null; body: Record<string, unknown> }
/** The derived header columns a page reads besides a stored record's. */
interface HeaderRaw { port: string | null; type: string | null; decision: string | null; rule: string | null }
const toStored = (r: Raw): StoredRecord => ({ seq: r.seq, id: r.id, at: r.at, kind: r.kind, contentProviderId: r.content_provider_id, msisdn: r.msisdn, ref: r.ref, body: readBody(r.body) });

/** `YYYYMM` of the Asia/Shanghai calendar month holding epoch-ms `at` (partition names). */
export function monthKey(at: number): string {
  return monthOf(at).replace('-', '');
}

const Q = queries('records', ['ensurePartition', 'appendMany', 'byRef', 'byRefs', 'byMsisdnKind', 'registerPipeline', 'pipelineRules', 'months'] as const);

export class PgRecordsWriter {
  private readonly months = new Set<string>();
  /** Rule lists by pipeline id: an id is its list's hash, so what this process met holds whatever became of its transaction. */
  private readonly pipelines = new Map<string, readonly string[]>();
  /** Pipeline ids known to have their row: registered by a transaction that committed, or read from it. */
  private readonly stored = new Set<string>();
  constructor(private readonly pool: Pool) {}

  /**
   * Registers an ordered rule list (idempotent across processes) in the caller's transaction, unless
   * its row is known to be there; MT records refer to it by id. Returns whether it sent the insert:
   * the caller then calls `registered` once that transaction has committed. Taken as stored at once,
   * a list first met in a transaction that rolled back (its key in use, a failed decision) was never
   * registered again, and every later record of it named a pipeline row that did not exist.
   */
  async registerPipeline(c: Client | Pool, id: string, rules: readonly string[]): Promise<boolean> {
    this.pipelines.set(id, rules);
    if (this.stored.has(id)) return false;
    await c.query(Q.registerPipeline, [id, JSON.stringify(rules)]);
    return true;
  }

  /** A rule list whose registering transaction committed: its insert is not sent again by this process. */
  registered(id: string): void {
    this.stored.add(id);
  }

  /** The rule list of a pipeline id, or null when unknown. */
  async rulesOf(id: string): Promise<readonly string[] | null> {
    let r = this.pipelines.get(id);
    if (!r) {
      const row = (await this.pool.query<{ rules: string[] }>(Q.pipelineRules, [id])).rows[0];
      if (!row) return null;
      r = row.rules;
      this.pipelines.set(id, r);
      this.stored.add(id);
    }
    return r;
  }

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

  /**
   * Runs `fn` (a transaction that appends records at `ats`) after making sure their month partitions
   * exist. If another process purged one of those months since this one cached it, the insert finds
   * no partition: forget the cache, create it again, and run `fn` once more (it rolled back).
   */
  async withPartitions<T>(ats: Iterable<number>, fn: () => Promise<T>): Promise<T> {
    const list = [...ats];
    await this.ensurePartitions(list);
    try {
      return await fn();
    } catch (e) {
      if ((e as { code?: string }).code !== '23514' || !/no partition/i.test((e as Error).message)) throw e;
      this.months.clear();
      await this.ensurePartitions(list);
      return fn();
    }
  }

  /** Forgets which partitions exist (after a purge dropped some). */
  forgetPartitions(): void {
    this.months.clear();
  }

  /** The month partitions that exist, oldest first (`YYYYMM`). */
  async partitionMonths(): Promise<string[]> {
    return (await this.pool.query<{ name: string }>(Q.months)).rows.map((r) => r.name.replace(/^records_/, '')).filter((m) => /^\d{6}$/.test(m));
  }

  /**
   * The statutory purge of one month: DETACH the partition (the month leaves every query at once),
   * then DROP it — no DELETE, no dead tuples, no vacuum debt, whatever the month's size. Returns
   * false when the month has no partition. Low level: the statutory purge is the archive's
   * `purgeMonth` (records-archive.ts), which first carries held records and those of live
   * relationships into the retained chain and drops the month's chain links with it.
   */
  async dropMonth(month: string): Promise<boolean> {
    if (!/^\d{6}$/.test(month)) throw new Error(`month must be YYYYMM: ${month}`);
    const name = `records_${month}`;
    const c = await this.pool.connect();
    try {
      const exists = (await c.query<{ r: string | null }>('SELECT to_regclass($1)::text AS r', [name])).rows[0].r;
      if (!exists) return false;
      await c.query(`ALTER TABLE records DETACH PARTITION ${name}`);
      await c.query(`DROP TABLE ${name}`);
      // Its chain goes with it: a late record that brings the month back starts it from its genesis.
      await c.query(`DROP TABLE IF EXISTS records_links_${month}`);
      await c.query('UPDATE records_months SET purged_at = $2 WHERE month = $1', [`${month.slice(0, 4)}-${month.slice(4)}`, Date.now()]);
      this.months.delete(month);
      return true;
    } finally {
      c.release();
    }
  }

  /** The column arrays of an `unnest` insert of these records (derived filter columns included). */
  columns(rows: readonly NewRecord[]): unknown[] {
    const id: string[] = [], at: number[] = [], kind: string[] = [], cp: (string | null)[] = [], ms: (string | null)[] = [], ref: (string | null)[] = [], body: string[] = [];
    const port: (string | null)[] = [], type: (string | null)[] = [], decision: (string | null)[] = [], rule: (string | null)[] = [];
    for (const r of rows) {
      id.push(r.id); at.push(r.at); kind.push(r.kind); cp.push(r.contentProviderId); ms.push(r.msisdn); ref.push(r.ref); body.push(jsonbText(r.body));
      // Registered before the append (same transaction), so the cache has it.
      const d = derivedColumns(r.kind, r.body, (pl) => this.pipelines.get(pl));
      port.push(d[0]); type.push(d[1]); decision.push(d[2]); rule.push(d[3]);
    }
    return [id, at, kind, cp, ms, ref, body, port, type, decision, rule];
  }

  /** Appends records inside the caller's transaction (partitions must exist: see ensurePartitions). */
  async append(c: Client | Pool, rows: readonly NewRecord[]): Promise<void> {
    if (rows.length === 0) return;
    await c.query(Q.appendMany, this.columns(rows));
  }

  /** Appends outside any caller transaction (ensures partitions first). */
  async appendNow(rows: readonly NewRecord[]): Promise<void> {
    await this.withPartitions(rows.map((r) => r.at), () => this.append(this.pool, rows));
  }

  /** Every record about one message or consent, oldest first. */
  async byRef(ref: string, c: Client | Pool = this.pool): Promise<StoredRecord[]> {
    return (await c.query<Raw>(Q.byRef, [ref])).rows.map(toStored);
  }

  /** {@link byRef} for several refs at once (a page of the message list), oldest first. */
  async byRefs(refs: readonly string[]): Promise<StoredRecord[]> {
    if (refs.length === 0) return [];
    return (await this.pool.query<Raw>(Q.byRefs, [refs])).rows.map(toStored);
  }

  /** Every record of one kind about one number, oldest first. */
  async byMsisdn(msisdn: string, kind: RecordRow['kind']): Promise<StoredRecord[]> {
    return (await this.pool.query<Raw>(Q.byMsisdnKind, [msisdn, kind])).rows.map(toStored);
  }

  /** Newest first, keyset-paginated on seq (the cursor is the last seq seen, src/domain/page-cursor.ts); retained records included. */
  async query(q: RecordQuery): Promise<{ records: RecordRow[]; nextCursor: string | null }> {
    const where: string[] = [];
    const args: unknown[] = [];
    const arg = (v: unknown) => {
      args.push(v);
      return `$${args.length}`;
    };
    if (q.msisdn) where.push(`msisdn = ${arg(q.msisdn)}`);
    if (q.contentProviderId) where.push(`content_provider_id = ${arg(q.contentProviderId)}`);
    if (q.contentProviderIds) {
      if (q.contentProviderIds.length === 0) return { records: [], nextCursor: null };
      where.push(`content_provider_id = ANY(${arg(q.contentProviderIds)}::text[])`);
    }
    if (q.port) where.push(`port = ${arg(q.port)}`);
    if (q.kind) where.push(`kind = ${arg(q.kind)}`);
    if (q.type) where.push(`type = ${arg(q.type)}`);
    if (q.decision) where.push(`decision = ${arg(q.decision)}`);
    if (q.rule) where.push(`rule = ${arg(q.rule)}`);
    // Bounds on `at` prune whole month partitions.
    if (q.from !== undefined) where.push(`at >= ${arg(q.from)}`);
    if (q.to !== undefined) where.push(`at < ${arg(q.to)}`);
    if (q.cursor) where.push(`seq < ${arg(decodeCursor(q.cursor))}`);
    // The header columns come with the row (no second read): the item says what the filters match.
    const sql = `SELECT seq, id, at, kind, content_provider_id, msisdn, ref, port, type, decision, rule, body FROM records_all ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ${arg(q.limit + 1)}`;
    const rows = (await this.pool.query<Raw & HeaderRaw>(sql, args)).rows;
    const page = rows.slice(0, q.limit);
    return {
      records: page.map((r) => ({ ...toStored(r), port: r.port, type: r.type, decision: r.decision, rule: r.rule })),
      nextCursor: rows.length > q.limit ? encodeCursor(page[page.length - 1].seq) : null,
    };
  }
}
