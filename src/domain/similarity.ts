/**
 * When is a consent request "the same or a similar request" (cn-2015, 2014 draft: after a refusal or
 * no reply the same or a similar request must not be sent again)?
 *
 * Definition used by smsguard: two request texts are similar when the Jaccard index of their
 * character bigram sets ("shingles") is at least {@link SIMILARITY_THRESHOLD} (0.6), computed on the
 * texts' *subjects*: what is left after normalisation removes everything a sender can vary without
 * asking anything new:
 *
 * 1. Unicode NFKC (full-width → half-width), traditional → simplified characters, lower case;
 * 2. the signature `【…】`;
 * 3. the clauses every request must carry and that a sender would tweak to slip past a repeat check:
 *    the frequency (`每月不超过4条`), the duration (`有效期180天`, `30天内有效`), how to answer
 *    (`同意请回复Y`, `拒收请回复R`, `回T退订`);
 * 4. boilerplate common to every consent request (`邀请您订阅`, `商业短信`, `您好`…), which would
 *    otherwise make any two requests look alike;
 * 5. numbers: every run of Arabic or Chinese numerals becomes one `#` (`双十二` = `双12`,
 *    `满300减50` = `满三百减五十`);
 * 6. everything that is not a letter, a digit or `#` (punctuation, spaces, emoji).
 *
 * If the subject is shorter than two characters the text without steps 3–4 is compared instead.
 *
 * Why bigrams: Chinese words are mostly two characters, so bigrams behave like words without a
 * segmenter, and a one-character edit changes at most two shingles on each side. With n shingles and
 * m single-character edits the index stays ≥ (n − 2m)/(n + 2m), so a text keeps counting as similar
 * under up to n/8 edits (e.g. 2 edits in a 16-character subject); the property tests check exactly
 * this bound. Pure and deterministic; no clock, no I/O.
 */
import * as OpenCC from 'opencc-js/t2cn';

export const SIMILARITY_THRESHOLD = 0.6;

const toSimplified = (() => {
  const tw = OpenCC.Converter({ from: 'tw', to: 'cn' });
  const hk = OpenCC.Converter({ from: 'hk', to: 'cn' });
  return (s: string) => hk(tw(s));
})();

const SIGNATURE = /【[^【】]{0,32}】/gu;
const NUM = '0-9零〇一二两三四五六七八九十百千万亿';
const CLAUSES: readonly RegExp[] = [
  // frequency: 每月不超过4条, 每周最多两条, 每天1条, 每月至多4次
  new RegExp(`每(?:个)?(?:天|日|周|星期|礼拜|月|年)[^，。,.;；！!？?]{0,8}?[${NUM}]+\\s*(?:条|次|则)`, 'gu'),
  // duration: 有效期180天, 有效期至…, 180天内有效, 期限6个月
  new RegExp(`(?:有效期|期限|有效时间)[^，。,.;；！!？?]{0,16}`, 'gu'),
  new RegExp(`[${NUM}]+\\s*(?:天|日|个月|月|年)(?:内)?有效`, 'gu'),
  // how to answer / refuse: 同意请回复Y, 不同意请回复N或否, 拒收请回复R, 回T退订, 退订回TD
  /(?:如|若)?(?:同意|不同意|拒绝|确认|接受|订阅|退订|拒收)?(?:请)?回复[^，。,.;；！!？?]{0,12}/gu,
  /回[a-z]{1,2}退订/gu,
  /退订回?[a-z]{1,2}/gu,
];
/** Words every consent request shares; removed so that only what is being asked for is compared. */
const BOILERPLATE = [
  '尊敬的用户', '尊敬的客户', '尊敬的会员', '尊敬的', '亲爱的用户', '您好', '你好',
  '邀请您订阅', '邀请您接收', '邀请您', '是否同意接收', '是否同意', '是否愿意接收', '是否愿意',
  '商业性短信息', '商业性短信', '商业短信', '营销短信', '推广短信', '短信息', '短信', '信息', '消息',
  '订阅', '接收', '我们将', '我们', '向您发送', '给您发送', '发送', '类',
];

function baseFold(text: string): string {
  return toSimplified(text.normalize('NFKC')).toLowerCase().replace(SIGNATURE, ' ');
}

function finish(s: string): string {
  return s.replace(new RegExp(`[${NUM}]+`, 'gu'), '#').replace(/[^\p{L}\p{N}#]+/gu, '');
}

/**
 * The subject of a request text as compared for similarity (steps 1–6 above). Exposed for tests,
 * docs and the repeat-check record (what was compared is kept with the rejection).
 */
export function similarityKey(text: string): string {
  const base = baseFold(text);
  let s = base;
  for (const re of CLAUSES) s = s.replace(re, ' ');
  for (const w of BOILERPLATE) s = s.split(w).join(' ');
  const key = finish(s);
  if ([...key].length >= 2) return key;
  return finish(base);
}

/** The set of overlapping `k`-character shingles of `s` (code points, not UTF-16 units). */
export function shingles(s: string, k = 2): Set<string> {
  const cs = [...s];
  const out = new Set<string>();
  if (cs.length === 0) return out;
  if (cs.length < k) {
    out.add(cs.join(''));
    return out;
  }
  for (let i = 0; i + k <= cs.length; i++) out.add(cs.slice(i, i + k).join(''));
  return out;
}

/** |A ∩ B| / |A ∪ B|; 0 when either set is empty (an empty text resembles nothing). */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let inter = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const x of small) if (large.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

/** Similarity of two request texts in [0, 1]: bigram Jaccard of their {@link similarityKey}s. */
export function requestSimilarity(a: string, b: string): number {
  return jaccard(shingles(similarityKey(a)), shingles(similarityKey(b)));
}

/** True when `a` and `b` are the same or a similar request (index ≥ threshold). */
export function isSimilarRequest(a: string, b: string, threshold = SIMILARITY_THRESHOLD): boolean {
  return requestSimilarity(a, b) >= threshold;
}
