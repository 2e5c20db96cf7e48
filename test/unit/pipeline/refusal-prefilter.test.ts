import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { statesRefusal as stated, statesRefusalUnfiltered as statedUnfiltered } from '../../../src/pipeline/stages/commercial.js';
import { CN_2015 } from '../../../src/profiles/cn-2015.js';

const K = CN_2015.params.optOutKeywords.value;
const statesRefusal = (text: string) => stated(text, K);
const statesRefusalUnfiltered = (text: string) => statedUnfiltered(text, K);

// Pieces of refusal wordings and their look-alikes (full width, case, the long s that folds to s),
// so that random texts often come close to matching, and sometimes do.
const PIECES = ['回', '回复', '复', 'T', 'TD', 'R', 'N', '0', 'Ｔ', 'Ｄ', 'Ｒ', '退订', '退定', '拒收', '取消订阅', '退出订阅', '请', '直接', '即可', '短信', '发送',
  'reply', 'REPLY', 'Reply', 'ｒｅｐｌｙ', 'text', 'send', 'sms', 'ſms', 'ſend', 'STOP', 'UNSUBSCRIBE', 'to', 'opt-out', 'stop', 'refuse', ' ', '，', '：', '“', '”', '"', '会员日', '全场八折', '订', '收'];

test('property: the prefilter never changes the reading (a text the whole expression matches always passes it)', () => {
  fc.assert(fc.property(fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 3 })), { maxLength: 12 }), (parts) => {
    const text = `【示例】${parts.join('')}`;
    assert.equal(statesRefusal(text), statesRefusalUnfiltered(text), JSON.stringify(text));
  }), { numRuns: 20_000 });
});

test('the wordings of the stage tests read the same either way', () => {
  for (const text of ['回T退订', '拒收请回复R', '回复ＴＤ退订', 'Reply STOP to unsubscribe', 'reply TD to opt out', 'ſms stop', '货到付款订单拒收需承担运费', '详情回复N了解', '新品上架，回复1查询', '会员日全场满300减50']) {
    assert.equal(statesRefusal(text), statesRefusalUnfiltered(text), text);
  }
  assert.equal(statesRefusal('Reply STOP to unsubscribe'), true);
  assert.equal(statesRefusal('会员日全场满300减50'), false);
});
