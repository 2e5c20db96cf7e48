import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { receiptPdu } from '../../../src/smpp/server/deliver-pdus.js';
import { parseDlrText, MessageState } from '../../../src/smpp/pdu/index.js';

const base = { messageId: 'msg_1', to: '+8613800138000', from: '10690001', stat: 'DELIVRD', state: MessageState.DELIVERED, err: '000', submittedAt: Date.UTC(2026, 0, 1, 16, 5), doneAt: Date.UTC(2026, 0, 1, 16, 6) };
const textOf = (text: string) => parseDlrText((receiptPdu({ ...base, text }).short_message as Buffer).toString('latin1'))!.text;

test('a receipt carries the first 20 units of the text, anything outside printable ASCII as ?', () => {
  assert.equal(textOf('【示例】您的订单已发货，请注意查收。'), '?'.repeat(18));
  assert.equal(textOf('【示例】您的订单已发货，快递单号SF123，请注意查收。'), `${'?'.repeat(16)}SF12`);
  assert.equal(textOf('Code 123456, valid 5 minutes'), 'Code 123456, valid 5');
  assert.equal(textOf('a\tb\u007fc~ d'), 'a?b?c~ d');
  assert.equal(textOf(''), '');
});

test('property: the receipt text is the regex reading of the first 20 units', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
    const want = s.slice(0, 20).replace(/[^\x20-\x7e]/g, '?');
    const pdu = receiptPdu({ ...base, text: s });
    const body = (pdu.short_message as Buffer).toString('latin1');
    assert.ok(body.endsWith(`text:${want}`), `${JSON.stringify(body)} should end with text:${JSON.stringify(want)}`);
  }));
});
