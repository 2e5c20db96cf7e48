/**
 * Egress: where accepted messages go upstream (the simulator SMSC, or carrier SMSCs over SMPP).
 * The delivery worker calls `submit`; the upstream reports receipts and MO through the callbacks
 * the worker registers with `onReceipt` / `onMo`.
 */
import type { OutboundMessage } from './outbox.js';

export type SubmitResult =
  /**
   * `upstreamId`: the SMSC's id for the message (a long message's: its first part's). `partIds`: a
   * long message's SMSC id for each part, in part order; each part then gets its own receipt (under
   * that part's id), and the message's status follows once every part has one (OutboxStore).
   */
  | { ok: true; upstreamId: string; partIds?: string[] }
  /**
   * `retry`: transient (throttled, queue full, link down): try again later. `partial`: a long message
   * some of whose parts the SMSC took; the retry must send only the others, as they were built.
   */
  | { ok: false; retry: boolean; reason: string; partial?: PartialSubmit; stopped?: StoppedSubmit };

/**
 * A submit ended by Egress.stopSending or Egress.cancel before its outcome was known. `written:
 * false`: no part of it went to any link in this attempt, so the SMSC cannot have it: its claim can
 * be given back at once (no attempt counted) and a restart sends it without waiting out the lease
 * (unless a cancel's take-back ended it: that claim is kept for the cancel, InFlight.takeBack).
 * `written: true`: a part went out (its answer may not have come); whether the SMSC kept it only the
 * lease's expiry can settle (at-least-once, as after a crash), so it is not sent again before that:
 * it stays claimed, or, a long message with `partial` (parts the SMSC acknowledged), goes back to
 * the queue due at its lease end with those parts, so that whichever process sends it next sends
 * only the others, under the same UDH reference (src/app/receipt-book.ts sendBatch).
 */
export interface StoppedSubmit {
  written: boolean;
}

/**
 * What a retry of a long message needs to go on where the last attempt stopped, kept with the queued
 * message: the UDH reference its parts were built with (with the same text and coding, the same parts
 * come out) and, per part, the SMSC's id once it acknowledged that part.
 */
export interface PartialSubmit {
  ref: number;
  partIds: (string | null)[];
}

export interface DeliveryReceipt {
  /** The id the SMSC gave the message, or for a part of a long message that part's (SubmitResult.partIds). */
  upstreamId: string;
  /** SMPP message_state names: DELIVRD, UNDELIV, EXPIRED, REJECTD… */
  stat: string;
  err?: string;
  at: number;
  /**
   * Other spellings of `upstreamId` the SMSC may have used in its submit_sm_resp (case, leading
   * zeros, hex against decimal), in order of preference: given when the egress no longer knows the
   * id (a receipt for a message submitted before a restart), tried by the store only when
   * `upstreamId` itself matches nothing.
   */
  altIds?: string[];
  /**
   * Wall-clock time (ms) before which `altIds` are not tried: until then the id as written may still
   * be filed, by another process on a shared carrier account (UpstreamOptions.sharedAccount), and
   * the receipt waits for it. Absent: tried at once.
   */
  spellAfter?: number;
}

export interface InboundMo {
  from: string;
  to: string;
  text: string;
  /**
   * One part of a long MO (UDH or SAR), `text` being that part's: the handler keeps it until every
   * part of its set is here (receiveMo), and the upstream acknowledges each part once it is kept.
   */
  part?: { ref: number; total: number; seq: number };
}

export interface Egress {
  submit(msg: OutboundMessage): Promise<SubmitResult>;
  /**
   * Receipt handlers. An upstream that can acknowledge (SMPP deliver_sm_resp) does so only once every
   * handler's promise has resolved, and answers a temporary error (so the SMSC delivers it again)
   * when one rejects or takes too long: a receipt's status is recorded before the SMSC forgets it.
   */
  onReceipt(cb: (r: DeliveryReceipt) => void | Promise<unknown>): void;
  /**
   * MO handlers. An upstream that can acknowledge (SMPP deliver_sm_resp) does so only once every
   * handler's promise has resolved, and answers a temporary error (so the SMSC delivers it again)
   * when one rejects or takes too long: an MO is recorded before the SMSC forgets it.
   */
  onMo(cb: (mo: InboundMo) => void | Promise<unknown>): void;
  /**
   * Whether a link to the upstream is bound now. Absent: always (an egress without links to lose).
   * A graceful stop while none is ends the submits in hand ({@link stopSending}) instead of waiting
   * for a link that is not there.
   */
  bound?(): boolean;
  /**
   * For a graceful stop: from now on no part is written to a link. Submits in flight that have
   * not written anything, and every later one, end at once as `{ ok: false, retry: true, stopped:
   * { written: false } }`; those waiting for a link after writing a part end with `written: true`;
   * those waiting for an answer to what they wrote go on as before (it may still come).
   */
  stopSending?(): void;
  /**
   * Gives up the submits of these messages: their claims were lost, or are about to lapse unrenewed
   * (src/app/lease-keeper.ts), so another claim may send them and nothing more of theirs may be
   * written here. A submit that has written nothing of its message in this attempt ends as `{ ok:
   * false, retry: true, stopped: { written: false } }` (its part still waiting in a link's queue,
   * for the window, a throttling pause or the throughput cap, is taken back unwritten); one that
   * wrote a part ends with `written: true` before its next part. What was written is answered as
   * usual. Ids of no running submit are ignored. Absent: an egress with nothing waiting to take back.
   */
  cancel?(ids: readonly string[]): void;
  /**
   * Asks the carrier to take back a message it acknowledged and has not delivered (SMPP 3.4 §4.9
   * cancel_sm, one per part, on the link that carried it), waiting at most `waitMs` in all. `ok`
   * only when the carrier said ESME_ROK for every part; anything else (ESME_RCANCELFAIL or another
   * error, no answer in time, the link down or not known) is a refusal, whose `reason` says which.
   * The parts are asked in order and the first refusal ends it: parts already cancelled then stay
   * cancelled at the carrier (SMPP has no undo). Absent: an egress that cannot ask (the message
   * stays as it is: src/app/cancel-message.ts).
   */
  cancelUpstream?(c: UpstreamCancel, waitMs: number): Promise<UpstreamCancelResult>;
  close(): Promise<void>;
}

/** A message the carrier acknowledged, to be cancelled there (Egress.cancelUpstream). */
export interface UpstreamCancel {
  /** Our message id (the link that carried it is looked up by it and by its upstream ids). */
  messageId: string;
  /** source_addr as it was submitted (the sending port). */
  from: string;
  /** The recipient as the queue holds it (E.164 for mainland numbers). */
  to: string;
  /** The carrier's id of each part, in part order (a short message: one, SubmitResult.upstreamId). */
  upstreamIds: readonly string[];
}

/**
 * What became of one part at the carrier in Egress.cancelUpstream. `cancelled`: answered ESME_ROK.
 * `refused`: answered with another status (ESME_RCANCELFAIL: delivered already, not held…).
 * `unanswered`: its cancel_sm was sent and got no answer (timeout, the connection dropped): it may or
 * may not be cancelled there. `not_asked`: no cancel_sm went for it (the asking stopped at an earlier
 * part, or this one's link was down or cannot be known).
 */
export type UpstreamCancelPart = 'cancelled' | 'refused' | 'unanswered' | 'not_asked';

/**
 * What the carrier said to Egress.cancelUpstream. Not ok: `reason` is the first part's that was not
 * cancelled; `parts`, one outcome per upstream id in part order, when the egress knows them (absent
 * when it cannot tell: a client thread or an egress process that did not answer, an earlier version).
 */
export type UpstreamCancelResult = { ok: true } | { ok: false; reason: string; parts?: UpstreamCancelPart[] };
