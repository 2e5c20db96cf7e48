/**
 * The audit record of a credit-file entry's withdrawal, written by each store adapter in the
 * withdrawal's own transaction (as src/store/registry-audit.ts's are), so that an entry never leaves
 * the public register without the record of who took it off, when and why.
 */
import type { CreditEntryRow, CreditWithdrawal } from '../ports/cases.js';
import type { NewRecord } from './record-columns.js';
import type { AuditAction } from '../domain/audit-actions.js';

/**
 * `credit.withdraw`: entry `e` withdrawn as `w` says. Filed under the provider (an entry about one),
 * as `credit.publish` is: the provider reads it among its own records, since the entry was about it
 * and, published, public.
 */
export function creditWithdrawRecord(e: CreditEntryRow, w: CreditWithdrawal): NewRecord {
  return {
    id: `aud_${e.id}_${w.at}_withdraw`, at: w.at, kind: 'audit', contentProviderId: e.subjectType === 'content-provider' ? e.subjectId : null, msisdn: null, ref: e.id,
    body: { actor: w.by, action: 'credit.withdraw' satisfies AuditAction, entryId: e.id, subjectType: e.subjectType, subjectId: e.subjectId, kind: e.kind, publishedAt: e.publishedAt, reason: w.reason },
  };
}
