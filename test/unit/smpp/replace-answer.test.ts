/**
 * replace_sm's pure parts (src/smpp/server/replace.ts): the coding the new short_message is read in
 * (replace_sm has none: the original submit's, as recorded, else the one the original text needed), and the command_status of each refusal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { replaceCodingFor, replaceStatusFor } from '../../../src/smpp/server/replace.js';
import { CommandStatus, DataCoding } from '../../../src/smpp/pdu/constants.js';
import { SMPP_STATUS } from '../../../src/smpp/status-map.js';

test('the new text is read in the original submit\'s recorded data_coding, whatever its text', () => {
  assert.equal(replaceCodingFor({ text: 'Your code is 123456', dataCoding: DataCoding.UCS2 }), DataCoding.UCS2);
  assert.equal(replaceCodingFor({ text: 'caf\u00e9', dataCoding: DataCoding.LATIN1 }), DataCoding.LATIN1);
  assert.equal(replaceCodingFor({ text: '【示例】您的验证码是123456', dataCoding: DataCoding.UCS2 }), DataCoding.UCS2);
});

test('none recorded (HTTP, or SMPP before 2026-12-07): the coding the original text needed: UCS-2 for anything beyond GSM 7-bit (a Chinese text, a 【signature】), else the default alphabet', () => {
  assert.equal(replaceCodingFor({ text: '【示例】您的验证码是123456' }), DataCoding.UCS2);
  assert.equal(replaceCodingFor({ text: 'Your code is 123456 @ £5 {ok}' }), DataCoding.DEFAULT);
  assert.equal(replaceCodingFor({ text: '' }), DataCoding.DEFAULT);
  assert.equal(replaceCodingFor({}), DataCoding.DEFAULT);
});

test('refusals: unknown, another provider\'s and no longer replaceable alike ESME_RREPLACEFAIL; a source_addr not the original\'s ESME_RINVSRCADR; a rule\'s refusal its table status', () => {
  for (const code of ['not_found', 'forbidden', 'conflict']) assert.equal(replaceStatusFor(code), CommandStatus.ESME_RREPLACEFAIL, code);
  assert.equal(replaceStatusFor('invalid_request', 'from'), CommandStatus.ESME_RINVSRCADR);
  assert.equal(replaceStatusFor('invalid_request', 'text'), CommandStatus.ESME_RREPLACEFAIL);
  for (const code of ['signature_missing', 'prohibited_content', 'opted_out', 'frequency_exceeded', 'store_unavailable'] as const) assert.equal(replaceStatusFor(code), SMPP_STATUS[code], code);
});
