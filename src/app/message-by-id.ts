/**
 * Finding the message a door names. HTTP names a message by its id alone. An SMPP provider that sent
 * a long message in parts was answered with an id for each earlier part and the message id for the
 * last (src/smpp/server/server.ts), and a real ESME (Kannel, Net::SMPP) may query or cancel by any of
 * them: with `partIds`, such an id names its message too (MessageStore.messageOfPart, filed with the
 * decision). The id is looked up as a message id first: a short message, or a long one named by
 * its message id, costs no second read.
 */
import type { MessageView } from '../ports/store.js';
import type { AppContext } from './context.js';
import type { MessageNaming, Principal } from './types.js';

/** The message `id` names for `p` (by `naming`), or null. Ownership is the caller's to check. */
export async function messageNamed(ctx: AppContext, p: Principal, id: string, naming: MessageNaming = {}): Promise<MessageView | null> {
  const m = await ctx.store.messages.getMessage(id);
  if (m || !naming.partIds || p.role !== 'content-provider') return m;
  const messageId = await ctx.store.messages.messageOfPart(p.contentProviderId, id);
  return messageId === null ? null : ctx.store.messages.getMessage(messageId);
}
