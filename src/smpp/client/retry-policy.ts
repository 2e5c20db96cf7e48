/**
 * What to do with a submit_sm answer from an upstream SMSC, by command_status. Pure.
 * - ok: accepted;
 * - backoff: the SMSC is busy (ESME_RTHROTTLED, ESME_RMSGQFUL): wait, then try again (any link);
 * - failover: this link could not take it (system error, bind state): try another link now;
 * - reject: the SMSC refused the message itself: retrying would not help.
 */
import { CommandStatus } from '../pdu/constants.js';

export type SubmitVerdict = { kind: 'ok' } | { kind: 'backoff'; delayMs: number } | { kind: 'failover' } | { kind: 'reject' };

export function verdictFor(status: number, attempt: number): SubmitVerdict {
  switch (status) {
    case CommandStatus.ESME_ROK:
      return { kind: 'ok' };
    case CommandStatus.ESME_RTHROTTLED:
      // short, growing pauses: throttling clears within a second or two
      return { kind: 'backoff', delayMs: Math.min(100 * 2 ** attempt, 2000) };
    case CommandStatus.ESME_RMSGQFUL:
    case CommandStatus.ESME_RX_T_APPN:
      return { kind: 'backoff', delayMs: Math.min(500 * 2 ** attempt, 5000) };
    case CommandStatus.ESME_RSYSERR:
    case CommandStatus.ESME_RINVBNDSTS:
    case CommandStatus.ESME_RUNKNOWNERR:
    case CommandStatus.ESME_RINVCMDID:
    case CommandStatus.ESME_RINVCMDLEN:
      return { kind: 'failover' };
    default:
      return { kind: 'reject' };
  }
}
