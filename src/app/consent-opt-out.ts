/**
 * What an opt-out covers. Scope `content-provider` (default, both profiles): every commercial message
 * of the provider, and the provider's relationship with the number ends. Scope `signature` (profile
 * parameter `optOutScope`, operators override it in config): only messages under the signature the
 * user answered, i.e. the signature of the last message the provider sent the number from that port
 * (or of the consent request being answered). When that signature is unknown the opt-out covers all
 * the provider's signatures (`*`): uncertainty falls on the side of the refusal.
 */
import { leadingSignature } from '../domain/signature.js';
import type { AppContext } from './context.js';

export async function optOutTarget(ctx: AppContext, cpId: string, msisdn: string, port: string, answeredText?: string): Promise<{ signature: string | null; endsRelationship: boolean }> {
  if (ctx.profile.params.optOutScope.value !== 'signature') return { signature: null, endsRelationship: true };
  const sig = (answeredText ? leadingSignature(answeredText) : null) ?? (await ctx.store.consents.lastSignatureSent(cpId, msisdn, port));
  return { signature: sig, endsRelationship: sig === null };
}
