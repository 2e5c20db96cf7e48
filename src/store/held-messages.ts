/**
 * Shared by the store adapters: the row shape of a held message (message_status with status 'held')
 * and the status record of an operator's review decision, so SQLite and PostgreSQL record it alike.
 */
import type { HeldMessage, HoldResolution } from '../ports/store.js';
import { clientRefFromColumn } from './client-ref-column.js';

/** The columns toHeld reads. */
export const HELD_COLS = 'id, content_provider_id, from_port, msisdn, text, registered_delivery, submitted_at, client_ref, valid_until';

export interface HeldDb { id: string; content_provider_id: string; from_port: string; msisdn: string; text: string; registered_delivery: number | boolean; submitted_at: number; client_ref: string | null; valid_until: number | string | null }

export function toHeld(r: HeldDb): HeldMessage {
  const h: HeldMessage = { id: r.id, contentProviderId: r.content_provider_id, from: r.from_port, to: r.msisdn, text: r.text, registeredDelivery: !!r.registered_delivery, heldAt: Number(r.submitted_at) };
  const clientRef = clientRefFromColumn(r.client_ref);
  if (clientRef !== undefined) h.clientRef = clientRef;
  if (r.valid_until !== null && r.valid_until !== undefined) h.validUntil = Number(r.valid_until);
  return h;
}

/** The status record of a review decision: the new status, who decided and why. */
export function heldStatusBody(r: HoldResolution): Record<string, unknown> {
  const status = heldStatusOf(r);
  // an expiry's reason says it all (held for review, not decided within …)
  const detail = r.action === 'expire' ? r.reason : `${r.action === 'release' ? 'released' : 'rejected'} after review by ${r.actor}: ${r.reason}`;
  return { status, detail, review: { action: r.action, actor: r.actor, reason: r.reason } };
}

/** The status a review decision moves a held message to. */
export function heldStatusOf(r: Pick<HoldResolution, 'action'>): 'accepted' | 'rejected' | 'expired' {
  return r.action === 'release' ? 'accepted' : r.action === 'reject' ? 'rejected' : 'expired';
}
