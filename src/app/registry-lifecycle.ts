/**
 * Taking back what the registry gave (rule 1: licence and access registry): an operator revokes a
 * signature the provider may no longer use (brand lost, complaint, regulator order) and retires a
 * port whose allocation was withdrawn or whose customer left. Both stay listed with when and why;
 * the store records each in the statutory records (audit `signature.revoke`, `port.retire`) in the
 * same transaction as the change, as it does a provider's suspension.
 *
 * What binds and when (docs/ARCHITECTURE.md, "Revoked signatures and retired ports"):
 * - New submissions, every door (HTTP, SMPP, consent requests): refused at once with the codes an
 *   unregistered signature or port gets (`signature_unregistered`, `unknown_port`), the message
 *   saying revoked/retired and since when. The facts are read in the decision's transaction on
 *   PostgreSQL (no cache), and SQLite's one process drops its cache entry on the write.
 * - Messages accepted before and still queued: stopped at send time (send-time-check.ts), whatever
 *   their type, since the right to the signature or number is gone for them too.
 * - MO to a retired port still reaches its holder: a refusal opts the user out (Art. on free
 *   refusal) and is recorded; other texts are forwarded as before.
 */
import { SmsguardError } from '../domain/errors.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import { requireRoleIn, ROLES } from './access.js';
import { str } from './validate.js';
import { REGISTRY_LIMITS } from './onboarding.js';
import { mustExist } from './known-provider.js';
import type { PortRow, SignatureRow } from '../ports/store.js';

/** The reason an operator gives: required, since the record must say why (1–500 characters). */
function reasonOf(body: Record<string, unknown> | undefined): string {
  const reason = str(body?.reason, 'reason', { ...REGISTRY_LIMITS.reason, shape: 'text' }).trim();
  if (!reason) throw new SmsguardError('invalid_request', 'reason: must not be blank', {}, 'reason');
  return reason;
}

/**
 * `DELETE /v1/content-providers/{id}/signatures/{signatureId}` (admin). Idempotent: revoking a
 * revoked signature answers it as it stands (first time and reason). `not_found` when the provider
 * has no such signature.
 */
export async function revokeSignature(ctx: AppContext, p: Principal, cpId: string, signatureId: string, body: Record<string, unknown> | undefined): Promise<SignatureRow> {
  requireRoleIn(p, ROLES.revokeSignature);
  const reason = reasonOf(body);
  await mustExist(ctx, cpId);
  const row = await ctx.store.directory.revokeSignature(cpId, signatureId, ctx.clock.now(), p.actorId, reason);
  if (!row) throw new SmsguardError('not_found', `content provider ${cpId} has no signature ${signatureId}`, {}, undefined, { id: 'signature_not_found', params: { id: cpId, signatureId } });
  return row;
}

/** `DELETE /v1/ports/{number}` (admin). Idempotent like revokeSignature; `not_found` when no such port. */
export async function retirePort(ctx: AppContext, p: Principal, number: string, body: Record<string, unknown> | undefined): Promise<PortRow> {
  requireRoleIn(p, ROLES.retirePort);
  const n = str(number, 'number', { ...REGISTRY_LIMITS.number, pattern: /^\d+$/ });
  const reason = reasonOf(body);
  const row = await ctx.store.directory.retirePort(n, ctx.clock.now(), p.actorId, reason);
  if (!row) throw new SmsguardError('not_found', `no port ${n}`);
  return row;
}
