/**
 * Telling the provider of a reply the gateway acted on itself (an opt-out, a re-subscription, a
 * consent answer): the same `moForward` event an ordinary reply raises, with its notice, so both doors
 * tell it alike: the `mo` callback carries the notice's `action` (the store queued it with the MO's
 * record), and the provider's SMPP receiver binds get the reply as any MO deliver_sm (the text the
 * user typed, as an SMSC hands an ESME a `TD`). Only the provider the reply concerns is told: the
 * holder of the port it reached, or the provider whose consent request it answered.
 */
import { MO_NOTICE_ACTION, type MoNotice } from '../domain/callback-payload.js';
import type { AppContext } from './context.js';

/** The notice of an MO record's action, with what the provider needs to act on it (absent ones left out). */
export function moNotice(action: keyof typeof MO_NOTICE_ACTION, extra: { signature?: string | null; consentRequestId?: string } = {}): MoNotice {
  const n: MoNotice = { action: MO_NOTICE_ACTION[action] };
  if (extra.signature) n.signature = extra.signature;
  if (extra.consentRequestId) n.consentRequestId = extra.consentRequestId;
  return n;
}

/** After the MO is recorded (with `notice`): tells its provider, on every door. */
export function tellProvider(ctx: AppContext, contentProviderId: string, mo: { id: string; from: string; to: string; text: string; at: number }, notice: MoNotice): void {
  ctx.events.emit('moForward', { id: mo.id, contentProviderId, from: mo.from, to: mo.to, text: mo.text, at: mo.at, notice });
}
