/**
 * readSubmitTimes (src/smpp/server/submit-times.ts): the edges the server test does not reach —
 * a schedule within SCHEDULE_SLACK_MS of now is "now", just past it is a schedule kept, past
 * MAX_SCHEDULE_AHEAD_MS refused; a validity exactly now (or exactly at the schedule) has expired; the
 * schedule is judged before the validity.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSubmitTimes } from '../../../src/smpp/server/submit-times.js';
import { MAX_SCHEDULE_AHEAD_MS, SCHEDULE_SLACK_MS } from '../../../src/domain/schedule.js';
import { CommandStatus } from '../../../src/smpp/pdu/constants.js';

/** The refusal alone. */
const submitTimesRefusal = (p: Parameters<typeof readSubmitTimes>[0], now: number) => readSubmitTimes(p, now).status;

const NOW = Date.UTC(2026, 11, 6, 12, 15, 0);
const times = (schedule_delivery_time: string, validity_period: string) => ({ schedule_delivery_time, validity_period });
/** `sec` seconds from NOW as a relative time. */
const rel = (sec: number) => `0000000000${String(sec).padStart(2, '0')}000R`;

test('both unset: passes', () => {
  assert.equal(submitTimesRefusal(times('', ''), NOW), undefined);
});

test('a schedule up to the slack ahead is taken as now; past it, kept as the message\'s schedule; past the limit, refused ESME_RINVSCHED', () => {
  assert.equal(SCHEDULE_SLACK_MS, 10_000);
  assert.deepEqual(readSubmitTimes(times(rel(10), ''), NOW), {});
  assert.deepEqual(readSubmitTimes(times(rel(11), ''), NOW), { scheduledAt: NOW + 11_000 });
  // absolute, tenths count: 12:15:10.0 is now, 12:15:10.1 a schedule
  assert.deepEqual(readSubmitTimes(times('261206121510000+', ''), NOW), {});
  assert.deepEqual(readSubmitTimes(times('261206121510100+', ''), NOW), { scheduledAt: NOW + 10_100 });
  assert.deepEqual(readSubmitTimes(times('261206201500032+', ''), NOW), {}, 'now, in UTC+8');
  assert.deepEqual(readSubmitTimes(times('200101000000000+', ''), NOW), {}, 'long past');
  // tomorrow 09:00 in UTC+8
  assert.deepEqual(readSubmitTimes(times('261207090000032+', ''), NOW), { scheduledAt: Date.parse('2026-12-07T01:00:00Z') });
  // the limit: 35 days ahead is kept, a second more refused
  assert.equal(MAX_SCHEDULE_AHEAD_MS, 35 * 86_400_000);
  assert.deepEqual(readSubmitTimes(times('270110121500000+', ''), NOW), { scheduledAt: NOW + MAX_SCHEDULE_AHEAD_MS });
  assert.equal(submitTimesRefusal(times('270110121501000+', ''), NOW), CommandStatus.ESME_RINVSCHED);
});

test('a validity at or before the schedule could never be sent: ESME_RINVEXPIRY; after it, both kept', () => {
  assert.equal(submitTimesRefusal(times(rel(60), rel(60)), NOW), CommandStatus.ESME_RINVEXPIRY);
  assert.equal(submitTimesRefusal(times(rel(60), rel(30)), NOW), CommandStatus.ESME_RINVEXPIRY);
  assert.deepEqual(readSubmitTimes(times(rel(60), rel(61)), NOW), { scheduledAt: NOW + 60_000, validUntil: NOW + 61_000 });
  // a schedule that means now: the validity is judged against now
  assert.deepEqual(readSubmitTimes(times(rel(5), rel(1)), NOW), { validUntil: NOW + 1000 });
});

test('a validity must still be ahead: exactly now has expired (ESME_RINVEXPIRY), a tenth later passes', () => {
  assert.equal(submitTimesRefusal(times('', '261206121500000+'), NOW), CommandStatus.ESME_RINVEXPIRY);
  assert.equal(submitTimesRefusal(times('', '261206121500100+'), NOW), undefined);
  assert.equal(submitTimesRefusal(times('', rel(1)), NOW), undefined);
  assert.equal(submitTimesRefusal(times('', '261206071500020-'), NOW), CommandStatus.ESME_RINVEXPIRY, 'now, in UTC−5');
});

test('malformed: the schedule is named first', () => {
  assert.equal(submitTimesRefusal(times('x', 'x'), NOW), CommandStatus.ESME_RINVSCHED);
  assert.equal(submitTimesRefusal(times('', 'x'), NOW), CommandStatus.ESME_RINVEXPIRY);
  assert.equal(submitTimesRefusal(times(rel(60), 'x'), NOW), CommandStatus.ESME_RINVEXPIRY, 'a good schedule, then the validity');
  assert.equal(submitTimesRefusal(times('', '261306121500000+'), NOW), CommandStatus.ESME_RINVEXPIRY);
});

test('the validity is read in the same pass: epoch ms when given and ahead, nothing when unset or refused', () => {
  assert.deepEqual(readSubmitTimes(times('', ''), NOW), {});
  assert.deepEqual(readSubmitTimes(times('', rel(1)), NOW), { validUntil: NOW + 1000 });
  assert.deepEqual(readSubmitTimes(times('', '261206201500132+'), NOW), { validUntil: Date.parse('2026-12-06T12:15:00.100Z') });
  assert.deepEqual(readSubmitTimes(times('x', rel(1)), NOW), { status: CommandStatus.ESME_RINVSCHED });
});
