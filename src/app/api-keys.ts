/**
 * A content provider's API keys (README "Revoking keys"): an admin issues another key (shown once,
 * stored hashed like the first), lists them (admin or the provider itself; never a secret or hash)
 * and revokes one, so a leaked key can be taken back and keys rotated without downtime: issue the new
 * one, move the client, revoke the old one.
 */
import { SmsguardError } from '../domain/errors.js';
import type { TokenRow } from '../ports/store.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import type { Authenticator } from './auth.js';
import { requireOwnerOrAdmin, requireRoleIn, ROLES } from './access.js';
import { hashSecret, newSecret } from './secrets.js';
import { str } from './validate.js';
import { mustExist } from './known-provider.js';

/** What a listing shows of a key: never the secret or its hash. */
export interface ApiKeyView {
  id: string;
  label: string;
  createdAt: number;
  revokedAt: number | null;
}

const view = (r: TokenRow): ApiKeyView => ({ id: r.id, label: r.label, createdAt: r.createdAt, revokedAt: r.revokedAt });

/** Issues another API key for a provider (admin); the secret is returned here and never again. */
export async function createApiKey(ctx: AppContext, p: Principal, contentProviderId: string, body: Record<string, unknown> = {}): Promise<{ id: string; apiKey: string }> {
  requireRoleIn(p, ROLES.createApiKey);
  const label = body.label === undefined || body.label === null ? 'api key' : str(body.label, 'label', { min: 1, max: 200, shape: 'line' }).trim() || 'api key';
  await mustExist(ctx, contentProviderId);
  const apiKey = newSecret('sgk');
  const id = ctx.ids.next('tok');
  const at = ctx.clock.now();
  await ctx.store.directory.addToken({ id, role: 'content-provider', subject: contentProviderId, label, scope: {}, createdAt: at, revokedAt: null }, hashSecret(apiKey));
  await ctx.store.records.appendAudit(at, p.actorId, 'api_key.create', { tokenId: id, label }, { contentProviderId });
  return { id, apiKey };
}

/** A provider's API keys, live and revoked, oldest first (admin, or the provider itself). */
export async function listApiKeys(ctx: AppContext, p: Principal, contentProviderId: string): Promise<{ apiKeys: ApiKeyView[] }> {
  requireOwnerOrAdmin(p, contentProviderId);
  await mustExist(ctx, contentProviderId);
  return { apiKeys: (await ctx.store.directory.listTokens({ role: 'content-provider', subject: contentProviderId })).map(view) };
}

/**
 * Revokes one of a provider's API keys (admin): it answers 401 at once in this process, at once in
 * the others on the bus (the `secretRevoked` notice), and within TOKEN_CACHE_MS in any that miss it. Idempotent; `not_found` for a key that is not this
 * provider's (an id of another provider's key, or of another kind of token, says nothing more).
 */
export async function revokeApiKey(ctx: AppContext, auth: Authenticator, p: Principal, contentProviderId: string, keyId: string): Promise<void> {
  requireRoleIn(p, ROLES.revokeApiKey);
  const row = await ctx.store.directory.getToken(keyId);
  if (!row || row.role !== 'content-provider' || row.subject !== contentProviderId) throw new SmsguardError('not_found', `no API key ${keyId} of content provider ${contentProviderId}`);
  await auth.revokeToken(keyId, p.actorId);
}
