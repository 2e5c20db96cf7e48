/**
 * The body of a message's `status` record, as both stores write it: the status, and only what it
 * carries (detail, the SMSC's id, a long message's part ids, the rule that stopped a queued one).
 * store/message-view.ts reads it back into the history.
 */
import type { StatusUpdate } from '../ports/store.js';

export function statusBody(u: StatusUpdate): Record<string, unknown> {
  const body: Record<string, unknown> = { status: u.status };
  if (u.detail) body.detail = u.detail;
  if (u.upstreamId) body.upstreamId = u.upstreamId;
  if (u.partIds && u.partIds.length > 1) body.partIds = u.partIds;
  if (u.rejection) {
    body.code = u.rejection.code;
    body.rule = u.rejection.rule;
    body.article = u.rejection.article;
    body.profile = u.rejection.profile;
  }
  return body;
}
