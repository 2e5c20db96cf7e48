/**
 * cancelMessage: a sender takes back a message it no longer wants sent (`DELETE /v1/messages/{id}`,
 * SMPP cancel_sm), while the gateway still holds it: queued and not yet taken by a delivery batch,
 * or held for review. It ends `cancelled` (its status record says who), and a sender that asked for
 * receipts gets one (SMPP `stat:DELETED`). A message a batch has taken is given up by the egress
 * loop holding it if none of it was written to the carrier yet (it waited for a link or a window:
 * AppContext.takeBack) and then cancelled: this process's delivery worker, or in scale-out the
 * egress worker of whichever process holds it, asked over NATS (src/queue/take-back.ts). The holder
 * answers with the claim it gave up and keeps it (the message is not put back in the queue), and the
 * cancel overrides that claim only (CancelOptions.evenIfClaimedBy): should another claim have taken
 * the message since, it may be writing it, and the cancel is refused. One already written cannot be
 * called back (SMPP's own cancel_sm to the carrier is not sent), nor one whose holder does not answer
 * within the bound (TAKE_BACK_WAIT_MS): `conflict`, as for one already sent or otherwise final.
 */
import { SmsguardError } from '../domain/errors.js';
import type { AppContext } from './context.js';
import type { MessageNaming, Principal } from './types.js';
import { messageNamed } from './message-by-id.js';
import { requireRole } from './access.js';
import { countTaken } from '../domain/send-window.js';

/**
 * Cancels the message `asked` names: `not_found` for an unknown id, `forbidden` for another
 * provider's, `conflict` once it can no longer be cancelled. `naming.partIds` (SMPP cancel_sm): an
 * earlier part's id of the provider's own long message names it too (message-by-id.ts), and the
 * whole message is cancelled; the answer carries the message's id.
 */
export async function cancelMessage(ctx: AppContext, p: Principal, asked: string, naming?: MessageNaming): Promise<{ id: string; status: 'cancelled' }> {
  requireRole(p, 'admin', 'content-provider');
  const v = await messageNamed(ctx, p, asked, naming);
  if (!v) throw new SmsguardError('not_found', `no message ${asked}`);
  // as GET /v1/messages/{id} answers it (records.ts getMessage)
  if (p.role === 'content-provider' && v.contentProviderId !== p.contentProviderId) throw new SmsguardError('forbidden', `message ${asked} is not this content provider's`);
  const id = v.id;
  const at = ctx.clock.now();
  const owner = p.role === 'content-provider' ? p.contentProviderId : null;
  const detail = `cancelled by ${p.actorId}`;
  // Never sent, it no longer counts against the number's frequency limits (a cancelled reminder must
  // not block the next code): the count its decision took, at the time it was to be sent.
  const uncount = countTaken(v);
  let r = await ctx.store.outbox.cancel(id, owner, at, detail, { uncount });
  // Taken by a batch that cannot send it yet (the link down, a full window): given up unwritten, it can
  // go. Only under the claim given up: between the holder's answer and this cancel another batch may
  // have claimed it again and be writing it (a lease that ran out meanwhile), and that claim's lease
  // still answers `claimed`: a message being sent is never recorded cancelled.
  if (r === 'claimed' && ctx.takeBack) {
    const given = await ctx.takeBack(id);
    if (given) r = await ctx.store.outbox.cancel(id, owner, at, detail, { evenIfClaimedBy: given, uncount });
  }
  if (r === 'unknown') throw new SmsguardError('not_found', `no message ${id}`);
  if (r === 'claimed') throw new SmsguardError('conflict', `message ${id} is being handed to the carrier and can no longer be cancelled`);
  if (r === 'final') throw new SmsguardError('conflict', `message ${id} can no longer be cancelled: it is ${v.status}`);
  // Doors that promised an outcome report it (SMPP receipt DELETED), from the submission's record.
  if (v.from !== undefined && v.to !== undefined && v.text !== undefined) {
    ctx.events.emit('messageStatus', {
      id, contentProviderId: v.contentProviderId, status: 'cancelled', at, from: v.from, to: v.to, submittedAt: v.receivedAt,
      registeredDelivery: v.registeredDelivery, text: v.text, ...(v.clientPartIds ? { clientPartIds: v.clientPartIds } : {}),
      clientRef: v.clientRef ?? null,
    });
  }
  return { id, status: 'cancelled' };
}
