import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { isWarningPart, namesFraud } from '../../../src/domain/fraud-warning.js';

describe('fraud warnings', () => {
  test('a part with a warning word in a text that names fraud is a warning', () => {
    const text = '警惕刷单返利、加好友领福利、陌生链接领红包，这些都是诈骗！';
    assert.equal(isWarningPart('警惕刷单返利、加好友领福利、陌生链接领红包', text), true);
    assert.equal(isWarningPart('謹防加群領福利', '這些都是詐騙'), true);
    assert.equal(isWarningPart('不要相信免费领流量的短信', '冒充运营商'), true);
  });

  test('a warning word alone, or a fraud word alone, is not enough', () => {
    assert.equal(isWarningPart('谨防错过全场5折', '您的快递已到，谨防错过全场5折，请及时取件'), false);
    assert.equal(isWarningPart('加群领福利', '谨防诈骗，加群领福利'), false);
    assert.equal(namesFraud('您的快递已到，全场五折'), false);
    assert.equal(namesFraud('近期有不法分子冒充客服'), true);
  });

  test('separators between the characters of a word do not hide it', () => {
    assert.equal(isWarningPart('警 惕 加 好 友 领 福 利', '这 些 都 是 诈 骗'), true);
    assert.equal(isWarningPart('谨*防加群领福利', '诈\u200b骗'), true);
    assert.equal(isWarningPart('当\u0336心加群领福利', '骗😀局'), true);
  });
});
