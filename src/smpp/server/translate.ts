/**
 * submit_sm / data_sm → what the use case needs. Pure. Where the text is (short_message,
 * message_payload), whether it is one part of a longer message (UDH or SAR TLVs), and which message
 * type and category it claims and the charged service it charges for (vendor TLVs 0x1400, 0x1401,
 * 0x1403; SMPP has no such fields).
 */
import { EsmClass, Tag } from '../pdu/constants.js';
import { tlvGet, tlvInt, tlvString, tlvUtf8String, utf8OrLatin1 } from '../pdu/tlv.js';
import { parseUdh, type ConcatInfo } from '../pdu/udh.js';
import type { DataSmPdu, SmPdu, Tlv } from '../pdu/types.js';
import { isMessageType, type MessageType } from '../../domain/message-type.js';

export interface SubmitFields {
  from: string;
  to: string;
  /** Text octets of this PDU (UDH stripped) in `dataCoding`. */
  octets: Buffer;
  dataCoding: number;
  /** Set when this PDU is one part of a concatenated message. */
  concat?: ConcatInfo & { via: 'udh' | 'sar' };
  /** Declared type (TLV 0x1400), undefined when absent. */
  type?: MessageType;
  /** Declared but not one of ours: the use case rejects it as invalid_request. */
  invalidType?: string;
  category?: string;
  /**
   * The charged service named by TLV 0x1403 (HTTP `chargedServiceId`), as given: empty, over 64
   * characters or holding a NUL, the use case refuses it invalid_request as HTTP's; undefined when absent.
   */
  chargedServiceId?: string;
  registeredDelivery: number;
  clientRef?: string;
  /** schedule_delivery_time as epoch ms, only when ahead (set by the server: submit-times.ts readSubmitTimes). */
  scheduledAt?: number;
  /** validity_period as epoch ms on the messages' clock (set by the server: submit-times.ts readSubmitTimes). */
  validUntil?: number;
  /**
   * A TLV of fixed size (SMPP 3.4 §5.3.2) given with another length: the submit is refused
   * ESME_RINVPARLEN rather than read some other way (a 4-octet user_message_reference was read as a
   * 32-bit reference, a 3-octet one ignored) or silently dropped (a SAR TLV: the part then decided
   * alone).
   */
  badTlv?: { tag: number; name: string; length: number; expected: number };
  /**
   * short_message and a message_payload TLV both carry text (SMPP 3.4 §5.3.2.32: sm_length is 0 when
   * message_payload carries the data; SMPP 5.0 §4.8.4.36 makes them mutually exclusive). The server
   * refuses it ESME_RINVOPTPARAMVAL: before 2026-12-07 the payload was silently dropped and the
   * short_message alone decided and sent. (The client, reading an MO, still takes short_message: a
   * refusal would only have the SMSC deliver it again.)
   */
  bothTexts?: true;
}

/** TLVs smsguard reads whose size SMPP 3.4 fixes (§5.3.2): tag → [name, octets]. */
const FIXED_SIZE: ReadonlyMap<number, readonly [string, number]> = new Map([
  [Tag.user_message_reference, ['user_message_reference', 2]],
  [Tag.sar_msg_ref_num, ['sar_msg_ref_num', 2]],
  [Tag.sar_total_segments, ['sar_total_segments', 1]],
  [Tag.sar_segment_seqnum, ['sar_segment_seqnum', 1]],
]);

/** The first TLV of `FIXED_SIZE` present with another length. */
function wrongSize(tlvs: SmPdu['tlvs']): SubmitFields['badTlv'] {
  for (const t of tlvs) {
    const f = FIXED_SIZE.get(t.tag);
    if (f && t.value.length !== f[1]) return { tag: t.tag, name: f[0], length: t.value.length, expected: f[1] };
  }
  return undefined;
}

/** Reads what smsguard needs from a submit_sm or data_sm; `undefined` when a UDH is malformed. */
export function readSubmit(pdu: SmPdu | DataSmPdu): SubmitFields | undefined {
  const payload = tlvGet(pdu.tlvs, Tag.message_payload);
  let octets = pdu.command !== 'data_sm' && pdu.short_message.length > 0 ? pdu.short_message : (payload ?? Buffer.alloc(0));
  let concat: SubmitFields['concat'];
  if (pdu.esm_class & EsmClass.UDHI) {
    const u = parseUdh(octets);
    if (!u) return undefined;
    octets = u.payload;
    if (u.concat) concat = { ...u.concat, via: 'udh' };
  }
  if (!concat) {
    const ref = tlvInt(pdu.tlvs, Tag.sar_msg_ref_num);
    const total = tlvInt(pdu.tlvs, Tag.sar_total_segments);
    const seq = tlvInt(pdu.tlvs, Tag.sar_segment_seqnum);
    if (ref !== undefined && total !== undefined && seq !== undefined) concat = { ref, total, seq, bits: 16, via: 'sar' };
  }
  // A "set" of one is just a message.
  if (concat && concat.total <= 1) concat = undefined;
  const typeRaw = tlvString(pdu.tlvs, Tag.smsguard_message_type);
  const out: SubmitFields = {
    from: pdu.source_addr,
    to: pdu.destination_addr,
    octets,
    dataCoding: pdu.data_coding,
    concat,
    registeredDelivery: pdu.registered_delivery,
  };
  if (typeRaw !== undefined && typeRaw !== '') {
    if (isMessageType(typeRaw)) out.type = typeRaw;
    else out.invalidType = typeRaw;
  }
  // UTF-8: a category may be Chinese (tlvUtf8String)
  const category = tlvUtf8String(pdu.tlvs, Tag.smsguard_category);
  if (category) out.category = category;
  const charged = chargedService(pdu.tlvs);
  if (charged !== undefined) out.chargedServiceId = charged;
  const umr = tlvInt(pdu.tlvs, Tag.user_message_reference);
  if (umr !== undefined) out.clientRef = String(umr);
  if (pdu.command !== 'data_sm' && pdu.short_message.length > 0 && payload !== undefined && payload.length > 0) out.bothTexts = true;
  if (pdu.tlvs.length > 0) {
    const bad = wrongSize(pdu.tlvs);
    if (bad) out.badTlv = bad;
  }
  return out;
}

/**
 * TLV 0x1403's value: its octets less one terminating NUL, as UTF-8 (latin1 when not UTF-8, as
 * tlvUtf8String). Unlike a category it is not cut at the first NUL nor dropped when empty: a value
 * given is the use case's to judge as HTTP's `chargedServiceId` (`""`, `"chs_1\u0000x"`:
 * invalid_request), never read as another service or as no service (a charged message sent
 * uncharged, unchecked). Undefined when absent.
 */
function chargedService(tlvs: readonly Tlv[]): string | undefined {
  const v = tlvGet(tlvs, Tag.smsguard_charged_service);
  if (v === undefined) return undefined;
  return utf8OrLatin1(v.length > 0 && v[v.length - 1] === 0 ? v.subarray(0, v.length - 1) : v);
}

/** Default message type from the sending port's kind when the submit does not say (docs/SMPP.md). */
export function defaultTypeForPortKind(kind: string | null | undefined): MessageType {
  if (kind === 'commercial') return 'commercial';
  if (kind === 'public_welfare') return 'public_welfare';
  return 'notification';
}
