/** Shared by the store adapters: the cases table's column for each field of a CaseRow (migration 051). */
import type { CaseRow } from '../ports/cases.js';

export const CASE_COLUMNS: Record<keyof CaseRow, string> = {
  id: 'id', reference: 'reference', externalRef: 'external_ref', source: 'source', state: 'state', msisdn: 'msisdn',
  sender: 'sender', contentProviderId: 'content_provider_id', messageText: 'message_text', receivedMessageAt: 'received_message_at',
  request: 'request', screenshot: 'screenshot', matchedMessageId: 'matched_message_id', evidence: 'evidence',
  accessCodeHash: 'access_code_hash', createdAt: 'created_at', forwardedAt: 'forwarded_at', answeredAt: 'answered_at',
  closedAt: 'closed_at', forwardDueAt: 'forward_due_at', answerDueAt: 'answer_due_at', finding: 'finding',
  answerText: 'answer_text', answerMessageId: 'answer_message_id', escalatedReason: 'escalated_reason', updatedAt: 'updated_at',
};

/** CaseRow's fields in column order. */
export const CASE_KEYS = Object.keys(CASE_COLUMNS) as (keyof CaseRow)[];
