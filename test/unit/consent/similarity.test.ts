/** "The same or a similar request": bigram Jaccard ≥ 0.6 on normalised subjects. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isSimilarRequest, jaccard, requestSimilarity, shingles, similarityKey, SIMILARITY_THRESHOLD } from '../../../src/domain/similarity.js';

// Characters that are not numerals, boilerplate or clause words, so edits stay edits of the subject.
const ALPHABET = [...'春夏秋冬山水花鸟鱼虫风云雷电江河湖海松竹梅兰菊桃李杏梨茶米面油盐酱醋糖蛋奶肉菜果瓜豆笔墨纸砚书画琴棋诗酒歌舞灯火星月天地玄黄宇宙洪荒日辰宿列张寒来暑往收藏闰余成岁律吕调阳露结为霜金生丽玉出昆冈剑号巨阙珠称夜光'];
const hanzi = fc.constantFrom(...ALPHABET);
const subject = (min: number, max: number) => fc.array(hanzi, { minLength: min, maxLength: max }).map((a) => a.join(''));

describe('similarity: definition', () => {
  test('jaccard of identical sets is 1, of disjoint sets 0, of an empty set 0', () => {
    assert.equal(jaccard(new Set(['a', 'b']), new Set(['a', 'b'])), 1);
    assert.equal(jaccard(new Set(['a']), new Set(['b'])), 0);
    assert.equal(jaccard(new Set(), new Set(['b'])), 0);
  });
  test('shingles are code-point bigrams; short strings are one shingle', () => {
    assert.deepEqual([...shingles('会员促销')], ['会员', '员促', '促销']);
    assert.deepEqual([...shingles('促')], ['促']);
    assert.equal(shingles('𠀀𠀁𠀂').size, 2);
  });
  test('the subject drops signature, frequency, duration, answer instructions and boilerplate', () => {
    assert.equal(similarityKey('【示例】邀请您订阅“促销”类商业短信，每月不超过4条，有效期180天。同意请回复“是”或Y，不同意请回复“否”或N。拒收请回复R'), '促销');
    assert.equal(similarityKey('【示例】双十二会员日全场满300减50'), '双#会员日全场满#减#');
  });
});

describe('similarity: rewordings that must still count as similar', () => {
  const base = '【示例】双十二会员日全场满300减50，邀请您接收会员专享优惠信息，每月不超过4条，有效期180天，同意请回复Y';
  const rewordings = [
    ['width, case and punctuation', '【示例】双十二会员日　全场满３００减５０！！邀请您接收会员专享优惠信息。每月不超过4条；有效期180天。同意请回复ｙ'],
    ['traditional characters', '【示例】雙十二會員日全場滿300減50，邀請您接收會員專享優惠信息，每月不超過4條，有效期180天，同意請回復Y'],
    ['numbers changed or written in Chinese', '【示例】双12会员日全场满三百减五十，邀请您接收会员专享优惠信息，每月不超过4条，有效期180天，同意请回复Y'],
    ['other frequency, duration and answer wording', '【示例】双十二会员日全场满300减50，邀请您接收会员专享优惠信息，每周最多2条，90天内有效，回复“是”表示同意'],
    ['another signature and greeting', '【示例商城】尊敬的用户您好，双十二会员日全场满300减50，邀请您接收会员专享优惠信息，每月不超过4条，有效期180天，同意请回复Y'],
    ['a word swapped', '【示例】双十二会员日全场满300减50，邀请您接收会员独享优惠信息，每月不超过4条，有效期180天，同意请回复Y'],
    ['a few characters added', '【示例】双十二会员日全场满300减50起，邀请您接收会员专享优惠活动信息，每月不超过4条，有效期180天，同意请回复Y'],
  ] as const;
  for (const [why, text] of rewordings) {
    test(why, () => assert.ok(isSimilarRequest(base, text), `${requestSimilarity(base, text).toFixed(2)}: ${similarityKey(base)} vs ${similarityKey(text)}`));
  }
  test('different offers or categories are not similar', () => {
    assert.ok(!isSimilarRequest(base, '【示例】新款手机预售，邀请您接收新品上市通知，每月不超过4条，有效期180天，同意请回复Y'));
    assert.ok(!isSimilarRequest('【示例】邀请您订阅“促销”类商业短信，每月不超过4条，有效期180天。同意请回复“是”', '【示例】邀请您订阅“新品”类商业短信，每月不超过4条，有效期180天。同意请回复“是”'));
  });
});

describe('similarity: properties', () => {
  test('symmetric, in [0,1], and 1 on identical non-trivial texts', () => {
    fc.assert(fc.property(fc.string({ maxLength: 60 }), fc.string({ maxLength: 60 }), (a, b) => {
      const s = requestSimilarity(a, b);
      assert.ok(s >= 0 && s <= 1);
      assert.equal(s, requestSimilarity(b, a));
    }));
    fc.assert(fc.property(subject(2, 40), (a) => requestSimilarity(a, a) === 1));
  });

  test('presentation changes never matter: width, spaces, punctuation, signature, clauses, numbers', () => {
    const fullWidth = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    fc.assert(fc.property(
      subject(4, 30), fc.constantFrom('', '【示例】', '【另一家】'), fc.constantFrom('', '，每月不超过4条', '，每周最多两条'), fc.constantFrom('', '，有效期30天', '，180天内有效'),
      fc.constantFrom('', '。同意请回复Y', '，回复是同意'), fc.integer({ min: 0, max: 99999 }), fc.array(fc.constantFrom(' ', '，', '！', '…', '\u3000'), { maxLength: 5 }),
      (s, sig, freq, dur, ans, n, noise) => {
        const a = `${sig}${s.slice(0, 2)}${n}${s.slice(2)}${freq}${dur}${ans}`;
        const withNoise = s.split('').map((ch, i) => ch + (noise[i] ?? '')).join('');
        const b = fullWidth(`【示例】${withNoise.slice(0, 2 + (noise[0] ? 1 : 0))}${n + 1}${withNoise.slice(2 + (noise[0] ? 1 : 0))}`);
        return requestSimilarity(a, b) === 1;
      }), { numRuns: 300 });
  });

  test('up to n/8 single-character edits of an n-bigram subject keep it similar (bound (n−2m)/(n+2m))', () => {
    fc.assert(fc.property(subject(16, 60), fc.array(fc.tuple(fc.nat(), fc.constantFrom('sub', 'ins', 'del'), hanzi), { minLength: 1, maxLength: 8 }), (s, edits) => {
      const cs = [...s];
      const bigrams = shingles(s).size;
      // distinct bigrams, not characters, set the bound; repeated bigrams make the set smaller
      const m = Math.min(edits.length, Math.floor(bigrams / 8));
      if (m === 0) return true;
      let t = cs.slice();
      for (const [pos, op, ch] of edits.slice(0, m)) {
        const i = pos % t.length;
        if (op === 'sub') t[i] = ch;
        else if (op === 'ins') t.splice(i, 0, ch);
        else t.splice(i, 1);
      }
      const sim = requestSimilarity(s, t.join(''));
      return sim >= SIMILARITY_THRESHOLD;
    }), { numRuns: 500 });
  });

  test('independent random subjects are not similar', () => {
    let similar = 0;
    fc.assert(fc.property(subject(12, 40), subject(12, 40), (a, b) => {
      if (requestSimilarity(a, b) >= SIMILARITY_THRESHOLD) similar++;
      return true;
    }), { numRuns: 500 });
    assert.equal(similar, 0);
  });
});
