/**
 * PostgreSQL adapter for complaint cases, their event trail and measures, credit-file entries and
 * monthly volume (migration 051). A transition is one conditional UPDATE (`WHERE state = expected`)
 * plus its event in one transaction: under concurrency exactly one of two movers sees its row change.
 */
import type { Pool } from './db.js';
import { isUniqueViolation, queries, transaction, jsonbText } from './db.js';
import { SmsguardError } from '../../domain/errors.js';
import { decodeCursor, encodeCursor } from '../../domain/page-cursor.js';
import { knownCreditSummary } from '../../domain/credit-summary.js';
import type { CaseCounts, CaseEventRow, CaseFilter, CasePatch, CaseRow, ComplaintsStore, CreditEntryRow, CreditFilter, CreditWithdrawal, MeasureRow, VolumeRow } from '../../ports/cases.js';
import { OWED_DEADLINE_SQL } from '../../ports/cases.js';
import type { CaseState } from '../../domain/case.js';
import { CASE_COLUMNS, CASE_KEYS } from '../case-rows.js';
import type { Client } from './db.js';
import type { PgRecordsWriter } from './records-writer.js';
import { creditWithdrawRecord } from '../credit-audit.js';

type Raw = Record<string, unknown>;

const Q = queries('cases', ['insertEvent', 'byId', 'byRef', 'byExt', 'events', 'insertMeasure', 'overdue', 'escalatedOverdue', 'casesOf', 'countCasesOf', 'insertCredit', 'creditById', 'publish', 'withdraw', 'addVolume', 'volume', 'rejectedBy'] as const);

const INSERT_CASE = `INSERT INTO cases (${CASE_KEYS.map((k) => CASE_COLUMNS[k]).join(', ')}) VALUES (${CASE_KEYS.map((_, i) => `$${i + 1}`).join(', ')})`;

function toCase(r: Raw): CaseRow {
  const out: Record<string, unknown> = {};
  for (const k of CASE_KEYS) out[k] = r[CASE_COLUMNS[k]] ?? null;
  return out as unknown as CaseRow;
}
const toDbValue = (k: keyof CaseRow, v: unknown): unknown => (k === 'evidence' ? jsonbText(v ?? {}) : v ?? null);

const toEvent = (r: Raw): CaseEventRow => ({
  id: r.id as string, caseId: r.case_id as string, at: r.at as number, kind: r.kind as CaseEventRow['kind'],
  fromState: (r.from_state as CaseState | null) ?? null, toState: (r.to_state as CaseState | null) ?? null,
  actor: r.actor as CaseEventRow['actor'], actorId: r.actor_id as string, reason: (r.reason as string | null) ?? null,
  detail: r.detail as Record<string, unknown>,
});
const toMeasure = (r: Raw): MeasureRow => ({
  id: r.id as string, caseId: r.case_id as string, contentProviderId: (r.content_provider_id as string | null) ?? null,
  kind: r.kind as MeasureRow['kind'], at: r.at as number, actorId: r.actor_id as string, detail: r.detail as Record<string, unknown>,
});
const toCredit = (r: Raw): CreditEntryRow => ({
  id: r.id as string, subjectType: r.subject_type as CreditEntryRow['subjectType'], subjectId: r.subject_id as string,
  kind: r.kind as CreditEntryRow['kind'], at: r.at as number, actorId: r.actor_id as string,
  amountYuan: (r.amount_yuan as number | null) ?? null, notes: (r.notes as string | null) ?? null,
  publicSummary: r.public_summary as string, summaryTemplate: knownCreditSummary(r.summary_template),
  evidence: r.evidence as Record<string, unknown>,
  dedupKey: (r.dedup_key as string | null) ?? null, publishedAt: (r.published_at as number | null) ?? null,
  publishedBy: (r.published_by as string | null) ?? null,
  withdrawal: r.withdrawn_at === null || r.withdrawn_at === undefined ? null : { at: Number(r.withdrawn_at), by: r.withdrawn_by as string, reason: r.withdrawn_reason as string },
});

/** Builds `WHERE …` with numbered parameters. */
class Where {
  readonly parts: string[] = [];
  readonly args: unknown[] = [];
  arg(v: unknown): string {
    this.args.push(v);
    return `$${this.args.length}`;
  }
  add(sql: string): void {
    this.parts.push(sql);
  }
  toString(): string {
    return this.parts.length ? `WHERE ${this.parts.join(' AND ')}` : '';
  }
}

export class PgCases implements ComplaintsStore {
  constructor(private readonly pool: Pool, private readonly records: PgRecordsWriter) {}

  private insertEvent(c: Client | Pool, e: CaseEventRow): Promise<unknown> {
    return c.query(Q.insertEvent, [e.id, e.caseId, e.at, e.kind, e.fromState, e.toState, e.actor, e.actorId, e.reason, jsonbText(e.detail)]);
  }

  async createCase(row: CaseRow, created: CaseEventRow, more: readonly CaseEventRow[] = []): Promise<void> {
    try {
      await transaction(this.pool, async (c) => {
        await c.query(INSERT_CASE, CASE_KEYS.map((k) => toDbValue(k, row[k])));
        await this.insertEvent(c, created);
        for (const e of more) await this.insertEvent(c, e);
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new SmsguardError('conflict', 'a case with this reference already exists');
      throw e;
    }
  }

  async getCase(id: string): Promise<CaseRow | null> {
    const r = (await this.pool.query(Q.byId, [id])).rows[0];
    return r ? toCase(r) : null;
  }

  async getCaseByReference(reference: string): Promise<CaseRow | null> {
    const r = (await this.pool.query(Q.byRef, [reference])).rows[0];
    return r ? toCase(r) : null;
  }

  async getCaseByExternalRef(externalRef: string): Promise<CaseRow | null> {
    const r = (await this.pool.query(Q.byExt, [externalRef])).rows[0];
    return r ? toCase(r) : null;
  }

  async listCases(f: CaseFilter): Promise<{ cases: CaseRow[]; nextCursor: string | null }> {
    const w = new Where();
    if (f.states?.length) w.add(`state = ANY(${w.arg(f.states)}::text[])`);
    if (f.contentProviderId) w.add(`content_provider_id = ${w.arg(f.contentProviderId)}`);
    if (f.providersIn !== undefined) w.add(`content_provider_id = ANY(${w.arg(f.providersIn)}::text[])`);
    if (f.msisdn) w.add(`msisdn = ${w.arg(f.msisdn)}`);
    if (f.externalRef !== undefined) w.add(`external_ref = ${w.arg(f.externalRef)}`);
    if (f.deadline) w.add(`(${OWED_DEADLINE_SQL}) ${f.deadline.overdue ? '<=' : '>'} ${w.arg(f.deadline.at)}`);
    if (f.from !== undefined) w.add(`created_at >= ${w.arg(f.from)}`);
    if (f.to !== undefined) w.add(`created_at < ${w.arg(f.to)}`);
    if (f.cursor) w.add(`seq < ${w.arg(decodeCursor(f.cursor))}`);
    const sql = `SELECT * FROM cases ${w} ORDER BY seq DESC LIMIT ${w.arg(f.limit + 1)}`;
    const rows = (await this.pool.query(sql, w.args)).rows as Raw[];
    const page = rows.slice(0, f.limit);
    return { cases: page.map(toCase), nextCursor: rows.length > f.limit ? encodeCursor(page[page.length - 1].seq as number) : null };
  }

  async transition(id: string, expectState: CaseState, patch: CasePatch, event: CaseEventRow, at: number): Promise<boolean> {
    const keys = (Object.keys(patch) as (keyof CasePatch)[]).filter((k) => patch[k] !== undefined);
    const args: unknown[] = keys.map((k) => toDbValue(k, patch[k]));
    const sets = [...keys.map((k, i) => `${CASE_COLUMNS[k]} = $${i + 1}`), `updated_at = $${keys.length + 1}`];
    args.push(at, id, expectState);
    const sql = `UPDATE cases SET ${sets.join(', ')} WHERE id = $${keys.length + 2} AND state = $${keys.length + 3}`;
    return transaction(this.pool, async (c) => {
      const r = await c.query(sql, args);
      if (r.rowCount !== 1) return false;
      await this.insertEvent(c, event);
      return true;
    });
  }

  async appendEvent(event: CaseEventRow): Promise<void> {
    await this.insertEvent(this.pool, event);
  }

  async events(caseId: string): Promise<CaseEventRow[]> {
    return (await this.pool.query(Q.events, [caseId])).rows.map(toEvent);
  }

  async addMeasure(m: MeasureRow): Promise<void> {
    await this.pool.query(Q.insertMeasure, [m.id, m.caseId, m.contentProviderId, m.kind, m.at, m.actorId, jsonbText(m.detail)]);
  }

  async measures(f: { caseId?: string; contentProviderId?: string; from?: number; to?: number }): Promise<MeasureRow[]> {
    const w = new Where();
    if (f.caseId) w.add(`case_id = ${w.arg(f.caseId)}`);
    if (f.contentProviderId) w.add(`content_provider_id = ${w.arg(f.contentProviderId)}`);
    if (f.from !== undefined) w.add(`at >= ${w.arg(f.from)}`);
    if (f.to !== undefined) w.add(`at < ${w.arg(f.to)}`);
    return (await this.pool.query(`SELECT * FROM case_measures ${w} ORDER BY seq`, w.args)).rows.map(toMeasure);
  }

  async overdue(now: number, limit: number): Promise<CaseRow[]> {
    return (await this.pool.query(Q.overdue, [now, limit])).rows.map(toCase);
  }

  async escalatedOverdue(now: number, limit: number): Promise<CaseRow[]> {
    return (await this.pool.query(Q.escalatedOverdue, [now, limit])).rows.map(toCase);
  }

  async countCasesOf(contentProviderId: string, from: number, to: number): Promise<CaseCounts> {
    const r = (await this.pool.query<Omit<CaseCounts, 'confirmedComplainants'> & { confirmed_complainants: number }>(Q.countCasesOf, [contentProviderId, from, to])).rows[0];
    return { total: r.total, counted: r.counted, confirmed: r.confirmed, complainants: r.complainants, confirmedComplainants: r.confirmed_complainants };
  }

  async casesOf(contentProviderId: string, from: number, to: number): Promise<CaseRow[]> {
    return (await this.pool.query(Q.casesOf, [contentProviderId, from, to])).rows.map(toCase);
  }

  async addEntry(e: CreditEntryRow): Promise<boolean> {
    const r = await this.pool.query(Q.insertCredit, [e.id, e.subjectType, e.subjectId, e.kind, e.at, e.actorId, e.amountYuan, e.notes, e.publicSummary, e.summaryTemplate ? jsonbText(e.summaryTemplate) : null, jsonbText(e.evidence), e.dedupKey, e.publishedAt, e.publishedBy]);
    return r.rowCount === 1;
  }

  async getEntry(id: string): Promise<CreditEntryRow | null> {
    const r = (await this.pool.query(Q.creditById, [id])).rows[0];
    return r ? toCredit(r) : null;
  }

  async listEntries(f: CreditFilter): Promise<{ entries: CreditEntryRow[]; nextCursor: string | null }> {
    const w = new Where();
    if (f.subjectId) w.add(`subject_id = ${w.arg(f.subjectId)}`);
    if (f.kinds?.length) w.add(`kind = ANY(${w.arg(f.kinds)}::text[])`);
    if (f.providersIn !== undefined) w.add(`(subject_type = 'operator' OR (subject_type = 'content-provider' AND subject_id = ANY(${w.arg(f.providersIn)}::text[])))`);
    if (f.from !== undefined) w.add(`at >= ${w.arg(f.from)}`);
    if (f.to !== undefined) w.add(`at < ${w.arg(f.to)}`);
    if (f.cursor) w.add(`seq < ${w.arg(decodeCursor(f.cursor))}`);
    if (f.publishedOnly) w.add('published_at IS NOT NULL AND withdrawn_at IS NULL');
    if (f.q) {
      // ILIKE (SQLite's LIKE is case-insensitive too) with escaped wildcards: a search box is not a pattern language.
      const like = w.arg(`%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      w.add(`(public_summary ILIKE ${like} OR kind ILIKE ${like} OR subject_id ILIKE ${like} OR subject_id = ANY(${w.arg(f.qSubjects ?? [])}::text[]))`);
    }
    const rows = (await this.pool.query(`SELECT * FROM credit_entries ${w} ORDER BY seq DESC LIMIT ${w.arg(f.limit + 1)}`, w.args)).rows as Raw[];
    const page = rows.slice(0, f.limit);
    return { entries: page.map(toCredit), nextCursor: rows.length > f.limit ? encodeCursor(page[page.length - 1].seq as number) : null };
  }

  async publish(id: string, at: number, actorId: string): Promise<boolean> {
    return (await this.pool.query(Q.publish, [at, actorId, id])).rowCount === 1;
  }

  async withdraw(id: string, w: CreditWithdrawal): Promise<CreditEntryRow | null> {
    return this.records.withPartitions([w.at], () => transaction(this.pool, async (c) => {
      const r = (await c.query(Q.withdraw, [w.at, w.by, w.reason, id])).rows[0] as Raw | undefined;
      if (!r) return null;
      const e = toCredit(r);
      await this.records.append(c, [creditWithdrawRecord(e, w)]);
      return e;
    }));
  }

  async addVolume(rows: VolumeRow[]): Promise<void> {
    if (rows.length === 0) return;
    // One statement cannot upsert the same key twice: merge duplicates first.
    const m = new Map<string, VolumeRow>();
    for (const r of rows) {
      const k = `${r.contentProviderId}\u0000${r.month}\u0000${r.type}`;
      const cur = m.get(k);
      if (cur) m.set(k, { ...cur, accepted: cur.accepted + r.accepted, rejected: cur.rejected + r.rejected });
      else m.set(k, { ...r });
    }
    const l = [...m.values()];
    await this.pool.query(Q.addVolume, [l.map((r) => r.contentProviderId), l.map((r) => r.month), l.map((r) => r.type), l.map((r) => r.accepted), l.map((r) => r.rejected)]);
  }

  async volume(contentProviderId: string, fromMonth: string, toMonth: string): Promise<VolumeRow[]> {
    return (await this.pool.query(Q.volume, [contentProviderId, fromMonth, toMonth])).rows.map((r: Raw) => ({
      contentProviderId: r.content_provider_id as string, month: r.month as string, type: r.type as string, accepted: r.accepted as number, rejected: r.rejected as number,
    }));
  }

  async rejectedByProvider(month: string): Promise<{ contentProviderId: string; rejected: number }[]> {
    return (await this.pool.query(Q.rejectedBy, [month])).rows.map((r: Raw) => ({ contentProviderId: r.content_provider_id as string, rejected: r.rejected as number }));
  }
}
