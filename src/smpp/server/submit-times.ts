/**
 * submit_sm's `schedule_delivery_time` and `validity_period` (SMPP 3.4 §5.2.15, §5.2.16): which
 * command_status refuses the PDU for them, if any, and what they ask for. Pure; the server passes the
 * messages' clock (SmppServer.messageNow: the one the use case, the queue and expiry read).
 *
 * A schedule ahead of now is kept with the message (scheduled delivery, src/domain/schedule.ts): it
 * is judged as if sent then, queued until then and judged again when it is taken for sending. A
 * validity period still ahead is kept too: not sent after it (status `expired`, receipt EXPIRED), and
 * the carrier is given it (docs/SMPP.md).
 */
import { CommandStatus } from '../pdu/constants.js';
import { parseSmppTime } from '../pdu/smpp-time.js';
import type { SmPdu } from '../pdu/types.js';
import { readSchedule } from '../../domain/schedule.js';

/**
 * What a submit_sm's time fields say, each read once: `status` when they refuse the PDU — a
 * malformed `schedule_delivery_time`, or one more than MAX_SCHEDULE_AHEAD_MS ahead of `now` →
 * ESME_RINVSCHED; a malformed `validity_period`, one at or before `now` (it has expired) or at or
 * before the schedule (it could never be sent) → ESME_RINVEXPIRY, checked in that order — else the
 * schedule (`scheduledAt`, only when more than SCHEDULE_SLACK_MS ahead: nearer is "now") and the
 * validity (`validUntil`) as epoch ms, relative times from `now`. Unset fields (empty strings) pass
 * and give nothing.
 *
 * @param now the messages' clock (the gateway's, simulated under `--clock simulated`), epoch ms
 */
export function readSubmitTimes(pdu: Pick<SmPdu, 'schedule_delivery_time' | 'validity_period'>, now: number): { status?: number; scheduledAt?: number; validUntil?: number } {
  let scheduledAt: number | undefined;
  if (pdu.schedule_delivery_time !== '') {
    const s = parseSmppTime(pdu.schedule_delivery_time, now);
    if (s.kind === 'invalid') return { status: CommandStatus.ESME_RINVSCHED };
    if (s.kind !== 'unset') {
      const r = readSchedule(s.at, now);
      if (r.kind === 'too_far') return { status: CommandStatus.ESME_RINVSCHED };
      if (r.kind === 'later') scheduledAt = r.at;
    }
  }
  const times = scheduledAt !== undefined ? { scheduledAt } : {};
  if (pdu.validity_period === '') return times;
  const v = parseSmppTime(pdu.validity_period, now);
  if (v.kind === 'invalid' || (v.kind !== 'unset' && v.at <= (scheduledAt ?? now))) return { status: CommandStatus.ESME_RINVEXPIRY };
  return v.kind === 'unset' ? times : { ...times, validUntil: v.at };
}
