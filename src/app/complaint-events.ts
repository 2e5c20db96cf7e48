/** The `complaint` app event: emitted when a case opens or changes state (consumed by early warning). */
import type { CaseAction, CaseState } from '../domain/case.js';

export interface ComplaintEvent {
  caseId: string;
  reference: string;
  /** The content provider the complaint is about, when known. */
  contentProviderId: string | null;
  /** `created` for a new case, else the transition action. */
  action: CaseAction | 'created';
  state: CaseState;
  at: number;
  /** Shanghai month `YYYY-MM` of the case's creation (the month it counts in). */
  month: string;
}
