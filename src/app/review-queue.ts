/**
 * The review queue: messages an early-warning `hold` parked instead of sending (Decision.held). They
 * are recorded like any submission (decision `held`, code `held_for_review`) and wait, with their
 * final text, in the store until an operator releases them (they join the egress queue and are sent:
 * history held → accepted → submitted…) or rejects them (history held → rejected). Each decision is
 * recorded twice: as the message's status record (who, why) and in the audit log.
 */
import { countTaken, type CountTaken } from '../domain/send-window.js';
import { SmsguardError } from '../domain/errors.js';
import { storableText } from './validate.js';
import type { HeldMessage } from '../ports/store.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import { requireRole } from './access.js';
import { decide } from '../pipeline/runner.js';
import { SEND_TIME_STAGES } from './send-time-check.js';
import type { ConsentFacts, Facts } from '../pipeline/types.js';
import type { ConsentRow } from '../ports/store.js';
import { pickConsent } from '../domain/consent.js';

/**
 * The stages a release re-runs: what can change while a message waits, the same the delivery worker
 * judges before sending (send-time-check.ts). A commercial message may not go out once the number
 * opted out or joined the do-not-disturb list, once its consent was withdrawn or expired, or outside
 * the sending hours of the moment it is released.
 */
const RELEASE_STAGES = SEND_TIME_STAGES;

const MAX_REASON = 1000;
const DEFAULT_RELEASE_REASON = 'content reviewed: acceptable';

export class ReviewQueue {
  constructor(private readonly ctx: AppContext) {}

  /** Held messages, oldest first. Admins see every provider's (or one's); providers see their own. */
  async list(p: Principal, q: { contentProviderId?: string; limit?: number }): Promise<HeldMessage[]> {
    requireRole(p, 'admin', 'content-provider');
    const contentProviderId = p.role === 'content-provider' ? p.contentProviderId : q.contentProviderId;
    const limit = Math.min(Math.max(Math.trunc(q.limit ?? 100), 1), 1000);
    return this.ctx.store.messages.listHeld({ contentProviderId, limit });
  }

  /** Releases a held message into the egress queue (admin). A reason is optional. */
  async release(p: Principal, id: string, body: { reason?: unknown } = {}): Promise<HeldMessage & { status: 'accepted' }> {
    requireRole(p, 'admin');
    const reason = reasonOf(body.reason, false) ?? DEFAULT_RELEASE_REASON;
    await this.recheck(id);
    const m = await this.resolve(p.actorId, id, 'release', reason);
    this.ctx.events.emit('outboxReady', { count: 1 });
    return { ...m, status: 'accepted' };
  }

  /** Rejects a held message for good (admin). A reason is required: it goes into the record. */
  async reject(p: Principal, id: string, body: { reason?: unknown } = {}): Promise<HeldMessage & { status: 'rejected' }> {
    requireRole(p, 'admin');
    const reason = reasonOf(body.reason, true)!;
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
   */
  private async recheck(id: string): Promise<void> {
    const v = await this.ctx.store.messages.getMessage(id);
    if (!v) return; // resolve() answers not_found
    // Without its submission's fields (a damaged record, shown in `unreadable`) the message cannot be
    // judged again, and a release must not skip the judgement: it can only be rejected.
    if (v.decision === undefined || v.from === undefined || v.to === undefined || v.text === undefined || v.type === undefined) {
      throw new SmsguardError('conflict', `message ${id}: its submission record is damaged (records verify names it), so it cannot be judged again for release; reject it`);
    }
    if (v.status !== 'held') return;
    const now = this.ctx.clock.now();
    const cp = await this.ctx.store.directory.getContentProvider(v.contentProviderId);
    const commercial = v.type === 'commercial';
    // One read of the number's subscription state (opt-outs, DND, consents); releases are operator actions, not the message path.
    const sub = commercial ? await this.ctx.store.consents.subscriber(v.to, v.contentProviderId) : null;
    const facts: Facts = {
      sender: { id: v.contentProviderId, status: cp?.status ?? 'suspended', signatures: new Set() },
      port: null,
      optedOut: sub !== null && sub.optOuts.some((o) => o.contentProviderId === v.contentProviderId),
      dnd: sub?.dnd != null,
      consent: sub ? consentAtRelease(sub.consents, v.contentProviderId, v.category ?? null, now) : null,
      verificationSends: { minute: 0, hour: 0, day: 0 },
    };
    const candidate = { contentProviderId: v.contentProviderId, from: v.from, toRaw: v.to, to: v.to, text: v.text, type: v.type, category: v.category ?? undefined };
    const d = decide(RELEASE_STAGES, candidate, facts, this.ctx.profile, this.ctx.detectors, now);
    if (d.rejection) {
      const r = d.rejection;
      const what = r.code === 'quiet_hours' ? 'cannot be released now (release it within the sending hours, or reject it)' : 'cannot be released (reject it)';
      throw new SmsguardError(r.code, `${r.message}: the held message ${what}`, { rule: r.rule, article: r.article, profile: r.profile });
    }
  }

  private async resolve(actor: string, id: string, action: 'release' | 'reject', reason: string, uncount?: CountTaken): Promise<HeldMessage> {
    const at = this.ctx.clock.now();
    const m = await this.ctx.store.messages.resolveHeld(id, { action, at, actor, reason, ...(uncount ? { uncount } : {}) });
    if (!m) throw new SmsguardError('not_found', `no held message ${id} (unknown, or already released or rejected)`);
    await this.ctx.store.records.appendAudit(at, actor, `review_queue.${action}`, { messageId: id, contentProviderId: m.contentProviderId, reason }, { contentProviderId: m.contentProviderId });
    return m;
  }
}

/**
 * The consent a release is judged by, picked as the message path picks it (`pickConsent`); none when
 * it was withdrawn while the message waited (`consent_missing`).
 */
function consentAtRelease(rows: readonly ConsentRow[], contentProviderId: string, category: string | null, now: number): ConsentFacts | null {
  const c = pickConsent(rows.filter((x) => x.contentProviderId === contentProviderId && x.category === category && x.withdrawnAt === null), now, (x) => x);
  return c ? { id: c.id, category: c.category, grantedAt: c.grantedAt, expiresAt: c.expiresAt, frequency: c.frequency, usedInPeriod: 0 } : null;
}

function reasonOf(v: unknown, required: boolean): string | undefined {
  if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) {
    if (required) throw new SmsguardError('invalid_request', 'reason: required to reject a held message', {}, 'reason');
    return undefined;
  }
  if (typeof v !== 'string' || v.length > MAX_REASON) throw new SmsguardError('invalid_request', `reason: a string of at most ${MAX_REASON} characters`, {}, 'reason');
  return storableText(v, 'reason').trim();
}
