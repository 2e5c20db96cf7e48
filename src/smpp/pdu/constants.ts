/**
 * SMPP 3.4 numbers (command ids, command_status values, TLV tags, esm_class bits) with their spec
 * names. Only what smsguard speaks; anything else decodes to a typed error and a generic_nack.
 */

/** command_id values (SMPP 3.4 §5.1.2.1). Responses are the request id with bit 31 set. */
export const CommandId = {
  generic_nack: 0x80000000,
  bind_receiver: 0x00000001,
  bind_receiver_resp: 0x80000001,
  bind_transmitter: 0x00000002,
  bind_transmitter_resp: 0x80000002,
  query_sm: 0x00000003,
  query_sm_resp: 0x80000003,
  submit_sm: 0x00000004,
  submit_sm_resp: 0x80000004,
  deliver_sm: 0x00000005,
  deliver_sm_resp: 0x80000005,
  unbind: 0x00000006,
  unbind_resp: 0x80000006,
  cancel_sm: 0x00000008,
  cancel_sm_resp: 0x80000008,
  replace_sm: 0x00000007,
  replace_sm_resp: 0x80000007,
  submit_multi: 0x00000021,
  submit_multi_resp: 0x80000021,
  bind_transceiver: 0x00000009,
  bind_transceiver_resp: 0x80000009,
  enquire_link: 0x00000015,
  enquire_link_resp: 0x80000015,
  data_sm: 0x00000103,
  data_sm_resp: 0x80000103,
} as const;

export type CommandName = keyof typeof CommandId;

/** Reverse lookup command_id → name. */
export const COMMAND_NAMES: ReadonlyMap<number, CommandName> = new Map(
  (Object.entries(CommandId) as [CommandName, number][]).map(([k, v]) => [v, k]),
);

/** True when the command id is a response (bit 31 set). */
export function isResponseId(id: number): boolean {
  return (id & 0x80000000) !== 0;
}

/** command_status values (SMPP 3.4 §5.1.3) that smsguard emits or reacts to. */
export const CommandStatus = {
  ESME_ROK: 0x00000000,
  ESME_RINVMSGLEN: 0x00000001,
  ESME_RINVCMDLEN: 0x00000002,
  ESME_RINVCMDID: 0x00000003,
  ESME_RINVBNDSTS: 0x00000004,
  ESME_RALYBND: 0x00000005,
  ESME_RINVPRTFLG: 0x00000006,
  ESME_RINVREGDLVFLG: 0x00000007,
  ESME_RSYSERR: 0x00000008,
  ESME_RINVSRCADR: 0x0000000a,
  ESME_RINVDSTADR: 0x0000000b,
  ESME_RINVMSGID: 0x0000000c,
  ESME_RBINDFAIL: 0x0000000d,
  ESME_RINVPASWD: 0x0000000e,
  ESME_RINVSYSID: 0x0000000f,
  ESME_RCANCELFAIL: 0x00000011,
  ESME_RREPLACEFAIL: 0x00000013,
  ESME_RMSGQFUL: 0x00000014,
  ESME_RINVSERTYP: 0x00000015,
  ESME_RINVNUMDESTS: 0x00000033,
  ESME_RINVDLNAME: 0x00000034,
  ESME_RINVDESTFLAG: 0x00000040,
  ESME_RINVESMCLASS: 0x00000043,
  ESME_RSUBMITFAIL: 0x00000045,
  ESME_RINVSRCTON: 0x00000048,
  ESME_RINVSRCNPI: 0x00000049,
  ESME_RINVDSTTON: 0x00000050,
  ESME_RINVDSTNPI: 0x00000051,
  ESME_RINVSYSTYP: 0x00000053,
  ESME_RTHROTTLED: 0x00000058,
  ESME_RINVSCHED: 0x00000061,
  ESME_RINVEXPIRY: 0x00000062,
  ESME_RINVDFTMSGID: 0x00000063,
  ESME_RQUERYFAIL: 0x00000067,
  ESME_RX_T_APPN: 0x00000064,
  ESME_RX_P_APPN: 0x00000065,
  ESME_RX_R_APPN: 0x00000066,
  ESME_RINVOPTPARSTREAM: 0x000000c0,
  ESME_ROPTPARNOTALLWD: 0x000000c1,
  ESME_RINVPARLEN: 0x000000c2,
  ESME_RMISSINGOPTPARAM: 0x000000c3,
  ESME_RINVOPTPARAMVAL: 0x000000c4,
  ESME_RDELIVERYFAILURE: 0x000000fe,
  ESME_RUNKNOWNERR: 0x000000ff,
} as const;

export type CommandStatusName = keyof typeof CommandStatus;

const STATUS_NAMES = new Map<number, string>(Object.entries(CommandStatus).map(([k, v]) => [v, k]));

/** Spec name of a command_status, or `0x…` for vendor/unknown values. */
export function statusName(status: number): string {
  return STATUS_NAMES.get(status) ?? `0x${status.toString(16).padStart(8, '0')}`;
}

/** TLV tags (SMPP 3.4 §5.3.2) that smsguard reads or writes, plus its vendor tags. */
export const Tag = {
  dest_addr_subunit: 0x0005,
  user_message_reference: 0x0204,
  sar_msg_ref_num: 0x020c,
  sar_total_segments: 0x020e,
  sar_segment_seqnum: 0x020f,
  sc_interface_version: 0x0210,
  payload_type: 0x0019,
  message_payload: 0x0424,
  receipted_message_id: 0x001e,
  message_state: 0x0427,
  network_error_code: 0x0423,
  /** smsguard vendor TLV: message type (`verification`, `notification`, `commercial`, `public_welfare`), C-string. */
  smsguard_message_type: 0x1400,
  /** smsguard vendor TLV: consent category for commercial messages, C-string. */
  smsguard_category: 0x1401,
  /** smsguard vendor TLV: rule id that produced a rejection (in submit_sm_resp), C-string. */
  smsguard_rule: 0x1402,
  /**
   * smsguard vendor TLV: the charged service (POST /v1/charged-services) a submit_sm / data_sm /
   * submit_multi charges for (HTTP `chargedServiceId`, docs/REGULATION.md rule 8), C-string (UTF-8).
   */
  smsguard_charged_service: 0x1403,
} as const;

/** message_state values (SMPP 3.4 §5.2.28). */
export const MessageState = {
  ENROUTE: 1,
  DELIVERED: 2,
  EXPIRED: 3,
  DELETED: 4,
  UNDELIVERABLE: 5,
  ACCEPTED: 6,
  UNKNOWN: 7,
  REJECTED: 8,
} as const;

/** esm_class bits (SMPP 3.4 §5.2.12). */
export const EsmClass = {
  /** Message type bits 2-5: 0x04 = SMSC delivery receipt. */
  TYPE_MASK: 0x3c,
  DELIVERY_RECEIPT: 0x04,
  /** UDHI: short_message starts with a user data header. */
  UDHI: 0x40,
} as const;

/** data_coding values smsguard understands. */
export const DataCoding = {
  /** SMSC default alphabet; smsguard reads and writes GSM 03.38 (one septet per octet, unpacked). */
  DEFAULT: 0,
  IA5: 1,
  LATIN1: 3,
  BINARY: 4,
  UCS2: 8,
} as const;

/** Octets of the fixed header. */
export const HEADER_LENGTH = 16;
