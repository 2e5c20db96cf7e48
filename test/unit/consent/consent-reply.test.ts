/** Reply meanings: consent answers, whole-reply keywords, natural-language refusals, false positives. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { classifyConsentReply, DEFAULT_REFUSAL_PHRASES, findRefusalPhrase, foldAnswer, isOptOutKeyword, isRefusal } from '../../../src/domain/consent-reply.js';
import { CN_2015 } from '../../../src/profiles/cn-2015.js';
import { CN_2026 } from '../../../src/profiles/cn-2026.js';

const KW = CN_2015.params.optOutKeywords.value;
const PH = DEFAULT_REFUSAL_PHRASES;

/** Ordinary replies users send that are not refusals (the false-positive corpus). */
export const ORDINARY = [
  '好的', '好', '收到', '收到，谢谢', '谢谢', '嗯', '嗯嗯', 'OK', 'ok的', '在吗', '明天到', '我在开会', '已付款', '多少钱', '地址在哪',
  '什么时候发货', '可以', '行', '知道了', '好的呢', '？', '1', '666', 'Rabbit', 'TD银行', 'TD Bank', 'R2D2', 'Tom', 'Nice', 'No problem!',
  'Thanks', 'STOPPED by the store', 'nonstop', 'bus stops here', '不要紧', '我不要这个颜色', '发了吗', '再发一次验证码', '请再发一遍',
  '取消订单', '订阅号在哪', '不退订', '我不想退订', '不要取消订阅', "don't stop", 'please do not stop', '订单取消了吗', '刚才发的什么',
  '退款', '谢谢提醒', 'N95口罩有货吗', 'NO.1', 'Tmall', '淘宝', 'T恤有货吗', 'R码', '拒绝了我的退款', '别担心',
  '回来了', '回复你了', '回头再说', '回电话给我', '回复', '回', '回TD银行',
];
/** Refusals in natural language that must count. */
export const REFUSALS = [
  '别再发了', '别再发了！', '你们别再发了好吗', '不要再发', '不要再发了', '请不要再发短信给我', '别发了', '不要发了', '取消订阅', '我要取消订阅',
  '退订', '我要退订', '怎么退订', '拒收', '拒绝接收', 'STOP', 'stop', 'Stop!', 'please stop', 'STOP sending', 'unsubscribe', 'Unsubscribe me',
  'opt out', 'opt-out', '別再發了', '取消訂閱', 'ＳＴＯＰ', '勿扰', '不要再给我发广告',
  '回复TD', '回T', '回复：R', '回复“TD”',
];
/** Ambiguous replies and which way they fall (docs/CONSENT.md): towards refusal. */
export const AMBIGUOUS_REFUSED = ['不要再发错了', '别再发错地址了', '退订成功了吗', 'stop by tomorrow'];

describe('consent answers', () => {
  test('yes and no words, any width, case, spacing or surrounding punctuation', () => {
    for (const t of ['是', '同意', 'Y', 'YES', 'y', 'yes', ' Ｙｅｓ ', '是。', '“同意”', 'Y!']) assert.equal(classifyConsentReply(t, KW, PH), 'grant', t);
    for (const t of ['否', '不同意', 'N', 'NO', 'n', 'no', ' ｎ ', '否！', '不 同 意']) assert.equal(classifyConsentReply(t, KW, PH), 'refuse', t);
  });
  test('N answers a pending request as a refusal, not an opt-out (it is also an opt-out keyword outside a request)', () => {
    assert.equal(classifyConsentReply('N', KW, PH), 'refuse');
    assert.ok(isOptOutKeyword('N', KW));
  });
  test('opt-out keywords and phrases refuse and opt out; anything else stays pending', () => {
    for (const t of ['R', 'T', 'TD', '退订', '拒收', 'ｔｄ', '别再发了', 'STOP']) assert.equal(classifyConsentReply(t, KW, PH), 'opt_out', t);
    for (const t of ['好的', '收到', '是的吧', '同意吗？', 'YES!!! maybe', '可以', 'Rabbit']) assert.equal(classifyConsentReply(t, KW, PH), 'other', t);
  });
  test('both profiles share the keyword list', () => {
    assert.deepEqual(CN_2026.params.optOutKeywords.value, KW);
  });
});

describe('a reply that echoes the instruction (found by the consent audit)', () => {
  // A message saying 回T退订 or 退订请回复TD is often answered 回T or 回复TD, the instruction typed back.
  // Those were forwarded to the provider as ordinary replies: a refusal that did not work.
  test('回复 / 回 then a keyword is that keyword; then anything else is not', () => {
    for (const t of ['回复TD', '回TD', '回T', '回复R', '回复：R', '回复“TD”', '回复 td', '回 Ｔ Ｄ', '回复N', '回复退订']) {
      assert.ok(isOptOutKeyword(t, KW) || isRefusal(t, KW, PH), t);
      assert.ok(isRefusal(t, KW, PH), t);
    }
    for (const t of ['回复TD银行', '回T恤', '回来', '回复', '回', '回R码', '回复是']) assert.ok(!isOptOutKeyword(t, KW), t);
  });
  test('to a pending request: 回复N and 回复否 refuse it as N does, 回复TD opts out, 回复Y stays a question for the provider', () => {
    for (const t of ['回复N', '回复否', '回复“不同意”']) assert.equal(classifyConsentReply(t, KW, PH), 'refuse', t);
    assert.equal(classifyConsentReply('回复TD', KW, PH), 'opt_out');
    assert.equal(classifyConsentReply('回复Y', KW, PH), 'other', 'consent stays explicit: only the yes word itself grants');
  });
});

describe('refusals: keywords and phrases', () => {
  test('keywords count only as the whole reply', () => {
    assert.ok(isOptOutKeyword('TD', KW));
    assert.ok(!isOptOutKeyword('TD银行', KW));
    assert.ok(!isOptOutKeyword('Rabbit', KW));
  });
  test('every natural-language refusal counts', () => {
    for (const t of REFUSALS) assert.ok(isRefusal(t, KW, PH), t);
  });
  test('false positives on ordinary replies: none', () => {
    const fp = ORDINARY.filter((t) => isRefusal(t, KW, PH));
    assert.deepEqual(fp, []);
  });
  test('ambiguous replies fall towards refusal (documented)', () => {
    for (const t of AMBIGUOUS_REFUSED) assert.ok(isRefusal(t, KW, PH), t);
  });
  test('negation directly before a phrase cancels it; a phrase that is itself negative stays', () => {
    assert.equal(findRefusalPhrase('不要取消订阅', PH), null);
    assert.equal(findRefusalPhrase("don't stop", PH), null);
    assert.equal(findRefusalPhrase('不要再发', PH), '不要再发');
  });
  test('operator phrases extend the list in any width or case', () => {
    assert.ok(!isRefusal('烦死了', KW, PH));
    assert.ok(isRefusal('烦死了', KW, [...PH, '烦死了']));
    assert.ok(isRefusal('leave me alone!', KW, [...PH, 'LEAVE ME ALONE']));
    assert.ok(!isRefusal('never leave me alone', KW, [...PH, 'LEAVE ME ALONE']));
  });
});

describe('keyword normalisation: properties', () => {
  const fullWidth = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
  const spaces = fc.array(fc.constantFrom(' ', '\u3000', '\t', '\u200b'), { maxLength: 3 }).map((a) => a.join(''));
  test('a keyword in any width, case and spacing is still that keyword', () => {
    fc.assert(fc.property(fc.constantFrom(...KW), spaces, spaces, fc.boolean(), fc.boolean(), (k, pre, post, wide, lower) => {
      let t = lower ? k.toLowerCase() : k;
      if (wide) t = fullWidth(t);
      t = pre + [...t].join(post.length ? post[0] : '') + post;
      return isOptOutKeyword(t, KW) && classifyConsentReply(t, KW, PH) !== 'other';
    }));
  });
  test('a keyword followed by any letter or hanzi is no longer a keyword', () => {
    fc.assert(fc.property(fc.constantFrom(...KW), fc.constantFrom(...'ABCXYZ银行好的abc'), (k, extra) => !isOptOutKeyword(k + extra, KW)));
  });
  test('folding is idempotent and removes every space', () => {
    fc.assert(fc.property(fc.string(), (s) => foldAnswer(foldAnswer(s)) === foldAnswer(s) && !/\s/.test(foldAnswer(s))));
  });
  test('a refusal phrase embedded in unrelated text (not after a negation) is found', () => {
    const filler = fc.array(fc.constantFrom(...'今天天气很好我们明天见吧，。'), { maxLength: 10 }).map((a) => a.join(''));
    fc.assert(fc.property(filler, fc.constantFrom('别再发了', '取消订阅', '不要再发'), filler, (a, p, b) => findRefusalPhrase(`${a}${p}${b}`, PH) !== null));
  });
  test('nothing crashes on arbitrary input', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), (s) => {
      classifyConsentReply(s, KW, PH);
      return true;
    }));
  });
});

describe('false positives on ordinary SMS language (data/content/sms-corpus.tsv)', () => {
  test('phrases fire on at most 1% of the corpus once refusal instructions are removed', async () => {
    const { readFileSync } = await import('node:fs');
    const lines = readFileSync(new URL('../../../data/content/sms-corpus.tsv', import.meta.url), 'utf8').split('\n').filter(Boolean).slice(1);
    // The corpus is MT text: drop the instructions senders add ("回T退订", "拒收请回复R", "Reply STOP to opt out").
    const INSTR = /(回复?\s*[A-Za-z]{1,2}\s*退[订訂]|退[订訂]请?回复?\s*[A-Za-z]{1,2}|拒收请?回复?\s*[A-Za-z]{1,2}|reply\s+stop[^.!]*)/gi;
    const hits = lines.map((l) => l.split('\t').at(-1)!.replace(INSTR, '')).filter((t) => isRefusal(t, KW, PH));
    assert.ok(lines.length > 500);
    assert.ok(hits.length / lines.length <= 0.01, `${hits.length}/${lines.length}: ${hits.join(' | ')}`);
  });
});
