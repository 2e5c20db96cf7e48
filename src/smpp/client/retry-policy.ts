/**
 * What to do with a submit_sm answer from an upstream SMSC, by command_status. Pure.
 * - ok: accepted;
 * - throttled: ESME_RTHROTTLED: the link pauses all its new submits (UpstreamLink, `throttlePauseMs`);
 *   the message goes again after the pause (or on another link);
 * - backoff: the SMSC is busy (ESME_RMSGQFUL, ESME_RX_T_APPN): wait, then try again (any link);
 * - failover: this link could not take it (system error, bind state): try another link now;
 * - reject: the SMSC refused the message itself: retrying would not help.
 */
import { CommandStatus } from '../pdu/constants.js';

export type SubmitVerdict = { kind: 'ok' } | { kind: 'throttled' } | { kind: 'backoff'; delayMs: number } | { kind: 'failover' } | { kind: 'reject' };

/**
 * How long a link holds back every new submit after the SMSC answered ESME_RTHROTTLED for the
 * (n+1)-th time in a row (n = 0 first): 100 ms doubling to 2 s; throttling clears within a second or two.
 */
export function throttlePauseMs(n: number): number {
  return Math.min(100 * 2 ** n, 2000);
}

export function verdictFor(status: number, attempt: number): SubmitVerdict {
  switch (status) {
    case CommandStatus.ESME_ROK:
      return { kind: 'ok' };
    case CommandStatus.ESME_RTHROTTLED:
      return { kind: 'throttled' };
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
