/**
 * submit_sm's `schedule_delivery_time` and `validity_period` (SMPP 3.4 §5.2.15, §5.2.16): which
 * command_status refuses the PDU for them, if any. Pure; the server passes its clock.
 *
 * smsguard offers no scheduled delivery: a message scheduled for later used to go out at once, at a
 * time its sender did not choose (a reminder for tomorrow morning arriving tonight). The rules judge
 * the time it is submitted, which is when it would go; they cannot know it was meant for later.
 * Refused, the ESME learns it; sent early, nobody does. A validity period still ahead is accepted
 * and kept with the message (validityOf): not sent after it (status `expired`, receipt EXPIRED), and
 * the carrier is given it too (docs/SMPP.md).
 */
import { CommandStatus } from '../pdu/constants.js';
import { parseSmppTime } from '../pdu/smpp-time.js';
import type { SmPdu } from '../pdu/types.js';

/**
 * A schedule at most this far ahead of the server's clock is taken as "now": an ESME whose clock
 * runs a little fast, stamping the time it sends at, must not be refused.
 */
export const SCHEDULE_SLACK_MS = 10_000;

/**
 * The status refusing a submit_sm for its time fields, or `undefined` when they let it through:
 * a malformed `schedule_delivery_time`, or one more than `SCHEDULE_SLACK_MS` ahead of `now` →
 * ESME_RINVSCHED; a malformed `validity_period`, or one at or before `now` (it has expired) →
 * ESME_RINVEXPIRY. Checked in that order. Unset fields (empty strings) pass.
 *
 * @param now the server's clock, epoch ms (relative times count from it)
 */
export function submitTimesRefusal(pdu: Pick<SmPdu, 'schedule_delivery_time' | 'validity_period'>, now: number): number | undefined {
  if (pdu.schedule_delivery_time !== '') {
    const s = parseSmppTime(pdu.schedule_delivery_time, now);
    if (s.kind === 'invalid' || (s.kind !== 'unset' && s.at > now + SCHEDULE_SLACK_MS)) return CommandStatus.ESME_RINVSCHED;
  }
  if (pdu.validity_period !== '') {
    const v = parseSmppTime(pdu.validity_period, now);
    if (v.kind === 'invalid' || (v.kind !== 'unset' && v.at <= now)) return CommandStatus.ESME_RINVEXPIRY;
  }
  return undefined;
}

/**
 * A submit_sm's validity_period as epoch ms (relative times from `now`), or `undefined` when unset
 * (or malformed: submitTimesRefusal refused such a PDU before this is asked).
 */
export function validityOf(pdu: Pick<SmPdu, 'validity_period'>, now: number): number | undefined {
  if (pdu.validity_period === '') return undefined;
  const v = parseSmppTime(pdu.validity_period, now);
  return v.kind === 'absolute' || v.kind === 'relative' ? v.at : undefined;
}
