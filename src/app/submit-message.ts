/**
 * submitMessage: the one use case every door calls for a mobile-terminated message. Shape checks,
 * then the pure pipeline decides inside the store's atomic decide-and-record, then the delivery
 * worker is told there is work.
 */
import { SmsguardError } from '../domain/errors.js';
import { normalizeMsisdn } from '../domain/msisdn.js';
import { decide } from '../pipeline/runner.js';
import type { SubmissionItem } from '../ports/store.js';
import type { AppContext } from './context.js';
import type { Channel, Principal, SubmitInput, SubmitOutcome } from './types.js';
import { validateSubmitInput } from './validate.js';
import { requireRole } from './access.js';
import { MAX_SCHEDULE_AHEAD_MS, judgedAt, readSchedule } from '../domain/schedule.js';

/** Judges and records a batch; outcomes are in input order. Invalid shapes are reported, not recorded. */
export async function submitMessages(ctx: AppContext, principal: Principal, inputs: readonly unknown[], channel: Channel, fieldPrefix?: string): Promise<SubmitOutcome[]> {
  requireRole(principal, 'content-provider');
  const now = ctx.clock.now();
  const outcomes: (SubmitOutcome | undefined)[] = new Array(inputs.length);
  const items: SubmissionItem[] = [];
  const positions: number[] = [];
  for (let i = 0; i < inputs.length; i++) {
    let input: SubmitInput;
    try {
      input = validateSubmitInput(inputs[i], fieldPrefix !== undefined ? `${fieldPrefix}/${i}` : '');
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
    if (input.validUntil !== undefined) item.validUntil = input.validUntil;
    if (scheduledAt !== undefined) item.scheduledAt = scheduledAt;
    items.push(item);
    positions.push(i);
  }
  if (items.length > 0) {
    const decided = ctx.commit
      ? await ctx.commit.run(items)
      : await ctx.store.messages.decideAndRecord(items, (item, facts) => decide(ctx.stages, item.candidate, facts, ctx.profile, ctx.detectors, judgedAt(item)));
    let accepted = 0;
    for (let k = 0; k < decided.length; k++) {
      const { id, decision: d } = decided[k];
      const item = items[k];
      ctx.events.emit('decision', { accepted: d.accepted, from: item.candidate.from, code: d.rejection?.code ?? null, type: item.candidate.type, channel, contentProviderId: item.candidate.contentProviderId });
      if (d.accepted) {
        accepted++;
        outcomes[positions[k]] = { ok: true, id, status: 'accepted', text: d.text, segments: d.segments };
      } else {
        const r = d.rejection!;
        outcomes[positions[k]] = { ok: false, id, error: { code: r.code, message: r.message, rule: r.rule, article: r.article, profile: r.profile } };
      }
    }
    if (accepted > 0) ctx.events.emit('outboxReady', { count: accepted });
  }
  return outcomes as SubmitOutcome[];
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
