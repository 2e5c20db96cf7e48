import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { isWarningPart, namesFraud, warnsOfCategory } from '../../../src/domain/fraud-warning.js';

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

  test('a text warns of a category as a whole when it names it as a harm, in a warning sense, with no sales hook', () => {
    assert.equal(warnsOfCategory('drugs', '珍爱生命，远离毒品。冰毒、海洛因都是毒品。'), true);
    assert.equal(warnsOfCategory('drugs', '冰毒危害大，请远离毒品'), true); // the warning after the list
    assert.equal(warnsOfCategory('gambling', '网络赌博违法，百家乐都是陷阱'), true);
    assert.equal(warnsOfCategory('drugs', '远 离 毒 品，冰毒'), true); // read through separators
    assert.equal(warnsOfCategory('drugs', '冰毒、海洛因都是毒品'), false); // named, but in no warning sense
    assert.equal(warnsOfCategory('drugs', '远离赌博。冰毒'), false); // a warning of another category
    assert.equal(warnsOfCategory('drugs', '远离毒品。冰毒，货到付款'), false);
    assert.equal(warnsOfCategory('drugs', '远离毒品。冰毒都有。加 微 信'), false); // a hook anywhere, spaced out too
    assert.equal(warnsOfCategory('fraud', '谨防诈骗，远离骗局'), false); // fraud keeps the clause rule
    assert.equal(warnsOfCategory('toString', '远离毒品'), false); // a category name is no key of Object.prototype
  });
});
