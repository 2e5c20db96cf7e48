/**
 * A misspelt field refused by the use case's own check (validateSubmitInput, validateReplaceInput: the
 * bodies no schema closes, a batch item, a replacement from any door): the unknown key is named first,
 * as before, and then the field it likely stood for, which the body lacks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateReplaceInput, validateSubmitInput } from '../../../src/app/validate.js';

const said = 'unknown field (a message is {from, to, text, type, category?, clientRef?, registeredDelivery?, validUntil?, scheduledAt?, chargedServiceId?})';

test('a submission: the unknown key, then the field it likely meant, with the batch position', () => {
  const base = { from: '10690001', to: '13800138000', text: '【示例】您好', type: 'notification' };
  const { from, ...noFrom } = base;
  void from;
  assert.throws(() => validateSubmitInput({ ...noFrom, form: '10690001' }, 'messages/2'), { code: 'invalid_request', field: 'messages/2/form', message: `messages/2/form: ${said} (did you mean from?)` });
  assert.throws(() => validateSubmitInput({ ...base, scheduleAt: '2026-12-20T10:00:00+08:00' }), { field: 'scheduleAt', message: `scheduleAt: ${said} (did you mean scheduledAt?)` });
  // beside its right spelling, or near nothing: named alone
  assert.throws(() => validateSubmitInput({ ...base, form: '10690001' }), { field: 'form', message: `form: ${said}` });
  assert.throws(() => validateSubmitInput({ ...base, sender: '10690001' }), { field: 'sender', message: `sender: ${said}` });
});

test('a replacement alike', () => {
  const said = "unknown field (a replacement is {text, scheduledAt?, validUntil?, registeredDelivery?}; the sender, recipient, type and category stay the message's)";
  assert.throws(() => validateReplaceInput({ txt: '【示例】您好' }), { code: 'invalid_request', field: 'txt', message: `txt: ${said} (did you mean text?)` });
  assert.throws(() => validateReplaceInput({ text: '【示例】您好', from: '1069' }), { field: 'from', message: `from: ${said}` });
});
