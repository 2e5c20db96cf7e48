/**
 * The one check every caller's text passes (src/app/validate.ts): a NUL or a lone surrogate is
 * `invalid_request` naming the field, wherever the text arrives; a surrogate pair, Chinese and emoji
 * are words. An MO, which cannot be refused, keeps U+FFFD in their place.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SmsguardError } from '../../../src/domain/errors.js';
import { categoryField, plainText, storableForm, storableJson, str } from '../../../src/app/validate.js';

const refused = (f: () => unknown, field: string) => assert.throws(f, (e: unknown) => e instanceof SmsguardError && e.code === 'invalid_request' && e.field === field && e.why?.id === 'not_storable');

test('str refuses a NUL or a lone surrogate in any field, with or without other limits', () => {
  for (const bad of ['\u0000', 'a\u0000b', 'x\ud800', '\udc00x', 'a\ud83d']) {
    refused(() => str(bad, 'reason'), 'reason');
    refused(() => str(bad, 'notes', { max: 4000 }), 'notes');
    refused(() => categoryField(`c${bad}`, 'category'), 'category');
  }
  for (const ok of ['退订', '好 😀', '【示例】您好', '\t\n']) assert.equal(str(ok, 'reason'), ok);
});

test('storableJson names the path of the string or key that holds one; deep nesting is refused', () => {
  refused(() => storableJson({ letter: { lines: ['ok', 'a\u0000'] } }, 'evidence'), 'evidence/letter/lines/1');
  refused(() => storableJson({ ['k\u0000']: 1 }, 'evidence'), 'evidence/k\u0000');
  assert.deepEqual(storableJson({ a: [1, 'b', null, { c: '😀' }] }, 'evidence'), { a: [1, 'b', null, { c: '😀' }] });
  let deep: unknown = 'x';
  for (let i = 0; i < 70; i++) deep = [deep];
  assert.throws(() => storableJson(deep, 'evidence'), (e: unknown) => e instanceof SmsguardError && e.code === 'invalid_request');
});

test('property: storableForm leaves well-formed text without NUL as it is, and makes any text storable', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => {
    const f = storableForm(s);
    assert.equal(str(f, 'text'), f);
    assert.equal(f.length, s.length);
    if ((s as unknown as { isWellFormed(): boolean }).isWellFormed() && !s.includes('\u0000')) assert.equal(f, s);
  }), { numRuns: 2000 });
  fc.assert(fc.property(fc.string({ unit: fc.constantFrom('\u0000', '\ud800', '\udc00', 'a', '示') }), (s) => {
    const f = storableForm(s);
    assert.equal(str(f, 'text'), f);
  }), { numRuns: 2000 });
});

test('plainText: free text keeps tab, CR and LF and refuses every other control character (C0, DEL, C1); a line refuses them all', () => {
  const why = (f: () => unknown) => {
    try { f(); } catch (e) { return e instanceof SmsguardError ? [e.field, e.why?.id, e.why?.params?.char] : e; }
    return null;
  };
  for (const c of ['\u0001', '\u0007', '\u0008', '\u000b', '\u000c', '\u001b', '\u001f', '\u007f', '\u0080', '\u0085', '\u009f']) {
    const hex = `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    assert.deepEqual(why(() => plainText(`a${c}b`, 'notes', 'text')), ['notes', 'control_char', hex]);
    assert.deepEqual(why(() => str(`a${c}b`, 'reference', { shape: 'line' })), ['reference', 'control_char_line', hex]);
  }
  for (const c of ['\t', '\r', '\n']) {
    assert.equal(plainText(`a${c}b`, 'notes', 'text'), `a${c}b`);
    assert.deepEqual((why(() => plainText(`a${c}b`, 'reference', 'line')) as unknown[]).slice(0, 2), ['reference', 'control_char_line']);
  }
  // words are words: Chinese, emoji, full-width spaces, U+2028 (a separator, not a control)
  for (const ok of ['退订', '好 😀', '全角\u3000空格', 'a\u2028b']) assert.equal(plainText(ok, 'reference', 'line'), ok);
  // without a shape, str is as before: a field that is no one's words is not checked for them
  assert.equal(str('a\u0007b', 'x'), 'a\u0007b');
});
