/**
 * Answering query_sm (SMPP 3.4 §4.8) from a message as the app knows it: which message_state its
 * status is, and when it became final. Pure: the server reads the message (App.getMessage, the use
 * case behind `GET /v1/messages/{id}`, which it asks to take any part's id of a long message sent in
 * parts as the message's) and builds the query_sm_resp from this.
 */
import { MessageState } from '../pdu/constants.js';
import { formatSmppTime } from '../pdu/smpp-time.js';
import type { MessageView } from '../../ports/store.js';

/** What query_sm reads of a message (the message view satisfies it). */
export type QueriedMessage = Pick<MessageView, 'status' | 'receivedAt' | 'history'>;

/**
 * message_state (SMPP 3.4 §5.2.28) for each status. Not yet final → ENROUTE: accepted and queued,
 * held for review (it may still be sent) and submitted upstream are all on their way as far as the
 * ESME can tell. `rejected` is refused by smsguard, at submission or later (stopped in the queue,
 * or a held message an operator rejected); `rejected_upstream` by the carrier. The same states the
 * receipts carry (deliver-pdus.ts RECEIPT_FOR).
 */
export const QUERY_STATE: Readonly<Record<MessageView['status'], number>> = {
  accepted: MessageState.ENROUTE,
  held: MessageState.ENROUTE,
  submitted: MessageState.ENROUTE,
  delivered: MessageState.DELIVERED,
  expired: MessageState.EXPIRED,
  undeliverable: MessageState.UNDELIVERABLE,
  failed: MessageState.UNDELIVERABLE,
  rejected: MessageState.REJECTED,
  // its sender cancelled it before it was sent (cancel_sm, DELETE /v1/messages/{id})
  cancelled: MessageState.DELETED,
  rejected_upstream: MessageState.REJECTED,
};

const NOT_FINAL: ReadonlySet<MessageView['status']> = new Set(['accepted', 'held', 'submitted']);

/**
 * Ids smsguard could have handed out: 1–64 printable ASCII characters, no space (the codec already
 * refuses longer ones). Anything else is not a message id at all (ESME_RINVMSGID), where a well-formed
 * id that names no message of this provider is a failed query (ESME_RQUERYFAIL).
 */
const MESSAGE_ID = /^[\x21-\x7e]{1,64}$/;

/** True when `id` has the shape of a message id (see MESSAGE_ID). */
export function isMessageIdShape(id: string): boolean {
  return MESSAGE_ID.test(id);
}

/**
 * The query_sm_resp fields a message gives. `final_date`: when it reached its final status (the
 * history entry that recorded it; a submission refused at once has none and takes its receipt
 * time), as an SMPP absolute time in UTC+8 (`…32+`), the zone of smsguard's receipt dates; empty
 * while not final, as SMPP 3.4 §4.8.2 asks.
 */
export function queryAnswer(m: QueriedMessage): { message_state: number; final_date: string } {
  const message_state = QUERY_STATE[m.status];
  if (NOT_FINAL.has(m.status)) return { message_state, final_date: '' };
  let at = m.receivedAt;
  for (let i = m.history.length - 1; i >= 0; i--) {
    if (m.history[i].status === m.status) {
      at = m.history[i].at;
      break;
    }
  }
  return { message_state, final_date: formatSmppTime(at, 32) };
}
