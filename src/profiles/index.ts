/**
 * Profile registry and operator overrides. `resolveProfile` returns a frozen profile whose
 * overridden parameters are marked, so every decision can say what was in force.
 */
import type { Profile, ProfileId, ProfileParams } from './types.js';
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
