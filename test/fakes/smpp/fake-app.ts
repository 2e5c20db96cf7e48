/**
 * A stand-in for the App's door-facing surface (submitMessages, getMessage, cancelMessage, replaceMessage + events)
 * so the SMPP server is tested as a translator: it records what arrives and answers by rule (text
 * containing REJECT:<code>, or a recipient `REJECT:<code>`, is refused with that code; `batches` counts
 * the submitMessages calls, one decision each). Every submission is kept as a message its
 * provider can read back (getMessage, as `GET /v1/messages/{id}` reads it: `not_found` for an unknown
 * id, `forbidden` for another provider's) and cancel while it waits (cancelMessage, as
 * `DELETE /v1/messages/{id}`: the same errors, and `conflict` once it is no longer waiting);
 * `setStatus` moves one along as the delivery worker would. Asked with `partIds` (as the SMPP server
 * asks), an earlier part's id of a long message (its `clientPartIds`) names the message, for its own
 * provider only, as the real App resolves it (src/app/message-by-id.ts).
 */
import { Emitter } from '../../../src/app/events.js';
import type { AppEvents, Channel, MessageNaming, Principal, SubmitOutcome } from '../../../src/app/types.js';
import { SmsguardError, type ErrorCode } from '../../../src/domain/errors.js';
import type { MessageView } from '../../../src/ports/store.js';
import type { ReplaceInput } from '../../../src/app/replace-message.js';

export class FakeApp {
  readonly events = new Emitter<AppEvents>();
  readonly submissions: { principal: Principal; input: Record<string, unknown>; channel: Channel }[] = [];
  /** Every submission as a message, by id (a refused one too, as the records keep it: `rejected`). */
  readonly messages = new Map<string, MessageView>();
  /** cancelMessage calls, in order (who asked, for which id). */
  readonly cancels: { principal: Principal; id: string }[] = [];
  /** `<provider>|<part id>` → message id, for each submission's clientPartIds. */
  private readonly partOf = new Map<string, string>();
  private n = 0;
  /** The size of each submitMessages call, in order. */
  readonly batches: number[] = [];
  async submitMessages(principal: Principal, inputs: readonly unknown[], channel: Channel): Promise<SubmitOutcome[]> {
    this.batches.push(inputs.length);
    const out: SubmitOutcome[] = [];
    for (const i of inputs) out.push(await this.submitMessage(principal, i, channel));
    return out;
  }
  async submitMessage(principal: Principal, input: unknown, channel: Channel): Promise<SubmitOutcome> {
    const i = input as Record<string, unknown>;
    this.submissions.push({ principal, input: i, channel });
    // a destination written REJECT:<code> is refused alone (submit_multi: one destination among others)
    const m = /REJECT:([a-z_]+)/.exec(String(i.text)) ?? /^REJECT:([a-z_]+)$/.exec(String(i.to));
    const id = m ? `rej_${++this.n}` : `msg_${++this.n}`;
    this.keep(principal, id, i, m ? 'rejected' : 'accepted');
    if (m) return { ok: false, id, error: { code: m[1] as ErrorCode, message: 'refused', rule: 'test.rule', article: 'Art. X' } };
    return { ok: true, id, status: 'accepted', text: String(i.text), segments: 1 };
  }

  async getMessage(p: Principal, id: string, naming?: MessageNaming): Promise<MessageView> {
    this.reads.push(id);
    const m = this.named(p, id, naming);
    if (!m) throw new SmsguardError('not_found', `no message ${id}`);
    if (p.role === 'content-provider' && m.contentProviderId !== p.contentProviderId) throw new SmsguardError('forbidden', `message ${id} is not this content provider's`);
    return structuredClone(m);
  }

  /**
   * Cancels a kept message that still waits (`accepted` in the queue, or `held` for review), as the
   * real App's cancelMessage: `not_found` for an unknown id, `forbidden` for another provider's,
   * `conflict` for one `submitted` or final. Every call is recorded in `cancels`. (The real App
   * also emits the `cancelled` messageStatus behind the DELETED receipt; this fake does not.)
   */
  async cancelMessage(p: Principal, id: string, naming?: MessageNaming): Promise<{ id: string; status: 'cancelled' }> {
    this.cancels.push({ principal: p, id });
    const m = this.named(p, id, naming);
    if (!m) throw new SmsguardError('not_found', `no message ${id}`);
    if (p.role === 'content-provider' && m.contentProviderId !== p.contentProviderId) throw new SmsguardError('forbidden', `message ${id} is not this content provider's`);
    if (m.status !== 'accepted' && m.status !== 'held') throw new SmsguardError('conflict', `message ${id} can no longer be cancelled: it is ${m.status}`);
    this.setStatus(m.id, 'cancelled', Date.now());
    return { id: m.id, status: 'cancelled' };
  }

  /**
   * replaceMessage calls, in order (who asked, for which id, with what). `change.text` is the new text
   * as the real App reads it: a door's function (SMPP replace_sm) called with the kept message, once
   * the id names one of the caller's (else the function itself).
   */
  readonly replaces: { principal: Principal; id: string; change: ReplaceInput; channel: Channel }[] = [];
  /** getMessage calls, in order (replace_sm must cost none: the use case reads the message once). */
  readonly reads: string[] = [];

  /**
   * Replaces a kept message's text while it waits, as the real App's replaceMessage: `not_found`,
   * `forbidden`, `invalid_request` (field `from`) for a sender that is not the message's, `conflict`
   * once it no longer waits; a new text with REJECT:<code> is refused with that code and changes
   * nothing (the real App decides it by every rule); else the text, times and receipt request change.
   * By message id only (no part ids), as the server asks.
   */
  async replaceMessage(p: Principal, id: string, change: ReplaceInput, channel: Channel): Promise<{ id: string; status: 'accepted' | 'held' }> {
    const call = { principal: p, id, change, channel };
    this.replaces.push(call);
    const m = this.messages.get(id);
    if (!m) throw new SmsguardError('not_found', `no message ${id}`);
    if (p.role !== 'content-provider' || m.contentProviderId !== p.contentProviderId) throw new SmsguardError('forbidden', `message ${id} is not this content provider's`);
    const text = typeof change.text === 'string' ? change.text : change.text({ text: m.text ?? '', ...(m.dataCoding !== undefined ? { dataCoding: m.dataCoding } : {}) });
    call.change = change = { ...change, text };
    if (change.from !== undefined && change.from !== m.from) throw new SmsguardError('invalid_request', 'from: not the sender', {}, 'from');
    if (m.status !== 'accepted' && m.status !== 'held') throw new SmsguardError('conflict', `message ${id} can no longer be replaced: it is ${m.status}`);
    const r = /REJECT:([a-z_]+)/.exec(text);
    if (r) throw new SmsguardError(r[1] as ErrorCode, 'refused', { rule: 'test.rule', article: 'Art. X' });
    m.text = text;
    if (change.registeredDelivery !== undefined) m.registeredDelivery = change.registeredDelivery;
    if (change.scheduledAt === null) delete m.scheduledAt;
    else if (change.scheduledAt !== undefined) m.scheduledAt = change.scheduledAt;
    if (change.validUntil !== undefined) m.validUntil = change.validUntil;
    m.history.push({ status: 'accepted', at: Date.now(), detail: 'text replaced' });
    return { id, status: 'accepted' };
  }

  /** The kept message `id` names: by its id, or with `partIds` by an earlier part's id of the provider's own. */
  private named(p: Principal, id: string, naming?: MessageNaming): MessageView | undefined {
    const m = this.messages.get(id);
    if (m || !naming?.partIds || p.role !== 'content-provider') return m;
    const messageId = this.partOf.get(`${p.contentProviderId}|${id}`);
    return messageId === undefined ? undefined : this.messages.get(messageId);
  }

  /** Records a status change of a kept message at `at` (history grows; the latest is its status). */
  setStatus(id: string, status: MessageView['status'], at: number): void {
    const m = this.messages.get(id);
    if (!m) throw new Error(`FakeApp: no message ${id}`);
    m.status = status;
    m.history.push({ status, at });
  }

  private keep(p: Principal, id: string, i: Record<string, unknown>, status: 'accepted' | 'rejected'): void {
    const at = Date.now();
    if (p.role === 'content-provider' && Array.isArray(i.clientPartIds)) for (const part of i.clientPartIds as string[]) this.partOf.set(`${p.contentProviderId}|${part}`, id);
    this.messages.set(id, {
      id, contentProviderId: p.role === 'content-provider' ? p.contentProviderId : '', from: String(i.from), to: String(i.to), text: String(i.text),
      decision: status, status, receivedAt: at, registeredDelivery: (i.registeredDelivery as MessageView['registeredDelivery']) ?? false, verdicts: [],
      // as the records show it: an accepted message's history starts with its acceptance, a refused one's is empty
      history: status === 'accepted' ? [{ status, at }] : [],
      // as the real App records it from the SMPP door
      ...(typeof i.dataCoding === 'number' ? { dataCoding: i.dataCoding } : {}),
    });
  }
}
