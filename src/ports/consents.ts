import type { FrequencyPeriod } from '../domain/frequency-period.js';
import type { ConsentFacts, WithdrawnConsent } from '../pipeline/types.js';
import type { Channel } from '../app/types.js';
import type { ConsentPeriod, ConsentRequestStatus } from '../domain/consent.js';
import type { ChargedServiceRow, ChargedSubscriptionQuery, ChargedSubscriptionRow } from './charged-services.js';
import type { MoRecord } from './records.js';
import type { KeysetPosition } from '../domain/page-cursor.js';

/**
 * What may change while a commercial message waits in the queue, read again before it is sent
 * (ConsentStore.sendTimeFacts): the number's opt-out from the provider (with the signatures the
 * refusals answered), the do-not-disturb list, and the consent for the category as a decision
 * reads it (the live one granted last, else the latest expired one, else none; `usedInPeriod` 0:
 * the allowance was taken when the message was accepted, and is moved by carryFrequencyCount when
 * it goes out in a later period), and, with no such consent, the one withdrawn last, which the
 * `consent_missing` stop names as a decision's refusal does (Facts.withdrawnConsent).
 */
export interface SendTimeFacts {
  optedOut: boolean;
  optOutSignatures?: string[];
  dnd: boolean;
  consent: ConsentFacts | null;
  /** Only when `consent` is null: the number's consent of the category withdrawn last (absent: none). */
  withdrawnConsent?: WithdrawnConsent;
}

export interface ConsentRow {
  id: string;
  contentProviderId: string;
  msisdn: string;
  category: string;
  frequency: { count: number; per: 'day' | 'week' | 'month' };
  grantedAt: number;
  expiresAt: number;
  channel: Channel | 'sms';
  proof: Record<string, unknown>;
  withdrawnAt: number | null;
}

export interface SubscriptionEvent {
  id: string;
  at: number;
  kind:
    | 'consent_granted' | 'consent_withdrawn' | 'opt_out' | 'dnd_added' | 'dnd_removed' | 'consent_requested' | 'consent_refused' | 'consent_deemed_refused' | 'opt_in'
    | 'consent_expired' | 'consent_request_lapsed' | 'consent_reply' | 'relationship_ended'
    | 'charged_subscription_started' | 'charged_subscription_ended'
    /** A record whose body is damaged or edited: its evidence is `{ unreadable: <the body as stored> }`. */
    | 'unreadable';
  contentProviderId: string | null;
  msisdn: string;
  channel: string;
  evidence: Record<string, unknown>;
}

/** A consent request sent to a number (issue 3); `status` changes once, from `pending`. */
export interface ConsentRequestRow {
  id: string;
  contentProviderId: string;
  msisdn: string;
  /** The commercial port the request was sent from; replies to it answer the request. */
  port: string;
  category: string;
  frequency: { count: number; per: ConsentPeriod };
  durationDays: number;
  text: string;
  /** The system message that carried the request. */
  messageId: string;
  status: ConsentRequestStatus;
  createdAt: number;
  /** When the reply window closes. */
  deadlineAt: number;
  resolvedAt: number | null;
  /** The consent a `granted` request yielded. */
  consentId: string | null;
  /** Profile in force when the request was sent. */
  profile: string;
  /**
   * Set on a charged service's subscription notice (rule 8): the request asks to subscribe to this
   * service, and a `granted` answer starts a charged subscription (id = the request's) instead of a
   * consent. Absent on every ordinary consent request.
   */
  chargedServiceId?: string;
}

/** What `openConsentRequest` knows about the number when it decides whether a request may go. */
export interface ConsentRequestFacts {
  /** The number opted out of this provider (any signature). */
  optedOut: boolean;
  dnd: boolean;
  /** A request from this provider to this number still waiting for its answer. */
  pending: ConsentRequestRow | null;
  /** Earlier requests from this provider to this number that ended refused (explicitly or deemed). */
  refused: ConsentRequestRow[];
  /**
   * This provider's consents of the number withdrawn at the user's request (`withdrawConsent` with
   * proof of how the user refused), oldest first: the user's explicit refusal of their categories.
   * Not the provider's own withdrawals (no proof), nor those an opt-out ended (the opt-out itself
   * refuses while in force, and only the user's own request lifts it).
   */
  withdrawnByUser: { id: string; category: string; withdrawnAt: number }[];
  /**
   * This provider's consents of the number recorded with proof (`POST /v1/consents` with `proof`, or a
   * `Y` to a request), withdrawn or not, oldest given first, each with when the user gave it
   * (`consentGivenAt`: the proof's `capturedAt`, or when it was recorded): a consent of a category
   * given after a refusal or a withdrawal of it ends that refusal's ban on repeats.
   */
  grantedWithProof: { id: string; category: string; givenAt: number }[];
  /** For a charged service's notice: whether the number already has a live subscription to it. */
  chargedActive?: boolean;
}

/** How a pending request ends. Applied only if it is still pending (first answer wins). */
export interface ConsentRequestResolution {
  status: Exclude<ConsentRequestStatus, 'pending'>;
  at: number;
  channel: string;
  evidence: Record<string, unknown>;
  /** With `granted`: the consent the answer yields, stored in the same transaction. */
  consent?: ConsentRow;
  /** With `granted` on a charged service's notice: the subscription it starts (instead of a consent). */
  chargedSubscription?: ChargedSubscriptionRow;
  /** With a refusal reply: the opt-out, in the same transaction. */
  optOut?: { evidence: Record<string, unknown>; signature: string | null; endsRelationship: boolean };
  /**
   * The reply that answered, recorded (with its `mo` callback when it carries a notice) in the same
   * transaction, after the resolution's own records, and not at all when the request was no longer
   * pending (the caller handles the reply otherwise). Without it the caller records the reply itself.
   */
  mo?: MoRecord;
}

export interface OptOutOptions {
  /** The signature the refusal answered (`null` = unknown: all the provider's signatures). */
  signature?: string | null;
  /** Whether the opt-out ends the provider's relationship with the number (provider-wide scope). */
  endsRelationship?: boolean;
  /**
   * The user's reply that asked for it (an opt-out by SMS): its MO record, and its `mo` callback when
   * it carries a notice, written in the opt-out's own transaction, the record first. Apart, a crash
   * between the two steps left a recorded (and told) opt-out reply that was not in force.
   */
  mo?: MoRecord;
}

export interface RelationshipRow {
  contentProviderId: string;
  msisdn: string;
  startedAt: number;
  endedAt: number | null;
  endReason: string | null;
}

/** Everything smsguard holds about one number's subscriptions (Art. 20 subscription records). */
export interface SubscriberData {
  msisdn: string;
  dnd: { at: number; source: string } | null;
  optOuts: { contentProviderId: string; at: number; signatures: string[] }[];
  consents: ConsentRow[];
  requests: ConsentRequestRow[];
  relationships: RelationshipRow[];
  events: SubscriptionEvent[];
}

/** A number on the do-not-disturb list: since when, and the `source` label of the import that listed it. */
export interface DndEntry {
  msisdn: string;
  at: number;
  source: string;
}

/** A page of the do-not-disturb list (`ConsentStore.listDnd`), in (at, msisdn) order. */
export interface DndQuery {
  limit: number;
  /** The last entry of the previous page (`id`: its number): the page is the entries strictly past it. */
  after?: KeysetPosition;
}

/** Consents, refusals and the do-not-disturb list: the subscription records of Art. 20. */
export interface ConsentStore {
  grantConsent(row: ConsentRow): Promise<void>;
  getConsent(id: string): Promise<ConsentRow | null>;
  /**
   * Returns false when no such live consent of that provider. Ends the relationship if it was the last live consent.
   * `proof` (how the user refused, as the provider gave it) goes into the `consent_withdrawn` record's
   * evidence as `proof`; without it the evidence is `{consentId, category}` alone.
   */
  withdrawConsent(id: string, contentProviderId: string, at: number, channel: string, proof?: Record<string, unknown>): Promise<boolean>;
  /**
   * Records the opt-out and refuses the provider's pending requests to the number, atomically; it
   * also ends the provider's live charged subscriptions of the number (`charged_subscription_ended`,
   * reason `opt_out`).
   */
  optOut(contentProviderId: string, msisdn: string, at: number, channel: string, evidence: Record<string, unknown>, opts?: OptOutOptions): Promise<void>;
  isOptedOut(contentProviderId: string, msisdn: string): Promise<boolean>;
  /**
   * Lifts a number's opt-out from one provider (every signature it covered), recorded as an `opt_in`
   * subscription event with its evidence, atomically. False when the number had not opted out. It
   * grants no consent: commercial messages still need one.
   * `mo`: the user's reply that asked for it (a lift by SMS), recorded in the same transaction when the
   * lift happens, and not at all when there was nothing to lift (the caller records it otherwise).
   */
  liftOptOut(contentProviderId: string, msisdn: string, at: number, channel: string, evidence: Record<string, unknown>, mo?: MoRecord): Promise<boolean>;
  addDnd(msisdns: string[], at: number, actor: string, source: string): Promise<number>;
  /** The number's do-not-disturb entry, or null when it is not on the list. */
  dndEntry(msisdn: string): Promise<DndEntry | null>;
  /** A keyset page of the list, oldest entry first (then by number), at most `limit` entries. */
  listDnd(q: DndQuery): Promise<DndEntry[]>;
  /**
   * Takes the number off the list, atomically with its `dnd_removed` subscription record (platform:
   * no provider; evidence `{actor, reason, source, listedAt}`) and its audit record (`dnd.remove`,
   * the same facts). Returns the entry removed, or null when the number was not on the list (nothing
   * recorded). Touches nothing else: a provider's opt-out, a withdrawal, a consent stay as they are.
   */
  removeDnd(msisdn: string, at: number, actor: string, reason: string): Promise<DndEntry | null>;
  subscriptionEvents(msisdn: string, contentProviderId?: string): Promise<SubscriptionEvent[]>;
  /**
   * Atomically: loads the number's facts, calls `check` (which throws to refuse the request), then
   * stores the request and its subscription record. Two concurrent requests to one number can never
   * both pass the check. The caller then queues the carrying message and calls `markConsentRequestSent`.
   */
  openConsentRequest(row: ConsentRequestRow, check: (facts: ConsentRequestFacts) => void): Promise<void>;
  markConsentRequestSent(id: string): Promise<void>;
  /** Requests whose carrying message was never queued (a crash between the two steps). */
  unsentConsentRequests(limit: number): Promise<ConsentRequestRow[]>;
  /** The request and its subscription records (request, replies, resolution), oldest first. */
  getConsentRequest(id: string): Promise<{ request: ConsentRequestRow; history: SubscriptionEvent[] } | null>;
  /** Registers a charged service (rule 8). */
  addChargedService(row: ChargedServiceRow): Promise<void>;
  getChargedService(id: string): Promise<ChargedServiceRow | null>;
  /** One provider's services (or every provider's), oldest first. */
  listChargedServices(contentProviderId?: string): Promise<ChargedServiceRow[]>;
  /** The number's live subscription to the service, or null: what a charged message needs. */
  activeChargedSubscription(serviceId: string, msisdn: string): Promise<ChargedSubscriptionRow | null>;
  /**
   * One service's confirmed subscriptions, live and ended, oldest first (by start, then id), at most
   * `limit`, strictly past `after` in that order (a keyset page: GET /v1/charged-services/{id}/subscriptions),
   * and only those started within `[from, to)` when given (a regulator token's dates). The window bounds
   * the index walk (charged_subscriptions_service): rows before `from` are not read past, and the walk
   * stops at `to`. An `after` before `from` reads from `from`.
   */
  listChargedSubscriptions(serviceId: string, q: ChargedSubscriptionQuery): Promise<ChargedSubscriptionRow[]>;
  /** Ends the live subscription, recorded (`charged_subscription_ended`); false when there was none. */
  endChargedSubscription(serviceId: string, msisdn: string, at: number, channel: string, evidence: Record<string, unknown>): Promise<boolean>;
  /** The pending request a reply from `msisdn` to `port` answers, if any. */
  pendingConsentRequest(msisdn: string, port: string): Promise<ConsentRequestRow | null>;
  /**
   * The request last sent to the number from `port`, whatever its status, or null: what a reply to
   * that port after the request closed is about (src/app/consent-late-reply.ts).
   */
  latestConsentRequest(msisdn: string, port: string): Promise<ConsentRequestRow | null>;
  /**
   * A reply to request `id` after it closed (no longer pending: its window over, or answered), which
   * the user is told changed nothing: answered once. In one transaction, only while the request is
   * not pending and no late reply to it was answered yet: marks it answered (`late_reply_at`),
   * appends the reply's subscription record (`consent_reply`, with `evidence`) and `mo` (with its
   * `mo` callback when it carries a notice). False, writing nothing, otherwise: the caller handles
   * the reply as an ordinary one.
   */
  answerLateConsentReply(id: string, r: { at: number; channel: string; evidence: Record<string, unknown>; mo: MoRecord }): Promise<boolean>;
  /** Ends a pending request (and stores its consent or opt-out); false when it was no longer pending. */
  resolveConsentRequest(id: string, r: ConsentRequestResolution): Promise<boolean>;
  /** Records a reply that did not answer the request (it stays pending). */
  noteConsentReply(id: string, at: number, channel: string, evidence: Record<string, unknown>): Promise<void>;
  /** Pending requests whose window closed at or before `now`, oldest deadline first. */
  dueConsentRequests(now: number, limit: number): Promise<ConsentRequestRow[]>;
  /** Records `consent_expired` (and relationship ends) for up to `limit` consents expired by `now`; returns how many. */
  recordConsentExpiries(now: number, limit: number): Promise<number>;
  /** The signature of the last accepted message this provider sent the number from `port` (for per-signature opt-outs). */
  lastSignatureSent(contentProviderId: string, msisdn: string, port: string): Promise<string | null>;
  /**
   * The id of the last accepted message this provider sent the number from `port`, or null (none, or
   * unreadable): what a reply to that port answers (an `N` after a promotion saying 回N退订 opts out
   * even while a consent request is pending, src/app/consent-replies.ts).
   */
  lastMessageSent(contentProviderId: string, msisdn: string, port: string): Promise<string | null>;
  /**
   * A commercial message about to be sent in a later frequency period than the one its count was
   * taken in (accepted before 21:00, held to 08:00 by the sending hours: src/app/send-time-check.ts):
   * in one transaction (on PostgreSQL under the number's lock, the one decisions take), its count at
   * `countedAt` moves to `sendAt` if the period holding `sendAt` (`period`) has room under `limit`
   * (`carried`); else it is given back (`exceeded`: the message is not sent, so it counts nowhere),
   * with `used`, the sends already counted in `period`. `countedAt` is where the count was taken (the
   * message's schedule, else its acceptance); once carried, the store keeps where it moved it, by
   * `messageId`, and the next carry starts from there, so a message carried and then held over
   * another period boundary takes that period's allowance too, or is refused. `absent` when the
   * count already stands in `period` (a retry after a carry in it) or no count of the number's
   * category stands where it was left; nothing changes.
   */
  carryFrequencyCount(q: { messageId: string; contentProviderId: string; msisdn: string; category: string; countedAt: number; sendAt: number; period: FrequencyPeriod; limit: number }): Promise<{ outcome: 'carried' | 'exceeded' | 'absent'; used: number }>;
  /** Every consent, request, opt-out, relationship and subscription record of one number (optionally one provider's). */
  subscriber(msisdn: string, contentProviderId?: string): Promise<SubscriberData>;
  /**
   * For each queued commercial message about to be sent: its SendTimeFacts at `now`, in order. One
   * call per claimed batch (only its commercial messages).
   */
  sendTimeFacts(items: readonly { contentProviderId: string; msisdn: string; category: string }[], now: number): Promise<SendTimeFacts[]>;
  /**
   * For each queued charged message about to be sent (OutboundMessage.chargedServiceId): the id of the
   * number's live subscription of its sender to the service, or null (never confirmed, or ended by
   * TD, an opt-out or the provider while the message waited), in order. One call per claimed batch
   * that holds a charged message; never for a batch without one (src/app/send-time-check.ts).
   */
  liveChargedSubscriptions(items: readonly { serviceId: string; contentProviderId: string; msisdn: string }[]): Promise<(string | null)[]>;
}
