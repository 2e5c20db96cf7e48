/**
 * Every action an audit record names (`body.action`, the records' `type` column of `kind: audit`):
 * one list that the writers are typed against (`RecordsStore.appendAudit`'s `action: AuditAction`,
 * and `satisfies AuditAction` where a store writes an audit record itself) and that the records
 * filters check a `type` against (src/app/record-filter-values.ts), so neither can drift from the
 * other. `test/unit/records/audit-actions.test.ts` also reads every writer in src for a name outside it.
 *
 * Never remove a name: records are kept for years, and one an earlier version wrote must stay
 * findable by `GET /v1/records?type=`. A name no longer written moves to the retired part below (none
 * yet: every name any version wrote, read from the repository's history on 2026-12-07, is still
 * written).
 */
export const AUDIT_ACTIONS = [
  // the registry (src/store/registry-audit.ts, the stores' directory)
  'content_provider.create', 'content_provider.status', 'content_provider.http_throughput', 'content_provider.callbacks',
  'signature.submit', 'signature.register', 'signature.review', 'signature.reassign', 'signature.revoke',
  'port.register', 'port.reassign', 'port.retire',
  'smpp_credential.create', 'smpp_credential.revoke',
  'api_key.create', 'token.revoke',
  'charged_service.created',
  // consent
  'consent.refusal_phrases.set', 'dnd.remove', 'consent_request.rejected', 'consent_requests.read', 'subscribers.read', 'charged_subscriptions.read',
  // content governance and the review queue
  'template.submit', 'template.review', 'content.settings',
  'early_warning.place', 'early_warning.lift', 'early_warning.baseline_reset',
  'review_queue.release', 'review_queue.reject', 'review_queue.expire',
  // supervision: cases, credit files, reports
  'case.view', 'case.query', 'credit.add', 'credit.publish', 'credit.withdraw', 'credit.query', 'complaint_rate.read', 'report.annual',
  // the records and who read them
  'records.query', 'records.verify', 'records.purge', 'records.hold', 'records.hold_release', 'records.rotate-key', 'records.uncommitted',
  'holds.query', 'inspect.export', 'messages.list', 'messages.get',
  // web sign-ins (src/app/web-sessions.ts)
  'web.sign_in', 'web.sign_out', 'web.sign_in_refused',
  // the carrier links
  'upstream_link.stop', 'upstream_link.start',
] as const;

/** An audit record's action: a name of {@link AUDIT_ACTIONS}. */
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Names no version writes any more, kept so that their records stay findable (none yet). */
export const RETIRED_AUDIT_ACTIONS: readonly string[] = [];

/** Every action a stored audit record can name: the written ones, then the retired. */
export const KNOWN_AUDIT_ACTIONS: readonly string[] = [...AUDIT_ACTIONS, ...RETIRED_AUDIT_ACTIONS];
