/**
 * submitMessage: the one use case every door calls for a mobile-terminated message. Shape checks,
 * then the pure pipeline decides inside the store's atomic decide-and-record, then the delivery
 * worker is told there is work.
 */
import { LOWEST_PRIORITY, priorityOf, type Priority } from '../domain/priority.js';
import { SmsguardError } from '../domain/errors.js';
import { normalizeMsisdn } from '../domain/msisdn.js';
import { decide } from '../pipeline/runner.js';
import type { DecidedItem, IdempotencyWrite, StoredAnswer, SubmissionItem } from '../ports/store.js';
import type { Decision, Facts } from '../pipeline/types.js';
import type { AppContext } from './context.js';
import type { Channel, Principal, SubmitInput, SubmitOutcome, SubmitRejected } from './types.js';
import { validateSubmitInput } from './validate.js';
import { requireRoleIn, ROLES } from './access.js';
import { MAX_SCHEDULE_AHEAD_MS, judgedAt, readSchedule } from '../domain/schedule.js';
import { IDEMPOTENCY_KEPT_MS } from '../domain/idempotency.js';
import { chargeServiceRefusal } from './charged-services.js';

/**
 * A request with an `Idempotency-Key` (src/app/idempotency.ts): its key, kept with its decisions in
 * their transaction together with the answer `answer` writes from the outcomes (null: none to keep).
 */
export interface KeyedSubmission {
  key: string;
  requestHash: string;
  answer(outcomes: readonly SubmitOutcome[]): StoredAnswer | null;
}

/**
 * Judges and records a batch; outcomes are in input order. Invalid shapes are reported, not recorded.
 * With `keyed`, the batch has a store transaction of its own (not the turn's group commit: a key in
 * use fails its transaction, which must not take other requests' decisions with it) that keeps the key.
 */
export async function submitMessages(ctx: AppContext, principal: Principal, inputs: readonly unknown[], channel: Channel, fieldPrefix?: string, keyed?: KeyedSubmission): Promise<SubmitOutcome[]> {
  requireRoleIn(principal, ROLES.submitMessages);
  const now = ctx.clock.now();
  const outcomes: (SubmitOutcome | undefined)[] = new Array(inputs.length);
  const items: SubmissionItem[] = [];
  const positions: number[] = [];
  for (let i = 0; i < inputs.length; i++) {
    let input: SubmitInput;
    try {
      input = validateSubmitInput(inputs[i], fieldPrefix !== undefined ? `${fieldPrefix}/${i}` : '', channel === 'smpp');
    } catch (e) {
      if (e instanceof SmsguardError) {
        outcomes[i] = { ok: false, error: e.toBody() };
        continue;
      }
      throw e;
    }
    // A schedule near now means now; one too far ahead is refused (SMPP refuses it first, ESME_RINVSCHED).
    const schedule = input.scheduledAt !== undefined ? readSchedule(input.scheduledAt, now) : undefined;
    if (schedule?.kind === 'too_far') {
      outcomes[i] = refusal(fieldPrefix, i, 'scheduledAt', `must be at most ${MAX_SCHEDULE_AHEAD_MS / 86_400_000} days ahead (${new Date(now + MAX_SCHEDULE_AHEAD_MS).toISOString()})`);
      continue;
    }
    const scheduledAt = schedule?.kind === 'later' ? schedule.at : undefined;
    // A charged message's service must exist and be this provider's (request errors, answered like a
    // malformed item). Whether the number confirmed it is the pipeline's (charging.notice), read in
    // the decision's transaction. Read only for a message naming a service.
    if (input.chargedServiceId !== undefined) {
      const refused = await chargeServiceRefusal(ctx, principal.contentProviderId, input.chargedServiceId, fieldPrefix !== undefined ? `${fieldPrefix}/${i}/chargedServiceId` : 'chargedServiceId');
      if (refused) {
        outcomes[i] = { ok: false, error: refused.toBody() };
        continue;
      }
    }
    // A validity already over, or over before the schedule: nothing could be sent (SMPP refuses such a submit_sm before this, ESME_RINVEXPIRY).
    if (input.validUntil !== undefined && input.validUntil <= (scheduledAt ?? now)) {
      outcomes[i] = refusal(fieldPrefix, i, 'validUntil', scheduledAt !== undefined ? `must be after scheduledAt (${new Date(scheduledAt).toISOString()})` : `must be ahead of now (${new Date(now).toISOString()})`);
      continue;
    }
    const item: SubmissionItem = {
      id: ctx.ids.next('msg'),
      candidate: {
        contentProviderId: principal.contentProviderId,
        from: input.from,
        toRaw: input.to,
        to: normalizeMsisdn(input.to),
        text: input.text,
        type: input.type,
        category: input.category,
      },
      channel,
      clientRef: input.clientRef,
      registeredDelivery: input.registeredDelivery ?? false,
      receivedAt: now,
    };
    // Only the SMPP door hands out ids for parts; from any other door the field means nothing.
    if (channel === 'smpp' && input.clientPartIds?.length) item.clientPartIds = input.clientPartIds;
    if (channel === 'smpp' && input.keptPartsKey) item.keptPartsKey = input.keptPartsKey;
    if (channel === 'smpp' && input.dataCoding !== undefined) item.dataCoding = input.dataCoding;
    if (input.validUntil !== undefined) item.validUntil = input.validUntil;
    if (input.chargedServiceId !== undefined) item.candidate.chargedServiceId = input.chargedServiceId;
    if (scheduledAt !== undefined) item.scheduledAt = scheduledAt;
    items.push(item);
    positions.push(i);
  }
  if (items.length > 0) {
    const decided = keyed
      ? await ctx.store.messages.decideAndRecord(items, (item, facts) => judge(ctx, item, facts), keptWith(keyed, principal.contentProviderId, now, outcomes, positions))
      : ctx.commit
        ? await ctx.commit.run(items)
        : await ctx.store.messages.decideAndRecord(items, (item, facts) => judge(ctx, item, facts));
    let accepted = 0;
    // the first lane accepted (src/domain/priority.ts): a code may go beside a batch out (DeliveryWorker)
    let lane: Priority = LOWEST_PRIORITY;
    for (let k = 0; k < decided.length; k++) {
      const { id, decision: d } = decided[k];
      const item = items[k];
      ctx.events.emit('decision', { accepted: d.accepted, from: item.candidate.from, code: d.rejection?.code ?? null, type: item.candidate.type, channel, contentProviderId: item.candidate.contentProviderId });
      if (d.accepted) {
        accepted++;
        const p = priorityOf(item.candidate.type);
        if (p < lane) lane = p;
      }
      outcomes[positions[k]] = outcomeOf(id, d);
    }
    if (accepted > 0) ctx.events.emit('outboxReady', { count: accepted, priority: lane });
  }
  return outcomes as SubmitOutcome[];
}

/** The pure decision about one item, at the time it will be sent (a submission's, a replacement's: replace-message.ts). */
export function judge(ctx: AppContext, item: SubmissionItem, facts: Facts): Decision {
  return decide(ctx.stages, item.candidate, facts, ctx.profile, ctx.detectors, judgedAt(item));
}

/** A decided submission's outcome. */
function outcomeOf(id: string, d: Decision): SubmitOutcome {
  if (d.accepted) return { ok: true, id, status: 'accepted', text: d.text, segments: d.segments };
  const r = d.rejection!;
  const o: SubmitRejected = { ok: false, id, error: { code: r.code, message: r.message, rule: r.rule, article: r.article, profile: r.profile } };
  if (d.retryAfterMs !== undefined) o.retryAfterMs = d.retryAfterMs;
  return o;
}

/**
 * What the store keeps for a keyed request: its answer written, inside the decision's transaction,
 * from the outcomes refused before it (`outcomes`) and those of the decisions (at `positions`).
 */
function keptWith(keyed: KeyedSubmission, contentProviderId: string, now: number, outcomes: readonly (SubmitOutcome | undefined)[], positions: readonly number[]): IdempotencyWrite {
  return {
    contentProviderId, key: keyed.key, requestHash: keyed.requestHash, at: now, expiredBefore: now - IDEMPOTENCY_KEPT_MS,
    answer(decided: readonly DecidedItem[]) {
      const all = outcomes.slice();
      for (let k = 0; k < decided.length; k++) all[positions[k]] = outcomeOf(decided[k].id, decided[k].decision);
      return keyed.answer(all as SubmitOutcome[]);
    },
  };
}

/** A submission refused for one of its time fields, the field named as validation names it. */
function refusal(fieldPrefix: string | undefined, i: number, name: string, why: string): SubmitOutcome {
  const field = fieldPrefix !== undefined ? `${fieldPrefix}/${i}/${name}` : name;
  return { ok: false, error: new SmsguardError('invalid_request', `${field}: ${why}`, {}, field).toBody() };
}

export async function submitMessage(ctx: AppContext, principal: Principal, input: unknown, channel: Channel): Promise<SubmitOutcome> {
  const [o] = await submitMessages(ctx, principal, [input], channel);
  return o;
}
