/**
 * The audit records of a registration that takes over a revoked signature's text or a retired port's
 * number (`signature.reassign`, `port.reassign`): what the earlier tenure was, written by each store
 * adapter in the registration's own transaction, so that a registration never stands without the
 * record of whose the text or number was before (a crash between two writes could leave it so).
 */
import type { PortRow, SignatureRow } from '../ports/store.js';
import type { NewRecord } from './record-columns.js';

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
