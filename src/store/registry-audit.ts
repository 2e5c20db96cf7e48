/**
 * The audit records of a registration, written by each store adapter in the registration's own
 * transaction, so that a registration never stands without its record (a crash between two writes
 * could leave it so): the registration itself (`signature.register`, `signature.submit`,
 * `port.register`: who, when, what), and, where it takes over a revoked signature's text or a retired
 * port's number, whose it was before (`signature.reassign`, `port.reassign`); likewise a provider's
 * creation (`content_provider.create`), a signature's review (`signature.review`) and an SMPP
 * credential's creation and revocation (`smpp_credential.create`, `smpp_credential.revoke`).
 */
import type { ContentProviderRow, PortRow, SignatureRow } from '../ports/store.js';
import type { SignatureReviewRow } from '../ports/content.js';
import type { SmppCredentialRow } from '../ports/smpp-credentials.js';
import type { NewRecord } from './record-columns.js';
import type { AuditAction } from '../domain/audit-actions.js';

/**
 * The registration of signature `row` by `actor`: `signature.register` for the operator's (approved at
 * once: its registration is the review), `signature.submit` for a provider's application (pending,
 * until `signature.review` records the operator's decision), as `template.submit` / `template.review`.
 */
export function signatureRegisterRecord(row: SignatureRow, actor: string): NewRecord {
  const action: AuditAction = row.status === 'pending' ? 'signature.submit' : 'signature.register';
  return {
    id: `aud_${row.id}_${row.createdAt}_register`, at: row.createdAt, kind: 'audit', contentProviderId: row.contentProviderId, msisdn: null, ref: row.id,
    body: { actor, action, signatureId: row.id, signature: row.signature, contentProviderId: row.contentProviderId, status: row.status },
  };
}

/** `port.register`: port `row` registered by `actor` (a retired number taken over adds {@link portReassignRecord}). */
export function portRegisterRecord(row: PortRow, actor: string): NewRecord {
  return {
    id: `aud_port_${row.number}_${row.createdAt}_register`, at: row.createdAt, kind: 'audit', contentProviderId: row.ownerId, msisdn: null, ref: row.number,
    body: { actor, action: 'port.register' satisfies AuditAction, number: row.number, contentProviderId: row.ownerId, kind: row.kind },
  };
}

/** `signature.reassign`: `row` registered the text `previous` (the latest revoked registration of it) held. */
export function signatureReassignRecord(row: SignatureRow, previous: SignatureRow, actor: string): NewRecord {
  return {
    id: `aud_${row.id}_${row.createdAt}_reassign`, at: row.createdAt, kind: 'audit', contentProviderId: row.contentProviderId, msisdn: null, ref: row.id,
    body: {
      actor, action: 'signature.reassign' satisfies AuditAction,
      signatureId: row.id, signature: row.signature, contentProviderId: row.contentProviderId,
      previousSignatureId: previous.id, previousContentProviderId: previous.contentProviderId, previousSince: previous.createdAt,
      revokedAt: previous.revokedAt ?? null, revokedReason: previous.revokedReason ?? null,
    },
  };
}

/** `port.reassign`: `row` took over the number of the retired port `previous`. */
export function portReassignRecord(row: PortRow, previous: PortRow, actor: string): NewRecord {
  return {
    id: `aud_port_${row.number}_${row.createdAt}_reassign`, at: row.createdAt, kind: 'audit', contentProviderId: row.ownerId, msisdn: null, ref: row.number,
    body: {
      actor, action: 'port.reassign' satisfies AuditAction,
      number: row.number, contentProviderId: row.ownerId, kind: row.kind,
      previousContentProviderId: previous.ownerId, previousKind: previous.kind, previousSince: previous.createdAt,
      retiredAt: previous.retiredAt ?? null, retiredReason: previous.retiredReason ?? null,
    },
  };
}

/**
 * `content_provider.create`: provider `row` created by `actor`, written in the creation's transaction
 * (before, it was appended after the commit, so a crash between left a provider with no record).
 */
export function contentProviderCreateRecord(row: ContentProviderRow, actor: string): NewRecord {
  return {
    id: `aud_${row.id}_${row.createdAt}_create`, at: row.createdAt, kind: 'audit', contentProviderId: row.id, msisdn: null, ref: null,
    body: { actor, action: 'content_provider.create' satisfies AuditAction, contentProviderId: row.id, name: row.name, creditCode: row.creditCode },
  };
}

/**
 * `smpp_credential.create`: credential `row` created by `actor` (who, when, which system_id, whose),
 * written in the creation's transaction. Never the password nor its hash: the records are shown to
 * regulators and exported.
 */
export function smppCredentialCreateRecord(row: SmppCredentialRow, actor: string): NewRecord {
  return {
    id: `aud_${row.id}_${row.createdAt}_create`, at: row.createdAt, kind: 'audit', contentProviderId: row.contentProviderId, msisdn: null, ref: null,
    body: { actor, action: 'smpp_credential.create' satisfies AuditAction, credentialId: row.id, systemId: row.systemId, contentProviderId: row.contentProviderId },
  };
}

/** `smpp_credential.revoke`: the live credential `row` revoked at `at` by `actor` (a repeat revokes nothing and is not recorded). */
export function smppCredentialRevokeRecord(row: SmppCredentialRow, at: number, actor: string): NewRecord {
  return {
    id: `aud_${row.id}_${at}_revoke`, at, kind: 'audit', contentProviderId: row.contentProviderId, msisdn: null, ref: null,
    body: { actor, action: 'smpp_credential.revoke' satisfies AuditAction, credentialId: row.id, systemId: row.systemId },
  };
}

/**
 * `signature.review`: the operator's decision on a provider's application, written in the review's
 * transaction (its id is the review log row's, `signature_reviews.id`).
 */
export function signatureReviewRecord(row: SignatureReviewRow, contentProviderId: string): NewRecord {
  return {
    id: `aud_${row.id}_${row.at}_review`, at: row.at, kind: 'audit', contentProviderId, msisdn: null, ref: null,
    body: { actor: row.actor, action: 'signature.review' satisfies AuditAction, signatureId: row.signatureId, contentProviderId, status: row.decision, reason: row.reason },
  };
}
