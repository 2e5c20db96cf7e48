import type { MessageStatus, ReceiptRequest } from '../app/types.js';
import type { PartialSubmit } from './egress.js';
import type { CountTaken } from '../domain/send-window.js';
import type { Priority } from '../domain/priority.js';

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
