import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hasContent } from '../../../src/app/validate.js';

test('a text of spaces and signatures alone has no content; anything else does', () => {
  for (const t of ['', ' ', '【示例】', '【示例】 \n', ' 【示例】【别家】\u3000']) assert.equal(hasContent(t), false, JSON.stringify(t));
  for (const t of ['好', '【示例】好', '【示例', '示例】', '【【示例】', '【示例】】', '【示例】 x 【别家】']) assert.equal(hasContent(t), true, JSON.stringify(t));
});

test('property: the walk agrees with removing every 【…】 (no bracket inside) and trimming', () => {
  const alphabet = fc.constantFrom('【', '】', ' ', '\u3000', '\n', '\u00a0', 'a', '示');
  fc.assert(fc.property(fc.array(alphabet, { maxLength: 16 }).map((cs) => cs.join('')), (t) => {
    assert.equal(hasContent(t), t.replace(/【[^【】]*】/g, '').trim() !== '', JSON.stringify(t));
  }), { numRuns: 5000 });
});
