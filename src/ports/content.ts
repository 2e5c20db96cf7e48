/**
 * What content governance needs from durable storage: templates and their review, per-provider
 * content settings, the signature review log, early-warning alerts and automatic actions.
 */
import type { KeysetPosition } from '../domain/page-cursor.js';
import type { MessageType } from '../domain/message-type.js';
import type { TemplateViolation } from '../content/templates.js';
import type { TemplateMode } from '../content/template-registry.js';
import type { ActionRecord, Alert, BaselineState, Scope } from '../content/early-warning.js';

export type ReviewStatus = 'pending' | 'approved' | 'rejected';

export interface TemplateRow {
  id: string;
  contentProviderId: string;
  signature: string;
  type: MessageType;
  body: string;
  status: ReviewStatus;
  /** Machine-check violations found at submission. */
  violations: TemplateViolation[];
  /** The operator's reason (required when rejecting). */
  reason: string | null;
  createdAt: number;
  reviewedAt: number | null;
  reviewedBy: string | null;
}

export interface ContentSettingsRow {
  contentProviderId: string;
  templates: TemplateMode;
  /** Domains links in this provider's templates may point to. */
  linkDomains: string[];
  updatedAt: number;
}

export interface SignatureReviewRow {
  id: string;
  signatureId: string;
  contentProviderId: string;
  decision: 'approved' | 'rejected';
  reason: string | null;
  at: number;
  actor: string;
}

export interface AlertRow extends Alert {
  id: string;
  /** The automatic action this alert put in force, if any. */
  actionId: string | null;
}

/** What {@link ContentStore.listAlerts} selects. */
export interface AlertFilter {
  contentProviderId?: string;
  contentProviderIds?: readonly string[];
  since?: number;
  until?: number;
  limit: number;
  /** A page's last alert (`at`, id): only alerts older than it (newest first: past it in the list's order). */
  after?: KeysetPosition;
}

export interface ContentStore {
  addTemplate(row: TemplateRow): Promise<void>;
  getTemplate(id: string): Promise<TemplateRow | null>;
  listTemplates(filter: { contentProviderId?: string; status?: ReviewStatus }): Promise<TemplateRow[]>;
  /** Sets the review outcome; null when no such template. */
  reviewTemplate(id: string, status: 'approved' | 'rejected', reason: string | null, at: number, actor: string): Promise<TemplateRow | null>;
  getSettings(contentProviderId: string): Promise<ContentSettingsRow | null>;
  putSettings(row: ContentSettingsRow): Promise<void>;
  listSettings(): Promise<ContentSettingsRow[]>;
  /**
   * Sets a signature's review state and logs the review, with its audit record (`signature.review`,
   * src/store/registry-audit.ts) in the same transaction; null when no such signature.
   */
  reviewSignature(row: SignatureReviewRow): Promise<{ contentProviderId: string; signature: string; status: 'approved' | 'rejected' } | null>;
  addAlert(row: AlertRow): Promise<void>;
  /**
   * Alerts newest first. `contentProviderIds` keeps those of any of the given providers (an empty
   * list keeps none: a regulator's province with no provider registered in it); `since` is
   * inclusive, `until` exclusive, both on the time the alert was raised.
   */
  listAlerts(filter: AlertFilter): Promise<AlertRow[]>;
  addAction(rec: ActionRecord): Promise<void>;
  liftAction(id: string, at: number, actor: string): Promise<boolean>;
  listActions(activeOnly: boolean): Promise<ActionRecord[]>;
  /**
   * Keeps the early-warning baselines across restarts (one row per scope and key, replaced), except
   * a row whose `resetAt` is older than the reset the store holds for its key: a process that has not
   * yet applied an operator's reset must not write the old baseline back.
   */
  saveBaselines(rows: readonly BaselineState[], savedAt: number): Promise<void>;
  /** Every kept baseline (a key reset and not folded since is kept empty, with its reset). */
  loadBaselines(): Promise<BaselineState[]>;
  /** An operator's reset of a key's baseline: the kept one is emptied and marked `at`. */
  resetBaseline(scope: Scope, key: string, contentProviderId: string, at: number): Promise<void>;
  /** Resets recorded with `at` after `since` (app-clock ms), for the other processes to apply. */
  baselineResets(since: number): Promise<{ scope: Scope; key: string; at: number }[]>;
}
