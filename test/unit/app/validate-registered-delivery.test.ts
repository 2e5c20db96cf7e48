/**
 * `registeredDelivery` as every door hands it to validateSubmitInput (the SMPP server maps its bits to
 * these three values; the HTTP batch path reaches it with the client's JSON untouched).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateSubmitInput } from '../../../src/app/validate.js';
import { receiptRequest } from '../../../src/smpp/server/server.js';

const base = { from: '10690001', to: '13800138000', text: '【示例】您好', type: 'notification' };

test('true, false and "failure" are kept; absent stays absent', () => {
  for (const v of [true, false, 'failure'] as const) assert.equal(validateSubmitInput({ ...base, registeredDelivery: v }).registeredDelivery, v);
  assert.equal('registeredDelivery' in validateSubmitInput(base), false);
});

test('anything else is invalid_request naming the field, with the batch position', () => {
  for (const v of ['yes', 'true', 'false', 'FAILURE', 1, 0, 2, {}, [], null]) {
    assert.throws(() => validateSubmitInput({ ...base, registeredDelivery: v }, 'messages/4'), {
      code: 'invalid_request', field: 'messages/4/registeredDelivery', message: 'messages/4/registeredDelivery: must be true, false or "failure"',
    }, JSON.stringify(v));
  }
});

test('every SMPP registered_delivery value reaches the use case as one it accepts', () => {
  for (let bits = 0; bits < 256; bits++) {
    const v = receiptRequest(bits);
    assert.equal(validateSubmitInput({ ...base, registeredDelivery: v }).registeredDelivery, v, String(bits));
  }
});
