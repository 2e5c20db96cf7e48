/**
 * A regulator token's limits (tokens.scope JSON): a province and/or a date range. A province is the
 * GB/T 2260 two-digit code of the provincial administration; a content provider belongs to the
 * province its unified social credit code registers it in (characters 3–4 of the code are the
 * province digits of its registration authority's division code, GB 32100-2015).
 */
import { SmsguardError, type RuleRef, type Why } from '../domain/errors.js';
import type { ContentProviderRow } from '../ports/store.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import { shanghaiDayOrTime } from './validate.js';

/** GB/T 2260 province-level division codes. */
export const PROVINCES: Readonly<Record<string, string>> = {
  '11': '北京', '12': '天津', '13': '河北', '14': '山西', '15': '内蒙古', '21': '辽宁', '22': '吉林', '23': '黑龙江',
  '31': '上海', '32': '江苏', '33': '浙江', '34': '安徽', '35': '福建', '36': '江西', '37': '山东', '41': '河南',
  '42': '湖北', '43': '湖南', '44': '广东', '45': '广西', '46': '海南', '50': '重庆', '51': '四川', '52': '贵州',
  '53': '云南', '54': '西藏', '61': '陕西', '62': '甘肃', '63': '青海', '64': '宁夏', '65': '新疆',
};

/** `35`, `福建` or `福建省` → `35`; throws on anything else. */
export function provinceCode(input: string): string {
  const s = input.trim().replace(/(省|市|自治区|壮族自治区|回族自治区|维吾尔自治区)$/, '');
  if (PROVINCES[s]) return s;
  const hit = Object.entries(PROVINCES).find(([, name]) => name === s);
  if (hit) return hit[0];
  throw new SmsguardError('invalid_request', `province: not a GB/T 2260 province code or name: ${input}`, {}, 'province');
}

export function providerProvince(cp: Pick<ContentProviderRow, 'creditCode'>): string {
  return cp.creditCode.slice(2, 4);
}

export interface RegulatorScope {
  province?: string;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
}

/** Whether a principal is a regulator whose token is limited to a province or dates at all. */
export function isScopedRegulator(p: Principal): boolean {
  return p.role === 'regulator' && (!!p.province || p.from !== undefined || p.to !== undefined);
}

/**
 * For a regulator limited to a province: whether a content provider is registered there (the
 * province digits of its unified social credit code). No provider (a case naming none, an unknown
 * id) is outside every province. Unlimited principals always pass.
 */
export async function inProvince(ctx: AppContext, p: Principal, contentProviderId: string | null): Promise<boolean> {
  if (p.role !== 'regulator' || !p.province) return true;
  if (!contentProviderId) return false;
  const cp = await ctx.store.directory.getContentProvider(contentProviderId);
  return cp !== null && providerProvince(cp) === p.province;
}

/**
 * For a regulator limited to a date range: whether an instant (epoch ms) lies inside it (from
 * inclusive, to exclusive). Something is inside the range when the time it came about is (a message
 * its receipt, a case or request its creation, a consent its grant). Other principals always pass.
 */
export function inDateRange(p: Principal, at: number): boolean {
  if (p.role !== 'regulator') return true;
  return (p.from === undefined || at >= p.from) && (p.to === undefined || at < p.to);
}

/**
 * For a regulator limited to a province: the ids of the content providers registered there, for a
 * list to select in its query (so a page is cut after the scope, not before). Undefined for every
 * other principal: no limit.
 */
export async function providersInProvince(ctx: AppContext, p: Principal): Promise<string[] | undefined> {
  if (p.role !== 'regulator' || !p.province) return undefined;
  return providersVisibleTo(p, await ctx.store.directory.listContentProviders()).map((cp) => cp.id);
}

/** Of these content providers, those a principal's province limit lets through (all, without one). */
export function providersVisibleTo<T extends ContentProviderRow>(p: Principal, providers: T[]): T[] {
  if (p.role !== 'regulator' || !p.province) return providers;
  return providers.filter((cp) => providerProvince(cp) === p.province);
}

/** Which of a regulator token's limits a refusal rests on. */
export type ScopeLimit = 'province' | 'dates';

/**
 * The rule of the profile a limit of a regulator token applies, named by every scope refusal:
 * the province is the law's (a provincial administration supervises its own region), the dates an
 * operational rule (the period of an inspection the operator issued the token for); the profile says
 * which, in the article, as it does for every rule.
 */
export const SCOPE_RULES: Readonly<Record<ScopeLimit, string>> = {
  province: 'supervision.province-scope',
  dates: 'supervision.date-scope',
};

/** The rule, article and profile of a limit, for a refusal's body (`{error:{code,message,rule,article,profile}}`). */
export function scopeRef(ctx: AppContext, limit: ScopeLimit): RuleRef {
  const rule = SCOPE_RULES[limit];
  return { rule, article: ctx.profile.rules[rule]?.article, profile: ctx.profile.id };
}

/**
 * A scope refusal: 403 `forbidden` (the code every door already answers it with) because the
 * token's province or dates do not cover what it asks for, naming the rule and article of that
 * limit as every other rejection names its own. (Something the token cannot even list is
 * `not_found` instead, answered as if absent: that names no rule, since it says nothing.)
 */
export function scopeRefusal(ctx: AppContext, limit: ScopeLimit, message: string, why?: Why, field?: string): SmsguardError {
  return new SmsguardError('forbidden', message, scopeRef(ctx, limit), field, why);
}

/**
 * For a regulator limited to dates, before it creates something (a credit-file entry, a legal hold):
 * what it creates comes about now, so once now is outside its dates it could neither list nor act
 * on it afterwards; it is refused (`forbidden`, rule `supervision.date-scope`), and an unlimited
 * token or one whose dates include today does it. Other principals always pass.
 */
export function requireNowInDateRange(ctx: AppContext, p: Principal, now: number): void {
  if (!inDateRange(p, now)) throw scopeRefusal(ctx, 'dates', "today is outside this token's date range: it reads those dates only and cannot create anything now", { id: 'today_outside_dates' });
}

/** Validates CLI/API scope input into what tokens.scope stores. */
export function parseRegulatorScope(o: { province?: string; from?: string; to?: string }): RegulatorScope {
  const scope: RegulatorScope = {};
  if (o.province) scope.province = provinceCode(o.province);
  for (const k of ['from', 'to'] as const) {
    const v = o[k];
    if (v === undefined) continue;
    const t = shanghaiDayOrTime(v);
    if (!Number.isFinite(t)) throw new SmsguardError('invalid_request', `${k}: not a date (YYYY-MM-DD, Asia/Shanghai) or ISO-8601 date-time`, {}, k);
    scope[k] = t;
  }
  if (scope.from !== undefined && scope.to !== undefined && scope.from >= scope.to) throw new SmsguardError('invalid_request', 'from must be before to', {}, 'from');
  return scope;
}
