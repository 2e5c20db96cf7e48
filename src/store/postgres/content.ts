/** PostgreSQL adapter for content governance (src/ports/content.ts); tables in migrations/065_content_governance.sql. */
import type { Pool } from './db.js';
import { isUniqueViolation, queries, transaction, jsonbText } from './db.js';
import { signatureStandsElsewhere } from '../signature-standing.js';
import { signatureReviewRecord } from '../registry-audit.js';
import type { PgRecordsWriter } from './records-writer.js';
import type { AlertFilter, AlertRow, ContentSettingsRow, ContentStore, ReviewStatus, SignatureReviewRow, TemplateRow } from '../../ports/content.js';
import type { ActionRecord, BaselineState, Scope } from '../../content/early-warning.js';

type Raw = Record<string, unknown>;
const Q = queries('content', [
  'insertTemplate', 'templateById', 'listTemplates', 'reviewTemplate', 'getSettings', 'putSettings', 'listSettings',
  'setSignatureStatus', 'insertSignatureReview', 'insertAlert', 'listAlerts', 'insertAction', 'liftAction', 'listActions',
  'saveBaselines', 'loadBaselines', 'resetBaseline', 'baselineResets',
] as const);

const toTpl = (r: Raw): TemplateRow => ({
  id: r.id as string, contentProviderId: r.content_provider_id as string, signature: r.signature as string, type: r.type as TemplateRow['type'],
  body: r.body as string, status: r.status as ReviewStatus, violations: r.violations as TemplateRow['violations'], reason: (r.reason as string | null) ?? null,
  createdAt: r.created_at as number, reviewedAt: (r.reviewed_at as number | null) ?? null, reviewedBy: (r.reviewed_by as string | null) ?? null,
});
const toSettings = (r: Raw): ContentSettingsRow => ({
  contentProviderId: r.content_provider_id as string, templates: r.templates as ContentSettingsRow['templates'], linkDomains: r.link_domains as string[], updatedAt: r.updated_at as number,
});
const toAlert = (r: Raw): AlertRow => ({
  id: r.id as string, contentProviderId: r.content_provider_id as string, rule: r.rule as string, metric: r.metric as AlertRow['metric'],
  scope: r.scope as AlertRow['scope'], key: r.key as string, severity: r.severity as AlertRow['severity'], value: r.value as number,
  threshold: r.threshold as number, figures: r.figures as Record<string, number>, windowStart: r.window_start as number, at: r.at as number,
  action: r.action as AlertRow['action'], actionId: (r.action_id as string | null) ?? null,
});
const toAction = (r: Raw): ActionRecord => {
  const a: ActionRecord = {
    id: r.id as string, contentProviderId: r.content_provider_id as string, scope: r.scope as ActionRecord['scope'], key: r.key as string,
    action: r.action as ActionRecord['action'], rule: r.rule as string, figures: r.figures as Record<string, number>, at: r.at as number,
  };
  if (r.lifted_at !== null && r.lifted_at !== undefined) a.liftedAt = r.lifted_at as number;
  if (r.lifted_by !== null && r.lifted_by !== undefined) a.liftedBy = r.lifted_by as string;
  return a;
};

export class PgContentStore implements ContentStore {
  /** `records`: the store's writer, for the audit records written in a change's transaction. */
  constructor(private readonly pool: Pool, private readonly records: PgRecordsWriter) {}

  async addTemplate(t: TemplateRow): Promise<void> {
    await this.pool.query(Q.insertTemplate, [t.id, t.contentProviderId, t.signature, t.type, t.body, t.status, jsonbText(t.violations), t.reason, t.createdAt, t.reviewedAt, t.reviewedBy]);
  }
  async getTemplate(id: string): Promise<TemplateRow | null> {
    const r = (await this.pool.query(Q.templateById, [id])).rows[0];
    return r ? toTpl(r) : null;
  }
  async listTemplates(f: { contentProviderId?: string; status?: ReviewStatus }): Promise<TemplateRow[]> {
    return (await this.pool.query(Q.listTemplates, [f.contentProviderId ?? null, f.status ?? null])).rows.map(toTpl);
  }
  async reviewTemplate(id: string, status: 'approved' | 'rejected', reason: string | null, at: number, actor: string): Promise<TemplateRow | null> {
    const r = (await this.pool.query(Q.reviewTemplate, [id, status, reason, at, actor])).rows[0];
    return r ? toTpl(r) : null;
  }
  async getSettings(cpId: string): Promise<ContentSettingsRow | null> {
    const r = (await this.pool.query(Q.getSettings, [cpId])).rows[0];
    return r ? toSettings(r) : null;
  }
  async putSettings(s: ContentSettingsRow): Promise<void> {
    await this.pool.query(Q.putSettings, [s.contentProviderId, s.templates, jsonbText(s.linkDomains), s.updatedAt]);
  }
  async listSettings(): Promise<ContentSettingsRow[]> {
    return (await this.pool.query(Q.listSettings)).rows.map(toSettings);
  }
  async reviewSignature(row: SignatureReviewRow): Promise<{ contentProviderId: string; signature: string; status: 'approved' | 'rejected' } | null> {
    return this.records.withPartitions([row.at], () => transaction(this.pool, async (c) => {
      const s = (await c.query(Q.setSignatureStatus, [row.signatureId, row.decision]).catch((e: unknown) => {
        // a rejected application approved while its text is registered elsewhere (migration 117)
        throw isUniqueViolation(e) ? signatureStandsElsewhere() : e;
      })).rows[0] as { content_provider_id: string; signature: string } | undefined;
      if (!s) return null;
      await c.query(Q.insertSignatureReview, [row.id, row.signatureId, s.content_provider_id, row.decision, row.reason, row.at, row.actor]);
      await this.records.append(c, [signatureReviewRecord(row, s.content_provider_id)]);
      return { contentProviderId: s.content_provider_id, signature: s.signature, status: row.decision };
    }));
  }
  async addAlert(a: AlertRow): Promise<void> {
    await this.pool.query(Q.insertAlert, [a.id, a.contentProviderId, a.rule, a.metric, a.scope, a.key, a.severity, a.value, a.threshold, jsonbText(a.figures), a.windowStart, a.at, jsonbText(a.action), a.actionId]);
  }
  async listAlerts(f: AlertFilter): Promise<AlertRow[]> {
    return (await this.pool.query(Q.listAlerts, [f.contentProviderId ?? null, f.since ?? null, f.limit, f.contentProviderIds ?? null, f.until ?? null, f.after?.at ?? null, f.after?.id ?? null])).rows.map(toAlert);
  }
  async addAction(a: ActionRecord): Promise<void> {
    await this.pool.query(Q.insertAction, [a.id, a.contentProviderId, a.scope, a.key, jsonbText(a.action), a.rule, jsonbText(a.figures), a.at, a.liftedAt ?? null, a.liftedBy ?? null]);
  }
  async liftAction(id: string, at: number, actor: string): Promise<boolean> {
    return ((await this.pool.query(Q.liftAction, [id, at, actor])).rowCount ?? 0) > 0;
  }
  async listActions(activeOnly: boolean): Promise<ActionRecord[]> {
    return (await this.pool.query(Q.listActions, [activeOnly])).rows.map(toAction);
  }
  async saveBaselines(rows: readonly BaselineState[], savedAt: number): Promise<void> {
    if (!rows.length) return;
    const col = <T>(f: (r: BaselineState) => T): T[] => rows.map(f);
    await this.pool.query(Q.saveBaselines, [
      col((r) => r.scope), col((r) => r.key), col((r) => r.contentProviderId), col((r) => r.mean), col((r) => r.variance),
      col((r) => r.completed), col((r) => r.scoreMean), col((r) => r.scoreN), col((r) => r.resetAt), savedAt,
    ]);
  }
  async loadBaselines(): Promise<BaselineState[]> {
    return (await this.pool.query(Q.loadBaselines)).rows.map((r: Raw) => ({
      scope: r.scope as Scope, key: r.key as string, contentProviderId: r.content_provider_id as string, mean: Number(r.mean), variance: Number(r.variance),
      completed: Number(r.completed), scoreMean: Number(r.score_mean), scoreN: Number(r.score_n), resetAt: Number(r.reset_at),
    }));
  }
  async resetBaseline(scope: Scope, key: string, contentProviderId: string, at: number): Promise<void> {
    await this.pool.query(Q.resetBaseline, [scope, key, contentProviderId, at]);
  }
  async baselineResets(since: number): Promise<{ scope: Scope; key: string; at: number }[]> {
    return (await this.pool.query(Q.baselineResets, [since])).rows.map((r: Raw) => ({ scope: r.scope as Scope, key: r.key as string, at: Number(r.reset_at) }));
  }
}
