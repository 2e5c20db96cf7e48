/**
 * SQLite adapter for complaint cases, their event trail and measures, credit-file entries and the
 * monthly volume counters (migration 051). better-sqlite3 is synchronous, so a transition (check the
 * state, patch, append the event) runs in one transaction with nothing interleaving.
 */
import type { Db } from './db.js';
import { SmsguardError } from '../../domain/errors.js';
import { decodeCursor, encodeCursor } from '../../domain/page-cursor.js';
import { knownCreditSummary } from '../../domain/credit-summary.js';
import type {
  CaseCounts, CaseEventRow, CaseFilter, CasePatch, CaseRow, ComplaintsStore, CreditEntryRow, CreditFilter, CreditWithdrawal, MeasureRow, VolumeRow,
} from '../../ports/cases.js';
import { OWED_DEADLINE_SQL } from '../../ports/cases.js';
import type { CaseState } from '../../domain/case.js';
import { CASE_COLUMNS, CASE_KEYS } from '../case-rows.js';
import { creditWithdrawRecord } from '../credit-audit.js';
import type { RecordsWriter } from './records-writer.js';

type Raw = Record<string, unknown>;


function toCase(r: Raw): CaseRow {
  const out: Record<string, unknown> = {};
  for (const k of CASE_KEYS) out[k] = r[CASE_COLUMNS[k]] ?? null;
  out.evidence = JSON.parse(String(r.evidence));
  return out as unknown as CaseRow;
}

function toDbValue(k: keyof CaseRow, v: unknown): unknown {
  if (k === 'evidence') return JSON.stringify(v ?? {});
  return v ?? null;
}

const toEvent = (r: Raw): CaseEventRow => ({
  id: r.id as string, caseId: r.case_id as string, at: r.at as number, kind: r.kind as CaseEventRow['kind'],
  fromState: (r.from_state as CaseState | null) ?? null, toState: (r.to_state as CaseState | null) ?? null,
  actor: r.actor as CaseEventRow['actor'], actorId: r.actor_id as string, reason: (r.reason as string | null) ?? null,
  detail: JSON.parse(r.detail as string),
});

const toMeasure = (r: Raw): MeasureRow => ({
  id: r.id as string, caseId: r.case_id as string, contentProviderId: (r.content_provider_id as string | null) ?? null,
  kind: r.kind as MeasureRow['kind'], at: r.at as number, actorId: r.actor_id as string, detail: JSON.parse(r.detail as string),
});

const toCredit = (r: Raw): CreditEntryRow => ({
  id: r.id as string, subjectType: r.subject_type as CreditEntryRow['subjectType'], subjectId: r.subject_id as string,
  kind: r.kind as CreditEntryRow['kind'], at: r.at as number, actorId: r.actor_id as string,
  amountYuan: (r.amount_yuan as number | null) ?? null, notes: (r.notes as string | null) ?? null,
  publicSummary: r.public_summary as string, summaryTemplate: knownCreditSummary(r.summary_template === null || r.summary_template === undefined ? null : JSON.parse(r.summary_template as string)),
  evidence: JSON.parse(r.evidence as string),
  dedupKey: (r.dedup_key as string | null) ?? null, publishedAt: (r.published_at as number | null) ?? null,
  publishedBy: (r.published_by as string | null) ?? null,
  withdrawal: r.withdrawn_at === null || r.withdrawn_at === undefined ? null : { at: r.withdrawn_at as number, by: r.withdrawn_by as string, reason: r.withdrawn_reason as string },
});

export class SqliteCases implements ComplaintsStore {
  private readonly q;
  constructor(private readonly db: Db, private readonly records: RecordsWriter) {
    this.q = {
      insertCase: db.prepare(`INSERT INTO cases (${CASE_KEYS.map((k) => CASE_COLUMNS[k]).join(', ')}) VALUES (${CASE_KEYS.map(() => '?').join(', ')})`),
      insertEvent: db.prepare('INSERT INTO case_events (id, case_id, at, kind, from_state, to_state, actor, actor_id, reason, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      byId: db.prepare('SELECT * FROM cases WHERE id = ?'),
      byRef: db.prepare('SELECT * FROM cases WHERE reference = ?'),
      byExt: db.prepare('SELECT * FROM cases WHERE external_ref = ?'),
      events: db.prepare('SELECT * FROM case_events WHERE case_id = ? ORDER BY seq'),
      insertMeasure: db.prepare('INSERT INTO case_measures (id, case_id, content_provider_id, kind, at, actor_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      overdue: db.prepare(
        `SELECT * FROM cases WHERE (state = 'received' AND forward_due_at <= ?) OR (state IN ('forwarded', 'investigating') AND answer_due_at <= ?)
           ORDER BY seq LIMIT ?`,
      ),
      // Mirrors escalatedOverdueReason and overdueEntryKey (src/domain/case.ts); the dedup key is unique, indexed.
      escalatedOverdue: db.prepare(
        `SELECT * FROM cases c WHERE c.state = 'escalated' AND (
             (c.forwarded_at IS NULL AND c.forward_due_at <= ?
               AND NOT EXISTS (SELECT 1 FROM credit_entries e WHERE e.dedup_key = 'case:' || c.id || ':forward-overdue'))
          OR (c.forwarded_at IS NOT NULL AND c.content_provider_id IS NOT NULL AND c.answer_due_at <= ?
               AND (c.answered_at IS NULL OR c.answered_at >= c.answer_due_at)
               AND NOT EXISTS (SELECT 1 FROM credit_entries e WHERE e.dedup_key = 'case:' || c.id || ':overdue')))
           ORDER BY c.seq LIMIT ?`,
      ),
      casesOf: db.prepare('SELECT * FROM cases WHERE content_provider_id = ? AND created_at >= ? AND created_at < ? ORDER BY seq'),
      countCasesOf: db.prepare(
        `SELECT count(*) AS total,
                coalesce(sum(state <> 'withdrawn' AND coalesce(finding, '') <> 'unfounded'), 0) AS counted,
                coalesce(sum(finding IN ('confirmed', 'partly_confirmed')), 0) AS confirmed,
                count(DISTINCT CASE WHEN state <> 'withdrawn' AND coalesce(finding, '') <> 'unfounded' THEN msisdn END) AS complainants,
                count(DISTINCT CASE WHEN finding IN ('confirmed', 'partly_confirmed') THEN msisdn END) AS confirmed_complainants
           FROM cases WHERE content_provider_id = ? AND created_at >= ? AND created_at < ?`,
      ),
      insertCredit: db.prepare(
        `INSERT INTO credit_entries (id, subject_type, subject_id, kind, at, actor_id, amount_yuan, notes, public_summary, summary_template, evidence, dedup_key, published_at, published_by)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedup_key) DO NOTHING`,
      ),
      creditById: db.prepare('SELECT * FROM credit_entries WHERE id = ?'),
      publish: db.prepare('UPDATE credit_entries SET published_at = ?, published_by = ? WHERE id = ? AND published_at IS NULL AND withdrawn_at IS NULL'),
      withdraw: db.prepare('UPDATE credit_entries SET withdrawn_at = ?, withdrawn_by = ?, withdrawn_reason = ? WHERE id = ? AND withdrawn_at IS NULL RETURNING *'),
      addVolume: db.prepare(
        `INSERT INTO cp_monthly_volume (content_provider_id, month, type, accepted, rejected) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT DO UPDATE SET accepted = accepted + excluded.accepted, rejected = rejected + excluded.rejected`,
      ),
      volume: db.prepare('SELECT * FROM cp_monthly_volume WHERE content_provider_id = ? AND month >= ? AND month <= ? ORDER BY month, type'),
      rejectedBy: db.prepare('SELECT content_provider_id, sum(rejected) AS rejected FROM cp_monthly_volume WHERE month = ? GROUP BY content_provider_id'),
    };
  }

  private insertEvent(e: CaseEventRow): void {
    this.q.insertEvent.run(e.id, e.caseId, e.at, e.kind, e.fromState, e.toState, e.actor, e.actorId, e.reason, JSON.stringify(e.detail));
  }

  async createCase(row: CaseRow, created: CaseEventRow, more: readonly CaseEventRow[] = []): Promise<void> {
    try {
      this.db.transaction(() => {
        this.q.insertCase.run(...CASE_KEYS.map((k) => toDbValue(k, row[k])));
        this.insertEvent(created);
        for (const e of more) this.insertEvent(e);
      })();
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new SmsguardError('conflict', 'a case with this reference already exists');
      throw e;
    }
  }

  async getCase(id: string): Promise<CaseRow | null> {
    const r = this.q.byId.get(id) as Raw | undefined;
    return r ? toCase(r) : null;
  }

  async getCaseByReference(reference: string): Promise<CaseRow | null> {
    const r = this.q.byRef.get(reference) as Raw | undefined;
    return r ? toCase(r) : null;
  }

  async getCaseByExternalRef(externalRef: string): Promise<CaseRow | null> {
    const r = this.q.byExt.get(externalRef) as Raw | undefined;
    return r ? toCase(r) : null;
  }

  async listCases(f: CaseFilter): Promise<{ cases: CaseRow[]; nextCursor: string | null }> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (f.states?.length) { where.push(`state IN (${f.states.map(() => '?').join(', ')})`); args.push(...f.states); }
    if (f.contentProviderId) { where.push('content_provider_id = ?'); args.push(f.contentProviderId); }
    if (f.providersIn !== undefined) {
      // json_each: one bound parameter however many providers a province has; NULL never matches.
      where.push('content_provider_id IN (SELECT value FROM json_each(?))');
      args.push(JSON.stringify(f.providersIn));
    }
    if (f.msisdn) { where.push('msisdn = ?'); args.push(f.msisdn); }
    if (f.externalRef !== undefined) { where.push('external_ref = ?'); args.push(f.externalRef); }
    if (f.deadline) { where.push(`(${OWED_DEADLINE_SQL}) ${f.deadline.overdue ? '<=' : '>'} ?`); args.push(f.deadline.at); }
    if (f.from !== undefined) { where.push('created_at >= ?'); args.push(f.from); }
    if (f.to !== undefined) { where.push('created_at < ?'); args.push(f.to); }
    if (f.cursor) { where.push('seq < ?'); args.push(decodeCursor(f.cursor)); }
    const sql = `SELECT * FROM cases ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...args, f.limit + 1) as Raw[];
    const page = rows.slice(0, f.limit);
    return { cases: page.map(toCase), nextCursor: rows.length > f.limit ? encodeCursor(page[page.length - 1].seq as number) : null };
  }

  async transition(id: string, expectState: CaseState, patch: CasePatch, event: CaseEventRow, at: number): Promise<boolean> {
    const keys = (Object.keys(patch) as (keyof CasePatch)[]).filter((k) => patch[k] !== undefined);
    const sets = [...keys.map((k) => `${CASE_COLUMNS[k]} = ?`), 'updated_at = ?'];
    const stmt = this.db.prepare(`UPDATE cases SET ${sets.join(', ')} WHERE id = ? AND state = ?`);
    return this.db.transaction(() => {
      const r = stmt.run(...keys.map((k) => toDbValue(k, patch[k])), at, id, expectState);
      if (r.changes !== 1) return false;
      this.insertEvent(event);
      return true;
    })();
  }

  async appendEvent(event: CaseEventRow): Promise<void> {
    this.insertEvent(event);
  }

  async events(caseId: string): Promise<CaseEventRow[]> {
    return (this.q.events.all(caseId) as Raw[]).map(toEvent);
  }

  async addMeasure(m: MeasureRow): Promise<void> {
    this.q.insertMeasure.run(m.id, m.caseId, m.contentProviderId, m.kind, m.at, m.actorId, JSON.stringify(m.detail));
  }

  async measures(f: { caseId?: string; contentProviderId?: string; from?: number; to?: number }): Promise<MeasureRow[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (f.caseId) { where.push('case_id = ?'); args.push(f.caseId); }
    if (f.contentProviderId) { where.push('content_provider_id = ?'); args.push(f.contentProviderId); }
    if (f.from !== undefined) { where.push('at >= ?'); args.push(f.from); }
    if (f.to !== undefined) { where.push('at < ?'); args.push(f.to); }
    const sql = `SELECT * FROM case_measures ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq`;
    return (this.db.prepare(sql).all(...args) as Raw[]).map(toMeasure);
  }

  async overdue(now: number, limit: number): Promise<CaseRow[]> {
    return (this.q.overdue.all(now, now, limit) as Raw[]).map(toCase);
  }

  async escalatedOverdue(now: number, limit: number): Promise<CaseRow[]> {
    return (this.q.escalatedOverdue.all(now, now, limit) as Raw[]).map(toCase);
  }

  async casesOf(contentProviderId: string, from: number, to: number): Promise<CaseRow[]> {
    return (this.q.casesOf.all(contentProviderId, from, to) as Raw[]).map(toCase);
  }

  async countCasesOf(contentProviderId: string, from: number, to: number): Promise<CaseCounts> {
    const r = this.q.countCasesOf.get(contentProviderId, from, to) as Omit<CaseCounts, 'confirmedComplainants'> & { confirmed_complainants: number };
    return { total: r.total, counted: r.counted, confirmed: r.confirmed, complainants: r.complainants, confirmedComplainants: r.confirmed_complainants };
  }

  async addEntry(e: CreditEntryRow): Promise<boolean> {
    const r = this.q.insertCredit.run(e.id, e.subjectType, e.subjectId, e.kind, e.at, e.actorId, e.amountYuan, e.notes, e.publicSummary, e.summaryTemplate ? JSON.stringify(e.summaryTemplate) : null, JSON.stringify(e.evidence), e.dedupKey, e.publishedAt, e.publishedBy);
    return r.changes === 1;
  }

  async getEntry(id: string): Promise<CreditEntryRow | null> {
    const r = this.q.creditById.get(id) as Raw | undefined;
    return r ? toCredit(r) : null;
  }

  async listEntries(f: CreditFilter): Promise<{ entries: CreditEntryRow[]; nextCursor: string | null }> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (f.subjectId) { where.push('subject_id = ?'); args.push(f.subjectId); }
    if (f.kinds?.length) { where.push(`kind IN (${f.kinds.map(() => '?').join(', ')})`); args.push(...f.kinds); }
    if (f.providersIn !== undefined) {
      // json_each: one bound parameter however many providers a province has.
      where.push("(subject_type = 'operator' OR (subject_type = 'content-provider' AND subject_id IN (SELECT value FROM json_each(?))))");
      args.push(JSON.stringify(f.providersIn));
    }
    if (f.from !== undefined) { where.push('at >= ?'); args.push(f.from); }
    if (f.to !== undefined) { where.push('at < ?'); args.push(f.to); }
    if (f.cursor) { where.push('seq < ?'); args.push(decodeCursor(f.cursor)); }
    if (f.publishedOnly) where.push('published_at IS NOT NULL AND withdrawn_at IS NULL');
    if (f.q) {
      // LIKE with escaped wildcards: a search box must not become a pattern language.
      const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.push("(public_summary LIKE ? ESCAPE '\\' OR kind LIKE ? ESCAPE '\\' OR subject_id LIKE ? ESCAPE '\\' OR subject_id IN (SELECT value FROM json_each(?)))");
      args.push(like, like, like, JSON.stringify(f.qSubjects ?? []));
    }
    const sql = `SELECT * FROM credit_entries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...args, f.limit + 1) as Raw[];
    const page = rows.slice(0, f.limit);
    return { entries: page.map(toCredit), nextCursor: rows.length > f.limit ? encodeCursor(page[page.length - 1].seq as number) : null };
  }

  async publish(id: string, at: number, actorId: string): Promise<boolean> {
    return this.q.publish.run(at, actorId, id).changes === 1;
  }

  async withdraw(id: string, w: CreditWithdrawal): Promise<CreditEntryRow | null> {
    return this.db.transaction(() => {
      const r = this.q.withdraw.get(w.at, w.by, w.reason, id) as Raw | undefined;
      if (!r) return null;
      const e = toCredit(r);
      this.records.append(creditWithdrawRecord(e, w));
      return e;
    })();
  }

  async addVolume(rows: VolumeRow[]): Promise<void> {
    this.db.transaction(() => {
      for (const r of rows) this.q.addVolume.run(r.contentProviderId, r.month, r.type, r.accepted, r.rejected);
    })();
  }

  async volume(contentProviderId: string, fromMonth: string, toMonth: string): Promise<VolumeRow[]> {
    return (this.q.volume.all(contentProviderId, fromMonth, toMonth) as Raw[]).map((r) => ({
      contentProviderId: r.content_provider_id as string, month: r.month as string, type: r.type as string,
      accepted: r.accepted as number, rejected: r.rejected as number,
    }));
  }

  async rejectedByProvider(month: string): Promise<{ contentProviderId: string; rejected: number }[]> {
    return (this.q.rejectedBy.all(month) as Raw[]).map((r) => ({ contentProviderId: r.content_provider_id as string, rejected: r.rejected as number }));
  }
}
