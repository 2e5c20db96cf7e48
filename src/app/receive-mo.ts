/**
 * receiveMo: a user's message reaching one of our ports. Handlers registered by features (consent
 * replies, complaint reports) see it first. Refusals (keywords and natural-language phrases) opt the
 * number out of that provider's commercial messages at once (scope per profile: provider or
 * signature), are recorded, and are confirmed by one free message; a re-subscribe keyword (`订阅`…)
 * lifts the number's opt-out from that provider, likewise (consent-lift-opt-out.ts); anything else
 * (also a re-subscribe keyword with no opt-out to lift) is recorded and forwarded to the provider.
 * The provider is told of the replies acted on too, with what was done (mo-notice.ts).
 */
import { normalizeMsisdnLenient } from '../domain/msisdn.js';
import type { AppContext } from './context.js';
import type { MoRecord, PortRow } from '../ports/store.js';
import type { Channel, MoInput, MoOutcome } from './types.js';
import { moKeyword } from './opt-out-keywords.js';
import { resubscribeByReply } from './consent-lift-opt-out.js';
import { refusalPhrases } from './consent-settings.js';
import { optOutTarget } from './consent-opt-out.js';
import { optOutConfirmationBody } from './consent-confirmations.js';
import { storableForm } from './validate.js';
import { moNotice, tellProvider } from './mo-notice.js';

/** Extension point for later issues (consent replies, complaint reports): first handler to claim the MO wins. */
export type MoHandler = (ctx: AppContext, mo: { id: string; from: string; to: string; text: string; at: number; contentProviderId: string | null }) => Promise<MoOutcome | null>;

/**
 * How long the parts of an unfinished long MO are kept (wall time: this bounds storage, it is no
 * rule). An SMSC sends a set's parts within seconds; one that never finishes is dropped after this.
 */
export const MO_PART_TTL_MS = 10 * 60_000;

/** The longest a part's text may be (an SMPP part carries at most 160 characters; a payload more). */
const MO_PART_MAX = 2000;

export async function receiveMo(ctx: AppContext, input: MoInput, channel: Channel, handlers: readonly MoHandler[] = []): Promise<MoOutcome> {
  // The numbers are stored (and looked up) as they came: a NUL in one failed the MO on PostgreSQL.
  // The text's NULs go here too; its lone surrogates only once whole (a part may end inside a pair).
  input = { ...input, from: storableForm(String(input.from)), to: storableForm(String(input.to)), text: typeof input.text === 'string' ? input.text.replaceAll('\u0000', '\ufffd') : input.text };
  if (input.part) return receiveMoPart(ctx, input, channel, handlers);
  return receiveWhole(ctx, input, channel, handlers);
}

/**
 * One part of a long MO: kept in the store (the door acknowledges it to the SMSC once this resolves,
 * so a restart between parts loses none), and once every part of its set is here the whole text is
 * received as one MO, then the set is forgotten. If receiving the whole fails, the parts stay: the
 * SMSC, refused, delivers the last part again and the set completes again.
 */
async function receiveMoPart(ctx: AppContext, input: MoInput, channel: Channel, handlers: readonly MoHandler[]): Promise<MoOutcome> {
  const { ref, total, seq } = input.part!;
  if (![ref, total, seq].every(Number.isInteger) || total < 1 || total > 255 || seq < 1 || seq > total) {
    // not a part anyone could complete: received as it is
    return receiveWhole(ctx, { from: input.from, to: input.to, text: input.text }, channel, handlers);
  }
  const setKey = `${String(input.from)}|${String(input.to)}|${ref}|${total}`;
  const now = Date.now();
  const text = typeof input.text === 'string' ? input.text.slice(0, MO_PART_MAX) : '';
  const parts = await ctx.store.records.addMoPart({ setKey, seq, total, text, at: now }, now - MO_PART_TTL_MS);
  if (!parts) return { id: '', action: 'part_kept' };
  const outcome = await receiveWhole(ctx, { from: input.from, to: input.to, text: parts.map((p) => p.text).join('') }, channel, handlers);
  await ctx.store.records.dropMoParts(setKey);
  return outcome;
}

/**
 * The registered port an MO was sent to: the destination itself, else the longest registered port it
 * extends. A port holder may append extension digits (扩展码) to its port, to route replies to a
 * department or a customer of its own, and users reply to the number they were written from; the
 * extended number is the holder's, so a refusal sent there reaches the holder (a refusal must never
 * be lost) and its other replies are forwarded to it with the full number.
 */
export async function portForMo(ctx: AppContext, to: string): Promise<PortRow | null> {
  const exact = await ctx.store.directory.getPort(to);
  // digits only, at most 21 (an SMPP address is at most 20): a look-up per shorter prefix
  if (exact || !/^\d{2,21}$/.test(to)) return exact;
  for (let n = to.length - 1; n >= 1; n--) {
    const p = await ctx.store.directory.getPort(to.slice(0, n));
    if (p) return p;
  }
  return null;
}

async function receiveWhole(ctx: AppContext, input: MoInput, channel: Channel, handlers: readonly MoHandler[]): Promise<MoOutcome> {
  const at = ctx.clock.now();
  const id = ctx.ids.next('mo');
  const from = normalizeMsisdnLenient(input.from);
  const text = typeof input.text === 'string' ? storableForm(input.text.slice(0, 2000)) : '';
  const dest = String(input.to);
  const port = await portForMo(ctx, dest);
  const cpId = port?.ownerId ?? null;
  if (!from) {
    await ctx.store.records.recordMo({ id, at, from: String(input.from).slice(0, 32), to: String(input.to), text, contentProviderId: cpId, action: 'ignored' });
    return { id, action: 'ignored' };
  }
  for (const h of handlers) {
    const r = await h(ctx, { id, from, to: String(input.to), text, at, contentProviderId: cpId });
    if (r) return r;
  }
  if (!port || !cpId) {
    await ctx.store.records.recordMo({ id, at, from, to: String(input.to), text, contentProviderId: null, action: 'ignored' });
    return { id, action: 'ignored' };
  }
  const keyword = moKeyword(text, ctx.profile.params.optOutKeywords.value, await refusalPhrases(ctx), ctx.profile.params.resubscribeKeywords.value);
  if (keyword?.kind === 'refusal') {
    const refusal = keyword.match;
    const target = await optOutTarget(ctx, cpId, from, port.number);
    const notice = moNotice('opt_out', { signature: target.signature });
    // One transaction: the opt-out, the reply's record and the provider's callback. Recorded apart
    // (record first), a crash between them left a recorded, told opt-out reply that was not in force.
    const mo: MoRecord = { id, at, from, to: dest, text, contentProviderId: cpId, action: 'opt_out', notice };
    await ctx.store.consents.optOut(cpId, from, at, 'sms', { moId: id, port: port.number, text, matched: refusal, rule: 'refusal.opt-out-reply', article: ctx.profile.rules['refusal.opt-out-reply']?.article }, { ...target, mo });
    ctx.events.emit('refusal', { contentProviderId: cpId, msisdns: [from] });
    tellProvider(ctx, cpId, { id, from, to: dest, text, at }, notice);
    await sendOptOutConfirmation(ctx, cpId, port.number, from, at, target.signature);
    return { id, action: 'opt_out', contentProviderId: cpId };
  }
  // A re-subscribe reply lifts the opt-out it is about; with none to lift it is an ordinary reply.
  if (keyword?.kind === 'resubscribe') {
    const lifted = await resubscribeByReply(ctx, cpId, port.number, { id, from, to: dest, text, at });
    if (lifted) return lifted;
  }
  // The number as the user sent it: an extension's digits say whom at the holder the reply is for.
  await ctx.store.records.recordMo({ id, at, from, to: dest, text, contentProviderId: cpId, action: 'forwarded' });
  ctx.events.emit('moForward', { id, contentProviderId: cpId, from, to: dest, text, at });
  return { id, action: 'forwarded', contentProviderId: cpId };
}

/**
 * One confirmation, sent on the service provider's account (never charged to the user), under the
 * signature refused when the opt-out answered one (per-signature scope), else the provider's first.
 */
async function sendOptOutConfirmation(ctx: AppContext, cpId: string, port: string, to: string, at: number, refused: string | null): Promise<void> {
  const sigs = await ctx.store.directory.listSignatures(cpId);
  const sig = refused ?? sigs.find((s) => s.status === 'approved')?.signature ?? '';
  const text = `${sig}${optOutConfirmationBody(refused)}`;
  await ctx.store.messages.recordSystemMessage({ id: ctx.ids.next('msg'), contentProviderId: cpId, from: port, to, text, type: 'notification', purpose: 'opt_out_confirmation', at, charged: false });
  ctx.events.emit('outboxReady', { count: 1 });
}
