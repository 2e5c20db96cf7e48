import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isWellFormedSignature, leadingSignature, signatureFault, trimLeading } from '../../../src/domain/signature.js';
import { measure } from '../../../src/domain/segments.js';
import { foldReply } from '../../../src/domain/text-fold.js';

test('signatures: 2–16 characters inside full-width brackets', () => {
  assert.equal(isWellFormedSignature('【示例】'), true);
  assert.equal(isWellFormedSignature('【中国移动通信集团有限公司】'), true);
  assert.equal(isWellFormedSignature('【一】'), false);
  assert.equal(isWellFormedSignature('【一二三四五六七八九十一二三四五六七】'), false);
  assert.equal(isWellFormedSignature('[示例]'), false);
  assert.equal(isWellFormedSignature('【示【例】'), false);
  assert.equal(leadingSignature('【示例】您好'), '【示例】');
  assert.equal(leadingSignature('您好【示例】'), null);
});

test('an invisible character inside a signature is refused, named: it makes a second signature that reads as the first on the handset', () => {
  // zero-width space, non-joiner, joiner, word joiner, BOM, soft hyphen, right-to-left override, a variation selector, the Hangul filler, private use
  for (const ch of ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u202e', '\ufe0f', '\u3164', '\ue000']) {
    const s = `【别${ch}家】`;
    assert.equal(isWellFormedSignature(s), false, JSON.stringify(s));
    const cp = ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    assert.match(signatureFault(s) ?? '', new RegExp(`U\\+${cp} at character 3`), JSON.stringify(s));
  }
  // what a brand is written with stays allowed: Latin, digits, full-width letters, a middle dot, a hyphen
  for (const s of ['【示例】', '【ABC银行】', '【ＳＡＬＥ】', '【京东·到家】', '【E-Bank】', '【12306】']) assert.equal(signatureFault(s), null, s);
  assert.match(signatureFault('[示例]') ?? '', /【…】/);
});

test('the leading signature is read after leading whitespace, ASCII or ideographic (U+3000)', () => {
  for (const lead of [' ', '  ', '\t', '\n', '\u3000', ' \u3000 ']) assert.equal(leadingSignature(`${lead}【示例】您好`), '【示例】', JSON.stringify(lead));
  assert.equal(leadingSignature(' 您好【示例】'), null);
  assert.equal(trimLeading('\u3000 【示例】您好 '), '【示例】您好 ');
});

test('segments: GSM-7 160/153, UCS-2 70/67, extension characters count double', () => {
  assert.deepEqual(measure('a'.repeat(160)), { chars: 160, encoding: 'gsm7', units: 160, segments: 1 });
  assert.equal(measure('a'.repeat(161)).segments, 2);
  assert.equal(measure('a'.repeat(306)).segments, 2);
  assert.equal(measure('a'.repeat(307)).segments, 3);
  assert.equal(measure('€'.repeat(80)).units, 160);
  assert.equal(measure('中'.repeat(70)).segments, 1);
  assert.equal(measure('中'.repeat(71)).segments, 2);
  assert.equal(measure('中'.repeat(134)).segments, 2);
  assert.equal(measure('中'.repeat(135)).segments, 3);
  assert.equal(measure('😀').chars, 1);
  assert.equal(measure('😀').units, 2);
});

test('segments: the same as counting code point by code point, for any text (lone surrogates, pairs, GSM and not)', () => {
  // The reading measure() had before it walked code units: one string per code point, Set look-ups.
  const basic = new Set('@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà');
  const ext = new Set('^{}\\[~]|€\f');
  const reference = (text: string) => {
    let septets = 0, gsm = true, chars = 0;
    for (const ch of text) {
      chars++;
      if (gsm) { if (basic.has(ch)) septets += 1; else if (ext.has(ch)) septets += 2; else gsm = false; }
    }
    if (gsm) return { chars, encoding: 'gsm7', units: septets, segments: septets <= 160 ? 1 : Math.ceil(septets / 153) };
    return { chars, encoding: 'ucs2', units: text.length, segments: text.length <= 70 ? 1 : Math.ceil(text.length / 67) };
  };
  const pool = ['a', 'Z', '0', ' ', '€', '^', '{', '\\', 'Δ', 'é', '中', '【', '】', '😀', '\ud83d', '\ude00', '\u0000', '\n', '`', 'ñ', '\u00a0', '\uffff'];
  let seed = 12345;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
  for (let k = 0; k < 5000; k++) {
    const len = rnd(k % 10 === 0 ? 400 : 40);
    let t = '';
    for (let i = 0; i < len; i++) t += rnd(3) === 0 ? pool[rnd(pool.length)] : pool[rnd(4)];
    assert.deepEqual(measure(t), reference(t), JSON.stringify(t));
  }
  assert.deepEqual(measure('\ud83d'), reference('\ud83d'), 'a lone high surrogate at the end');
  assert.deepEqual(measure('\ude00a'), reference('\ude00a'), 'a lone low surrogate');
});

test('reply folding ignores width, case and spaces', () => {
  assert.equal(foldReply(' ｔｄ '), 'TD');
  assert.equal(foldReply('退 订'), '退订');
  assert.equal(foldReply('\u200bR\n'), 'R');
});
