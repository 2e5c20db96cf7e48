/** The `complaint` app event: emitted when a case opens or changes state (consumed by early warning). */
import type { CaseAction, CaseState } from '../domain/case.js';

export interface ComplaintEvent {
  caseId: string;
  reference: string;
  /** The content provider the complaint is about, when known. */
  contentProviderId: string | null;
  /**
   * Who complained, as an opaque key (a hash of the complainant's number, `complainantKey` in
   * case-workflow.ts; never the number): the early-warning monitor counts a complainant once per window.
   */
  complainant: string;
  /** `created` for a new case, else the transition action. */
  action: CaseAction | 'created';
  state: CaseState;
  at: number;
  /** Shanghai month `YYYY-MM` of the case's creation (the month it counts in). */
  month: string;
}
