/** jsonbText: JSON text PostgreSQL's jsonb accepts, with a lone surrogate as U+FFFD and a typed backslash-u left alone. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { jsonbText } from '../../../src/store/postgres/db.js';

test('lone surrogates become U+FFFD; pairs, typed backslashes and everything else are unchanged', () => {
  assert.deepEqual(JSON.parse(jsonbText({ t: 'a\ud800b' })), { t: 'a\ufffdb' });
  assert.deepEqual(JSON.parse(jsonbText({ t: '😀'.slice(0, 1) })), { t: '\ufffd' });
  assert.deepEqual(JSON.parse(jsonbText({ t: 'C:\\ud800' })), { t: 'C:\\ud800' });
  assert.deepEqual(JSON.parse(jsonbText({ t: '\\\ud800' })), { t: '\\\ufffd' });
  assert.deepEqual(JSON.parse(jsonbText({ ['k\udc00']: 1 })), { 'k\ufffd': 1 });
  assert.equal(jsonbText({ t: '😀 中文' }), JSON.stringify({ t: '😀 中文' }));
  assert.equal(jsonbText(undefined), undefined);
});

test('property: the result parses to the value with each lone surrogate replaced, and holds no surrogate escape', () => {
  fc.assert(fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 20 }), { maxLength: 8 }), (xs) => {
    const out = jsonbText({ xs });
    assert.deepEqual(JSON.parse(out), { xs: xs.map((x) => (x as unknown as { toWellFormed(): string }).toWellFormed()) });
    assert.doesNotMatch(out.replace(/\\\\/g, ''), /\\ud[89a-f]/);
  }), { numRuns: 300 });
});
