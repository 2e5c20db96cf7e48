/**
 * Storage for complaint cases, their event trail, credit-file entries and per-month message volume
 * (for complaint rates). Adapters own transactions; a state change and its event commit together.
 */
import type { CaseAction, CaseActor, CaseSource, CaseState, Finding, MeasureKind } from '../domain/case.js';
import type { CreditSummaryTemplate } from '../domain/credit-summary.js';

export interface CaseRow {
  id: string;
  /** Public reference given to the complainant (`C20261130ABC123`). */
  reference: string;
  /** The 12321 centre's own reference for reports it files (unique per centre), else null. */
  externalRef: string | null;
  source: CaseSource;
  state: CaseState;
  /** The complainant's number (personal data: only staff roles see it). */
  msisdn: string;
  /** Port or signature the user named. */
  sender: string | null;
  contentProviderId: string | null;
  /** The message text the user complained about. */
  messageText: string | null;
  /** When the user received it (epoch ms), if they said. */
  receivedMessageAt: number | null;
  /** What the user wants (free text, e.g. 停止发送). */
  request: string | null;
  /** A screenshot as a data URL (image/png or image/jpeg), if given. */
  screenshot: string | null;
  /** Matched record id of the message complained about, if any. */
  matchedMessageId: string | null;
  /** Snapshot of the evidence matched at intake (see src/app/case-evidence.ts). */
  evidence: Record<string, unknown>;
  /** scrypt-free SHA-256 of the complainant's access code (status page), or null. */
  accessCodeHash: string | null;
  createdAt: number;
  forwardedAt: number | null;
  answeredAt: number | null;
  closedAt: number | null;
  forwardDueAt: number;
  answerDueAt: number;
  finding: Finding | null;
  answerText: string | null;
  /** Id of the SMS that carried the answer to the user. */
  answerMessageId: string | null;
  escalatedReason: string | null;
  updatedAt: number;
}

export interface CaseEventRow {
  id: string;
  caseId: string;
  at: number;
  /** A transition action, or `created`, `measure`, `note`, `evidence`. */
  kind: CaseAction | 'created' | 'measure' | 'note' | 'evidence';
  fromState: CaseState | null;
  toState: CaseState | null;
  actor: CaseActor;
  /** Token id (or `system`, `public`) of the person who acted. */
  actorId: string;
  reason: string | null;
  detail: Record<string, unknown>;
}

export interface MeasureRow {
  id: string;
  caseId: string;
  contentProviderId: string | null;
  kind: MeasureKind;
  at: number;
  actorId: string;
  detail: Record<string, unknown>;
}

export interface CaseFilter {
  states?: CaseState[];
  contentProviderId?: string;
  /**
   * A regulator's province, applied in the query so a page is cut after it: only cases naming one of
   * these accounts (the province's content providers; the caller adds the operator's account, which
   * belongs to no province). A case naming none is outside; an empty list keeps nothing.
   */
  providersIn?: readonly string[];
  msisdn?: string;
  /** The 12321 centre's own reference of the report the case was filed from. */
  externalRef?: string;
  /** Created at or after / before (epoch ms). */
  from?: number;
  to?: number;
  /**
   * The deadline the case owes (`owedDeadline` in src/domain/case.ts: the forward while never
   * forwarded, else the answer, in `escalated` too) passed at `at` (`overdue: true`, its due time at
   * or before `at`, as a case view's `deadline.overdue`) or still running (`overdue: false`, due
   * after `at`). A case owing none (answered, closed, withdrawn) is in neither.
   */
  deadline?: { at: number; overdue: boolean };
  limit: number;
  /** Opaque cursor from a previous page (newest first). */
  cursor?: string;
}

/**
 * The SQL for the due time of the deadline a case owes ({@link CaseFilter.deadline}; both adapters:
 * the same columns and states), NULL for a case owing none. Mirrors `owedDeadline` (src/domain/case.ts).
 */
export const OWED_DEADLINE_SQL = `CASE WHEN state = 'received' OR (state = 'escalated' AND forwarded_at IS NULL) THEN forward_due_at
  WHEN state IN ('forwarded', 'investigating', 'escalated') THEN answer_due_at END`;

/** Patch applied together with a transition; only the given fields change. */
export type CasePatch = Partial<Pick<CaseRow, 'state' | 'contentProviderId' | 'forwardedAt' | 'answeredAt' | 'closedAt' | 'answerDueAt' | 'finding' | 'answerText' | 'answerMessageId' | 'escalatedReason' | 'evidence' | 'matchedMessageId'>>;

export interface CaseStore {
  /**
   * Inserts a case, its `created` event and any `more` events (a transition taken as it is opened,
   * e.g. the 12321 centre's `forward`) in one transaction: all of them or none. Fails with
   * `conflict` when the reference or `externalRef` exists.
   */
  createCase(row: CaseRow, created: CaseEventRow, more?: readonly CaseEventRow[]): Promise<void>;
  getCase(id: string): Promise<CaseRow | null>;
  getCaseByReference(reference: string): Promise<CaseRow | null>;
  getCaseByExternalRef(externalRef: string): Promise<CaseRow | null>;
  /** Newest first, keyset-paginated. */
  listCases(f: CaseFilter): Promise<{ cases: CaseRow[]; nextCursor: string | null }>;
  /**
   * Applies `patch` and appends `event` in one transaction, only if the case is still in
   * `expectState` (optimistic: two people acting at once cannot both move it). Returns false when
   * the state had changed.
   */
  transition(id: string, expectState: CaseState, patch: CasePatch, event: CaseEventRow, at: number): Promise<boolean>;
  appendEvent(event: CaseEventRow): Promise<void>;
  events(caseId: string): Promise<CaseEventRow[]>;
  addMeasure(m: MeasureRow): Promise<void>;
  measures(filter: { caseId?: string; contentProviderId?: string; from?: number; to?: number }): Promise<MeasureRow[]>;
  /** Open cases whose running deadline is at or before `now` (sweeper), at most `limit`. */
  overdue(now: number, limit: number): Promise<CaseRow[]>;
  /**
   * Escalated cases owing a deadline that passed at or before `now` whose entry is not in a credit
   * file yet (sweeper; `escalatedOverdueReason` in src/domain/case.ts says the same of one case):
   * never forwarded, past `forwardDueAt`, with no entry under `case:<id>:forward-overdue`; or
   * forwarded, naming a provider (or the operator's account), past `answerDueAt`, not answered
   * before it, with no entry under `case:<id>:overdue` (`overdueEntryKey`). Oldest first, at most
   * `limit`; a case drops out once its entry is added.
   */
  escalatedOverdue(now: number, limit: number): Promise<CaseRow[]>;
  /** Cases of a provider created in [from, to), for rates and reports. */
  casesOf(contentProviderId: string, from: number, to: number): Promise<CaseRow[]>;
  /**
   * Counts for the complaint rate without loading cases. `counted`: cases not withdrawn and not found
   * unfounded; `confirmed`: confirmed or partly confirmed; `complainants` and `confirmedComplainants`:
   * the distinct complainant numbers (`msisdn`) among those cases, which the rate counts (one person
   * complaining five times is one complainant).
   */
  countCasesOf(contentProviderId: string, from: number, to: number): Promise<CaseCounts>;
}

/** What {@link CaseStore.countCasesOf} counts: cases, and distinct complainants among them. */
export interface CaseCounts {
  total: number;
  counted: number;
  confirmed: number;
  complainants: number;
  confirmedComplainants: number;
}

export type CreditKind =
  | 'confirmed_complaint'
  | 'overdue_answer'
  /** A case the report centre or the operator did not forward in time (5 working days): the operator's file. */
  | 'overdue_forward'
  | 'violation_threshold'
  | 'early_warning_suspension'
  | 'warning'
  | 'fine'
  | 'supervision_talk'
  | 'correction_order'
  | 'note';

export interface CreditEntryRow {
  id: string;
  /** `content-provider` or `operator` (the SMS service provider running smsguard). */
  subjectType: 'content-provider' | 'operator';
  /** Content provider id, or the operator's name. */
  subjectId: string;
  kind: CreditKind;
  at: number;
  /** Who added it: a regulator's token id, or `system`. */
  actorId: string;
  /** Fine amount in RMB yuan (fines only). */
  amountYuan: number | null;
  /** Internal notes, the regulator's (may reference cases; never published, never shown to the provider). */
  notes: string | null;
  /**
   * What the public page shows; personal data removed before it is stored. A system-made summary
   * holds Chinese and English (`中文 / English`); one a regulator typed is kept as typed.
   */
  publicSummary: string;
  /**
   * The system-made summary as a stable key and parameters, from which the web pages render it in the
   * reader's language (src/domain/credit-summary.ts); null when a regulator typed it and
   * for entries stored before keys existed.
   */
  summaryTemplate: CreditSummaryTemplate | null;
  /** Linked evidence: case ids, record ids, months, counts. */
  evidence: Record<string, unknown>;
  /** Dedup key for system entries (one per case or per provider-month), else null. */
  dedupKey: string | null;
  publishedAt: number | null;
  publishedBy: string | null;
  /**
   * Its withdrawal by a regulator (published in error, or overturned on appeal), else null: the entry
   * stays in the subject's file with who, when and why, and leaves the public register.
   */
  withdrawal: CreditWithdrawal | null;
}

/** Who withdrew a credit-file entry, when (epoch ms) and why. */
export interface CreditWithdrawal {
  at: number;
  by: string;
  reason: string;
}

export interface CreditFilter {
  subjectId?: string;
  /** Entries of these kinds only (none given: every kind). */
  kinds?: readonly CreditKind[];
  /**
   * A regulator's province, applied in the query so a page is cut after it: only entries about
   * these content providers, besides those about the operator (it belongs to no province and is
   * listed in every one). An empty list keeps the operator's only.
   */
  providersIn?: readonly string[];
  /** The entry's time `at`: at or after `from`, before `to` (epoch ms; a regulator's dates). */
  from?: number;
  to?: number;
  /** Published and not withdrawn: what the public register shows. */
  publishedOnly?: boolean;
  /** Free-text search over subject name, kind and public summary (public page). */
  q?: string;
  /**
   * With `q`: subjects the caller matched by what the store does not hold (a provider's registered
   * name or credit code, the operator's page name); an entry about one of them matches `q` too.
   */
  qSubjects?: readonly string[];
  limit: number;
  /** Opaque cursor from a previous page (newest first). */
  cursor?: string;
}

export interface CreditStore {
  /** Inserts an entry; returns false (and inserts nothing) when `dedupKey` already exists. */
  addEntry(row: CreditEntryRow): Promise<boolean>;
  getEntry(id: string): Promise<CreditEntryRow | null>;
  /**
   * Newest first, keyset-paginated (`nextCursor` null on the last page). `q` matches the public
   * summary, kind or subject id, or a subject of `qSubjects` (names are matched by the caller).
   */
  listEntries(f: CreditFilter): Promise<{ entries: CreditEntryRow[]; nextCursor: string | null }>;
  /** Returns false when the entry does not exist, is already published or is withdrawn. */
  publish(id: string, at: number, actorId: string): Promise<boolean>;
  /**
   * Withdraws an entry and appends its audit record (`credit.withdraw`, {@link creditWithdrawRecord}
   * in src/store/credit-audit.ts) in one transaction: both or neither. Returns the entry as it is now,
   * or null (and writes nothing) when there is no such entry or it is withdrawn already.
   */
  withdraw(id: string, w: CreditWithdrawal): Promise<CreditEntryRow | null>;
}

/** Per content provider, per Shanghai month, per message type: accepted and rejected counts. */
export interface VolumeRow {
  contentProviderId: string;
  month: string;
  type: string;
  accepted: number;
  rejected: number;
}

export interface VolumeStore {
  /** Adds counts (batched by the caller). */
  addVolume(rows: VolumeRow[]): Promise<void>;
  volume(contentProviderId: string, fromMonth: string, toMonth: string): Promise<VolumeRow[]>;
  /** Every provider's rejected count in one month (threshold checks). */
  rejectedByProvider(month: string): Promise<{ contentProviderId: string; rejected: number }[]>;
}

/** The complaints aggregate as one port (`Store.cases`). */
export interface ComplaintsStore extends CaseStore, CreditStore, VolumeStore {}
