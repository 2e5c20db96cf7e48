/**
 * submit_multi (SMPP 3.4 §4.5) → one message per destination, and the answer. Pure: the server
 * decides the destinations through the same use case as a submit_sm (one batch, one transaction) and
 * hands the outcomes here to build submit_multi_resp (docs/SMPP.md, submit_multi).
 *
 * - dest_flag 1 (an SME address): one message, as a submit_sm to that address would be.
 * - dest_flag 2 (a distribution list held by the SMSC): not offered (smsguard keeps no lists), so
 *   that destination is refused ESME_RINVDESTFLAG, listed with TON/NPI 0 and the list's name.
 * - An SME address past the throughput tokens the session granted is refused ESME_RTHROTTLED, alone:
 *   the ESME sends it again, the others are taken.
 * - message_id names the first destination taken (in list order): each destination's message keeps
 *   its own id, which its receipts carry (SMPP 3.4 has room for one id in the answer).
 */
import { CommandStatus } from '../pdu/constants.js';
import type { MultiDest, SmPdu, SubmitMultiPdu, UnsuccessSme } from '../pdu/types.js';

/** One SME destination to decide, with its place in the list. */
export interface MultiTarget {
  index: number;
  dest_addr_ton: number;
  dest_addr_npi: number;
  destination_addr: string;
}

/** A destination refused before anything was decided, with its place in the list. */
export interface MultiRefusal {
  index: number;
  sme: UnsuccessSme;
}

/**
 * Which destinations are decided and which are refused at once: distribution lists
 * (ESME_RINVDESTFLAG) and the SME addresses past the `granted` throughput tokens (ESME_RTHROTTLED).
 */
export function planDestinations(dests: readonly MultiDest[], granted: number): { targets: MultiTarget[]; refused: MultiRefusal[] } {
  const targets: MultiTarget[] = [];
  const refused: MultiRefusal[] = [];
  dests.forEach((d, index) => {
    if (d.dest_flag === 2) {
      refused.push({ index, sme: { dest_addr_ton: 0, dest_addr_npi: 0, destination_addr: d.dl_name, error_status_code: CommandStatus.ESME_RINVDESTFLAG } });
    } else if (targets.length < granted) {
      targets.push({ index, dest_addr_ton: d.dest_addr_ton, dest_addr_npi: d.dest_addr_npi, destination_addr: d.destination_addr });
    } else {
      refused.push({ index, sme: { dest_addr_ton: d.dest_addr_ton, dest_addr_npi: d.dest_addr_npi, destination_addr: d.destination_addr, error_status_code: CommandStatus.ESME_RTHROTTLED } });
    }
  });
  return { targets, refused };
}

/**
 * The submit_multi's body read as the submit_sm it would be to one destination (`to`): the text,
 * UDH or SAR, TLVs, times and registered_delivery are read exactly as a submit_sm's (translate.ts,
 * submit-times.ts).
 */
export function asSubmitSm(p: SubmitMultiPdu, to: MultiTarget | null): SmPdu {
  return {
    command: 'submit_sm', command_status: 0, sequence_number: p.sequence_number, service_type: p.service_type,
    source_addr_ton: p.source_addr_ton, source_addr_npi: p.source_addr_npi, source_addr: p.source_addr,
    dest_addr_ton: to?.dest_addr_ton ?? 0, dest_addr_npi: to?.dest_addr_npi ?? 0, destination_addr: to?.destination_addr ?? '',
    esm_class: p.esm_class, protocol_id: p.protocol_id, priority_flag: p.priority_flag, schedule_delivery_time: p.schedule_delivery_time,
    validity_period: p.validity_period, registered_delivery: p.registered_delivery, replace_if_present_flag: p.replace_if_present_flag,
    data_coding: p.data_coding, sm_default_msg_id: p.sm_default_msg_id, short_message: p.short_message, tlvs: p.tlvs,
  };
}

/**
 * The answer: `message_id` the first destination taken (ESME_ROK from its decision, held for review
 * included), every other destination in `unsuccess_sme` in list order with its own status. When none
 * was taken, command_status says why: the status every destination shares (all throttled →
 * ESME_RTHROTTLED, which the ESME retries; all opted out → 0x411), else ESME_RSUBMITFAIL ("submit_sm
 * or submit_multi failed"); the list still names each destination's own.
 */
export function multiAnswer(decided: readonly { target: MultiTarget; status: number; id: string }[], refused: readonly MultiRefusal[]): {
  command_status: number;
  message_id: string;
  unsuccess_sme: UnsuccessSme[];
} {
  const failed: MultiRefusal[] = [...refused];
  let messageId = '';
  for (const d of decided) {
    if (d.status === CommandStatus.ESME_ROK) {
      if (!messageId) messageId = d.id;
    } else {
      const t = d.target;
      failed.push({ index: t.index, sme: { dest_addr_ton: t.dest_addr_ton, dest_addr_npi: t.dest_addr_npi, destination_addr: t.destination_addr, error_status_code: d.status } });
    }
  }
  failed.sort((a, b) => a.index - b.index);
  const unsuccess_sme = failed.map((f) => f.sme);
  if (messageId) return { command_status: CommandStatus.ESME_ROK, message_id: messageId, unsuccess_sme };
  const shared = unsuccess_sme.every((u) => u.error_status_code === unsuccess_sme[0]?.error_status_code);
  return { command_status: shared && unsuccess_sme.length > 0 ? unsuccess_sme[0].error_status_code : CommandStatus.ESME_RSUBMITFAIL, message_id: '', unsuccess_sme };
}
