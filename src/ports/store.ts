/**
 * What the core needs from durable storage, split per aggregate. Adapters (SQLite, PostgreSQL) own
 * their connections and transactions; no connection or transaction type crosses this boundary. The
 * same contract suite (test/contract/) runs against every adapter.
 */
import type { KeysetPosition } from '../domain/page-cursor.js';
import type { MessageType, PortKind } from '../domain/message-type.js';
import type { Candidate, Decision, Facts } from '../pipeline/types.js';
import type { Channel, MessageStatus, ReceiptRequest } from '../app/types.js';
import type { PartialSubmit } from './egress.js';
import type { CountTaken } from '../domain/send-window.js';
import type { Priority } from '../domain/priority.js';
import type { DirectoryStore } from './directory.js';
import type { IdempotencyStore, StoredAnswer } from './idempotency.js';
import type { ConsentStore, SendTimeFacts } from './consents.js';
import type { RecordStore } from './records.js';
import type { SettingsStore } from './settings.js';
import type { CallbackStore } from './callbacks.js';
import type { UsageStore } from './usage.js';

export type * from './directory.js';
export type * from './idempotency.js';
export type * from './consents.js';
export type * from './charged-services.js';
export type * from './records.js';
export type * from './record-archive.js';
export type * from './settings.js';
export type * from './callbacks.js';
export type * from './usage.js';

/** One submission handed to `decideAndRecord`. */
export interface SubmissionItem {
  id: string;
  candidate: Candidate;
  channel: Channel;
  clientRef?: string;
  registeredDelivery: ReceiptRequest;
  /** SubmitInput.clientPartIds: each names the message afterwards too (MessageStore.messageOfPart). */
  clientPartIds?: string[];
  /**
   * SubmitInput.keptPartsKey: the store drops that set's kept parts (SmppDeliveryStore.keepParts)
   * in the transaction that records this decision, whatever the decision.
   */
  keptPartsKey?: string;
  /** SubmitInput.dataCoding (SMPP only): kept in the submission record (MessageView.dataCoding). */
  dataCoding?: number;
  /** SubmitInput.validUntil (epoch ms): kept with the queued message (OutboundMessage.validUntil). */
  validUntil?: number;
  /**
   * SubmitInput.scheduledAt, only when ahead (epoch ms): the queued message is not due before it, and
   * the rules judge it at that time (src/domain/schedule.ts judgedAt).
   */
  scheduledAt?: number;
  receivedAt: number;
}

/** MessageStore.replaceQueued's request. */
export interface QueuedReplacement {
  /**
   * The replacement, decided as a submission: the message's own id, provider, sender, recipient,
   * type, category and clientRef, with the new text and the schedule, validity and receipt request
   * it is to have; `receivedAt` the replacement's time (judged and counted at its schedule, else
   * then: when it now goes, as a submission arriving then would be).
   */
  item: SubmissionItem;
  /** When the message arrived: the day its usage figures were counted (absent: `item.receivedAt`). */
  arrivedAt?: number;
  /** The text the message has now, kept in the replacement's record beside the new one. */
  previousText: string;
  /**
   * The frequency count the message's current decision took: given back before the new decision,
   * where a send-time carry left it if one did (carryFrequencyCount), else at `at`.
   */
  uncount?: CountTaken;
  /** When it is replaced, by whom (the status record's detail), and the record's id (unique). */
  at: number;
  detail: string;
  recordId: string;
  /** The claim whose batch gave the message up unwritten (AppContext.takeBack), as CancelOptions.evenIfClaimedBy. */
  evenIfClaimedBy?: Claim;
}

/**
 * What MessageStore.replaceQueued did: `replaced` (the decision accepted or held the new text) or
 * `refused` (the decision refused it: nothing changed), with the decision; `claimed` (a batch holds it
 * and may be writing it), `final` (it left the queue, or a part of it was written), `unknown` (no
 * such message of that provider).
 */
export type ReplaceOutcome = { outcome: 'replaced' | 'refused'; decision: Decision } | 'claimed' | 'final' | 'unknown';

export interface DecidedItem {
  id: string;
  decision: Decision;
}

/**
 * An `Idempotency-Key` to keep with a request's decisions (src/app/idempotency.ts): written by
 * `decideAndRecord` in the transaction that records them, so no decision is ever durable without
 * the key that would answer its retry.
 */
export interface IdempotencyWrite {
  contentProviderId: string;
  key: string;
  /** src/domain/idempotency.ts requestHash: method, route and canonical body. */
  requestHash: string;
  /** When the request came (epoch ms): the key is kept IDEMPOTENCY_KEPT_MS from it. */
  at: number;
  /**
   * A row of this provider and key created at or before this instant has expired (housekeeping has
   * not taken it yet): it is replaced. A later row is the key in use: the transaction fails with
   * SmsguardError `idempotency_key_in_flight` and records nothing.
   */
  expiredBefore: number;
  /**
   * Called in the transaction, once every item is decided (in order): the answer to keep; null keeps
   * no key (an answer a retry should not get again, a 5xx: the decisions are still recorded).
   */
  answer(decided: readonly DecidedItem[]): StoredAnswer | null;
}

/** MT submissions: decided and recorded atomically; accepted ones queued for egress. */
export interface MessageStore {
  /**
   * For each item in order: load its facts, call `decide` (pure), and durably record the outcome;
   * accepted messages also count against frequency limits and enter the egress queue. Atomic with
   * respect to other decisions about the same content provider and number: two concurrent calls can
   * never both take the last allowance. When the promise resolves, every outcome is durable.
   *
   * With `idempotency`, the same transaction also keeps that key with the answer it computes from the
   * decisions (IdempotencyWrite): both are durable, or neither.
   */
  decideAndRecord(items: SubmissionItem[], decide: (item: SubmissionItem, facts: Facts) => Decision, idempotency?: IdempotencyWrite): Promise<DecidedItem[]>;
  /**
   * A sender's replacement of a message still waiting to be sent (SMPP replace_sm, src/app/replace-message.ts),
   * in one transaction: the message must be its provider's, `accepted` or `held`, nothing of it written
   * to the carrier (no part acknowledged) and not claimed by a batch (but for `evenIfClaimedBy`, the
   * claim its holder gave up: CancelOptions). Then the count its current decision took is given back
   * (`uncount`), the replacement item is decided as a submission is (its facts loaded, `decide`), and:
   * accepted or held, the queued row takes the new text, schedule, validity and receipt request (its
   * id, arrival, sender and recipient stay; it is due at the new schedule, else now, but never before
   * a due time a retry or a send-time deferral put it back to: a row attempted before, whose due time
   * is later, keeps it), the new count is taken, and one `status` record
   * (`recordId`) repeats the status with the replacement in it (the old text and the new, the new
   * decision's verdicts: store/replacement-body.ts); refused, everything rolls back and the message
   * is as it was. A claim given up is dropped either way, so the message goes out on a later claim,
   * with whichever text it now has.
   */
  replaceQueued(r: QueuedReplacement, decide: (item: SubmissionItem, facts: Facts) => Decision): Promise<ReplaceOutcome>;
  /** Records a message the gateway itself sends (opt-out confirmations, consent requests): accepted, queued, never charged. */
  recordSystemMessage(msg: SystemMessage): Promise<void>;
  /** The submission record and its status history, or null. */
  getMessage(id: string): Promise<MessageView | null>;
  /**
   * {@link getMessage} for several ids at once, in their order (null where there is none): the
   * records of all of them in one read by ref per table, not one per message, for a page of the
   * message list (src/app/message-list.ts). A read of the records only: nothing on the submission path.
   */
  getMessages(ids: readonly string[]): Promise<(MessageView | null)[]>;
  /**
   * The id of the message that `partId` names for `contentProviderId`: an id its SMPP door handed out
   * for an earlier part of a long message sent in parts (SubmissionItem.clientPartIds), which
   * `decideAndRecord` files with the decision, whatever it decides. Null for any other id, another
   * provider's part ids included. Found until `prune` takes it with its message's status row.
   */
  messageOfPart(contentProviderId: string, partId: string): Promise<string | null>;
  /**
   * Messages decided `held` and not yet released or rejected, oldest first (by `heldAt`, then id; one
   * provider's, if given). With `after` (a page's last message's `heldAt` and id), only those past it.
   */
  listHeld(q: { contentProviderId?: string; limit: number; after?: KeysetPosition }): Promise<HeldMessage[]>;
  /**
   * Ends a hold, in one transaction with its status record (who and why): `release` puts the message
   * in the egress queue, due at `at` (history: held → accepted → submitted…); `reject` takes it off
   * for good (history: held → rejected). Null when the id is not a message still held (unknown, or
   * already released or rejected: the first decision wins).
   */
  resolveHeld(id: string, r: HoldResolution): Promise<HeldMessage | null>;
  /**
   * Held messages whose hold is over at `now`, soonest first, up to `limit`: the sender's validity
   * (`validUntil`) or `heldAt + maxHoldMs`, whichever comes first (the operator's maximum caps a longer validity). The review-queue sweep expires them
   * (`resolveHeld` with `expire`: the first decision wins, so several sweeping processes are harmless).
   */
  heldPastHold(q: { now: number; maxHoldMs: number; limit: number }): Promise<HeldMessage[]>;
  /**
   * Housekeeping of operational state (not the statutory records): removes up to `limit` message
   * status rows last changed before `statusBefore` that are no longer work (not `accepted` or
   * `held`), and up to `limit` frequency-counter rows: those older than `sendsBefore`, then
   * verification ones older than `verificationSendsBefore` (their rules look back a day, not a
   * month: kept longer they would hold a month of numbers for nothing). `parts`: up to `limit` part
   * ids of long messages (messageOfPart) from before `statusBefore` whose message has no status row
   * left (pruned, here or earlier, or never had one: refused). The caller repeats while a kind returns
   * `limit`, so no single transaction grows large.
   */
  prune(o: { statusBefore: number; sendsBefore: number; verificationSendsBefore: number; limit: number }): Promise<{ statuses: number; sends: number; parts: number }>;
}

/** A message parked for an operator's review (Decision.held), with the text it would be sent with. */
export interface HeldMessage {
  id: string;
  contentProviderId: string;
  from: string;
  to: string;
  /** Final text (as decided: refusal notice appended where required). */
  text: string;
  registeredDelivery: boolean;
  heldAt: number;
  /** As OutboundMessage.clientRef: null when the sender gave none, absent when held before migrations 105 / 096. */
  clientRef?: string | null;
  /** The sender's validity (SMPP validity_period, HTTP validUntil), when it gave one: the hold ends then. */
  validUntil?: number;
}

/**
 * Ends a hold: `release` (status `accepted`, into the egress queue), `reject` (`rejected`) or
 * `expire` (`expired`: held past its validity or the maximum hold, not decided in time). A reject
 * and an expiry clear the text and give back `uncount`.
 */
export interface HoldResolution {
  action: 'release' | 'reject' | 'expire';
  at: number;
  /** Who decided (operator's actor id). */
  actor: string;
  reason: string;
  /** A rejection or expiry: the frequency count the held message took, given back (never sent, it counts no more). */
  uncount?: CountTaken;
  /**
   * A release's re-check, judged inside the release's transaction on facts read there (after the
   * number's lock on PostgreSQL, the one opt-outs, lifts and decisions take), so nothing that commits
   * between the judgement and the release can be missed. `judge` throws to refuse: nothing is written.
   */
  check?: ReleaseCheck;
}

export interface ReleaseCheck {
  /** A commercial message: its number's subscription facts are read (ConsentStore.sendTimeFacts), for `category`. */
  commercial: boolean;
  category: string | null;
  /**
   * A charged message's service (MessageView.chargedServiceId), null for any other: the number's live
   * subscription of the sender to it is read in the release's transaction (ReleaseFacts.chargedSubscription),
   * and the released queue row carries it to the send-time check.
   */
  chargedServiceId?: string | null;
  judge(f: ReleaseFacts): void;
}

/** What a release is judged on, read in its transaction. */
export interface ReleaseFacts {
  /** The release's time (HoldResolution.at): what the stages judge at. */
  at: number;
  /** The provider's status; null when it is not known (judged as suspended). */
  senderStatus: 'active' | 'suspended' | null;
  /** A commercial message's subscription facts at the release's time; null for other types. */
  subscription: SendTimeFacts | null;
  /**
   * Only when the check names a charged service: the id of the number's live subscription of the
   * sender to it at the release, or null (never confirmed, or ended while the message was held).
   */
  chargedSubscription?: string | null;
}

export interface SystemMessage {
  id: string;
  contentProviderId: string;
  from: string;
  to: string;
  text: string;
  type: MessageType;
  purpose: string;
  at: number;
  charged: false;
}

export interface MessageView {
  id: string;
  contentProviderId: string;
  // from … decision, segments, clientRef and profile are copied from the submission record's body:
  // left out when that body is damaged (it is then listed in `unreadable`).
  from?: string;
  to?: string;
  type?: MessageType;
  category?: string | null;
  text?: string;
  decision?: 'accepted' | 'rejected' | 'held';
  /** `held` while parked for review; `rejected` for a rejection, at submission or after review. */
  status: MessageStatus | 'rejected' | 'held';
  /** Null for a system message (not judged by the pipeline). */
  segments?: number | null;
  receivedAt: number;
  clientRef?: string | null;
  /** Whether the sender asked for a delivery receipt (`failure`: only if it is not delivered). */
  registeredDelivery: ReceiptRequest;
  /** The ids the sender was given for the earlier parts of a long message it sent in parts (SMPP). */
  clientPartIds?: string[];
  /**
   * Only for a message submitted over SMPP (recorded since 2026-12-07): the data_coding its text came
   * in, which a replace_sm's new text is read in (it carries none).
   */
  dataCoding?: number;
  /** Only when its sender gave one (SubmitInput.validUntil): not sent after this, epoch ms. */
  validUntil?: number;
  /** Only when it was scheduled (SubmitInput.scheduledAt): not sent before this, epoch ms. */
  scheduledAt?: number;
  /** Only for a charged message (SubmitInput.chargedServiceId): the service it charges for. */
  chargedServiceId?: string;
  /** The profile that decided (verdict articles come from it). */
  profile?: string | null;
  verdicts: { rule: string; outcome: string; code?: string; message?: string; note?: string; article?: string }[];
  /** `rejection`: a queued message stopped before it was sent (`rejected`), the rule that stopped it. */
  history: { status: MessageStatus | 'held' | 'rejected'; at: number; detail?: string; rejection?: StatusRejection }[];
  /**
   * Only when records of this message have a damaged or edited body (not a JSON object, or a field
   * of the wrong type): each record's id and its body as stored. What such a record would have given
   * is left out of the view (the submission's fields, a status in the history); `records verify`
   * names them too.
   */
  unreadable?: { id: string; body: string }[];
}

/** An accepted message waiting to go upstream. */
export interface OutboundMessage {
  id: string;
  contentProviderId: string;
  from: string;
  to: string;
  text: string;
  registeredDelivery: ReceiptRequest;
  attempts: number;
  submittedAt: number;
  /** A long message's parts already taken by the SMSC in an earlier attempt (kept by retryLater). */
  partial?: PartialSubmit;
  /** Only when read back from the records (ReceiptBook's recall): MessageView.clientPartIds. */
  clientPartIds?: string[];
  /**
   * The sender's clientRef (SubmitInput.clientRef), null when it gave none, carried into the
   * message's status events (AppEvents messageStatus) for the HTTP callback. Absent when not known:
   * queued before migrations 105 (SQLite) / 096 (PostgreSQL), or a message made up elsewhere.
   */
  clientRef?: string | null;
  /**
   * A commercial message's category (what its consent covers); absent for every other type. Claims
   * return it so that what may have changed while the message waited (an opt-out, a withdrawn
   * consent, the sending hours) is judged again before it is sent (src/app/send-time-check.ts).
   * Messages queued before migrations 101 (SQLite) / 092 (PostgreSQL) have none.
   */
  category?: string;
  /**
   * SubmitInput.validUntil: not sent after this (epoch ms); the send-time check ends it `expired`,
   * and the SMPP client gives it to the carrier as validity_period. Absent: no limit of the sender's.
   */
  validUntil?: number;
  /**
   * A charged message's service (SubmitInput.chargedServiceId, rule 8); absent for every other.
   * Claims return it so that the send-time check stops the message when the number's subscription to
   * the service ended while it waited (src/app/send-time-check.ts). Messages queued before
   * migrations 129 (SQLite) / 123 (PostgreSQL) have none.
   */
  chargedServiceId?: string;
  /**
   * Set by a claim (OutboxStore.claim, claimIds): when its lease ends, as the store wrote it. With
   * `id` and `attempts` it names this claim: a later claim of the message, which needs this lease run
   * out, writes a later end. OutboxStore.release and retryLater act only on a claim still standing.
   */
  leasedUntil?: number;
  /**
   * Its delivery lane (src/domain/priority.ts), as queued: claims return it, and the upstream link
   * sends a waiting message of a higher lane first. Absent: a message made up elsewhere (the lowest lane).
   */
  priority?: Priority;
}

/** What names a claim (OutboundMessage.leasedUntil): the claimed message as the claim returned it. */
export type Claim = Pick<OutboundMessage, 'id' | 'attempts' | 'leasedUntil'>;

export interface StatusUpdate {
  id: string;
  status: MessageStatus;
  at: number;
  detail?: string;
  /**
   * With `rejected` (a queued message stopped before it was sent): the rule that stopped it, as a
   * submission's rejection names it. Recorded in the status record and shown in the history.
   */
  rejection?: StatusRejection;
  /** The id the upstream SMSC gave the message (with `submitted`). */
  upstreamId?: string;
  /**
   * With `submitted`, for a long message: the SMSC's id of each part, in part order. The store files
   * them so that each part's receipt finds the message (also after a restart) and moves it only once
   * every part has one.
   */
  partIds?: string[];
}

/** Why a queued message was stopped: the stable code, the rule and its article under the profile. */
export interface StatusRejection {
  code: string;
  rule: string;
  article: string;
  profile: string;
}

export interface ReceiptUpdate {
  upstreamId: string;
  status: MessageStatus;
  at: number;
  detail?: string;
  /** DeliveryReceipt.altIds: spellings to look up (`resolveUpstreamId`) when `upstreamId` matches nothing. */
  altIds?: string[];
  /** DeliveryReceipt.spellAfter: `altIds` are not looked up before this wall-clock time. */
  spellAfter?: number;
}

/** OutboxStore.cancel's options. */
export interface CancelOptions {
  /**
   * The claim whose batch gave the message up unwritten (AppContext.takeBack), named as `release`
   * names it (OutboundMessage.leasedUntil and attempts): that claim's lease no longer stands in the
   * way, and only that one's. Once it was given back or ran out, another batch (in this process or
   * another) may have claimed the message again and be writing it to the carrier; its lease then
   * answers `claimed` as for any cancel, so that a message being sent is never recorded cancelled.
   */
  evenIfClaimedBy?: Claim;
  /**
   * The frequency count the message took at its decision (a verification or commercial send,
   * counted at `at`: its schedule, else its arrival; src/domain/send-window.ts): one such row of the
   * message's provider and number is deleted with the cancel, so a message never sent counts no more;
   * where a send-time carry left it if one did (carryFrequencyCount), else at `at`.
   */
  uncount?: CountTaken;
  /**
   * The carrier has taken the message back (Egress.cancelUpstream: every part's cancel_sm answered
   * ESME_ROK): one `submitted` (written to it, not final) is cancelled too. Without it `submitted`
   * answers `final`, as before: only the carrier can still stop it.
   */
  atCarrier?: boolean;
}

/** The durable egress queue between decision and upstream. */
export interface OutboxStore {
  /**
   * Up to `limit` queued messages due at `now`, leased until `now + leaseMs`: lane by lane
   * (src/domain/priority.ts, 0 first), within a lane oldest due first. So a due verification code
   * is claimed before any commercial message, however long that one has waited. `upTo`: only lanes
   * up to this one (default: every lane).
   */
  claim(now: number, limit: number, leaseMs: number, upTo?: Priority): Promise<OutboundMessage[]>;
  /**
   * Appends one status record per update, in one transaction; final statuses take the message off
   * the queue. An update that repeats the message's current status is ignored (idempotent receipts).
   * Returns the updates that changed something.
   */
  recordStatuses(updates: StatusUpdate[]): Promise<StatusUpdate[]>;
  /**
   * Cancels a message its sender no longer wants sent (SMPP cancel_sm, `DELETE /v1/messages/{id}`):
   * only while it waits (queued and not claimed by a batch, or held for review), in one transaction
   * that moves it to `cancelled` and appends its status record (`detail` in it). `claimed`: a batch
   * holds it and may be writing it to the carrier; `final`: it left the queue already (sent,
   * rejected, cancelled…; `submitted` is cancelled with `opts.atCarrier`, once the carrier took it back); `unknown`: no such message of `contentProviderId` (null: any provider's).
   * `opts` (CancelOptions): the claim whose lease no longer stands in the way (its holder gave the
   * message up), and the frequency count the message took, given back in the same transaction.
   */
  cancel(id: string, contentProviderId: string | null, at: number, detail: string, opts?: CancelOptions): Promise<'cancelled' | 'claimed' | 'final' | 'unknown'>;
  /**
   * Appends a status record that repeats `submitted`, with `detail`, only while the message is still
   * `submitted` (checked in the same transaction, the row locked against a receipt meanwhile): what a
   * cancel at the carrier did to some of its parts when it could not take all of it back
   * (cancel-message.ts). The status does not move (the parts not cancelled may still arrive, and
   * their receipts move it as usual); the message's history shows the note. `recordId`: the record's
   * id, unique (a message may get more than one). False, and nothing written, when it is no longer
   * `submitted` (a receipt came first) or there is no such message.
   */
  noteSubmitted(id: string, at: number, detail: string, recordId: string): Promise<boolean>;
  /**
   * Due again at `dueAt`, the claim's lease dropped; `partial` (a long message's parts already taken)
   * is kept for the next claim. Only while the claim still stands, as `release`: a submit that failed
   * after its lease ran out may find the message claimed since by another worker or process, which
   * may be sending it; dropping that claim and rescheduling the message would let it be claimed, and
   * sent, a third time. Messages no longer queued, claimed since or without a lease are left alone.
   */
  retryLater(claim: Claim, dueAt: number, detail: string, partial?: PartialSubmit): Promise<void>;
  /**
   * Gives claimed messages back, due as they were and without an attempt counted: a graceful stop
   * before any of them was written to a link (Egress.stopSending), so that the next claim, after a
   * restart too, need not wait out their lease. Only a claim still standing is given back (as the
   * claim returned it: OutboundMessage.leasedUntil): a stop that took longer than the lease may find
   * the message claimed since by another worker or process, whose claim it must not drop (the message
   * could then be claimed, and sent, a third time while that one sends it). Messages no longer
   * queued, claimed since or without a lease (not from a claim) are left alone.
   */
  release(claims: readonly Claim[]): Promise<void>;
  /**
   * Moves the lease of each claim still standing (named as `release` names it) to end at `until`,
   * and returns the ids of those renewed; the caller names each renewed claim by the new end from
   * then on (OutboundMessage.leasedUntil). A batch whose submits wait longer than the lease (a slow
   * or throttled link) renews it while it waits, so that no other worker or process claims, and
   * sends, a message this one is still sending (DeliveryWorker, BusEgressWorker, LeaseKeeper). A
   * lease that ran out still renews while nothing claimed the message since; one claimed since, no
   * longer queued or never leased is left alone and not returned.
   */
  renew(claims: readonly Claim[], until: number): Promise<string[]>;
  /**
   * Applies delivery receipts in one transaction: each receipt's upstream id is resolved to our
   * message and its status recorded (idempotent, never backwards). Receipts whose upstream id is not
   * known yet (they can overtake the submit response) come back in `unknown`. A receipt for a part of
   * a long message (an id of `StatusUpdate.partIds`) is kept with that part; the message's status
   * moves once every part has one: to the first part's (in part order) that was not delivered, else
   * to delivered. A repeat of a part's receipt changes nothing.
   */
  applyReceipts(receipts: ReceiptUpdate[]): Promise<{ changed: StatusUpdate[]; unknown: ReceiptUpdate[] }>;
  /**
   * The first of `spellings` (in their order) that is on file as an upstream id, of a message or of a
   * part of a long one, or null: a receipt whose id the egress could not match in memory finds its
   * message under another spelling (DeliveryReceipt.altIds). Exact matches only.
   */
  resolveUpstreamId(spellings: readonly string[]): Promise<string | null>;
  /**
   * The carrier's ids of a message written to it (`submitted` onwards), for a cancel_sm to it: each
   * part's, in part order, for a long message (StatusUpdate.partIds), else its one upstream id; empty
   * when none is on file (never written, or its parts' rows pruned).
   */
  upstreamIdsOf(id: string): Promise<string[]>;
  /** Finds a message by the id the upstream SMSC gave it (for receipts). */
  findByUpstreamId(upstreamId: string): Promise<{ id: string; status: MessageStatus } | null>;
  /**
   * Messages queued to send (`accepted`); with `dueBy`, only those due by then (epoch ms): a
   * scheduled message or a retry backing off is not waited for by a drain.
   */
  pendingCount(dueBy?: number): Promise<number>;
}

/** Everything together; adapters implement this. */
export interface Store {
  directory: DirectoryStore;
  messages: MessageStore;
  outbox: OutboxStore;
  consents: ConsentStore;
  records: RecordStore;
  settings: SettingsStore;
  cases: import('./cases.js').ComplaintsStore;
  /** HTTP callbacks: providers' URLs and the queue of events to push (src/app/callback-worker.ts). */
  callbacks: CallbackStore;
  /** Usage figures per provider and day (README "Usage"). */
  usage: UsageStore;
  /** Kept `Idempotency-Key`s of the HTTP submit routes (README "Retrying safely"). */
  idempotency: IdempotencyStore;
  /**
   * The public doors' per-address limits (src/app/address-window.ts): PostgreSQL counts them for the
   * deployment, SQLite (one process) in memory.
   */
  addressLimits: import('./address-limits.js').AddressLimitStore;
  /**
   * The web forms' once-tokens (src/web/form-once.ts): a form posted twice acts once, whichever
   * process each post reaches (both adapters keep them in a table).
   */
  formTokens: import('./form-tokens.js').FormTokenStore;
  /**
   * Resolves once the store answers a trivial query through its own connections (PostgreSQL: the
   * pool, no connection of its own), rejects when it cannot be reached: the readiness probe's store
   * check (app/readiness.ts). The caller bounds the wait.
   */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type { PortKind, MessageType };
