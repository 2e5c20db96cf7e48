/**
 * submit_sm's `schedule_delivery_time` and `validity_period` (SMPP 3.4 §5.2.15, §5.2.16): which
 * command_status refuses the PDU for them, if any. Pure; the server passes its clock.
 *
 * smsguard offers no scheduled delivery: a message scheduled for later used to go out at once, at a
 * time its sender did not choose (a reminder for tomorrow morning arriving tonight). The rules judge
 * the time it is submitted, which is when it would go; they cannot know it was meant for later.
 * Refused, the ESME learns it; sent early, nobody does. A validity period still ahead is accepted
 * and kept with the message (readSubmitTimes): not sent after it (status `expired`, receipt EXPIRED), and
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
 * What a submit_sm's time fields say, each read once: `status` when they refuse the PDU — a
 * malformed `schedule_delivery_time`, or one more than `SCHEDULE_SLACK_MS` ahead of `now` →
 * ESME_RINVSCHED; a malformed `validity_period`, or one at or before `now` (it has expired) →
 * ESME_RINVEXPIRY, checked in that order — else the validity as epoch ms (`validUntil`, relative
 * times from `now`) when one was given. Unset fields (empty strings) pass and give nothing.
 *
 * @param now the server's clock, epoch ms
 */
export function readSubmitTimes(pdu: Pick<SmPdu, 'schedule_delivery_time' | 'validity_period'>, now: number): { status?: number; validUntil?: number } {
  if (pdu.schedule_delivery_time !== '') {
    const s = parseSmppTime(pdu.schedule_delivery_time, now);
    if (s.kind === 'invalid' || (s.kind !== 'unset' && s.at > now + SCHEDULE_SLACK_MS)) return { status: CommandStatus.ESME_RINVSCHED };
  }
  if (pdu.validity_period === '') return {};
  const v = parseSmppTime(pdu.validity_period, now);
  if (v.kind === 'invalid' || (v.kind !== 'unset' && v.at <= now)) return { status: CommandStatus.ESME_RINVEXPIRY };
  return v.kind === 'unset' ? {} : { validUntil: v.at };
}
