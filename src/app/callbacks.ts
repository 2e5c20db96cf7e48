/**
 * HTTP callbacks (webhooks) of a content provider: where smsguard POSTs its messages' status changes
 * and the MO its users send (callback-worker.ts sends them). Set by an admin, like the provider's
 * other registry data; read by an admin or the provider itself, never with the secret, which is
 * shown only when it is made (the first URL set, or `rotateSecret`) and kept as is in the store:
 * the gateway needs it to sign each callback, so it cannot be stored hashed like an API key.
 */
import { SmsguardError } from '../domain/errors.js';
import type { CallbackSettings } from '../ports/store.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import { requireOwnerOrAdmin, requireRoleIn, ROLES } from './access.js';
import { newSecret } from './secrets.js';
import { str } from './validate.js';
import type { CallbackRegistry } from './callback-registry.js';
import { mustExist } from './known-provider.js';

/** Longest URL taken: what browsers and proxies reliably carry. */
export const CALLBACK_URL_MAX = 2000;

export interface CallbackView {
  statusUrl: string | null;
  moUrl: string | null;
}

/** The answer to a change: the secret only when one was made just now. */
export type CallbackChange = CallbackView & { secret?: string };

/** `null` and absent as given; otherwise an absolute http(s) URL of at most 2000 characters. */
function urlField(v: unknown, field: string): string | null | undefined {
  if (v === undefined || v === null) return v;
  const s = str(v, field, { min: 1, max: CALLBACK_URL_MAX });
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw new SmsguardError('invalid_request', `${field}: must be an absolute http or https URL`, {}, field);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new SmsguardError('invalid_request', `${field}: must be an http or https URL, not ${u.protocol}`, {}, field);
  // Credentials in the URL would be stored and logged with it: receivers check the signature instead.
  if (u.username || u.password) throw new SmsguardError('invalid_request', `${field}: must not carry a user name or password`, {}, field);
  return s;
}

/**
 * Sets, changes or removes (null) a provider's callback URLs; an absent field stays as it was. A
 * signing secret is made the first time a URL is set and on `rotateSecret`, and returned only then.
 */
export async function setCallbacks(ctx: AppContext, registry: CallbackRegistry, p: Principal, contentProviderId: string, body: Record<string, unknown>): Promise<CallbackChange> {
  requireRoleIn(p, ROLES.setCallbacks);
  const statusUrl = urlField(body.statusUrl, 'statusUrl');
  const moUrl = urlField(body.moUrl, 'moUrl');
  if (body.rotateSecret !== undefined && typeof body.rotateSecret !== 'boolean') throw new SmsguardError('invalid_request', 'rotateSecret: must be a boolean', {}, 'rotateSecret');
  await mustExist(ctx, contentProviderId);
  const was = await ctx.store.callbacks.getSettings(contentProviderId);
  const next: CallbackSettings = {
    contentProviderId,
    statusUrl: statusUrl === undefined ? (was?.statusUrl ?? null) : statusUrl,
    moUrl: moUrl === undefined ? (was?.moUrl ?? null) : moUrl,
    secret: was?.secret ?? null,
    updatedAt: ctx.clock.now(),
  };
  const made = body.rotateSecret === true || (next.secret === null && (next.statusUrl !== null || next.moUrl !== null)) ? newSecret('sgw') : undefined;
  if (made) next.secret = made;
  await ctx.store.callbacks.putSettings(next);
  registry.set(next);
  await ctx.store.records.appendAudit(next.updatedAt, p.actorId, 'content_provider.callbacks', { contentProviderId, statusUrl: next.statusUrl, moUrl: next.moUrl, secretMade: made !== undefined }, { contentProviderId });
  return { statusUrl: next.statusUrl, moUrl: next.moUrl, ...(made ? { secret: made } : {}) };
}

/** A provider's callback URLs (both null when none are set); never the secret. */
export async function getCallbacks(ctx: AppContext, p: Principal, contentProviderId: string): Promise<CallbackView> {
  requireOwnerOrAdmin(p, contentProviderId);
  await mustExist(ctx, contentProviderId);
  const s = await ctx.store.callbacks.getSettings(contentProviderId);
  return { statusUrl: s?.statusUrl ?? null, moUrl: s?.moUrl ?? null };
}
