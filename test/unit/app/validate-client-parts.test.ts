/**
 * `clientPartIds` (the ids an SMPP sender holds for the earlier parts of a long message): validated
 * like every other field, each named by its position when wrong.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateSubmitInput } from '../../../src/app/validate.js';
import { SmsguardError } from '../../../src/domain/errors.js';

const base = { from: '10690001', to: '13800138000', text: '【示例】您好', type: 'notification' };

test('clientPartIds: an array of message ids is kept; anything else is refused naming the field', () => {
  assert.deepEqual(validateSubmitInput({ ...base, clientPartIds: ['kannel1pmx.1'] }, '', true).clientPartIds, ['kannel1pmx.1']);
  assert.equal(validateSubmitInput({ ...base, clientPartIds: null }, '', true).clientPartIds, undefined);
  const refused = (v: unknown, field: string) => assert.throws(() => validateSubmitInput({ ...base, clientPartIds: v }, 'messages/2', true), (e: unknown) => e instanceof SmsguardError && e.code === 'invalid_request' && e.message.startsWith(field));
  refused('p1', 'messages/2/clientPartIds');
  refused(Array.from({ length: 255 }, (_, i) => `p${i}`), 'messages/2/clientPartIds');
  refused(['ok', 7], 'messages/2/clientPartIds/1');
  refused(['x'.repeat(65)], 'messages/2/clientPartIds/0');
});
