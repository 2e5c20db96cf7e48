/**
 * Lifting an opt-out (admin): the number asked, outside the SMS channel, to hear from a provider it
 * had refused again, and an operator acts on that request. Only the operator can do it, never the
 * provider (who could otherwise undo a refusal it does not like), and only with evidence of the
 * user's own request: how it came (`channel`), where it is kept (`reference`), when (`capturedAt`),
 * and why. The lift is a subscription record (`opt_in`) with that evidence and the operator's
 * identity. It grants no consent: commercial messages still need one (docs/CONSENT.md).
 */
import { SmsguardError } from '../domain/errors.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import { requireRole } from './access.js';
import { msisdnField, str } from './validate.js';

export interface LiftedOptOut {
  msisdn: string;
  contentProviderId: string;
  liftedAt: string;
}

export async function liftOptOut(ctx: AppContext, p: Principal, rawMsisdn: string, body: Record<string, unknown>): Promise<LiftedOptOut> {
  requireRole(p, 'admin');
  const msisdn = msisdnField(rawMsisdn, 'msisdn', ctx.profile);
  const cpId = str(body.contentProviderId, 'contentProviderId', { min: 1, max: 64 });
  const reason = str(body.reason, 'reason', { min: 1, max: 500 });
  const ev = body.evidence as Record<string, unknown> | undefined;
  if (!ev || typeof ev !== 'object' || Array.isArray(ev)) throw new SmsguardError('invalid_request', "evidence: must be {channel, reference, capturedAt} of the user's own request", {}, 'evidence');
  const capturedRaw = str(ev.capturedAt, 'evidence/capturedAt', { min: 1, max: 40 });
  const captured = Date.parse(capturedRaw);
  if (!Number.isFinite(captured)) throw new SmsguardError('invalid_request', 'evidence/capturedAt: must be an ISO-8601 date-time', {}, 'evidence/capturedAt');
  const now = ctx.clock.now();
  if (captured > now) throw new SmsguardError('invalid_request', 'evidence/capturedAt: must not be in the future', {}, 'evidence/capturedAt');
  const request = {
    channel: str(ev.channel, 'evidence/channel', { min: 1, max: 64 }),
    reference: str(ev.reference, 'evidence/reference', { min: 1, max: 512 }),
    capturedAt: new Date(captured).toISOString(),
  };
  if (!(await ctx.store.directory.getContentProvider(cpId))) throw new SmsguardError('not_found', `no content provider ${cpId}`, {}, 'contentProviderId');
  const lifted = await ctx.store.consents.liftOptOut(cpId, msisdn, now, 'admin', { actor: p.actorId, reason, request });
  if (!lifted) throw new SmsguardError('not_found', 'this number has not opted out of this content provider', {}, 'contentProviderId');
  return { msisdn, contentProviderId: cpId, liftedAt: new Date(now).toISOString() };
}
