/**
 * Every article a profile states has its Chinese (`articleZh`, src/profiles/types.ts), for the Chinese
 * web pages: a rule or parameter added with an English `article` and no Chinese fails here. The
 * Chinese says what the English says, as far as a test can see it: the same article numbers, the same
 * edition (Order 74, the 2014 / 2020 drafts), practice said as practice, and every Chinese phrase the
 * English quotes kept word for word; one English article has one Chinese across rules, parameters and
 * profiles.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROFILES, type Profile } from '../../../src/profiles/index.js';

/** Every source a profile states: its rules and its parameters, named for the failure message. */
function sources(p: Profile): { where: string; article: string; articleZh?: string }[] {
  return [
    ...Object.entries(p.rules).map(([id, s]) => ({ where: `${p.id} rule ${id}`, article: s.article, articleZh: s.articleZh })),
    ...Object.entries(p.params).map(([name, s]) => ({ where: `${p.id} param ${name}`, article: s.article, articleZh: s.articleZh })),
  ];
}
const ALL = Object.values(PROFILES).flatMap(sources);

const DIGITS = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
/** An article number as the Chinese text writes it: 3 → 三, 18 → 十八, 20 → 二十, 31 → 三十一. */
function zhNumber(n: number): string {
  if (n < 10) return DIGITS[n];
  const tens = Math.floor(n / 10);
  return `${tens === 1 ? '' : DIGITS[tens]}十${DIGITS[n % 10]}`;
}

test('every rule and parameter with an article, in every profile, has its Chinese', () => {
  const missing = ALL.filter((s) => s.article && !(typeof s.articleZh === 'string' && /\p{Script=Han}/u.test(s.articleZh)));
  assert.deepEqual(missing.map((s) => s.where), [], 'each needs an articleZh in Chinese');
  assert.ok(ALL.length > 60, `found ${ALL.length} sources`);
});

test('one English article has one Chinese, across rules, parameters and profiles', () => {
  const seen = new Map<string, { zh?: string; where: string }>();
  for (const s of ALL) {
    const first = seen.get(s.article);
    if (!first) seen.set(s.article, { zh: s.articleZh, where: s.where });
    else assert.equal(s.articleZh, first.zh, `${s.where} and ${first.where} state ${JSON.stringify(s.article)}`);
  }
});

test('the Chinese cites the same articles and edition as the English, and claims no article the English does not', () => {
  for (const { where, article, articleZh = '' } of ALL) {
    const arts = [...article.matchAll(/\bArt\. (\d+)/g)].map((m) => Number(m[1]));
    for (const n of arts) assert.ok(articleZh.includes(`第${zhNumber(n)}条`), `${where}: Art. ${n} → 第${zhNumber(n)}条 in ${articleZh}`);
    const cited = [...articleZh.matchAll(/第([一二三四五六七八九十]+)条/g)].map((m) => m[1]);
    assert.deepEqual([...new Set(cited)].sort(), [...new Set(arts.map(zhNumber))].sort(), `${where}: ${articleZh}`);
    assert.equal(/Order 74/.test(article), articleZh.includes('工信部令第74号'), `${where}: Order 74`);
    for (const year of ['2014', '2020']) assert.equal(article.includes(`${year} draft`), articleZh.includes(`${year}年征求意见稿`), `${where}: ${year} draft`);
    if (/^practice\b/.test(article)) assert.match(articleZh, /^行业惯例/, `${where}: practice, not law`);
    if (/not regulation/.test(article)) assert.match(articleZh, /并非法规规定/, `${where}: not regulation`);
    if (/secondary source|one source/.test(article)) assert.match(articleZh, /二手资料|仅一处来源/, `${where}: the source's weakness is said`);
    // A phrase the English quotes in Chinese is the regulation's own wording: kept as it is.
    for (const m of article.matchAll(/“([^”]+)”/g)) assert.ok(articleZh.includes(`“${m[1]}”`), `${where}: keeps “${m[1]}”`);
  }
});

test('the Chinese numbers match: 第十八条, 第二十条, 第三十一条', () => {
  assert.deepEqual([3, 7, 18, 20, 26, 31].map(zhNumber), ['三', '七', '十八', '二十', '二十六', '三十一']);
  assert.equal(PROFILES['cn-2015'].rules['commercial.consent'].articleZh, '第十八条（用户同意或请求）');
  assert.equal(PROFILES['cn-2015'].params.verificationLimits.articleZh, '行业惯例（阿里云：每分钟1条、每小时5条、每天10条）');
});
