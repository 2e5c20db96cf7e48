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
