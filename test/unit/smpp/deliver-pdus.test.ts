import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { receiptPdu } from '../../../src/smpp/server/deliver-pdus.js';
import { parseDlrText, MessageState, decodeGsm7 } from '../../../src/smpp/pdu/index.js';

const base = { messageId: 'msg_1', to: '+8613800138000', from: '10690001', stat: 'DELIVRD', state: MessageState.DELIVERED, err: '000', submittedAt: Date.UTC(2026, 0, 1, 16, 5), doneAt: Date.UTC(2026, 0, 1, 16, 6) };
const textOf = (text: string) => parseDlrText((receiptPdu({ ...base, text }).short_message as Buffer).toString('latin1'))!.text;

/** The characters GSM 03.38 and ASCII put at different octets (or GSM has not at all) within printable ASCII. */
const UNLIKE = new Set('$@[\\]^_`{|}~');
/** The reference reading: first 20 code points, each outside printable ASCII or in UNLIKE as one '?'. */
const want = (s: string) => [...s].slice(0, 20).map((ch) => (/^[\x20-\x7e]$/.test(ch) && !UNLIKE.has(ch) ? ch : '?')).join('');

test('a receipt carries the first 20 characters of the text, anything that reads otherwise in GSM 03.38 as ?', () => {
  assert.equal(textOf('【示例】您的订单已发货，请注意查收。'), '?'.repeat(18));
  assert.equal(textOf('【示例】您的订单已发货，快递单号SF123，请注意查收。'), `${'?'.repeat(16)}SF12`);
  assert.equal(textOf('Code 123456, valid 5 minutes'), 'Code 123456, valid 5');
  // $ @ _ ~ read as ¤ ¡ § ü in GSM 03.38, which an ESME may read any receipt as (ours go as data_coding 3)
  assert.equal(textOf('a\tb\u007fc~ d@e_f$g'), 'a?b?c? d?e?f?g');
  assert.equal(textOf(''), '');
});

test('an emoji is one character of the 20, never half a pair (a lone surrogate)', () => {
  // 19 characters then an emoji: the 20th character is the whole emoji, one '?'
  const t = `${'x'.repeat(19)}😀 more`;
  assert.equal(textOf(t), `${'x'.repeat(19)}?`);
  // emoji count as one each: 20 of them are 20 '?', not 10
  assert.equal(textOf('😀'.repeat(25)), '?'.repeat(20));
  assert.equal(textOf(`【示例】😀😀验证码123456，请勿泄露`), '?????????123456?????');
  const body = (receiptPdu({ ...base, text: t }).short_message as Buffer);
  assert.ok(body.every((b) => b >= 0x20 && b <= 0x7e), 'printable ASCII octets only');
});

test('property: the receipt text is the first 20 code points, each unlike in GSM and ASCII as ?', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
    const pdu = receiptPdu({ ...base, text: s });
    const body = (pdu.short_message as Buffer).toString('latin1');
    assert.ok(body.endsWith(`text:${want(s)}`), `${JSON.stringify(body)} should end with text:${JSON.stringify(want(s))}`);
    // the octets read the same as GSM 03.38 as they do as ASCII (for an ESME that ignores data_coding 3)
    const field = (pdu.short_message as Buffer).subarray(body.lastIndexOf('text:') + 5);
    assert.equal(decodeGsm7(field), field.toString('latin1'));
  }));
});
