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
 * the message since, it may be writing it, and the cancel is refused. One whose holder does not
 * answer within the bound (TAKE_BACK_WAIT_MS) is refused: `conflict`.
 *
 * One already written to the carrier and not final (`submitted`: the carrier acknowledged it, no
 * final receipt yet) may still wait there (scheduled, in the carrier's retries): the carrier is asked
 * to take it back (SMPP 3.4 §4.9 cancel_sm for each part, on the link that carried it:
 * AppContext.cancelUpstream, Egress.cancelUpstream), waiting at most CANCEL_UPSTREAM_WAIT_MS. Only if
 * it says ESME_ROK for every part is the message cancelled as above (OutboxStore.cancel `atCarrier`):
 * its status record, the DELETED receipt, its frequency count given back; a receipt that comes for it
 * later does not move it (`cancelled` outranks every other final status in the stores). A refusal
 * (ESME_RCANCELFAIL or any other error, no answer in time, the link down or not known) leaves it
 * `submitted`: `conflict`, saying the carrier refused and why. A long message's asking stops at the
 * first part not cancelled; when the carrier cancelled some parts first (or was asked and did not
 * answer, so it may have), the message stays `submitted` (the other parts may still arrive, and
 * their receipts move it as usual), and a status record repeating `submitted` notes which part came
 * to what (OutboxStore.noteSubmitted: `cancel at the carrier: part 1 of 3 cancelled; part 2 refused
 * (cmcc: ESME_RCANCELFAIL); part 3 not asked (asked by …)`), which GET /v1/messages/{id}'s history
 * shows; the 409 says it too (SMPP's cancel_sm_resp has room for no more than ESME_RCANCELFAIL). The single-process gateway's
 * DeliveryWorker sets cancelUpstream (its own egress); in scale-out (NATS) the bus roles do, and the
 * egress process owning the recipient's partition asks its carrier and answers
 * (src/queue/cancel-upstream.ts), this process recording the outcome as here. One already final is
 * refused.
 */
import { SmsguardError } from '../domain/errors.js';
import type { AppContext } from './context.js';
import type { MessageNaming, Principal } from './types.js';
import type { MessageView } from '../ports/store.js';
import type { UpstreamCancelPart } from '../ports/egress.js';
import { messageNamed } from './message-by-id.js';
import { requireRoleIn, ROLES, OWN_DATA_REF } from './access.js';
import { countTaken } from '../domain/send-window.js';

/**
 * How long a cancel waits for the carrier's cancel_sm_resp to every part, in all. Below an ESME's
 * usual response timeout (10 s and more) so that its cancel_sm gets our answer, not its own timeout.
 */
export const CANCEL_UPSTREAM_WAIT_MS = 5_000;

/**
 * Cancels the message `asked` names: `not_found` for an unknown id, `forbidden` for another
 * provider's, `conflict` once it can no longer be cancelled. `naming.partIds` (SMPP cancel_sm): an
 * earlier part's id of the provider's own long message names it too (message-by-id.ts), and the
 * whole message is cancelled; the answer carries the message's id.
 */
export async function cancelMessage(ctx: AppContext, p: Principal, asked: string, naming?: MessageNaming): Promise<{ id: string; status: 'cancelled' }> {
  requireRoleIn(p, ROLES.cancelMessage);
  const v = await messageNamed(ctx, p, asked, naming);
  if (!v) throw new SmsguardError('not_found', `no message ${asked}`);
  // as GET /v1/messages/{id} answers it (records.ts getMessage)
  if (p.role === 'content-provider' && v.contentProviderId !== p.contentProviderId) throw new SmsguardError('forbidden', `message ${asked} is not this content provider's`, OWN_DATA_REF);
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
  // Written to the carrier and not final: only the carrier can take it back now.
  if (r === 'final' && v.status === 'submitted' && ctx.cancelUpstream) r = await cancelAtCarrier(ctx, ctx.cancelUpstream, v, owner, at, p.actorId);
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

/**
 * Asks the carrier to cancel `v` (written to it: `submitted` when read) and, once it said yes for
 * every part, records it cancelled: `cancelled`, or `final` when it reached a final status meanwhile
 * (a receipt that came first). A refusal throws `conflict` and leaves the message as it is.
 */
async function cancelAtCarrier(ctx: AppContext, ask: NonNullable<AppContext['cancelUpstream']>, v: MessageView, owner: string | null, at: number, actor: string): Promise<'cancelled' | 'claimed' | 'final' | 'unknown'> {
  const id = v.id;
  const detail = `cancelled by ${actor}`;
  const upstreamIds = await ctx.store.outbox.upstreamIdsOf(id);
  // the submission's record damaged (no from/to), or no carrier id on file: nothing to name it by
  if (upstreamIds.length === 0 || v.from === undefined || v.to === undefined) {
    throw new SmsguardError('conflict', `message ${id} was written to the carrier and its carrier id is not on file: it can no longer be cancelled`);
  }
  const answer = await ask({ messageId: id, from: v.from, to: v.to, upstreamIds }, CANCEL_UPSTREAM_WAIT_MS);
  if (!answer.ok) {
    const parts = answer.parts?.length === upstreamIds.length ? answer.parts : undefined;
    // something changed at the carrier, or may have: on the message's record, while it is submitted
    const touched = parts?.some((x) => x === 'cancelled' || x === 'unanswered') ?? false;
    const note = parts && (touched || parts.length > 1) ? carrierCancelNote(parts, answer.reason) : null;
    let noted = false;
    if (note && touched) noted = await ctx.store.outbox.noteSubmitted(id, ctx.clock.now(), `cancel at the carrier: ${note} (asked by ${actor})`, `${id}:carrier-cancel:${ctx.ids.next('rec').slice(4)}`);
    throw new SmsguardError('conflict', note
      ? `message ${id} was written to the carrier, which refused to cancel ${parts!.length > 1 ? 'all of it' : 'it'}: ${note}; it is still ${v.status}${parts!.length > 1 ? ' (the parts not cancelled may still arrive)' : ''}${noted ? ', as its history notes' : ''}`
      : `message ${id} was written to the carrier, which refused to cancel it (${answer.reason}): it is still ${v.status}`);
  }
  const r = await ctx.store.outbox.cancel(id, owner, at, `${detail} (cancelled at the carrier)`, { uncount: countTaken(v), atCarrier: true });
  if (r !== 'final') return r;
  // A final receipt was recorded between the read and now (a carrier that reports DELETED as it
  // cancels, before its cancel_sm_resp is handled here): the status stands, and the answer says so.
  const now = (await ctx.store.messages.getMessage(id))?.status ?? 'final';
  throw new SmsguardError('conflict', `message ${id} was cancelled at the carrier, but a receipt recorded it ${now} first`);
}

const PART_WORDS: Record<UpstreamCancelPart, string> = {
  cancelled: 'cancelled', refused: 'refused', unanswered: 'unanswered', not_asked: 'not asked',
};

/**
 * What became of each part at the carrier, in words, the parts of one outcome together in part order:
 * `parts 1, 2 of 4 cancelled; part 3 refused (cmcc: ESME_RCANCELFAIL); part 4 not asked`. The reason
 * goes with the outcome of the first part not cancelled (the one it is the reason of).
 */
export function carrierCancelNote(parts: readonly UpstreamCancelPart[], reason: string): string {
  const first = parts.findIndex((x) => x !== 'cancelled');
  const groups = new Map<UpstreamCancelPart, number[]>();
  parts.forEach((x, i) => {
    const g = groups.get(x);
    if (g) g.push(i + 1);
    else groups.set(x, [i + 1]);
  });
  const of = ` of ${parts.length}`;
  const said = [...groups].map(([x, ns], k) => `${ns.length > 1 ? 'parts' : 'part'} ${ns.join(', ')}${k === 0 ? of : ''} ${PART_WORDS[x]}`
    + `${first >= 0 && x === parts[first] ? ` (${reason})` : ''}${x === 'unanswered' ? ', so perhaps cancelled there' : ''}`);
  return said.join('; ');
}
