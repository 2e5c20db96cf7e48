import type { KeysetPosition } from '../domain/page-cursor.js';
import type { MessageType } from '../domain/message-type.js';
import type { Candidate, Decision, Facts } from '../pipeline/types.js';
import type { Channel, MessageStatus, ReceiptRequest } from '../app/types.js';
import type { CountTaken } from '../domain/send-window.js';
import type { StoredAnswer } from './idempotency.js';
import type { Claim, StatusRejection } from './outbox.js';
import type { SendTimeFacts } from './consents.js';

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
   * How long (ms) after its time an accepted or held message's final text stays in `Facts.recentTexts`
   * of a later message from the same provider to the same number (rule `content.duplicate`: the
   * profile's `duplicateContentWindowSeconds`, set by the App). 0: none kept. Held in memory, never
   * read from a table (src/store/recent-texts.ts); 30 s until set.
   */
  keepTextsFor?(ms: number): void;
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
