/**
 * The audit records of a registration, written by each store adapter in the registration's own
 * transaction, so that a registration never stands without its record (a crash between two writes
 * could leave it so): the registration itself (`signature.register`, `signature.submit`,
 * `port.register`: who, when, what), and, where it takes over a revoked signature's text or a retired
 * port's number, whose it was before (`signature.reassign`, `port.reassign`).
 */
import type { PortRow, SignatureRow } from '../ports/store.js';
import type { NewRecord } from './record-columns.js';

/**
 * The registration of signature `row` by `actor`: `signature.register` for the operator's (approved at
 * once: its registration is the review), `signature.submit` for a provider's application (pending,
 * until `signature.review` records the operator's decision), as `template.submit` / `template.review`.
 */
export function signatureRegisterRecord(row: SignatureRow, actor: string): NewRecord {
  const action = row.status === 'pending' ? 'signature.submit' : 'signature.register';
  return {
    id: `aud_${row.id}_${row.createdAt}_register`, at: row.createdAt, kind: 'audit', contentProviderId: row.contentProviderId, msisdn: null, ref: row.id,
    body: { actor, action, signatureId: row.id, signature: row.signature, contentProviderId: row.contentProviderId, status: row.status },
  };
}

/** `port.register`: port `row` registered by `actor` (a retired number taken over adds {@link portReassignRecord}). */
export function portRegisterRecord(row: PortRow, actor: string): NewRecord {
  return {
    id: `aud_port_${row.number}_${row.createdAt}_register`, at: row.createdAt, kind: 'audit', contentProviderId: row.ownerId, msisdn: null, ref: row.number,
    body: { actor, action: 'port.register', number: row.number, contentProviderId: row.ownerId, kind: row.kind },
  };
}

/** `signature.reassign`: `row` registered the text `previous` (the latest revoked registration of it) held. */
export function signatureReassignRecord(row: SignatureRow, previous: SignatureRow, actor: string): NewRecord {
  return {
    id: `aud_${row.id}_${row.createdAt}_reassign`, at: row.createdAt, kind: 'audit', contentProviderId: row.contentProviderId, msisdn: null, ref: row.id,
    body: {
      actor, action: 'signature.reassign',
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
      actor, action: 'port.reassign',
      number: row.number, contentProviderId: row.ownerId, kind: row.kind,
      previousContentProviderId: previous.ownerId, previousKind: previous.kind, previousSince: previous.createdAt,
      retiredAt: previous.retiredAt ?? null, retiredReason: previous.retiredReason ?? null,
    },
  };
}
