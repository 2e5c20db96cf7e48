/**
 * Which content providers want HTTP callbacks, as the store's own transactions ask it, and the rows
 * they queue (shared by both adapters). A status change, a held message's rejection, a replacement
 * and an MO the provider is told of (forwarded, or acted on: `toldMo`) of such a provider queue its callback row in the transaction that records it, so a crash right
 * after the commit cannot lose the callback (README "HTTP callbacks"). The question is asked once per
 * status in every status transaction: a Set lookup in memory, never a statement, so a provider
 * without callbacks (every one of the benchmarks') costs nothing more.
 *
 * Kept by CallbackStore: loaded when the store opens, changed by `putSettings` in this process, and
 * replaced by every `listSettings` (which the callback worker calls on its reload timer), so what
 * another process sharing a PostgreSQL store set is seen here at the next reload, not before.
 */
import type { CallbackSettings, MoRecord, NewCallbackEvent, StatusUpdate } from '../ports/store.js';
import { moCallback, replacedCallback, statusCallback, type MoNotice, type ReplacedFacts, type StatusFacts } from '../domain/callback-payload.js';

export class CallbackTargets {
  private status = new Set<string>();
  private mo = new Set<string>();

  /** Whether the provider has a statusUrl (as last loaded or set here). */
  wantsStatus(contentProviderId: string): boolean {
    return this.status.has(contentProviderId);
  }

  /** Whether the provider has a moUrl (as last loaded or set here). */
  wantsMo(contentProviderId: string | null): boolean {
    return contentProviderId !== null && this.mo.has(contentProviderId);
  }

  /** Takes one provider's settings as just stored. */
  set(s: CallbackSettings): void {
    if (s.statusUrl !== null) this.status.add(s.contentProviderId);
    else this.status.delete(s.contentProviderId);
    if (s.moUrl !== null) this.mo.add(s.contentProviderId);
    else this.mo.delete(s.contentProviderId);
  }

  /** Replaces everything with every provider's settings as the store holds them. */
  replace(all: readonly CallbackSettings[]): void {
    const status = new Set<string>();
    const mo = new Set<string>();
    for (const s of all) {
      if (s.statusUrl !== null) status.add(s.contentProviderId);
      if (s.moUrl !== null) mo.add(s.contentProviderId);
    }
    this.status = status;
    this.mo = mo;
  }
}

/**
 * A status change's callback row, with the body the callback worker's event listener would build
 * (callback-worker.ts): `error` the update's detail, `code` the rule that stopped a queued message.
 * Queued (and due) at the time of the change. `clientRef` as the status row keeps it (undefined: a
 * row queued before migrations 105 / 096, whose body then goes without it).
 */
export function statusCallbackRow(contentProviderId: string, u: StatusUpdate, m: { from: string; to: string; clientRef: string | null | undefined }): NewCallbackEvent {
  const facts: StatusFacts = { id: u.id, status: u.status, at: u.at, from: m.from, to: m.to };
  if (u.detail !== undefined) facts.error = u.detail;
  if (u.rejection) facts.code = u.rejection.code;
  return eventRow(contentProviderId, 'status', statusCallback(facts, m.clientRef), u.at);
}

/** A held message's rejection by review, as the `heldRejected` event makes it (code `held_for_review`). */
export function heldRejectedCallbackRow(contentProviderId: string, id: string, at: number, m: { from: string; to: string; clientRef: string | null | undefined }): NewCallbackEvent {
  return eventRow(contentProviderId, 'status', statusCallback({ id, status: 'rejected', at, from: m.from, to: m.to, code: 'held_for_review' }, m.clientRef), at);
}

/** A cancelled message's, as cancel-message.ts announces it (no error: the detail names who cancelled). */
export function cancelledCallbackRow(contentProviderId: string, id: string, at: number, m: { from: string; to: string; clientRef: string | null | undefined }): NewCallbackEvent {
  return eventRow(contentProviderId, 'status', statusCallback({ id, status: 'cancelled', at, from: m.from, to: m.to }, m.clientRef), at);
}

/**
 * A replacement's (MessageStore.replaceQueued), sent to the statusUrl as `message.replaced`:
 * `clientRef` as the message was given it (the replacement's item carries it).
 */
export function replacedCallbackRow(contentProviderId: string, r: ReplacedFacts, clientRef: string | null | undefined): NewCallbackEvent {
  return eventRow(contentProviderId, 'status', replacedCallback(r, clientRef), r.at);
}

/** A forwarded MO's, or one the gateway acted on (its notice's action with it). */
export function moCallbackRow(contentProviderId: string, mo: { id: string; from: string; to: string; text: string; at: number; notice?: MoNotice }): NewCallbackEvent {
  return eventRow(contentProviderId, 'mo', moCallback(mo), mo.at);
}

/** An MO its provider is told of by `mo` callback: a forwarded one, or one carrying a notice. */
export function toldMo(mo: MoRecord): mo is MoRecord & { contentProviderId: string } {
  return mo.contentProviderId !== null && (mo.action === 'forwarded' || mo.notice !== undefined);
}

function eventRow(contentProviderId: string, kind: NewCallbackEvent['kind'], body: { eventId: string }, at: number): NewCallbackEvent {
  return { eventId: body.eventId, contentProviderId, kind, body: JSON.stringify(body), createdAt: at };
}
