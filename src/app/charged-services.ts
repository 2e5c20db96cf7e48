/**
 * Charged services (docs/REGULATION.md rule 8: before charging, the user is told the service, the
 * tariff, the charging method and how to unsubscribe). The operator registers a provider's services;
 * the provider subscribes a number through a notice smsguard writes and sends itself; only the user's
 * `Y` to it starts the subscription, and only a message naming a service the number is subscribed
 * to may charge (`charge_not_confirmed` otherwise).
 *
 * The notice is a consent request (ConsentRequestRow.chargedServiceId): the same atomic checks (opted
 * out, do-not-disturb), the same one open question per provider and number, the same reply handling
 * (consent-replies.ts) and the same window, so a reply to the port answers exactly one question;
 * and the same sending hours (`quiet_hours`). A number already subscribed is not asked again
 * (`charged_already_subscribed`). A charged message is judged again when it is sent
 * (send-time-check.ts `chargedStops`), when replaced and when released from review.
 */
import { SmsguardError } from '../domain/errors.js';
import { MSISDN_FORMS, normalizeMsisdn } from '../domain/msisdn.js';
import { measure } from '../domain/segments.js';
import { buildChargeNoticeText, CHARGE_PERS, type ChargePer } from '../domain/charge-notice-text.js';
import type { ChargedServiceRow, ChargedSubscriptionRow, ConsentRequestRow } from '../ports/store.js';
import { decodeKeysetCursor, keysetPage, type KeysetPosition } from '../domain/page-cursor.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import { GATEWAY_ARTICLES } from '../domain/gateway-articles.js';
import { OWN_DATA_REF, requireRole, requireRoleIn, ROLES } from './access.js';
import { str } from './validate.js';
import { settleDueRequests } from './consent-sweeper.js';
import { refuseInQuietHours, sendRequestMessage } from './consent-requests.js';
import { inProvince, providersInProvince, scopeRefusal } from './records-scope.js';

const HOUR = 3_600_000;
/** The rule a charge without a confirmed subscription breaks (both profiles; src/profiles). */
export const CHARGE_RULE = 'charging.notice';
const ONE_PENDING_RULE = 'consent.one-pending';
const ONE_PENDING_ARTICLE = 'gateway rule, not a regulation: one open request per provider and number, so a reply to the port answers exactly one';
/** The rule a notice to a number already subscribed to the service breaks (its article: GATEWAY_ARTICLES.chargedSubscription). */
export const ONE_SUBSCRIPTION_RULE = 'charging.one-subscription';

/** Bounds of a service's fields, in characters: one table for the parser and the HTTP schema. */
export const CHARGED_SERVICE_LIMITS = {
  contentProviderId: { min: 1, max: 64 },
  name: { min: 1, max: 40 },
  port: { min: 1, max: 21 },
  // 1 fen to 10,000 yuan: an integer, never a float of yuan
  amountFen: { min: 1, max: 1_000_000 },
} as const;

function invalid(field: string, why: string): never {
  throw new SmsguardError('invalid_request', `${field}: ${why}`, {}, field);
}

function object(body: unknown, fields: readonly string[], shape: string): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) invalid('body', 'must be an object');
  const b = body as Record<string, unknown>;
  const extra = Object.keys(b).find((k) => !fields.includes(k));
  if (extra !== undefined) invalid(extra, `unknown field (${shape})`);
  return b;
}

export interface ChargedServiceInput {
  contentProviderId: string;
  name: string;
  port: string;
  tariff: { amountFen: number; per: ChargePer };
}

/** Shape checks of POST /v1/charged-services. */
export function parseChargedService(body: unknown): ChargedServiceInput {
  const b = object(body, ['contentProviderId', 'name', 'port', 'tariff'], 'a charged service is {contentProviderId, name, port, tariff: {amountFen, per}}');
  const t = object(b.tariff, ['amountFen', 'per'], 'a tariff is {amountFen, per}');
  const { min, max } = CHARGED_SERVICE_LIMITS.amountFen;
  if (typeof t.amountFen !== 'number' || !Number.isInteger(t.amountFen) || t.amountFen < min || t.amountFen > max) invalid('tariff/amountFen', `must be an integer number of fen, ${min}–${max}`);
  if (!CHARGE_PERS.includes(t.per as ChargePer)) invalid('tariff/per', 'must be message or month');
  return {
    contentProviderId: str(b.contentProviderId, 'contentProviderId', CHARGED_SERVICE_LIMITS.contentProviderId),
    name: str(b.name, 'name', { ...CHARGED_SERVICE_LIMITS.name, shape: 'line' }),
    port: str(b.port, 'port', { ...CHARGED_SERVICE_LIMITS.port, pattern: /^\d+$/ }),
    tariff: { amountFen: t.amountFen, per: t.per as ChargePer },
  };
}

/** A service as the API shows it. */
export interface ChargedServiceView {
  id: string;
  contentProviderId: string;
  name: string;
  port: string;
  tariff: { amountFen: number; per: ChargePer };
  createdAt: string;
}

const view = (s: ChargedServiceRow): ChargedServiceView => ({ id: s.id, contentProviderId: s.contentProviderId, name: s.name, port: s.port, tariff: s.tariff, createdAt: new Date(s.createdAt).toISOString() });

/** POST /v1/charged-services (admin): registers a provider's service on one of its ports. */
export async function createChargedService(ctx: AppContext, p: Principal, body: unknown): Promise<{ id: string }> {
  requireRoleIn(p, ROLES.createChargedService);
  const input = parseChargedService(body);
  if (!(await ctx.store.directory.getContentProvider(input.contentProviderId))) throw new SmsguardError('not_found', `no content provider ${input.contentProviderId}`, {}, 'contentProviderId');
  const port = await ctx.store.directory.getPort(input.port);
  const ref = (rule: string) => ({ rule, article: ctx.profile.rules[rule]?.article, profile: ctx.profile.id });
  if (!port || port.retiredAt != null) throw new SmsguardError('unknown_port', `port ${input.port} is not registered${port ? ' (retired)' : ''}`, ref('sender.port-exists'), 'port');
  if (port.ownerId !== input.contentProviderId) throw new SmsguardError('port_not_owned', `port ${input.port} belongs to another content provider`, ref('sender.port-owned'), 'port');
  const now = ctx.clock.now();
  const row: ChargedServiceRow = { id: ctx.ids.next('chs'), ...input, createdAt: now };
  await ctx.store.consents.addChargedService(row);
  await ctx.store.records.appendAudit(now, p.actorId, 'charged_service.created', { ...view(row) }, { contentProviderId: row.contentProviderId });
  return { id: row.id };
}

/**
 * GET /v1/charged-services (admin: any provider's, or one's; a provider: its own only; a regulator:
 * any provider's, read only, and a token limited to a province those of providers registered there,
 * naming another's provider `forbidden` rule supervision.province-scope as the other lists do). A
 * service is registry data, like its provider, so a token's dates do not limit the list (as they do
 * not limit GET /v1/content-providers); unaudited as that list is: it holds no numbers.
 */
export async function listChargedServices(ctx: AppContext, p: Principal, contentProviderId: string | undefined): Promise<{ items: ChargedServiceView[] }> {
  requireRole(p, 'admin', 'content-provider', 'regulator');
  if (p.role === 'content-provider') {
    if (contentProviderId !== undefined && contentProviderId !== p.contentProviderId) throw new SmsguardError('forbidden', `content provider ${contentProviderId}'s services are not this content provider's`, OWN_DATA_REF);
    contentProviderId = p.contentProviderId;
  }
  if (contentProviderId !== undefined && !(await inProvince(ctx, p, contentProviderId))) {
    throw scopeRefusal(ctx, 'province', `content provider ${contentProviderId} is outside this token's province`, { id: 'provider_other_province', params: { id: contentProviderId } }, 'contentProviderId');
  }
  const inside = await providersInProvince(ctx, p);
  const rows = await ctx.store.consents.listChargedServices(contentProviderId);
  return { items: (inside ? rows.filter((s) => inside.includes(s.contentProviderId)) : rows).map(view) };
}

/** The service `id`, which must be the provider's own (`not_found`, `forbidden` otherwise). */
async function ownService(ctx: AppContext, cpId: string, id: string): Promise<ChargedServiceRow> {
  const s = await ctx.store.consents.getChargedService(id);
  if (!s) throw new SmsguardError('not_found', `no charged service ${id}`);
  if (s.contentProviderId !== cpId) throw new SmsguardError('forbidden', `charged service ${id} is not this content provider's`, OWN_DATA_REF);
  return s;
}

/** A subscription as GET /v1/charged-services/{id}/subscriptions shows it (its id is its notice's). */
export interface ChargedSubscriptionView {
  id: string;
  msisdn: string;
  status: 'active' | 'ended';
  startedAt: string;
  /** Only once ended: when, and why (`unsubscribed`: the provider's DELETE; `opt_out`: the user's refusal). */
  endedAt?: string;
  endReason?: string;
}

const subscriptionView = (r: ChargedSubscriptionRow): ChargedSubscriptionView => ({
  id: r.id, msisdn: r.msisdn, status: r.endedAt === null ? 'active' : 'ended', startedAt: new Date(r.startedAt).toISOString(),
  ...(r.endedAt !== null ? { endedAt: new Date(r.endedAt).toISOString(), ...(r.endReason !== null ? { endReason: r.endReason } : {}) } : {}),
});

/** A page's size bounds (GET /v1/charged-services/{id}/subscriptions `limit`), as the other keyset lists. */
export const SUBSCRIPTION_PAGE = { default: 100, max: 1000 } as const;

/**
 * GET /v1/charged-services/{id}/subscriptions: the service's confirmed subscriptions, live and ended,
 * oldest first, a keyset page at a time (`nextCursor` passed back as `cursor`). A provider reads its
 * own services' only (another's: `forbidden`, rule access.own-data); an admin any. A notice still
 * awaiting its answer is no subscription (GET /v1/consent-requests/{id} shows it).
 */
export async function listChargedSubscriptions(ctx: AppContext, p: Principal, serviceId: string, q: { limit?: number; cursor?: string } = {}): Promise<{ items: ChargedSubscriptionView[]; nextCursor: string | null }> {
  requireRole(p, 'admin', 'content-provider', 'regulator');
  const after = q.cursor === undefined ? undefined : decodeKeysetCursor(q.cursor);
  const limit = Math.min(Math.max(Math.trunc(q.limit ?? SUBSCRIPTION_PAGE.default), 1), SUBSCRIPTION_PAGE.max);
  if (p.role === 'content-provider') await ownService(ctx, p.contentProviderId, serviceId);
  else if (p.role === 'regulator') return regulatorSubscriptions(ctx, p, serviceId, limit, after);
  else if (!(await ctx.store.consents.getChargedService(serviceId))) throw new SmsguardError('not_found', `no charged service ${serviceId}`);
  const rows = await ctx.store.consents.listChargedSubscriptions(serviceId, { limit: limit + 1, ...(after ? { after } : {}) });
  const page = keysetPage(rows, limit, (r) => ({ at: r.startedAt, id: r.id }));
  return { items: page.rows.map(subscriptionView), nextCursor: page.nextCursor };
}

/**
 * A regulator's page of a service's subscriptions. They hold numbers, so every read is audited
 * (`charged_subscriptions.read`, as `subscribers.read` is a number's records). A token limited to a
 * province reads a service of a provider registered elsewhere as absent (`not_found`, as a consent
 * request or a message by id outside its scope; audited with no rows); one limited to dates only the
 * subscriptions started within them (a consent its grant, a subscription its start), selected by the
 * store's query (`from`, `to`), so the page is cut after that limit and the walk is bounded by the
 * dates. Before 2026-12-07 the store had no window: the use case read page after page from the
 * service's first subscription and filtered them here.
 */
async function regulatorSubscriptions(ctx: AppContext, p: Principal & { role: 'regulator' }, serviceId: string, limit: number, after: KeysetPosition | undefined): Promise<{ items: ChargedSubscriptionView[]; nextCursor: string | null }> {
  const s = await ctx.store.consents.getChargedService(serviceId);
  // no subject columns, as every staff read's (docs/RECORDS.md): filed under the provider, it would show it who looked
  const audit = (rows: number) => ctx.store.records.appendAudit(ctx.clock.now(), p.actorId, 'charged_subscriptions.read', { serviceId, rows });
  if (!s || !(await inProvince(ctx, p, s.contentProviderId))) {
    await audit(0);
    throw new SmsguardError('not_found', `no charged service ${serviceId}`);
  }
  const rows = await ctx.store.consents.listChargedSubscriptions(serviceId, {
    limit: limit + 1, ...(after ? { after } : {}), ...(p.from !== undefined ? { from: p.from } : {}), ...(p.to !== undefined ? { to: p.to } : {}),
  });
  const page = keysetPage(rows, limit, (r) => ({ at: r.startedAt, id: r.id }));
  await audit(page.rows.length);
  return { items: page.rows.map(subscriptionView), nextCursor: page.nextCursor };
}

export interface ChargedSubscriptionCreated {
  id: string;
  status: 'pending';
  text: string;
  messageId: string;
  deadlineAt: string;
}

/**
 * POST /v1/charged-services/{id}/subscriptions (the provider, its own service): sends the notice and
 * opens the question; the subscription is `pending` until the user answers (GET
 * /v1/consent-requests/{id} shows its status and history).
 */
export async function subscribeToChargedService(ctx: AppContext, p: Principal, serviceId: string, body: unknown): Promise<ChargedSubscriptionCreated> {
  requireRoleIn(p, ROLES.subscribeChargedService);
  const b = object(body, ['msisdn'], 'a subscription is {msisdn}');
  const raw = str(b.msisdn, 'msisdn', { min: 1, max: 32 });
  const service = await ownService(ctx, p.contentProviderId, serviceId);
  const to = normalizeMsisdn(raw);
  const ref = (rule: string) => ({ rule, article: ctx.profile.rules[rule]?.article, profile: ctx.profile.id });
  if (!to) throw new SmsguardError('invalid_msisdn', `msisdn is not a mainland China mobile number ${MSISDN_FORMS}`, ref('recipient.msisdn'), 'msisdn');
  // The port and the provider as a message from it needs them: a retired port sends nothing.
  const port = await ctx.store.directory.getPort(service.port);
  if (!port || port.retiredAt != null) throw new SmsguardError('unknown_port', `the service's port ${service.port} is no longer registered`, ref('sender.port-exists'));
  if (port.ownerId !== service.contentProviderId) throw new SmsguardError('port_not_owned', `the service's port ${service.port} now belongs to another content provider`, ref('sender.port-owned'));
  const cp = await ctx.store.directory.getContentProvider(service.contentProviderId);
  if (!cp || cp.status !== 'active') throw new SmsguardError('sender_suspended', 'the content provider is suspended', ref('sender.active'));
  const signature = (await ctx.store.directory.listSignatures(service.contentProviderId)).find((s) => s.status === 'approved')?.signature;
  if (!signature) throw new SmsguardError('signature_missing', 'the content provider has no approved signature to sign the notice with', ref('sender.signature'));
  const text = buildChargeNoticeText({ signature, name: service.name, tariff: service.tariff });
  const max = ctx.profile.params.maxLength.value;
  if (measure(text).chars > max) throw new SmsguardError('message_too_long', `the notice is longer than ${max} characters (shorten the service's name)`, ref('content.length'));

  const now = ctx.clock.now();
  // An offer of a paid service the provider asks the gateway to make, as a consent request is: daytime
  // only (before 2026-12-07 a notice went at any hour, the only approach that did).
  refuseInQuietHours(ctx, now, 'commercial messages, consent requests and charged services\' notices');
  // A notice answered by silence counts as refused below (and no longer blocks a new one).
  await settleDueRequests(ctx, now);
  const row: ConsentRequestRow = {
    id: ctx.ids.next('csub'), contentProviderId: service.contentProviderId, msisdn: to, port: service.port,
    // A notice asks about a service, not a category of commercial messages at a frequency: the
    // columns a consent request needs hold the service's name and no frequency or duration.
    category: service.name, frequency: { count: 0, per: 'month' }, durationDays: 0,
    text, messageId: ctx.ids.next('msg'), status: 'pending', createdAt: now,
    deadlineAt: now + ctx.profile.params.consentReplyWindowHours.value * HOUR, resolvedAt: null, consentId: null, profile: ctx.profile.id,
    chargedServiceId: service.id,
  };
  await ctx.store.consents.openConsentRequest(row, (facts) => {
    if (facts.dnd) throw new SmsguardError('opted_out', 'the number is on the do-not-disturb list', ref('commercial.opt-out'));
    if (facts.optedOut) throw new SmsguardError('opted_out', 'the number refused this content provider; a charged service is not offered to it', ref('commercial.opt-out'));
    if (facts.pending) {
      throw new SmsguardError('conflict', `request ${facts.pending.id} to this number is waiting for its answer until ${new Date(facts.pending.deadlineAt).toISOString()}`, { rule: ONE_PENDING_RULE, article: ONE_PENDING_ARTICLE, profile: ctx.profile.id });
    }
    if (facts.chargedActive) {
      throw new SmsguardError('charged_already_subscribed', `the number is already subscribed to charged service ${service.id} (GET /v1/charged-services/${service.id}/subscriptions lists it; DELETE …/subscriptions/{msisdn} ends it)`, {
        rule: ONE_SUBSCRIPTION_RULE, article: GATEWAY_ARTICLES.chargedSubscription.en, profile: ctx.profile.id,
      }, 'msisdn');
    }
  });
  await sendRequestMessage(ctx, row);
  return { id: row.id, status: 'pending', text, messageId: row.messageId, deadlineAt: new Date(row.deadlineAt).toISOString() };
}

/** DELETE /v1/charged-services/{id}/subscriptions/{msisdn} (the provider): ends the live subscription, recorded. */
export async function endChargedSubscription(ctx: AppContext, p: Principal, serviceId: string, msisdnRaw: string): Promise<{ serviceId: string; msisdn: string; status: 'ended' }> {
  requireRoleIn(p, ROLES.subscribeChargedService);
  await ownService(ctx, p.contentProviderId, serviceId);
  const msisdn = normalizeMsisdn(msisdnRaw);
  if (!msisdn) throw new SmsguardError('invalid_msisdn', `msisdn is not a mainland China mobile number ${MSISDN_FORMS}`, {}, 'msisdn');
  const ended = await ctx.store.consents.endChargedSubscription(serviceId, msisdn, ctx.clock.now(), 'api', { actor: p.actorId });
  if (!ended) throw new SmsguardError('not_found', `no live subscription of ${msisdn} to charged service ${serviceId}`);
  // its charged messages already handed to a waiting link are given back unwritten and judged again
  // (in-flight.ts, send-time-check.ts), as an opt-out's are
  ctx.events.emit('refusal', { contentProviderId: p.contentProviderId, msisdns: [msisdn] });
  return { serviceId, msisdn, status: 'ended' };
}

/**
 * Why a message naming `serviceId` may not name it, or null: an unknown service (`not_found`) or
 * another provider's (`forbidden`), request errors. Whether the number confirmed a subscription is
 * the pipeline's stage (charging.notice, src/pipeline/stages/charging.ts), judged on the fact the
 * store reads in the decision's transaction. Read only for messages that name a service.
 */
export async function chargeServiceRefusal(ctx: AppContext, cpId: string, serviceId: string, field = 'chargedServiceId'): Promise<SmsguardError | null> {
  const s = await ctx.store.consents.getChargedService(serviceId);
  if (!s) return new SmsguardError('not_found', `no charged service ${serviceId}`, {}, field);
  if (s.contentProviderId !== cpId) return new SmsguardError('forbidden', `charged service ${serviceId} is not this content provider's`, OWN_DATA_REF, field);
  return null;
}
