/**
 * Confirmations of a user's answer (consent, refusal, opt-out): one message, sent on the service
 * provider's account from the port the user wrote to, never charged (Art. 18: refusing costs the user
 * nothing). Signed with the provider's signature so the user knows who confirms.
 */
import { leadingSignature } from '../domain/signature.js';
import type { AppContext } from './context.js';

export async function sendFreeConfirmation(ctx: AppContext, req: { contentProviderId: string; port: string; text?: string }, to: string, body: string, purpose: string, at: number): Promise<void> {
  let sig = req.text ? leadingSignature(req.text) : null;
  if (!sig) sig = (await ctx.store.directory.listSignatures(req.contentProviderId)).find((s) => s.status === 'approved')?.signature ?? '';
  await ctx.store.messages.recordSystemMessage({ id: ctx.ids.next('msg'), contentProviderId: req.contentProviderId, from: req.port, to, text: `${sig}${body}`, type: 'notification', purpose, at, charged: false });
  ctx.events.emit('outboxReady', { count: 1 });
}

/**
 * What an opt-out's confirmation says, by what the opt-out covers (`signature`: the one a
 * per-signature opt-out answered, null when it covers the provider). Provider-wide: no more
 * commercial messages from this number. Per signature: that signature's, no more, since the
 * provider's other signatures may still come from the same port (found by the consent audit,
 * 2026-12-07: the per-signature opt-out was confirmed "…将不再收到本号码的商业短信" under another
 * signature, whose promotions then went on).
 */
export function optOutConfirmationBody(signature: string | null): string {
  if (signature === null) return '您已成功退订，将不再收到本号码的商业短信。本条免费。';
  return `您已成功退订“${signature.replace(/^【|】$/g, '')}”的商业短信。本条免费。`;
}
