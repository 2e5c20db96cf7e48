/**
 * The review queue: messages an early-warning `hold` parked instead of sending (Decision.held). They
 * are recorded like any submission (decision `held`, code `held_for_review`) and wait, with their
 * final text, in the store until an operator releases them (they join the egress queue and are sent:
 * history held → accepted → submitted…) or rejects them (history held → rejected). Each decision is
 * recorded twice: as the message's status record (who, why) and in the audit log.
 *
 * A hold does not last for ever: a message not decided within its validity (the sender's SMPP
 * validity_period / HTTP validUntil) or within the maximum hold (`--review-hold-max-hours`,
 * AppContext.reviewHoldMaxMs, default 72 h), whichever ends first, expires, as an SMSC expires what it could not send in
 * time: status `expired` (history held → expired), its frequency count given back, audit
 * `review_queue.expire`, and its sender's receipt (SMPP EXPIRED) and status callback. `expireOverdue`
 * does it; the HeldExpirySweeper runs it.
 */
import { decodeKeysetCursor, keysetPage } from '../domain/page-cursor.js';
import { countTaken, type CountTaken } from '../domain/send-window.js';
import { SmsguardError } from '../domain/errors.js';
import { plainText, storableText } from './validate.js';
import type { HeldMessage } from '../ports/store.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import { ownFilter, requireRole, requireRoleIn, ROLES } from './access.js';
import { decide } from '../pipeline/runner.js';
import { SEND_TIME_STAGES } from './send-time-check.js';
import type { Facts } from '../pipeline/types.js';
import type { MessageView, ReleaseCheck, ReleaseFacts } from '../ports/store.js';
import { mustBeFilterAccount } from './known-provider.js';

/** The maximum hold without a validity of the sender's own (`--review-hold-max-hours` default): 72 hours. */
export const DEFAULT_REVIEW_HOLD_MAX_MS = 72 * 3_600_000;

/** A held message as listed: with the time its hold ends (its validity or heldAt + the maximum hold, whichever comes first). */
export type ListedHeld = HeldMessage & { expiresAt: number };

/**
 * The stages a release re-runs: what can change while a message waits, the same the delivery worker
 * judges before sending (send-time-check.ts). A commercial message may not go out once the number
 * opted out or joined the do-not-disturb list, once its consent was withdrawn or expired, or outside
 * the sending hours of the moment it is released; a charged message (any type) once the number's
 * subscription to its service ended (`charge_not_confirmed`, rule 8).
 */
const RELEASE_STAGES = SEND_TIME_STAGES;

const MAX_REASON = 1000;
const DEFAULT_RELEASE_REASON = 'content reviewed: acceptable';

export class ReviewQueue {
  constructor(private readonly ctx: AppContext) {}

  /**
   * Held messages, oldest first, a page at a time: `nextCursor` (null on the last page) passed back as
   * `cursor` reads on past the page's last message (keyset on heldAt and id, so messages held or
   * decided meanwhile neither shift a page nor repeat). Admins see every provider's (or one's);
   * providers see their own (naming another is 403 `access.own-data`, `ownFilter`).
   */
  async list(p: Principal, q: { contentProviderId?: string; limit?: number; cursor?: string }): Promise<{ messages: ListedHeld[]; nextCursor: string | null }> {
    requireRole(p, 'admin', 'content-provider');
    const after = q.cursor === undefined ? undefined : decodeKeysetCursor(q.cursor);
    const contentProviderId = ownFilter(p, q.contentProviderId);
    const limit = Math.min(Math.max(Math.trunc(q.limit ?? 100), 1), 1000);
    await mustBeFilterAccount(this.ctx, p, contentProviderId, 'providers');
    const page = keysetPage(await this.ctx.store.messages.listHeld({ contentProviderId, limit: limit + 1, after }), limit, (m) => ({ at: m.heldAt, id: m.id }));
    return { messages: page.rows.map((m) => ({ ...m, expiresAt: this.expiresAt(m) })), nextCursor: page.nextCursor };
  }

  /** The longest a message without a validity of its own is held. */
  get maxHoldMs(): number {
    return this.ctx.reviewHoldMaxMs ?? DEFAULT_REVIEW_HOLD_MAX_MS;
  }

  /**
   * When a held message's hold ends: the sender's validity or its arrival plus the maximum hold,
   * whichever comes first (an operator's maximum holds whatever validity a sender asked for).
   */
  expiresAt(m: Pick<HeldMessage, 'heldAt' | 'validUntil'>): number {
    const max = m.heldAt + this.maxHoldMs;
    return m.validUntil === null || m.validUntil === undefined ? max : Math.min(m.validUntil, max);
  }

  /**
   * Expires every message whose hold is over at `now` (see the module comment). Idempotent: the
   * store's first decision wins, so with several processes sweeping each message expires once, and
   * only the process whose expiry took it records the audit and announces it. Returns how many.
   */
  async expireOverdue(now: number, expired?: Map<string, string>): Promise<number> {
    let n = 0;
    for (;;) {
      const due = await this.ctx.store.messages.heldPastHold({ now, maxHoldMs: this.maxHoldMs, limit: 100 });
      for (const h of due) {
        const reason = await this.expireOne(h, now);
        if (reason === null) continue;
        n++;
        expired?.set(h.id, reason);
      }
      if (due.length < 100) return n;
    }
  }

  /**
   * Before an operator's decision: the holds that ended and that the sweep (every 30 s) has not yet
   * expired are expired now, so a message past its validity or the maximum hold is never released
   * (sent late: a code long dead, a notice the sender gave up on) nor recorded as rejected by a
   * person. `not_found` saying so when `id` was one of them.
   */
  private async expireFirst(id: string): Promise<void> {
    const expired = new Map<string, string>();
    await this.expireOverdue(this.ctx.clock.now(), expired);
    const reason = expired.get(id);
    if (reason !== undefined) {
      throw new SmsguardError('not_found', `no held message ${id}: it expired, ${reason}`, {}, undefined, { id: 'held_not_found', params: { id } });
    }
  }

  /** The reason it expired, or null when another decision came first. */
  private async expireOne(h: HeldMessage, now: number): Promise<string | null> {
    const v = await this.ctx.store.messages.getMessage(h.id);
    const reason = h.validUntil !== undefined && h.validUntil <= h.heldAt + this.maxHoldMs
      ? `held for review and not decided within its validity period (until ${new Date(h.validUntil).toISOString()})`
      : `held for review and not decided within ${formatHours(this.maxHoldMs)} (the maximum hold)`;
    const m = await this.ctx.store.messages.resolveHeld(h.id, { action: 'expire', at: now, actor: 'system', reason, ...(v ? { uncount: countTaken(v) } : {}) });
    if (!m) return null; // decided meanwhile (released, rejected, or expired by another process)
    await this.ctx.store.records.appendAudit(now, 'system', 'review_queue.expire', { messageId: m.id, contentProviderId: m.contentProviderId, reason }, { contentProviderId: m.contentProviderId });
    this.announce(m, v, 'expired', now, reason);
    return reason;
  }

  /** Doors that promised an outcome report it (SMPP receipt EXPIRED, the status callback). */
  private announce(m: HeldMessage, v: MessageView | null, status: 'expired', at: number, error: string): void {
    this.ctx.events.emit('messageStatus', {
      id: m.id, contentProviderId: m.contentProviderId, status, at, from: m.from, to: m.to, submittedAt: m.heldAt,
      registeredDelivery: v?.registeredDelivery ?? m.registeredDelivery, text: m.text, error,
      ...(v?.clientPartIds ? { clientPartIds: v.clientPartIds } : {}),
      clientRef: m.clientRef ?? v?.clientRef ?? null,
    });
  }

  /** Releases a held message into the egress queue (admin). A reason is optional. */
  async release(p: Principal, id: string, body: { reason?: unknown } = {}): Promise<HeldMessage & { status: 'accepted' }> {
    requireRoleIn(p, ROLES.releaseHeld);
    const reason = reasonOf(body.reason, false) ?? DEFAULT_RELEASE_REASON;
    await this.expireFirst(id);
    const check = await this.releaseCheck(id);
    const m = await this.resolve(p.actorId, id, 'release', reason, undefined, check);
    this.ctx.events.emit('outboxReady', { count: 1 });
    return { ...m, status: 'accepted' };
  }

  /** Rejects a held message for good (admin). A reason is required: it goes into the record. */
  async reject(p: Principal, id: string, body: { reason?: unknown } = {}): Promise<HeldMessage & { status: 'rejected' }> {
    requireRoleIn(p, ROLES.rejectHeld);
    const reason = reasonOf(body.reason, true)!;
    await this.expireFirst(id);
    // Its submission as recorded: the frequency count it took (given back: never sent, it counts no
    // more) and, for a long message sent in parts, the ids its sender holds for the earlier parts
    // (the review may come long after, across restarts).
    const v = await this.ctx.store.messages.getMessage(id);
    const m = await this.resolve(p.actorId, id, 'reject', reason, v ? countTaken(v) : undefined);
    // Doors that promised an outcome (an SMPP receipt) report it; the SMPP door keeps it durably.
    const clientPartIds = m.registeredDelivery ? v?.clientPartIds : undefined;
    this.ctx.events.emit('heldRejected', {
      id: m.id, contentProviderId: m.contentProviderId, from: m.from, to: m.to, submittedAt: m.heldAt, at: this.ctx.clock.now(),
      registeredDelivery: m.registeredDelivery, text: m.text, code: 'held_for_review', reason,
      ...(clientPartIds ? { clientPartIds } : {}),
      ...(m.clientRef !== undefined ? { clientRef: m.clientRef } : {}),
    });
    return { ...m, status: 'rejected' };
  }

  /**
   * What may have changed while the message waited and would make sending it now unlawful: the
   * provider suspended; for a commercial message, the number opted out or on the do-not-disturb
   * list, the consent withdrawn or expired, or the sending hours over. Judged by the pipeline's own
   * stages (`sender.active`, `commercial.opt-out`, `commercial.consent`, `commercial.quiet-hours`) so
   * the refusal names their rule and article; the release is refused with that code and the message
   * stays held, for the operator to reject (or, for quiet hours, to release in the daytime). The
   * consent's frequency allowance is not judged again: it was taken when the message was held.
   *
   * The judgement runs inside the store's release transaction, on facts read there
   * (HoldResolution.check): an opt-out landing between a judgement made beforehand and the release
   * would otherwise let the message go to a number that had just refused.
   */
  private async releaseCheck(id: string): Promise<ReleaseCheck | undefined> {
    const v = await this.ctx.store.messages.getMessage(id);
    if (!v) return undefined; // resolve() answers not_found
    // Without its submission's fields (a damaged record, shown in `unreadable`) the message cannot be
    // judged again, and a release must not skip the judgement: it can only be rejected.
    if (v.decision === undefined || v.from === undefined || v.to === undefined || v.text === undefined || v.type === undefined) {
      throw new SmsguardError('conflict', `message ${id}: its submission record is damaged (records verify names it), so it cannot be judged again for release; reject it`);
    }
    if (v.status !== 'held') return undefined; // resolve() answers not_found
    const { from, to, text, type } = v;
    // a charged message is judged with its service (rule 8): released only while the number's
    // subscription to it is live
    const chargedServiceId = v.chargedServiceId;
    const candidate = { contentProviderId: v.contentProviderId, from, toRaw: to, to, text, type, category: v.category ?? undefined, ...(chargedServiceId !== undefined ? { chargedServiceId } : {}) };
    return {
      commercial: type === 'commercial',
      category: v.category ?? null,
      chargedServiceId: chargedServiceId ?? null,
      judge: (f: ReleaseFacts) => {
        const now = f.at;
        const sub = f.subscription;
        const facts: Facts = {
          sender: { id: v.contentProviderId, status: f.senderStatus ?? 'suspended', signatures: new Set() },
          port: null,
          optedOut: sub?.optedOut ?? false,
          ...(sub?.optOutSignatures ? { optOutSignatures: sub.optOutSignatures } : {}),
          dnd: sub?.dnd ?? false,
          consent: sub?.consent ?? null,
          // with no consent: the one withdrawn last, which the consent_missing refusal names
          ...(sub?.withdrawnConsent ? { withdrawnConsent: sub.withdrawnConsent } : {}),
          verificationSends: { minute: 0, hour: 0, day: 0 },
          ...(f.chargedSubscription !== undefined ? { chargedSubscription: f.chargedSubscription } : {}),
        };
        const d = decide(RELEASE_STAGES, candidate, facts, this.ctx.profile, this.ctx.detectors, now);
        if (d.rejection) {
          const r = d.rejection;
          const what = r.code === 'quiet_hours' ? 'cannot be released now (release it within the sending hours, or reject it)' : 'cannot be released (reject it)';
          throw new SmsguardError(r.code, `${r.message}: the held message ${what}`, { rule: r.rule, article: r.article, profile: r.profile });
        }
      },
    };
  }

  private async resolve(actor: string, id: string, action: 'release' | 'reject', reason: string, uncount?: CountTaken, check?: ReleaseCheck): Promise<HeldMessage> {
    const at = this.ctx.clock.now();
    const m = await this.ctx.store.messages.resolveHeld(id, { action, at, actor, reason, ...(uncount ? { uncount } : {}), ...(check ? { check } : {}) });
    if (!m) throw new SmsguardError('not_found', `no held message ${id} (unknown, or already released, rejected or expired)`, {}, undefined, { id: 'held_not_found', params: { id } });
    await this.ctx.store.records.appendAudit(at, actor, `review_queue.${action}`, { messageId: id, contentProviderId: m.contentProviderId, reason }, { contentProviderId: m.contentProviderId });
    return m;
  }
}

/** `72 h`, `90 min`: a duration as the expiry's reason says it. */
function formatHours(ms: number): string {
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : `${Math.round(ms / 60_000)} min`;
}

function reasonOf(v: unknown, required: boolean): string | undefined {
  if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) {
    if (required) throw new SmsguardError('invalid_request', 'reason: required to reject a held message', {}, 'reason', { id: 'reason_required' });
    return undefined;
  }
  if (typeof v !== 'string' || v.length > MAX_REASON) throw new SmsguardError('invalid_request', `reason: a string of at most ${MAX_REASON} characters`, {}, 'reason', { id: 'too_long', params: { max: MAX_REASON } });
  return plainText(storableText(v, 'reason'), 'reason', 'text').trim();
}
