/**
 * Consent requests (Art. 18): a provider asks a number, from one of its commercial ports, whether it
 * may send commercial messages of one category, at most so often, for so long. The request is a real
 * message through the normal egress; the user's reply to that port answers it (see
 * consent-replies.ts); silence until the window closes is a refusal under cn-2015 (`deemed_refused`),
 * and never a consent under any profile. After a refusal (or a consent the user withdrew) the same
 * or a similar request is not sent again while the profile's `consentRepeatBanDays` lasts (no end by
 * default), unless the user has since consented to that category with proof:
 * `consent_request_repeated`.
 */
import { SmsguardError, type ErrorCode } from '../domain/errors.js';
import { MSISDN_FORMS, normalizeMsisdn } from '../domain/msisdn.js';
import { leadingSignature, otherBracketed, trimLeading } from '../domain/signature.js';
import { measure } from '../domain/segments.js';
import { CONSENT_PERIODS, isRefusalStatus, type ConsentFrequency, type ConsentPeriod } from '../domain/consent.js';
import { buildConsentRequestText, missingRequestFacts } from '../domain/consent-request-text.js';
import { requestSimilarity, similarityKey, SIMILARITY_THRESHOLD } from '../domain/similarity.js';
import { foldReply } from '../domain/text-fold.js';
import { localMinutes, statesRefusal, withRefusalNotice } from '../pipeline/stages/commercial.js';
import type { ConsentRequestRow, SubscriptionEvent } from '../ports/store.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import { requireRole, requireRoleIn, ROLES, OWN_DATA_REF } from './access.js';
import { SUBMIT_LIMITS, categoryField, str } from './validate.js';
import { settleDueRequests } from './consent-sweeper.js';
import { MAX_CONSENT_DAYS, unknownFrequencyKey } from './consents.js';
import { inDateRange, inProvince } from './records-scope.js';

const HOUR = 3_600_000;
export const DAY = 86_400_000;
/** One pending request per provider and number (409 `conflict`): a gateway rule, not in any profile. */
const ONE_PENDING_RULE = 'consent.one-pending';
const ONE_PENDING_ARTICLE = 'gateway rule, not a regulation: one open request per provider and number, so a reply to the port answers exactly one';

function reject(ctx: AppContext, code: ErrorCode, rule: string, message: string, field?: string): never {
  throw new SmsguardError(code, message, { rule, article: ctx.profile.rules[rule]?.article, profile: ctx.profile.id }, field);
}

/**
 * An approach the gateway writes on a provider's behalf (a consent request; a charged service's
 * notice, charged-services.ts) goes only within the profile's sending hours, as the commercial
 * messages it asks permission for: `quiet_hours` (rule commercial.quiet-hours) outside them, before
 * anything is opened or queued. `what` names what may be sent in the refusal's message.
 */
export function refuseInQuietHours(ctx: AppContext, now: number, what: string): void {
  const q = ctx.profile.params.quietHours.value;
  const t = localMinutes(now, q.timeZone);
  const hm = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
  if (t < hm(q.start) || t >= hm(q.end)) reject(ctx, 'quiet_hours', 'commercial.quiet-hours', `${what} may be sent only ${q.start}–${q.end} ${q.timeZone}`);
}

function int(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new SmsguardError('invalid_request', `${field}: must be an integer ${min}–${max}`, {}, field);
  return v;
}

export interface ConsentRequestInput {
  from: string;
  to: string;
  category: string;
  frequency: ConsentFrequency;
  durationDays: number;
  text?: string;
}

const REQUEST_FIELDS: ReadonlySet<string> = new Set(['from', 'to', 'category', 'frequency', 'durationDays', 'text']);

/**
 * The bounds of a consent request's text fields, in characters: one table for parseConsentRequest
 * and the HTTP schema (src/http/routes/consent-requests.ts). `text`'s only protects memory: the
 * profile's length rule (`message_too_long`, content.length) is checked when the request is sent.
 */
export const CONSENT_REQUEST_LIMITS = {
  from: SUBMIT_LIMITS.from,
  to: SUBMIT_LIMITS.to,
  category: SUBMIT_LIMITS.category,
  text: { min: 1, max: 2000 },
} as const;

/** Shape checks shared by every door. */
export function parseConsentRequest(body: unknown): ConsentRequestInput {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new SmsguardError('invalid_request', 'body: must be an object', {}, 'body');
  const b = body as Record<string, unknown>;
  // An unknown key is refused rather than dropped: a misspelt text went out as smsguard's own wording.
  const extra = Object.keys(b).find((k) => !REQUEST_FIELDS.has(k));
  if (extra !== undefined) throw new SmsguardError('invalid_request', `${extra}: unknown field (a consent request is {from, to, category, frequency, durationDays, text?})`, {}, extra);
  const f = b.frequency as Record<string, unknown> | undefined;
  if (!f || typeof f !== 'object' || Array.isArray(f)) throw new SmsguardError('invalid_request', 'frequency: must be {count, per}', {}, 'frequency');
  unknownFrequencyKey(f);
  if (!CONSENT_PERIODS.includes(f.per as ConsentPeriod)) throw new SmsguardError('invalid_request', 'frequency/per: must be day, week or month', {}, 'frequency/per');
  const out: ConsentRequestInput = {
    from: str(b.from, 'from', { ...CONSENT_REQUEST_LIMITS.from, pattern: /^\d+$/ }),
    to: str(b.to, 'to', CONSENT_REQUEST_LIMITS.to),
    category: categoryField(b.category, 'category'),
    frequency: { count: int(f.count, 'frequency/count', 1, 1000), per: f.per as ConsentPeriod },
    durationDays: int(b.durationDays, 'durationDays', 1, MAX_CONSENT_DAYS),
  };
  if (b.text !== undefined && b.text !== null) out.text = str(b.text, 'text', { ...CONSENT_REQUEST_LIMITS.text, shape: 'text' });
  return out;
}

export interface ConsentRequestCreated {
  id: string;
  status: 'pending';
  text: string;
  messageId: string;
  deadlineAt: string;
}

/** Rejections worth keeping: a provider asking again after a refusal, or asking a number that refused. */
const AUDITED: ReadonlySet<ErrorCode> = new Set(['consent_request_repeated', 'consent_request_incomplete', 'opted_out', 'conflict', 'quiet_hours', 'port_kind_mismatch']);

/** POST /v1/consent-requests: check, record and send one request. */
export async function requestConsent(ctx: AppContext, p: Principal, body: unknown): Promise<ConsentRequestCreated> {
  requireRoleIn(p, ROLES.requestConsent);
  const input = parseConsentRequest(body);
  try {
    return await openRequest(ctx, p.contentProviderId, input);
  } catch (e) {
    // Refused requests are kept as audit records (who asked whom, and which rule said no).
    if (e instanceof SmsguardError && AUDITED.has(e.code)) {
      await ctx.store.records.appendAudit(ctx.clock.now(), p.actorId, 'consent_request.rejected', {
        contentProviderId: p.contentProviderId, to: normalizeMsisdn(input.to) ?? input.to, category: input.category, code: e.code, rule: e.ref.rule ?? null, message: e.message,
      }, { msisdn: normalizeMsisdn(input.to), contentProviderId: p.contentProviderId });
    }
    throw e;
  }
}

async function openRequest(ctx: AppContext, cpId: string, input: ConsentRequestInput): Promise<ConsentRequestCreated> {
  const now = ctx.clock.now();
  const to = normalizeMsisdn(input.to);
  if (!to) reject(ctx, 'invalid_msisdn', 'recipient.msisdn', `to is not a mainland China mobile number ${MSISDN_FORMS}`, 'to');

  // The same identity rules as any message from a commercial port.
  const port = await ctx.store.directory.getPort(input.from);
  if (!port) reject(ctx, 'unknown_port', 'sender.port-exists', `port ${input.from} is not registered`, 'from');
  if (port.retiredAt != null) reject(ctx, 'unknown_port', 'sender.port-exists', `port ${input.from} was retired on ${new Date(port.retiredAt).toISOString()} and may no longer send`, 'from');
  if (port.ownerId !== cpId) reject(ctx, 'port_not_owned', 'sender.port-owned', `port ${input.from} belongs to another content provider`, 'from');
  if (port.kind !== 'commercial') reject(ctx, 'port_kind_mismatch', 'port.separation', `a consent request is a commercial approach: send it from a commercial port, not a ${port.kind} port`, 'from');
  const cp = await ctx.store.directory.getContentProvider(cpId);
  if (!cp || cp.status !== 'active') reject(ctx, 'sender_suspended', 'sender.active', 'the content provider is suspended');
  const registered = await ctx.store.directory.listSignatures(cpId);
  const signatures = registered.filter((s) => s.status === 'approved').map((s) => s.signature);
  const revokedOf = new Map(registered.filter((s) => s.revokedAt != null).map((s) => [s.signature, s.revokedAt!]));

  let text: string;
  if (input.text !== undefined) {
    text = trimLeading(input.text);
    const sig = leadingSignature(text);
    if (!sig) reject(ctx, 'signature_missing', 'sender.signature', 'the request text must start with the sender’s signature 【…】', 'text');
    const revoked = revokedOf.get(sig);
    if (revoked !== undefined) reject(ctx, 'signature_unregistered', 'sender.signature', `signature ${sig} was revoked on ${new Date(revoked).toISOString()} and may no longer be used`, 'text');
    if (!signatures.includes(sig)) reject(ctx, 'signature_unregistered', 'sender.signature', `signature ${sig} is not registered to this content provider`, 'text');
    const other = otherBracketed(text, sig);
    if (other !== null) reject(ctx, 'signature_multiple', 'sender.signature', `the request text carries ${other} after the signature ${sig}: a message names only one signature 【…】 (carriers refuse a second one)`, 'text');
    const missing = missingRequestFacts(text, input);
    if (missing.length > 0) {
      reject(ctx, 'consent_request_incomplete', 'consent.request-content', `the request text does not state: ${missing.join(', ')} (e.g. “${input.category}”, 每${({ day: '天', week: '周', month: '月' } as const)[input.frequency.per]}不超过${input.frequency.count}条, 有效期${input.durationDays}天, 同意请回复“是”)`, 'text');
    }
    if (!statesRefusal(text, ctx.profile.params.optOutKeywords.value)) text = withRefusalNotice(text, ctx.profile.params.refusalNotice.value, ctx.profile.params.refusalNoticeSeparator.value);
  } else {
    if (signatures.length === 0) reject(ctx, 'signature_missing', 'sender.signature', 'the content provider has no approved signature to sign the request with');
    text = buildConsentRequestText({ signature: signatures[0], category: input.category, frequency: input.frequency, durationDays: input.durationDays, refusalNotice: ctx.profile.params.refusalNotice.value });
  }
  const max = ctx.profile.params.maxLength.value;
  if (measure(text).chars > max) reject(ctx, 'message_too_long', 'content.length', `the request is longer than ${max} characters`, 'text');
  // A request is a commercial approach: daytime only, like the messages it asks permission for.
  refuseInQuietHours(ctx, now, 'commercial messages (and consent requests)');

  // Close windows that have run out first, so a request answered by silence counts as refused below.
  await settleDueRequests(ctx, now);

  const row: ConsentRequestRow = {
    id: ctx.ids.next('creq'), contentProviderId: cpId, msisdn: to, port: port.number, category: input.category,
    frequency: input.frequency, durationDays: input.durationDays, text, messageId: ctx.ids.next('msg'), status: 'pending',
    createdAt: now, deadlineAt: now + ctx.profile.params.consentReplyWindowHours.value * HOUR, resolvedAt: null, consentId: null, profile: ctx.profile.id,
  };
  await ctx.store.consents.openConsentRequest(row, (facts) => {
    if (facts.dnd) reject(ctx, 'opted_out', 'commercial.opt-out', 'the number is on the do-not-disturb list');
    if (facts.optedOut) reject(ctx, 'opted_out', 'commercial.opt-out', 'the number refused commercial messages from this content provider; a consent request is a commercial approach too');
    if (facts.pending) {
      // Not a regulation: the gateway's own rule, so that a reply to the port answers exactly one request.
      throw new SmsguardError('conflict', `consent request ${facts.pending.id} to this number is waiting for its answer until ${new Date(facts.pending.deadlineAt).toISOString()}`, {
        rule: ONE_PENDING_RULE, article: ONE_PENDING_ARTICLE, profile: ctx.profile.id,
      });
    }
    const repeat = findRepeat(facts.refused, row, { now, banDays: ctx.profile.params.consentRepeatBanDays.value, withdrawnByUser: facts.withdrawnByUser, grantedWithProof: facts.grantedWithProof });
    if (repeat) reject(ctx, 'consent_request_repeated', 'consent.no-repeat', repeat);
  });
  await sendRequestMessage(ctx, row);
  return { id: row.id, status: 'pending', text, messageId: row.messageId, deadlineAt: new Date(row.deadlineAt).toISOString() };
}

/** What besides the refused requests `findRepeat` weighs. */
export interface RepeatContext {
  /** The gateway's clock. */
  now: number;
  /** The profile's `consentRepeatBanDays`: how long a refusal bars a repeat; 0 = no end. */
  banDays: number;
  /** The provider's consents of the number withdrawn at the user's request (ConsentRequestFacts). */
  withdrawnByUser?: readonly { id: string; category: string; withdrawnAt: number }[];
  /**
   * The provider's consents of the number recorded with proof, with when the user gave them
   * (ConsentRequestFacts): one of a category given after a refusal or withdrawal of that category
   * ends its ban (the user changed their mind).
   */
  grantedWithProof?: readonly { id: string; category: string; givenAt: number }[];
}

/**
 * Why `row` repeats a refusal, or null: a refused or deemed-refused request of the same category or
 * a similar text, or a consent of the same category the user had withdrawn (the user's explicit
 * refusal of it, relayed by the provider with proof), each while the profile's ban on repeats lasts
 * (`banDays` from the refusal; 0, the default: no end). A provider's own withdrawal (no proof) is not
 * the user's refusal and bars nothing; an opt-out bars every request by itself (`opted_out`).
 * A refusal or withdrawal ends too when the user later consented to its category with proof: a
 * consent given (its proof's `capturedAt`, at most its recording) after the refusal's time (the
 * resolution, the deadline for one deemed refused, the withdrawal's time) is the user's newer word.
 * A consent without proof is the provider's word only and ends nothing; a refusal or a withdrawal
 * with proof after that consent bars again.
 */
export function findRepeat(refused: readonly ConsentRequestRow[], row: { category: string; text: string }, c: RepeatContext = { now: 0, banDays: 0 }): string | null {
  const cat = foldReply(row.category);
  const barred = (at: number) => c.banDays <= 0 || c.now < at + c.banDays * DAY;
  // The user's later consent to the category (with proof) ends a refusal of it: they changed their mind.
  const consentedSince = (category: string, at: number) => {
    const f = foldReply(category);
    return (c.grantedWithProof ?? []).some((g) => g.givenAt > at && foldReply(g.category) === f);
  };
  const until = (at: number) => (c.banDays <= 0 ? '' : ` (barred until ${new Date(at + c.banDays * DAY).toISOString()}, ${c.banDays} days after)`);
  // What ends the ban besides time, so a provider is not left thinking the number is lost for good.
  const unless = (category: string) => ` unless the user consents to category “${category}” again, with proof (POST /v1/consents)`;
  for (const r of refused) {
    // A refused charged service's notice refused that service, not a category of commercial messages.
    if (!isRefusalStatus(r.status) || r.chargedServiceId !== undefined) continue;
    const at = r.resolvedAt ?? r.deadlineAt;
    if (!barred(at) || consentedSince(r.category, at)) continue;
    const how = r.status === 'deemed_refused' ? 'deemed refused (no reply)' : 'refused';
    if (foldReply(r.category) === cat) return `request ${r.id} for category “${r.category}” was ${how}; the same request may not be sent again${until(at)}${unless(r.category)}`;
    const sim = requestSimilarity(r.text, row.text);
    if (sim >= SIMILARITY_THRESHOLD) {
      return `request ${r.id} was ${how}; this one is similar (bigram Jaccard ${sim.toFixed(2)} ≥ ${SIMILARITY_THRESHOLD} on “${similarityKey(row.text)}” vs “${similarityKey(r.text)}”)${until(at)}${unless(r.category)}`;
    }
  }
  for (const w of c.withdrawnByUser ?? []) {
    if (foldReply(w.category) !== cat || !barred(w.withdrawnAt) || consentedSince(w.category, w.withdrawnAt)) continue;
    return `the user withdrew consent ${w.id} for category “${w.category}” on ${new Date(w.withdrawnAt).toISOString()} (withdrawn with proof of the user's refusal); the same request may not be sent again${until(w.withdrawnAt)}${unless(w.category)}`;
  }
  return null;
}

/** Queues the message that carries a request; idempotent (used again for crash repair). */
export async function sendRequestMessage(ctx: AppContext, row: ConsentRequestRow): Promise<void> {
  try {
    await ctx.store.messages.recordSystemMessage({
      id: row.messageId, contentProviderId: row.contentProviderId, from: row.port, to: row.msisdn, text: row.text,
      // A charged service's notice (charged-services.ts) tells the user of a tariff before any charge: a
      // free notification of the service, not a commercial approach.
      ...(row.chargedServiceId !== undefined ? { type: 'notification' as const, purpose: 'charge_notice' } : { type: 'commercial' as const, purpose: 'consent_request' }),
      at: row.createdAt, charged: false,
    });
  } catch (e) {
    // Already queued before a crash: the message exists, only the mark is missing.
    if (!(await ctx.store.messages.getMessage(row.messageId))) throw e;
  }
  await ctx.store.consents.markConsentRequestSent(row.id);
  ctx.events.emit('outboxReady', { count: 1 });
}

export interface ConsentRequestView {
  id: string;
  contentProviderId: string;
  from: string;
  to: string;
  category: string;
  frequency: ConsentFrequency;
  durationDays: number;
  text: string;
  messageId: string;
  status: ConsentRequestRow['status'];
  createdAt: string;
  deadlineAt: string;
  resolvedAt: string | null;
  consentId: string | null;
  profile: string;
  /** Only on a charged service's notice (charged-services.ts): the service it asks about; its id is the subscription's. */
  chargedServiceId?: string;
  history: { at: string; event: SubscriptionEvent['kind']; channel: string; evidence: Record<string, unknown> }[];
}

/**
 * GET /v1/consent-requests/{id}: status and history (provider: own only; admin: any; regulator: any
 * within its token's province and date range, by the request's provider and creation time; outside
 * it the request does not exist for it, as a message outside it does not).
 */
export async function getConsentRequest(ctx: AppContext, p: Principal, id: string): Promise<ConsentRequestView> {
  requireRole(p, 'content-provider', 'admin', 'regulator');
  const now = ctx.clock.now();
  await settleDueRequests(ctx, now);
  const r = await ctx.store.consents.getConsentRequest(id);
  if (!r) throw new SmsguardError('not_found', `no consent request ${id}`);
  if (p.role === 'content-provider' && r.request.contentProviderId !== p.contentProviderId) throw new SmsguardError('forbidden', `consent request ${id} is not this content provider's`, OWN_DATA_REF);
  if (p.role === 'regulator') {
    const outside = !inDateRange(p, r.request.createdAt) || !(await inProvince(ctx, p, r.request.contentProviderId));
    await ctx.store.records.appendAudit(now, p.actorId, 'consent_requests.read', { id, rows: outside ? 0 : 1 });
    if (outside) throw new SmsguardError('not_found', `no consent request ${id}`);
  }
  const q = r.request;
  const iso = (t: number) => new Date(t).toISOString();
  return {
    id: q.id, contentProviderId: q.contentProviderId, from: q.port, to: q.msisdn, category: q.category, frequency: q.frequency, durationDays: q.durationDays,
    text: q.text, messageId: q.messageId, status: q.status, createdAt: iso(q.createdAt), deadlineAt: iso(q.deadlineAt),
    resolvedAt: q.resolvedAt === null ? null : iso(q.resolvedAt), consentId: q.consentId, profile: q.profile,
    ...(q.chargedServiceId !== undefined ? { chargedServiceId: q.chargedServiceId } : {}),
    history: r.history.map((h) => ({ at: iso(h.at), event: h.kind, channel: h.channel, evidence: h.evidence })),
  };
}
