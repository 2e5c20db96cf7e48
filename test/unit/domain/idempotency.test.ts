/**
 * The Idempotency-Key's shape and the request hash (src/domain/idempotency.ts): the same JSON in
 * another field order or spacing is the same request; any other value, route or method is not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readIdempotencyKey, requestHash } from '../../../src/domain/idempotency.js';
import { canonicalJson } from '../../../src/domain/hash-chain.js';
import { SmsguardError } from '../../../src/domain/errors.js';

test('canonical JSON sorts object keys at every depth and keeps array order', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [2, { z: null, y: 'é' }], c: true } }), '{"a":{"c":true,"d":[2,{"y":"é","z":null}]},"b":1}');
  assert.equal(canonicalJson(JSON.parse('{"to":"1","from":"2"}')), canonicalJson(JSON.parse('{ "from" : "2", "to" : "1" }')));
  assert.notEqual(canonicalJson([1, 2]), canonicalJson([2, 1]));
});

test('the request hash: same request, same hash; another body, route or method, another', () => {
  const h = requestHash('POST', '/v1/messages', { from: '1', to: '2' });
  assert.match(h, /^[0-9a-f]{64}$/);
  assert.equal(requestHash('post', '/v1/messages', { to: '2', from: '1' }), h);
  assert.notEqual(requestHash('POST', '/v1/messages', { from: '1', to: '3' }), h);
  assert.notEqual(requestHash('POST', '/v1/messages/batch', { from: '1', to: '2' }), h);
  assert.notEqual(requestHash('PUT', '/v1/messages', { from: '1', to: '2' }), h);
  // a number is not its string
  assert.notEqual(requestHash('POST', '/x', { n: 1 }), requestHash('POST', '/x', { n: '1' }));
});

test('a key is 1 to 255 printable ASCII characters; absent is undefined; anything else invalid_request naming the header', () => {
  assert.equal(readIdempotencyKey(undefined), undefined);
  assert.equal(readIdempotencyKey('order 42/#1'), 'order 42/#1');
  assert.equal(readIdempotencyKey('~'.repeat(255)), '~'.repeat(255));
  for (const bad of ['', 'x'.repeat(256), 'a\tb', 'ключ', 'a\u007f', ['a', 'b']]) {
    assert.throws(() => readIdempotencyKey(bad), (e) => e instanceof SmsguardError && e.code === 'invalid_request' && e.toBody().field === 'Idempotency-Key', JSON.stringify(bad));
  }
});
