/** SQLite adapter for content governance (src/ports/content.ts); tables in migrations/065_content_governance.sql. */
import type { Db } from './db.js';
import { standingConflict } from './directory.js';
import { recordsWriterOf, type RecordsWriter } from './records-writer.js';
import { signatureReviewRecord } from '../registry-audit.js';
import type { AlertFilter, AlertRow, ContentSettingsRow, ContentStore, ReviewStatus, SignatureReviewRow, TemplateRow } from '../../ports/content.js';
import type { ActionRecord, BaselineState, Scope } from '../../content/early-warning.js';

interface TplDb { id: string; content_provider_id: string; signature: string; type: TemplateRow['type']; body: string; status: ReviewStatus; violations: string; reason: string | null; created_at: number; reviewed_at: number | null; reviewed_by: string | null }
const toTpl = (r: TplDb): TemplateRow => ({
  id: r.id, contentProviderId: r.content_provider_id, signature: r.signature, type: r.type, body: r.body, status: r.status,
  violations: JSON.parse(r.violations), reason: r.reason, createdAt: r.created_at, reviewedAt: r.reviewed_at, reviewedBy: r.reviewed_by,
});
interface AlertDb { id: string; content_provider_id: string; rule: string; metric: AlertRow['metric']; scope: AlertRow['scope']; key: string; severity: AlertRow['severity']; value: number; threshold: number; figures: string; window_start: number; at: number; action: string; action_id: string | null }
const toAlert = (r: AlertDb): AlertRow => ({
  id: r.id, contentProviderId: r.content_provider_id, rule: r.rule, metric: r.metric, scope: r.scope, key: r.key, severity: r.severity, value: r.value,
  threshold: r.threshold, figures: JSON.parse(r.figures), windowStart: r.window_start, at: r.at, action: JSON.parse(r.action), actionId: r.action_id,
});
interface ActDb { id: string; content_provider_id: string; scope: ActionRecord['scope']; key: string; action: string; rule: string; figures: string; at: number; lifted_at: number | null; lifted_by: string | null }
const toAction = (r: ActDb): ActionRecord => {
  const a: ActionRecord = { id: r.id, contentProviderId: r.content_provider_id, scope: r.scope, key: r.key, action: JSON.parse(r.action), rule: r.rule, figures: JSON.parse(r.figures), at: r.at };
  if (r.lifted_at !== null) a.liftedAt = r.lifted_at;
  if (r.lifted_by !== null) a.liftedBy = r.lifted_by;
  return a;
};

interface BaselineDb { scope: Scope; key: string; content_provider_id: string; mean: number; variance: number; completed: number; score_mean: number; score_n: number; reset_at: number }

export class SqliteContentStore implements ContentStore {
  /** `records`: the connection's writer (the store's), for the audit records written in a change's transaction. */
  constructor(private readonly db: Db, private readonly records: RecordsWriter = recordsWriterOf(db)) {}

  async addTemplate(t: TemplateRow): Promise<void> {
    this.db
      .prepare('INSERT INTO content_templates (id, content_provider_id, signature, type, body, status, violations, reason, created_at, reviewed_at, reviewed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(t.id, t.contentProviderId, t.signature, t.type, t.body, t.status, JSON.stringify(t.violations), t.reason, t.createdAt, t.reviewedAt, t.reviewedBy);
  }

  async getTemplate(id: string): Promise<TemplateRow | null> {
    const r = this.db.prepare('SELECT * FROM content_templates WHERE id = ?').get(id) as TplDb | undefined;
    return r ? toTpl(r) : null;
  }

  async listTemplates(f: { contentProviderId?: string; status?: ReviewStatus }): Promise<TemplateRow[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (f.contentProviderId !== undefined) (where.push('content_provider_id = ?'), args.push(f.contentProviderId));
    if (f.status !== undefined) (where.push('status = ?'), args.push(f.status));
    const sql = `SELECT * FROM content_templates ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id`;
    return (this.db.prepare(sql).all(...args) as TplDb[]).map(toTpl);
  }

  async reviewTemplate(id: string, status: 'approved' | 'rejected', reason: string | null, at: number, actor: string): Promise<TemplateRow | null> {
    const r = this.db.prepare('UPDATE content_templates SET status = ?, reason = ?, reviewed_at = ?, reviewed_by = ? WHERE id = ?').run(status, reason, at, actor, id);
    return r.changes ? this.getTemplate(id) : null;
  }

  async getSettings(cpId: string): Promise<ContentSettingsRow | null> {
    const r = this.db.prepare('SELECT * FROM content_settings WHERE content_provider_id = ?').get(cpId) as { content_provider_id: string; templates: ContentSettingsRow['templates']; link_domains: string; updated_at: number } | undefined;
    return r ? { contentProviderId: r.content_provider_id, templates: r.templates, linkDomains: JSON.parse(r.link_domains), updatedAt: r.updated_at } : null;
  }

  async putSettings(s: ContentSettingsRow): Promise<void> {
    this.db
      .prepare('INSERT INTO content_settings (content_provider_id, templates, link_domains, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (content_provider_id) DO UPDATE SET templates = excluded.templates, link_domains = excluded.link_domains, updated_at = excluded.updated_at')
      .run(s.contentProviderId, s.templates, JSON.stringify(s.linkDomains), s.updatedAt);
  }

  async listSettings(): Promise<ContentSettingsRow[]> {
    const rows = this.db.prepare('SELECT content_provider_id FROM content_settings').all() as { content_provider_id: string }[];
    const out: ContentSettingsRow[] = [];
    for (const r of rows) out.push((await this.getSettings(r.content_provider_id))!);
    return out;
  }

  async reviewSignature(row: SignatureReviewRow): Promise<{ contentProviderId: string; signature: string; status: 'approved' | 'rejected' } | null> {
    return this.db.transaction(() => {
      const s = this.db.prepare('SELECT content_provider_id, signature FROM signatures WHERE id = ?').get(row.signatureId) as { content_provider_id: string; signature: string } | undefined;
      if (!s) return null;
      standingConflict(() => this.db.prepare('UPDATE signatures SET status = ? WHERE id = ?').run(row.decision, row.signatureId));
      this.db
        .prepare('INSERT INTO signature_reviews (id, signature_id, content_provider_id, decision, reason, at, actor) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(row.id, row.signatureId, s.content_provider_id, row.decision, row.reason, row.at, row.actor);
      this.records.append(signatureReviewRecord(row, s.content_provider_id));
      return { contentProviderId: s.content_provider_id, signature: s.signature, status: row.decision };
    })();
  }

  async addAlert(a: AlertRow): Promise<void> {
    this.db
      .prepare('INSERT INTO early_warning_alerts (id, content_provider_id, rule, metric, scope, key, severity, value, threshold, figures, window_start, at, action, action_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(a.id, a.contentProviderId, a.rule, a.metric, a.scope, a.key, a.severity, a.value, a.threshold, JSON.stringify(a.figures), a.windowStart, a.at, JSON.stringify(a.action), a.actionId);
  }

  async listAlerts(f: AlertFilter): Promise<AlertRow[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (f.contentProviderId !== undefined) (where.push('content_provider_id = ?'), args.push(f.contentProviderId));
    if (f.contentProviderIds !== undefined) {
      // json_each: one bound parameter however many providers a province has.
      where.push('content_provider_id IN (SELECT value FROM json_each(?))');
      args.push(JSON.stringify(f.contentProviderIds));
    }
    if (f.since !== undefined) (where.push('at >= ?'), args.push(f.since));
    if (f.until !== undefined) (where.push('at < ?'), args.push(f.until));
    if (f.after !== undefined) (where.push('(at, id) < (?, ?)'), args.push(f.after.at, f.after.id));
    const sql = `SELECT * FROM early_warning_alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, f.limit) as AlertDb[]).map(toAlert);
  }

  async addAction(a: ActionRecord): Promise<void> {
    this.db
      .prepare('INSERT INTO early_warning_actions (id, content_provider_id, scope, key, action, rule, figures, at, lifted_at, lifted_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(a.id, a.contentProviderId, a.scope, a.key, JSON.stringify(a.action), a.rule, JSON.stringify(a.figures), a.at, a.liftedAt ?? null, a.liftedBy ?? null);
  }

  async liftAction(id: string, at: number, actor: string): Promise<boolean> {
    return this.db.prepare('UPDATE early_warning_actions SET lifted_at = ?, lifted_by = ? WHERE id = ? AND lifted_at IS NULL').run(at, actor, id).changes > 0;
  }

  async listActions(activeOnly: boolean): Promise<ActionRecord[]> {
    const sql = `SELECT * FROM early_warning_actions ${activeOnly ? 'WHERE lifted_at IS NULL' : ''} ORDER BY at, id`;
    return (this.db.prepare(sql).all() as ActDb[]).map(toAction);
  }
  async saveBaselines(rows: readonly BaselineState[], savedAt: number): Promise<void> {
    if (!rows.length) return;
    const up = this.db.prepare(`INSERT INTO monitor_baselines (scope, key, content_provider_id, mean, variance, completed, score_mean, score_n, reset_at, saved_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (scope, key) DO UPDATE SET content_provider_id = excluded.content_provider_id, mean = excluded.mean, variance = excluded.variance,
        completed = excluded.completed, score_mean = excluded.score_mean, score_n = excluded.score_n, reset_at = excluded.reset_at, saved_at = excluded.saved_at
      WHERE excluded.reset_at >= monitor_baselines.reset_at`);
    this.db.transaction(() => {
      for (const r of rows) up.run(r.scope, r.key, r.contentProviderId, r.mean, r.variance, r.completed, r.scoreMean, r.scoreN, r.resetAt, savedAt);
    })();
  }

  async loadBaselines(): Promise<BaselineState[]> {
    return (this.db.prepare('SELECT * FROM monitor_baselines ORDER BY scope, key').all() as BaselineDb[]).map((r) => ({
      scope: r.scope, key: r.key, contentProviderId: r.content_provider_id, mean: r.mean, variance: r.variance, completed: r.completed, scoreMean: r.score_mean, scoreN: r.score_n, resetAt: r.reset_at,
    }));
  }

  async resetBaseline(scope: Scope, key: string, contentProviderId: string, at: number): Promise<void> {
    this.db
      .prepare(`INSERT INTO monitor_baselines (scope, key, content_provider_id, mean, variance, completed, score_mean, score_n, reset_at, saved_at) VALUES (?, ?, ?, 0, 0, 0, 0, 0, ?, ?)
        ON CONFLICT (scope, key) DO UPDATE SET mean = 0, variance = 0, completed = 0, score_mean = 0, score_n = 0, reset_at = max(monitor_baselines.reset_at, excluded.reset_at), saved_at = excluded.saved_at`)
      .run(scope, key, contentProviderId, at, at);
  }

  async baselineResets(since: number): Promise<{ scope: Scope; key: string; at: number }[]> {
    return (this.db.prepare('SELECT scope, key, reset_at FROM monitor_baselines WHERE reset_at > ? ORDER BY reset_at').all(since) as BaselineDb[]).map((r) => ({ scope: r.scope, key: r.key, at: r.reset_at }));
  }
}
