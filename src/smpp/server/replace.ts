/**
 * Answering replace_sm (SMPP 3.4 §4.10) — the pure parts: which data_coding the new short_message is
 * read in, and which command_status a refusal gets. The server reads the message, decodes the text
 * and calls the app's replaceMessage (src/app/replace-message.ts; docs/SMPP.md, replace_sm).
 */
import { CommandStatus, DataCoding } from '../pdu/constants.js';
import { isGsm7 } from '../pdu/text.js';
import { smppStatusFor } from '../status-map.js';

/**
 * replace_sm carries no data_coding: the new short_message is in the original's (SMPP 3.4 §4.10.1).
 * The data_coding a submit came in is recorded with its message (MessageView.dataCoding) and is the
 * one used. A message without one — submitted over HTTP, or over SMPP before it was recorded
 * (2026-12-07) — is read in the coding its text needed: UCS-2 when it has a character beyond the GSM
 * 7-bit alphabet (a Chinese text, a 【signature】: nearly every message here), else the default
 * alphabet (data_coding 0).
 */
export function replaceCodingFor(original: { text?: string; dataCoding?: number }): number {
  if (original.dataCoding !== undefined) return original.dataCoding;
  return isGsm7(original.text ?? '') ? DataCoding.DEFAULT : DataCoding.UCS2;
}

/**
 * command_status for a replacement the app refused, by its error code (and field). Not found,
 * another provider's and no longer replaceable share ESME_RREPLACEFAIL (as cancel_sm's
 * ESME_RCANCELFAIL: a replace learns nothing of others' ids); a source_addr that is not the
 * original's is ESME_RINVSRCADR (the spec's match rule); a malformed text or time, ESME_RREPLACEFAIL
 * too (invalid_request's ESME_RSUBMITFAIL names submit_sm); a rule's refusal of the new text its own
 * status from the one table (status-map.ts), as the same text in a submit_sm would get.
 */
export function replaceStatusFor(code: string, field?: string): number {
  if (code === 'not_found' || code === 'forbidden' || code === 'conflict') return CommandStatus.ESME_RREPLACEFAIL;
  if (code === 'invalid_request') return field === 'from' ? CommandStatus.ESME_RINVSRCADR : CommandStatus.ESME_RREPLACEFAIL;
  return smppStatusFor(code);
}
