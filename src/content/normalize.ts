/**
 * Evasion-proof text normalisation for content matching.
 *
 * Senders of prohibited content dodge keyword filters by writing the same term in a form a naive
 * matcher does not recognise: traditional characters (發票), full-width letters (ＶＸ), zero-width
 * characters between the characters of a word, separators (`代 开 发 票`, `代*开*发*票`), look-alike
 * letters from other scripts (Cyrillic `а` for Latin `a`, katakana `カ` for 力), circled or Chinese
 * numerals for digits (①③⑧, 一三八), or pinyin initials (dkfp). Matching runs on the output of
 * {@link normalizeForMatch}, and lexicon terms go through the same function, so every one of those
 * forms collapses to one canonical string.
 *
 * Why one precomputed table: the content stage sits in the message path (target ≥ 100,000 msgs/s on
 * one core). Calling opencc-js and `String.prototype.normalize` per message is far too slow, so every
 * per-code-unit decision (NFKC, case, traditional → simplified, homoglyph, numeral, separator, drop) is
 * composed once into a 64 Ki-entry table and a message is normalised in one pass of table look-ups.
 * Context-dependent traditional → simplified conversions (phrase-level OpenCC rules) are not needed
 * for matching: the single-character mapping is what makes `發票` equal `发票`.
 *
 * Pinyin is not produced here: it is the lexicon that adds the pinyin spellings of its terms as extra
 * patterns (see lexicon.ts), because turning every message into pinyin would flag ordinary text.
 */
import * as OpenCC from 'opencc-js';

/** Table sentinel: drop the code unit entirely (zero-width, combining mark, format character). */
const DROP = 0xffff;
/** Table sentinel: the code unit is a separator; it is removed but leaves a word break. */
const BREAK = 0xfffe;
/** Table sentinel: the code unit expands to more than one output code unit (see EXPANSIONS). */
const EXPAND = 0xfffd;
/** Table sentinel: a separator that ends a clause (，): a break of {@link CLAUSE_END} strength. */
const CLAUSE = 0xfffc;
/** Table sentinel: a separator that ends a sentence (。！？；, a line break): {@link SENTENCE_END} strength. */
const SENTENCE = 0xfffb;

/** `MatchForm.breaks` value where a clause ended (，): a warning's scope stops there (lexicon.ts). */
export const CLAUSE_END = 2;
/** `MatchForm.breaks` value where a sentence ended (。！？；, a line break). */
export const SENTENCE_END = 3;
/**
 * Punctuation that ends a clause or a sentence, as written (full- and half-width). Only these: 、, quotes,
 * brackets, colons, spaces and emoji separate the items of one list (`警惕“刷单返利”、《网贷》：…`) or the
 * characters of one word (`警 惕`), so they stay plain breaks.
 */
const CLAUSE_MARKS = '，,﹐';
const SENTENCE_MARKS = '。｡．！!？?；;﹒﹔﹖﹗\n\r\u2028\u2029';

/**
 * Look-alike characters folded onto the character they imitate. Cyrillic and Greek letters that are
 * drawn like Latin ones, katakana drawn like hanzi, and Japanese shinjitai that OpenCC's Chinese
 * dictionaries do not cover. Applied after NFKC and lower-casing.
 */
const HOMOGLYPHS: Readonly<Record<string, string>> = {
  // Cyrillic
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y',
  х: 'x', ѕ: 's', і: 'i', ї: 'i', ј: 'j', ԁ: 'd', ӏ: 'l', ԛ: 'q', ԝ: 'w', ь: 'b', п: 'n', г: 'r',
  // Greek
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x',
  ω: 'w', ς: 'c', μ: 'u',
  // Latin look-alikes
  ı: 'i', ȷ: 'j', ɡ: 'g', ɑ: 'a', ʀ: 'r',
  // katakana and kana-like strokes drawn as hanzi
  カ: '力', ロ: '口', エ: '工', ニ: '二', ト: '卜', タ: '夕', ハ: '八', ー: '一', 〡: '一',
  // Japanese shinjitai not in OpenCC's Chinese dictionaries
  発: '发', 売: '卖', 銭: '钱', 険: '险', 薬: '药', 仏: '佛', 気: '气', 黒: '黑', 図: '图', 浜: '滨',
  沢: '泽', 験: '验', 証: '证', 楽: '乐', 単: '单', 伝: '传', 転: '转', 軽: '轻', 駅: '驿',
};

/**
 * Chinese numerals folded to ASCII digits, so that `一三八` in a phone number and `六合彩` written as
 * `6合彩` normalise alike. Only the digit-valued characters: 十/百/千 are positional and kept.
 */
const NUMERALS: Readonly<Record<string, string>> = {
  零: '0', 〇: '0', 一: '1', 二: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9',
  壹: '1', 贰: '2', 叁: '3', 肆: '4', 伍: '5', 陆: '6', 柒: '7', 捌: '8', 玖: '9', 幺: '1',
};

/** Is this (already folded) character kept in the match form: ASCII alnum, CJK ideograph, a letter. */
function isKept(ch: string): boolean {
  return /^[a-z0-9]$/.test(ch) || /^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]$/.test(ch) || /^\p{L}$/u.test(ch);
}

function isDropped(ch: string): boolean {
  // Format characters (zero-width space/joiner, BOM, bidi marks), combining marks, variation selectors.
  return /^[\p{Cf}\p{M}]$/u.test(ch) || ch === '\u00ad' || ch === '\u180e' || ch === '\u3164' || ch === '\u115f' || ch === '\u1160';
}

interface Tables {
  match: Uint16Array;
  expansions: Map<number, Uint16Array>;
  classify: Uint16Array;
  t2s: Map<string, string>;
}

let tables: Tables | undefined;

/** Single-character traditional → simplified map, extracted once from opencc-js (hk and tw variants). */
function buildT2s(): Map<string, string> {
  const chars: string[] = [];
  for (let c = 0x3400; c <= 0x9fff; c++) chars.push(String.fromCharCode(c));
  for (let c = 0xf900; c <= 0xfaff; c++) chars.push(String.fromCharCode(c));
  const joined = chars.join('\n');
  const map = new Map<string, string>();
  for (const from of ['hk', 'tw', 't'] as const) {
    const out = OpenCC.Converter({ from, to: 'cn' })(joined).split('\n');
    if (out.length !== chars.length) continue; // a converter that merged lines is not a per-char map
    for (let i = 0; i < chars.length; i++) {
      const o = out[i];
      if (o !== chars[i] && o.length === 1 && !map.has(chars[i])) map.set(chars[i], o);
    }
  }
  return map;
}

/** Fold one character (after NFKC) through case, t2s, homoglyph, diacritic and numeral steps. */
function foldChar(ch: string, t2s: Map<string, string>, numerals: boolean): string {
  let c = ch.toLowerCase();
  if (c.length !== 1) c = ch;
  c = t2s.get(c) ?? c;
  c = HOMOGLYPHS[c] ?? c;
  if (/^\p{L}$/u.test(c) && c.charCodeAt(0) < 0x250 && c.charCodeAt(0) > 0x7f) {
    // é → e: strip diacritics from Latin letters so accents cannot split a term
    const base = c.normalize('NFD').replace(/\p{M}/gu, '');
    if (base.length === 1) c = base;
  }
  if (numerals) c = NUMERALS[c] ?? c;
  return c;
}

function buildTables(): Tables {
  const t2s = buildT2s();
  const match = new Uint16Array(65536);
  const classify = new Uint16Array(65536);
  const expansions = new Map<number, Uint16Array>();
  for (let code = 0; code < 65536; code++) {
    const ch = String.fromCharCode(code);
    // Lone surrogates (emoji, rare ideographs) act as separators in the match form.
    if (code >= 0xd800 && code <= 0xdfff) {
      match[code] = BREAK;
      classify[code] = code;
      continue;
    }
    if (isDropped(ch)) {
      match[code] = DROP;
      classify[code] = DROP;
      continue;
    }
    const nfkc = ch.normalize('NFKC');
    // Match form: every NFKC output char folded; separators leave a break, the rest is kept.
    const kept: number[] = [];
    let sawBreak = false;
    for (const part of nfkc) {
      if (isDropped(part)) continue;
      const f = foldChar(part, t2s, true);
      if (f.length === 1 && isKept(f)) kept.push(f.charCodeAt(0));
      else sawBreak = true;
    }
    if (kept.length === 0) match[code] = sawBreak ? BREAK : DROP;
    else if (kept.length === 1 && !sawBreak) match[code] = kept[0];
    else {
      match[code] = EXPAND;
      expansions.set(code, Uint16Array.from(kept));
    }
    // Classifier form: the same folding without numerals and without removing punctuation, because
    // 【】, ！ and 回T退订 are evidence for the classifier. Digits fold to '0' so numbers generalise.
    const one = nfkc.length === 1 ? foldChar(nfkc, t2s, false) : ch;
    let cc = one.length === 1 ? one.charCodeAt(0) : code;
    if (cc >= 0x30 && cc <= 0x39) cc = 0x30;
    if (cc === 0x3000) cc = 0x20;
    classify[code] = cc;
  }
  for (const ch of CLAUSE_MARKS) if (match[ch.charCodeAt(0)] === BREAK) match[ch.charCodeAt(0)] = CLAUSE;
  for (const ch of SENTENCE_MARKS) if (match[ch.charCodeAt(0)] === BREAK) match[ch.charCodeAt(0)] = SENTENCE;
  return { match, expansions, classify, t2s };
}

function getTables(): Tables {
  if (!tables) tables = buildTables();
  return tables;
}

/** Build the tables now rather than on the first message (≈ 100 ms, once per process). */
export function warmUpNormalizer(): void {
  getTables();
}

/**
 * Canonical match form of a text.
 * `codes[0..length)` are UTF-16 code units of the normalised text; `breaks[i]` non-zero means a separator
 * (space, punctuation, emoji…) stood between output positions i-1 and i, which the matcher uses to
 * give Latin-letter patterns (pinyin spellings) word boundaries. Its value says how strong the strongest
 * separator there was: 1 any (and at `length`), {@link CLAUSE_END} a comma, {@link SENTENCE_END} a sentence
 * end, which bound how far a warning (警惕…) covers the lexicon's terms after it.
 */
export interface MatchForm {
  codes: Uint16Array;
  length: number;
  breaks: Uint8Array;
}

/** Normalise `input` into its match form in one pass (see the module doc for every step). */
export function normalizeForMatch(input: string): MatchForm {
  const { match, expansions } = getTables();
  const n = input.length;
  let codes = new Uint16Array(n + 8);
  let breaks = new Uint8Array(n + 9);
  let len = 0;
  let pendingBreak = 0;
  for (let i = 0; i < n; i++) {
    const m = match[input.charCodeAt(i)];
    if (m < SENTENCE) {
      if (pendingBreak) {
        breaks[len] = pendingBreak;
        pendingBreak = 0;
      }
      codes[len++] = m;
    } else if (m === BREAK) {
      if (pendingBreak === 0) pendingBreak = 1;
    } else if (m === SENTENCE) {
      pendingBreak = SENTENCE_END;
    } else if (m === CLAUSE) {
      if (pendingBreak < CLAUSE_END) pendingBreak = CLAUSE_END;
    } else if (m === EXPAND) {
      const ex = expansions.get(input.charCodeAt(i))!;
      if (len + ex.length >= codes.length) {
        const bigger = new Uint16Array(codes.length * 2 + ex.length);
        bigger.set(codes);
        codes = bigger;
        const bb = new Uint8Array(bigger.length + 1);
        bb.set(breaks);
        breaks = bb;
      }
      if (pendingBreak) {
        breaks[len] = pendingBreak;
        pendingBreak = 0;
      }
      for (let k = 0; k < ex.length; k++) codes[len++] = ex[k];
      // an expansion like ㈠ → (一) carried punctuation: it ends with a break
      if (pendingBreak === 0) pendingBreak = 1;
    }
    // DROP: nothing, not even a break: zero-width characters inside a word must not split it
  }
  breaks[len] = 1;
  return { codes, length: len, breaks };
}

/** The match form as a plain string (tests, lexicon compilation, debugging). */
export function normalizeText(input: string): string {
  const f = normalizeForMatch(input);
  let s = '';
  for (let i = 0; i < f.length; i += 4096) {
    s += String.fromCharCode(...f.codes.subarray(i, Math.min(f.length, i + 4096)));
  }
  return s;
}

/**
 * Per-code-unit fold used by the classifier: NFKC, lower case, traditional → simplified, homoglyphs,
 * digits → '0', ideographic space → space; punctuation is kept. Returns the table so the classifier can
 * hash n-grams without building strings. Entries equal to 0xffff mean "drop".
 */
export function classifierFoldTable(): Uint16Array {
  return getTables().classify;
}

/** The classifier fold as a string (explanations and tests). */
export function foldForClassifier(input: string): string {
  const t = getTables().classify;
  let s = '';
  for (let i = 0; i < input.length; i++) {
    const c = t[input.charCodeAt(i)];
    if (c !== DROP) s += String.fromCharCode(c);
  }
  return s;
}

/** Traditional → simplified for whole strings, character by character (used for template bodies). */
export function toSimplified(input: string): string {
  const { t2s } = getTables();
  let s = '';
  for (const ch of input) s += t2s.get(ch) ?? ch;
  return s;
}
