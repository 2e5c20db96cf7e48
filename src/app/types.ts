/**
 * The use-case surface every door (HTTP, SMPP, CLI, web) calls. A door only translates its protocol
 * into these inputs and the outcomes back; it never decides a compliance question itself.
 */
import type { ErrorBody } from '../domain/errors.js';
import type { MessageType } from '../domain/message-type.js';
import type { MessageStatus } from '../domain/message-status.js';
import type { MoNotice } from '../domain/callback-payload.js';

/** Who is acting. Content providers only ever see and touch their own data. */
export type Principal =
  | { role: 'admin'; actorId: string }
  | { role: 'content-provider'; contentProviderId: string; actorId: string }
  | { role: 'regulator'; actorId: string; province?: string; from?: number; to?: number }
  | { role: 'report-centre'; actorId: string }
  | { role: 'public'; actorId: 'public' };

/**
 * How a door names a message (getMessage, cancelMessage): by its id; with `partIds`, an id handed out
 * for an earlier part of the provider's own long message (SMPP: each part of a long message sent in
 * parts is answered with an id) names that message too. Only a content provider's part ids are
 * filed: for anyone else it changes nothing.
 */
export interface MessageNaming {
  partIds?: boolean;
}

/** Which door a request came through; recorded with every submission. */
export type Channel = 'http' | 'smpp' | 'cli' | 'web' | 'system';

/** One mobile-terminated message as a content provider asks for it. */
export interface SubmitInput {
  /** Sending port (digits), e.g. `10690001`. */
  from: string;
  /** Recipient as given; normalised by the use case (`13800138000`, `+8613800138000`, `8613800138000`). */
  to: string;
  text: string;
  type: MessageType;
  /** Required for `commercial`: the consent category the message falls under. */
  category?: string;
  clientRef?: string;
  /**
   * A charged message (docs/REGULATION.md rule 8): the charged service it charges for. Refused
   * `charge_not_confirmed` by the pipeline (stage charging.notice) unless the number confirmed a subscription to it; an unknown or another provider's service is a request error (charged-services.ts).
   * HTTP and web as this field; SMPP as vendor TLV 0x1403 (docs/SMPP.md).
   */
  chargedServiceId?: string;
  /** Delivery receipt wanted (SMPP registered_delivery); HTTP callers read status instead. */
  registeredDelivery?: ReceiptRequest;
  /**
   * Epoch ms (given as an ISO-8601 date-time; SMPP: validity_period): a message not handed to the
   * carrier by then is not sent (status `expired`, src/app/send-time-check.ts), and the carrier is
   * told the same time. Must be ahead of the submission.
   */
  validUntil?: number;
  /**
   * Epoch ms (given as an ISO-8601 date-time; SMPP: schedule_delivery_time): not sent before then
   * (scheduled delivery, src/domain/schedule.ts). The rules judge the message as if sent then; a time
   * at most SCHEDULE_SLACK_MS ahead means now, one beyond MAX_SCHEDULE_AHEAD_MS is refused.
   */
  scheduledAt?: number;
  /**
   * The message ids the sender was given for the earlier parts of a long message it sent in parts
   * (SMPP door only; ignored from others): recorded with the message, so each gets its receipt, also
   * after a restart.
   */
  clientPartIds?: string[];
  /**
   * The set whose earlier parts the SMPP server kept in the store (provider_parts) until this, its
   * whole, is decided (SMPP door only): their rows go in the decision's own transaction, so a crash
   * right after it cannot leave them to be reopened and reported expired.
   */
  keptPartsKey?: string;
  /**
   * The SMPP data_coding the text came in (SMPP door only; ignored from others): recorded with the
   * message, so that a replace_sm, which carries none (SMPP 3.4 §4.10.1), is read in it.
   */
  dataCoding?: number;
}

/**
 * Which final statuses get a delivery receipt: `true` every one, `false` none, `'failure'` only a
 * failed outcome (SMPP 3.4 §5.2.17 registered_delivery bits 1..0 = 10: no receipt for a delivered
 * message). HTTP takes a boolean; the SMPP door also sends `'failure'`. Stores keep it as 0/1/2.
 */
export type ReceiptRequest = boolean | 'failure';

export interface SubmitAccepted {
  ok: true;
  id: string;
  status: 'accepted';
  /** The text as it will be sent (refusal notice appended where the rules require it). */
  text: string;
  segments: number;
}

export interface SubmitRejected {
  ok: false;
  /** Id of the rejection record (rejections are recorded too); absent for requests that never reached the pipeline. */
  id?: string;
  error: ErrorBody;
  /**
   * A refusal that waiting ends (an early-warning throttle): milliseconds until the message could
   * pass. The HTTP door sends it as Retry-After; SMPP answers ESME_RTHROTTLED, which has no wait.
   */
  retryAfterMs?: number;
}

export type SubmitOutcome = SubmitAccepted | SubmitRejected;

/** A user's message reaching one of our ports (mobile-originated). */
export interface MoInput {
  /** The user's number as the SMSC gave it. */
  from: string;
  /** The port (digits) the user wrote to. */
  to: string;
  text: string;
  /** When this is one part of a long MO (UDH or SAR): `text` is that part's, kept until the set is whole. */
  part?: MoPartInfo;
}

/** Where a part of a long MO belongs: its set's reference and part count, and its place (1-based). */
export interface MoPartInfo {
  ref: number;
  total: number;
  seq: number;
}

export interface MoOutcome {
  id: string;
  /** What smsguard did with it. */
  action: 'opt_out' | 'opt_in' | 'consent_granted' | 'consent_refused' | 'consent_reply_late' | 'forwarded' | 'report' | 'ignored' | 'part_kept';
  contentProviderId?: string;
}

/** Status of an MT message after acceptance: defined in the domain (src/domain/message-status.ts). */
export type { MessageStatus };

/** Events the app emits for doors that push to clients (SMPP receipts and MO forwarding). */
export interface AppEvents {
  /** An MT message's status changed (submitted upstream, delivered, failed…). */
  messageStatus: {
    id: string; contentProviderId: string; status: MessageStatus; at: number; from: string; to: string; submittedAt: number; error?: string; registeredDelivery: ReceiptRequest; text: string;
    /** With `rejected` (stopped in the queue, send-time-check.ts): the code of the rule that stopped it. */
    code?: string;
    /** Set when the message was read back from its records (a restart since it was submitted): SubmitInput.clientPartIds. */
    clientPartIds?: string[];
    /**
     * The sender's SubmitInput.clientRef, null when it gave none, so the HTTP status callback repeats
     * it without reading the submission record. Absent when the emitter does not know it (a message
     * queued before migrations 105 / 096, an event from an older process on the bus): the callback
     * worker then reads the record (callback-worker.ts).
     */
    clientRef?: string | null;
  };
  /**
   * A message held for review (`held_for_review`) will never be sent: an operator rejected it. Final,
   * like `messageStatus` with a final status (a released message reports through `messageStatus`).
   * `code` is the error code it was held under, for doors that report it (SMPP: the receipt's `err:`).
   */
  heldRejected: {
    id: string; contentProviderId: string; from: string; to: string; submittedAt: number; at: number; registeredDelivery: boolean; text: string; code: 'held_for_review'; reason: string;
    /** A long message sent in parts: SubmitInput.clientPartIds, as recorded. */
    clientPartIds?: string[];
    /** As messageStatus.clientRef (absent: held before migrations 105 / 096). */
    clientRef?: string | null;
  };
  /**
   * An MO for a content provider's port that the provider should see: an ordinary reply, or one the
   * gateway acted on (an opt-out, a re-subscription, a consent answer: `notice` says which; mo-notice.ts).
   */
  moForward: { id: string; contentProviderId: string; from: string; to: string; text: string; at: number; notice?: MoNotice };
}
