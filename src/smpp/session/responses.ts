/** Builds the response PDU that answers a given request (SMPP 3.4: request id | 0x80000000). */
import type { Pdu, PduCommand, Tlv } from '../pdu/types.js';

const RESP: Partial<Record<PduCommand, PduCommand>> = {
  bind_transmitter: 'bind_transmitter_resp',
  bind_receiver: 'bind_receiver_resp',
  bind_transceiver: 'bind_transceiver_resp',
  submit_sm: 'submit_sm_resp',
  deliver_sm: 'deliver_sm_resp',
  data_sm: 'data_sm_resp',
  query_sm: 'query_sm_resp',
  cancel_sm: 'cancel_sm_resp',
  replace_sm: 'replace_sm_resp',
  submit_multi: 'submit_multi_resp',
  unbind: 'unbind_resp',
  enquire_link: 'enquire_link_resp',
};

/** True for commands that expect a response. */
export function isRequestCommand(c: PduCommand): boolean {
  return RESP[c] !== undefined;
}

/**
 * The response for `req` with `status`; `id` is message_id (submit/deliver/data/query_sm, submit_multi) or system_id
 * (bind); a cancel_sm_resp and a replace_sm_resp are the header alone. A query_sm_resp built here says nothing of the message (no final_date, message_state 0):
 * for refusals; an answer is built by whoever read the message.
 */
export function responseFor(req: { command: PduCommand; sequence_number: number }, status: number, id = '', tlvs: Tlv[] = []): Pdu {
  const base = { command_status: status, sequence_number: req.sequence_number };
  switch (req.command) {
    case 'bind_transmitter':
    case 'bind_receiver':
    case 'bind_transceiver':
      return { command: RESP[req.command] as 'bind_transmitter_resp', ...base, system_id: id, tlvs };
    case 'submit_sm':
    case 'deliver_sm':
    case 'data_sm':
      return { command: RESP[req.command] as 'submit_sm_resp', ...base, message_id: id, tlvs };
    case 'query_sm':
      return { command: 'query_sm_resp', ...base, message_id: id, final_date: '', message_state: 0, error_code: 0 };
    case 'cancel_sm':
      return { command: 'cancel_sm_resp', ...base };
    case 'replace_sm':
      return { command: 'replace_sm_resp', ...base };
    case 'submit_multi':
      // a refusal of the whole submission: no destination was taken, so none is listed
      return { command: 'submit_multi_resp', ...base, message_id: id, unsuccess_sme: [] };
    case 'unbind':
      return { command: 'unbind_resp', ...base };
    case 'enquire_link':
      return { command: 'enquire_link_resp', ...base };
    default:
      return { command: 'generic_nack', ...base };
  }
}

/** Response command name for a request command_id (numeric), for answering undecodable requests. */
export const RESPONSE_BY_REQUEST_ID: ReadonlyMap<number, PduCommand> = new Map<number, PduCommand>([
  [0x00000001, 'bind_receiver'],
  [0x00000002, 'bind_transmitter'],
  [0x00000009, 'bind_transceiver'],
  [0x00000004, 'submit_sm'],
  [0x00000005, 'deliver_sm'],
  [0x00000103, 'data_sm'],
  [0x00000003, 'query_sm'],
  [0x00000008, 'cancel_sm'],
  [0x00000007, 'replace_sm'],
  [0x00000021, 'submit_multi'],
  [0x00000006, 'unbind'],
  [0x00000015, 'enquire_link'],
]);
