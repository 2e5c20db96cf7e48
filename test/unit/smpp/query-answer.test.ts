/**
 * query_sm's answer from a message view (src/smpp/server/query.ts): a final status has the same
 * message_state its receipt carries, and final_date is the time of the history entry that made it
 * final (UTC+8), the receipt time for a submission refused at once, empty while not final.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QUERY_STATE, isMessageIdShape, queryAnswer } from '../../../src/smpp/server/query.js';
import { RECEIPT_FOR } from '../../../src/smpp/server/deliver-pdus.js';
import { MessageState } from '../../../src/smpp/pdu/index.js';

test('a status with a receipt has the receipt\'s message_state; the others are ENROUTE', () => {
  for (const [status, state] of Object.entries(QUERY_STATE)) {
    const r = RECEIPT_FOR[status as keyof typeof RECEIPT_FOR];
    assert.equal(state, r ? r.state : MessageState.ENROUTE, status);
  }
});

test('final_date: the last entry of the final status, in UTC+8; the receipt time when the history has none; empty while not final', () => {
  const t = (h: number) => Date.UTC(2026, 11, 6, h, 0, 0);
  const history = [{ status: 'held' as const, at: t(1) }, { status: 'accepted' as const, at: t(2) }, { status: 'submitted' as const, at: t(3) }, { status: 'delivered' as const, at: t(4) }];
  assert.deepEqual(queryAnswer({ status: 'delivered', receivedAt: t(0), history }), { message_state: MessageState.DELIVERED, final_date: '261206120000032+' });
  assert.deepEqual(queryAnswer({ status: 'submitted', receivedAt: t(0), history: history.slice(0, 3) }), { message_state: MessageState.ENROUTE, final_date: '' });
  assert.deepEqual(queryAnswer({ status: 'rejected', receivedAt: t(0), history: [] }), { message_state: MessageState.REJECTED, final_date: '261206080000032+' });
});

test('message id shape: 1–64 printable ASCII characters, no space', () => {
  for (const ok of ['msg_0mf3a2b1c9f3e2d1c0b0a', 'cp1p1a2b3.c', 'x'.repeat(64)]) assert.ok(isMessageIdShape(ok), ok);
  for (const bad of ['', ' ', 'a b', 'é', 'a\x00', 'x'.repeat(65)]) assert.ok(!isMessageIdShape(bad), JSON.stringify(bad));
});
