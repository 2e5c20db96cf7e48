/** Re-subscribe keywords: folded as the opt-out keywords, whole reply only, and a refusal always wins. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_REFUSAL_PHRASES, isResubscribeKeyword } from '../../../src/domain/consent-reply.js';
import { moKeyword } from '../../../src/app/opt-out-keywords.js';
import { CN_2015 } from '../../../src/profiles/cn-2015.js';
import { CN_2026 } from '../../../src/profiles/cn-2026.js';
import { ORDINARY, REFUSALS, AMBIGUOUS_REFUSED } from './consent-reply.test.js';

const OUT = CN_2015.params.optOutKeywords.value;
const RE = CN_2015.params.resubscribeKeywords.value;
const PH = DEFAULT_REFUSAL_PHRASES;

test('both profiles ship the keywords on: 订阅, 重新订阅, SUBSCRIBE, START', () => {
  assert.deepEqual([...RE], ['订阅', '重新订阅', 'SUBSCRIBE', 'START']);
  assert.deepEqual([...CN_2026.params.resubscribeKeywords.value], [...RE]);
});

test('folded as the opt-out keywords: NFKC, case, spaces, surrounding punctuation', () => {
  for (const t of ['订阅', ' 订阅 ', '订 阅', '订阅。', '“订阅”', '订阅!', '重新订阅', 'subscribe', 'Subscribe', 'ＳＵＢＳＣＲＩＢＥ', 'start', 'Start!', ' START ', 'ｓｔａｒｔ。']) {
    assert.equal(isResubscribeKeyword(t, RE), true, t);
    assert.deepEqual(moKeyword(t, OUT, PH, RE), { kind: 'resubscribe' }, t);
  }
});

test('whole reply only: a reply with more text is not one', () => {
  for (const t of ['订阅号', '订阅号在哪', '我要订阅', '不订阅', '不要订阅', '订阅吗', '怎么订阅', 'subscribed', 'start now', 'restart', 'START STOP', '订阅 谢谢', '', '   ', '。']) {
    assert.equal(isResubscribeKeyword(t, RE), false, t);
  }
  // none of the ordinary replies (the false-positive corpus of refusals) is one either
  for (const t of ORDINARY) assert.equal(isResubscribeKeyword(t, RE), false, t);
});

test('no keyword lifts when the list is empty (the feature off)', () => {
  for (const t of ['订阅', 'START']) {
    assert.equal(isResubscribeKeyword(t, []), false);
    assert.equal(moKeyword(t, OUT, PH, []), null);
  }
});

test('a refusal always wins: keywords, phrases, and an operator list that overlaps them', () => {
  for (const t of [...OUT, ...REFUSALS, ...AMBIGUOUS_REFUSED, '取消订阅', 'unsubscribe', '不要订阅了别再发了']) {
    assert.equal(moKeyword(t, OUT, PH, RE)?.kind, 'refusal', t);
  }
  // An operator who lists the opt-out keywords (R, T…) or a refusal phrase as re-subscribe keywords
  // gets refusals all the same: the reply that is both opts out.
  const overlapping = [...RE, 'R', 't', 'TD', '退订', 'STOP', '取消订阅'];
  for (const t of ['R', 'T', 'ｔ', 'td', '退订', 'stop', '取消订阅']) {
    assert.equal(isResubscribeKeyword(t, overlapping), true, t);
    assert.equal(moKeyword(t, OUT, PH, overlapping)?.kind, 'refusal', t);
  }
  // The shipped lists do not overlap at all.
  for (const k of RE) assert.equal(moKeyword(k, OUT, PH, RE)?.kind, 'resubscribe', k);
});
