/**
 * Profile registry and operator overrides. `resolveProfile` returns a frozen profile whose
 * overridden parameters are marked, so every decision can say what was in force.
 */
import type { Param, Profile, ProfileId, ProfileParams, QuietHours } from './types.js';
import { CN_2015 } from './cn-2015.js';
import { CN_2026 } from './cn-2026.js';

export * from './types.js';
export const PROFILES: Readonly<Record<ProfileId, Profile>> = { 'cn-2015': CN_2015, 'cn-2026': CN_2026 };
export const PROFILE_IDS = Object.keys(PROFILES) as ProfileId[];

/** Operator overrides: parameter name → new value (validated by config against the default's shape). */
export type ParamOverrides = { [K in keyof ProfileParams]?: ProfileParams[K]['value'] };

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as object)) deepFreeze(v);
  }
  return o;
}

/** Parameters whose value is one of a few strings (the rest are checked by their default's shape). */
const CHOICES: { readonly [K in keyof ProfileParams]?: readonly string[] } = { optOutScope: ['content-provider', 'signature'] };

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/** What is wrong with `v` as a value shaped like `like` (the default), named by `path`; null when nothing. */
function shapeProblem(path: string, v: unknown, like: unknown): string | null {
  if (typeof like === 'number') return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? null : `${path}: must be a number ≥ 0 (default ${like}), got ${JSON.stringify(v)}`;
  if (typeof like === 'string' || typeof like === 'boolean') return typeof v === typeof like ? null : `${path}: must be a ${typeof like} (default ${JSON.stringify(like)}), got ${JSON.stringify(v)}`;
  if (Array.isArray(like)) {
    if (!Array.isArray(v)) return `${path}: must be an array (default ${JSON.stringify(like)}), got ${typeName(v)}`;
    const bad = v.findIndex((x) => typeof x !== 'string' || x.trim() === '');
    return bad < 0 ? null : `${path}/${bad}: must be a non-empty string`;
  }
  if (like && typeof like === 'object') {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return `${path}: must be an object with ${Object.keys(like).join(', ')} (default ${JSON.stringify(like)}), got ${typeName(v)}`;
    const keys = Object.keys(like);
    const extra = Object.keys(v).filter((k) => !keys.includes(k));
    if (extra.length) return `${path}: unknown field ${extra.join(', ')} (it has ${keys.join(', ')})`;
    for (const k of keys) {
      if (!(k in v)) return `${path}/${k}: missing (the whole value is replaced: give ${keys.join(', ')})`;
      const p = shapeProblem(`${path}/${k}`, (v as Record<string, unknown>)[k], (like as Record<string, unknown>)[k]);
      if (p) return p;
    }
  }
  return null;
}

/** `HH:MM`, 00:00–24:00. */
const HHMM = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Every problem of an operator's overrides (`SMSGUARD_PROFILE_OVERRIDES`) for profile `id`: not an
 * object, a parameter the profile does not have, or a value not shaped like the parameter's default
 * (a number for a number, all the fields of an object, a known choice, a time `HH:MM` and an IANA
 * time zone for the quiet hours). Empty when they can be applied. Checked when the configuration is
 * loaded: applied unchecked, `{"maxLength":"x"}` refused every message and a bad time zone failed
 * every commercial decision at run time.
 */
export function overrideProblems(id: ProfileId, overrides: unknown): string[] {
  if (!overrides || typeof overrides !== 'object' || Array.isArray(overrides)) return ['must be a JSON object of profile parameters, e.g. {"maxLength":300}'];
  const base = PROFILES[id].params as unknown as Record<string, Param<unknown>>;
  const out: string[] = [];
  for (const [k, v] of Object.entries(overrides)) {
    if (!Object.prototype.hasOwnProperty.call(base, k)) {
      out.push(`${k}: not a parameter of profile ${id} (its parameters: ${Object.keys(base).join(', ')})`);
      continue;
    }
    const shape = shapeProblem(k, v, base[k].value);
    if (shape) {
      out.push(shape);
      continue;
    }
    const choices = CHOICES[k as keyof ProfileParams];
    if (choices && !choices.includes(v as string)) out.push(`${k}: must be one of ${choices.map((c) => JSON.stringify(c)).join(', ')}, got ${JSON.stringify(v)}`);
    if (k === 'quietHours') {
      const q = v as QuietHours;
      for (const f of ['start', 'end'] as const) if (!HHMM.test(q[f])) out.push(`quietHours/${f}: must be a time HH:MM (00:00–24:00), got ${JSON.stringify(q[f])}`);
      if (!validTimeZone(q.timeZone)) out.push(`quietHours/timeZone: not a time zone this runtime knows (IANA, e.g. "Asia/Shanghai"), got ${JSON.stringify(q.timeZone)}`);
    }
  }
  return out;
}

export function resolveProfile(id: ProfileId, overrides: ParamOverrides = {}): Profile {
  const base = PROFILES[id];
  const params = { ...base.params } as Record<string, unknown>;
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) continue;
    if (!(k in base.params)) throw new Error(`unknown profile parameter: ${k}`);
    const p = (base.params as unknown as Record<string, object>)[k];
    params[k] = { ...p, value: v, overridden: true };
  }
  return deepFreeze({ ...base, params: params as unknown as ProfileParams, rules: { ...base.rules } });
}
