/**
 * deliver_sm PDUs smsguard's SMPP server sends to content providers: delivery receipts (esm_class
 * 0x04, receipted_message_id, message_state, Appendix B text) and forwarded MO messages.
 */
import { DataCoding, EsmClass, MessageState, Tag } from '../pdu/constants.js';
import { buildDlrText, receiptText } from '../pdu/dlr.js';
import { segmentText } from '../pdu/segment.js';
import { chooseDataCoding } from '../pdu/text.js';
import { tlvCString, tlvU8 } from '../pdu/tlv.js';
import { smPdu, type SmPdu } from '../pdu/types.js';
import type { MessageStatus } from '../../app/types.js';

/** Final statuses that produce a receipt, with their receipt stat and message_state. */
export const RECEIPT_FOR: Partial<Record<MessageStatus, { stat: string; state: number; err: string }>> = {
  delivered: { stat: 'DELIVRD', state: MessageState.DELIVERED, err: '000' },
  undeliverable: { stat: 'UNDELIV', state: MessageState.UNDELIVERABLE, err: '001' },
  expired: { stat: 'EXPIRED', state: MessageState.EXPIRED, err: '002' },
  rejected_upstream: { stat: 'REJECTD', state: MessageState.REJECTED, err: '003' },
  failed: { stat: 'UNDELIV', state: MessageState.UNDELIVERABLE, err: '004' },
  // stopped in the queue (send-time-check.ts): `err` is the stopping rule's status (server.ts onStatus)
  rejected: { stat: 'REJECTD', state: MessageState.REJECTED, err: '005' },
  // cancelled by its sender before it was sent (cancel_sm, DELETE /v1/messages/{id})
  cancelled: { stat: 'DELETED', state: MessageState.DELETED, err: '006' },
};

/**
 * A subscriber number as SMPP carries it with TON 1 (international) / NPI 1 (E.164): the digits
 * with the country code and no '+' (SMPP 3.4 §5.2.5–5.2.7; `+8613800138000` → `8613800138000`).
 */
export function internationalAddr(n: string): string {
  return n.startsWith('+') ? n.slice(1) : n;
}

export interface ReceiptInput {
  messageId: string;
  /** The recipient (becomes source_addr of the receipt). */
  to: string;
  /** The sending port (becomes destination_addr). */
  from: string;
  stat: string;
  state: number;
  err: string;
  submittedAt: number;
  doneAt: number;
  text: string;
}

export function receiptPdu(r: ReceiptInput): SmPdu {
  const body = buildDlrText({ id: r.messageId, sub: 1, dlvrd: r.stat === 'DELIVRD' ? 1 : 0, submitDate: r.submittedAt, doneDate: r.doneAt, stat: r.stat, err: r.err, text: receiptText(r.text) });
  return smPdu({
    command: 'deliver_sm',
    sequence_number: 0,
    source_addr_ton: 1,
    source_addr_npi: 1,
    source_addr: internationalAddr(r.to),
    destination_addr: r.from,
    esm_class: EsmClass.DELIVERY_RECEIPT,
    // Latin-1, not the default alphabet: the body's `id:` is the message id, whose `_` is `§` to an
    // ESME that reads data_coding 0 as GSM 03.38 (the Node `smpp` package does), and would no longer
    // match the submit_sm_resp's message_id; an ESME that reads the octets as ASCII reads the same.
    data_coding: DataCoding.LATIN1,
    short_message: Buffer.from(body, 'latin1'),
    tlvs: [tlvCString(Tag.receipted_message_id, r.messageId), tlvU8(Tag.message_state, r.state)],
  });
}

/** MO deliver_sm(s): one PDU, or UDH-concatenated parts when the text does not fit one. */
export function moPdus(mo: { from: string; to: string; text: string }, ref: number): SmPdu[] {
  const dc = chooseDataCoding(mo.text);
  return segmentText(mo.text, dc, ref & 0xff).map((s) => smPdu({
    command: 'deliver_sm',
    sequence_number: 0,
    source_addr_ton: 1,
    source_addr_npi: 1,
    source_addr: internationalAddr(mo.from),
    destination_addr: mo.to,
    esm_class: s.udhi ? EsmClass.UDHI : 0,
    data_coding: dc,
    short_message: s.shortMessage,
  }));
}
