/**
 * Operator settings of the consent feature: the natural-language refusal phrases (defaults plus the
 * operator's own, kept in the settings store so they change without a restart or a code change).
 * The whole-reply keywords (opt-out and re-subscribe) are profile parameters (`profileOverrides`),
 * shown here with them.
 */
import { SmsguardError } from '../domain/errors.js';
import { DEFAULT_REFUSAL_PHRASES } from '../domain/consent-reply.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import { requireRole, requireRoleIn, ROLES } from './access.js';
import { plainText, storableText } from './validate.js';

const KEY = 'consent.refusal_phrases';
export const MAX_PHRASES = 500;
/** A refusal phrase's length, in characters (trimmed for the minimum): setRefusalPhrases and its HTTP schema (src/http/routes/dnd.ts). */
export const PHRASE_LIMITS = { min: 2, max: 64 } as const;

async function operatorPhrases(ctx: AppContext): Promise<string[]> {
  const raw = await ctx.store.settings.getSetting(KEY);
  if (!raw) return [];
  try {
    const v = JSON.parse(raw) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** Every phrase in force: the defaults, then the operator's additions. */
export async function refusalPhrases(ctx: AppContext): Promise<string[]> {
  return [...DEFAULT_REFUSAL_PHRASES, ...(await operatorPhrases(ctx))];
}

export async function getRefusalPhrases(ctx: AppContext, p: Principal): Promise<{ defaults: readonly string[]; operator: string[]; keywords: readonly string[]; resubscribeKeywords: readonly string[] }> {
  requireRole(p, 'admin', 'regulator');
  return { defaults: DEFAULT_REFUSAL_PHRASES, operator: await operatorPhrases(ctx), keywords: ctx.profile.params.optOutKeywords.value, resubscribeKeywords: ctx.profile.params.resubscribeKeywords.value };
}

/** Replaces the operator's list (admin); recorded as an audit entry. */
export async function setRefusalPhrases(ctx: AppContext, p: Principal, body: Record<string, unknown>): Promise<{ operator: string[] }> {
  requireRoleIn(p, ROLES.setRefusalPhrases);
  const list = body.phrases;
  if (!Array.isArray(list) || list.length > MAX_PHRASES) throw new SmsguardError('invalid_request', `phrases: must be an array of at most ${MAX_PHRASES} strings`, {}, 'phrases');
  const out: string[] = [];
  list.forEach((x, i) => {
    // One-character phrases would turn ordinary replies into refusals (a phrase matches anywhere).
    if (typeof x !== 'string' || [...x.trim()].length < PHRASE_LIMITS.min || x.length > PHRASE_LIMITS.max) {
      throw new SmsguardError('invalid_request', `phrases/${i}: must be a string of ${PHRASE_LIMITS.min}–${PHRASE_LIMITS.max} characters`, {}, `phrases/${i}`);
    }
    plainText(storableText(x, `phrases/${i}`), `phrases/${i}`, 'line');
    if (!out.includes(x.trim())) out.push(x.trim());
  });
  await ctx.store.settings.putSetting(KEY, JSON.stringify(out));
  await ctx.store.records.appendAudit(ctx.clock.now(), p.actorId, 'consent.refusal_phrases.set', { phrases: out });
  return { operator: out };
}
