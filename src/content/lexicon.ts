/**
 * The prohibited-content lexicon: categories of terms with a severity, kept as operator data
 * (data/content/lexicon.json plus any extension files of the same shape) and compiled into one
 * Aho–Corasick automaton.
 *
 * Compilation adds, for every all-hanzi term, its pinyin spellings (full pinyin for terms of 3+
 * characters, initials for 4+) so `dkfp` and `daikaifapiao` are caught as 代开发票. Shorter pinyin is
 * not indexed because it collides with ordinary words (`bingdu` is 冰毒 and 病毒). Latin patterns only
 * match on word boundaries, where a removed separator counts as a boundary.
 *
 * Four kinds of context keep legitimate anti-fraud, anti-drug and anti-gambling notices from being flagged:
 * - `exceptions`: longer phrases that, when they cover a hit, cancel it (所谓安全账户);
 * - `negators`: words (警惕, 远离…) that cancel a hit starting within a few characters after them in
 *   the same clause, and hits chained right after a cancelled one (远离冰毒、海洛因);
 * - warning clauses: in a text that names fraud, a hit after a warning word in its clause (up to the
 *   next ，。！？；) is a lure being warned of, however long the list (src/domain/fraud-warning.ts, the
 *   notion both advertising detectors use): `警惕刷单返佣、网络贷款、冒充客服退款等诈骗，…` lists its
 *   third item beyond a negator's reach, and banks, carriers and police send such notices daily;
 * - warning texts: a text that names drugs or gambling as a harm in a warning sense and holds no sales
 *   hook anywhere warns of all that category's terms in it, over sentences and before the warning
 *   (`珍爱生命，远离毒品。冰毒、海洛因都是毒品`, `冰毒、海洛因危害大，请远离毒品`): fraud-warning.ts
 *   `warnsOfCategory`, where the words and why they are chosen live.
 * Negation and warnings are only honoured when the caller allows it, which the content stage does for
 * public-welfare and notification messages only, so an advertiser cannot write 拒绝… in front of an
 * offer to get it through. Negators and warning clauses do not reach over a clause end, so a warning
 * word elsewhere does not launder the offer after it (`警惕错过！兼职刷单日结`, `谨防诈骗。兼职刷单…，加微信`),
 * nor over a term split by a clause end (`…、兼。职刷单`); none of the four cancels such a split term.
 *
 * A finding names the category and severity and counts hits; it never carries the matched term, so
 * nothing prohibited is echoed into logs, records or error messages.
 */
import { pinyin } from 'pinyin-pro';
import { AhoCorasick } from './aho-corasick.js';
import { isWarningPart, warnsOfCategory } from '../domain/fraud-warning.js';
import { CLAUSE_END, normalizeForMatch, normalizeText, type MatchForm } from './normalize.js';

/** What a hit in a category does: reject the message, hold it for an operator, or only count it. */
export type Severity = 'block' | 'review' | 'flag';
const SEVERITY_RANK: Record<Severity, number> = { block: 3, review: 2, flag: 1 };

/** One category of the lexicon data. */
export interface LexiconCategory {
  /** Human label (Chinese), shown to operators. */
  label?: string;
  severity?: Severity;
  /** Whether negators (警惕, 远离…) may cancel hits of this category. Default true. */
  negatable?: boolean;
  /** Index pinyin spellings of the terms. Default true. */
  pinyin?: boolean;
  terms: string[];
  exceptions?: string[];
}

/** The lexicon file shape (data/content/lexicon.json); extension files use the same shape. */
export interface LexiconData {
  version?: number;
  description?: string;
  negators?: string[];
  categories: Record<string, LexiconCategory>;
}

/** One category found in a message. Deliberately without the matched term. */
export interface ContentFinding {
  category: string;
  label: string;
  severity: Severity;
  /** Number of (non-cancelled) hits of this category. */
  hits: number;
}

export interface ScanOptions {
  /** Honour negators (only for message types that legitimately warn about such content). */
  allowNegation?: boolean;
}

/** A compiled lexicon: one automaton over terms, their pinyin, exceptions and negators. */
export interface CompiledLexicon {
  /** Categories found in `text`, most severe first; an empty (shared, frozen) array when clean. */
  scan(text: string, opts?: ScanOptions): readonly ContentFinding[];
  /** Same on an already normalised match form (lets a caller normalise once for several matchers). */
  scanForm(form: MatchForm, opts?: ScanOptions): readonly ContentFinding[];
  readonly termCount: number;
  readonly patternCount: number;
  readonly categories: readonly string[];
}

/** Merge an operator's extension files into the base lexicon: categories merge, lists append. */
export function mergeLexicons(base: LexiconData, ...extensions: LexiconData[]): LexiconData {
  const out: LexiconData = { version: base.version, negators: [...(base.negators ?? [])], categories: {} };
  for (const [k, c] of Object.entries(base.categories)) out.categories[k] = { ...c, terms: [...c.terms], exceptions: [...(c.exceptions ?? [])] };
  for (const ext of extensions) {
    out.negators!.push(...(ext.negators ?? []));
    for (const [k, c] of Object.entries(ext.categories)) {
      const cur = out.categories[k];
      if (!cur) {
        out.categories[k] = { ...c, terms: [...c.terms], exceptions: [...(c.exceptions ?? [])] };
        continue;
      }
      out.categories[k] = {
        ...cur,
        ...(c.label !== undefined && { label: c.label }),
        ...(c.severity !== undefined && { severity: c.severity }),
        ...(c.negatable !== undefined && { negatable: c.negatable }),
        ...(c.pinyin !== undefined && { pinyin: c.pinyin }),
        terms: [...cur.terms, ...c.terms],
        exceptions: [...(cur.exceptions ?? []), ...(c.exceptions ?? [])],
      };
    }
  }
  return out;
}

/** Fields of a lexicon file and of a category: any other is a misspelling whose words would be dropped. */
const LEXICON_FIELDS = new Set(['version', 'description', 'negators', 'categories']);
const CATEGORY_FIELDS = new Set(['label', 'severity', 'negatable', 'pinyin', 'terms', 'exceptions']);

/**
 * Problems in lexicon data, all at once (empty when valid). An operator's file is read as JSON, so
 * every field is checked for its type: a string where a list belongs was spread into one-character
 * words, and an unknown (misspelt) field was dropped with its words, both without a word.
 */
export function validateLexicon(data: LexiconData): string[] {
  const errors: string[] = [];
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(data) || !isObject(data.categories)) return ['categories: required object (category name → category)'];
  for (const k of Object.keys(data)) if (!LEXICON_FIELDS.has(k)) errors.push(`${k}: unknown field (fields: ${[...LEXICON_FIELDS].join(', ')})`);
  const words = (list: unknown, at: string, what: string): void => {
    if (list === undefined) return;
    if (!Array.isArray(list)) return void errors.push(`${at}: an array of ${what}`);
    list.forEach((t, i) => {
      if (typeof t !== 'string') errors.push(`${at}[${i}]: a string`);
      else if (normalizeText(t).length < 2) errors.push(`${at}[${i}]: must normalise to at least 2 characters`);
    });
  };
  words(data.negators, 'negators', 'words');
  for (const [k, c] of Object.entries(data.categories)) {
    if (!/^[a-z][a-z0-9_]*$/.test(k)) errors.push(`categories.${k}: name must be snake_case`);
    if (!isObject(c)) {
      errors.push(`categories.${k}: an object (label, severity, terms…)`);
      continue;
    }
    for (const f of Object.keys(c)) if (!CATEGORY_FIELDS.has(f)) errors.push(`categories.${k}.${f}: unknown field (fields: ${[...CATEGORY_FIELDS].join(', ')})`);
    if (!Array.isArray(c.terms)) errors.push(`categories.${k}.terms: required array`);
    if (c.label !== undefined && typeof c.label !== 'string') errors.push(`categories.${k}.label: a string`);
    if (c.severity !== undefined && !(typeof c.severity === 'string' && Object.hasOwn(SEVERITY_RANK, c.severity))) errors.push(`categories.${k}.severity: one of block, review, flag`);
    if (c.negatable !== undefined && typeof c.negatable !== 'boolean') errors.push(`categories.${k}.negatable: true or false`);
    if (c.pinyin !== undefined && typeof c.pinyin !== 'boolean') errors.push(`categories.${k}.pinyin: true or false`);
    if (Array.isArray(c.terms)) words(c.terms, `categories.${k}.terms`, 'terms');
    words(c.exceptions, `categories.${k}.exceptions`, 'phrases');
  }
  return errors;
}

const KIND_TERM = 0;
const KIND_EXCEPTION = 1;
const KIND_NEGATOR = 2;
/** How many characters may stand between a negator and the hit it cancels (警惕以刷单返利为名…). */
const NEGATION_REACH = 6;
const EMPTY: readonly ContentFinding[] = Object.freeze([]);

/** Where the clause holding match-form position `pos` begins: after the last ，。！？； before it (or 0). */
function clauseStart(f: MatchForm, pos: number): number {
  let i = pos;
  while (i > 0 && f.breaks[i] < CLAUSE_END) i--;
  return i;
}
/** Whether a clause end stands inside the hit `[s, e)`: a term cut by 。 is no list item a warning names. */
function splitByClauseEnd(f: MatchForm, s: number, e: number): boolean {
  for (let i = s + 1; i < e; i++) if (f.breaks[i] >= CLAUSE_END) return true;
  return false;
}
/** Match-form positions `[from, to)` as a string (only for hits a negator did not cancel: rare). */
function formString(f: MatchForm, from: number, to: number): string {
  let out = '';
  for (let i = from; i < to; i += 4096) out += String.fromCharCode(...f.codes.subarray(i, Math.min(to, i + 4096)));
  return out;
}

function isHan(s: string): boolean {
  return /^[\u3400-\u4dbf\u4e00-\u9fff]+$/.test(s);
}
function isLatinLetters(s: string): boolean {
  return /^[a-z]+$/.test(s);
}
function codesOf(s: string): Uint16Array {
  const a = new Uint16Array(s.length);
  for (let i = 0; i < s.length; i++) a[i] = s.charCodeAt(i);
  return a;
}

/** Pinyin spellings indexed for an all-hanzi term (see module doc for the length limits). */
export function pinyinVariants(term: string): string[] {
  if (!isHan(term)) return [];
  const out: string[] = [];
  if (term.length >= 3) {
    // ü is typed as v (lv) or folded to u (lü → lu by the normaliser): index both.
    const full = pinyin(term, { toneType: 'none', type: 'array' }).join('').toLowerCase();
    out.push(full.replace(/ü/g, 'v'));
    if (full.includes('ü')) out.push(full.replace(/ü/g, 'u'));
  }
  if (term.length >= 4) out.push(pinyin(term, { pattern: 'first', toneType: 'none', type: 'array' }).join('').toLowerCase());
  return out.filter((p) => isLatinLetters(p));
}

/** Compile lexicon data. Throws with every validation error at once if the data is invalid. */
export function compileLexicon(data: LexiconData): CompiledLexicon {
  const errors = validateLexicon(data);
  if (errors.length) throw new Error(`invalid lexicon: ${errors.join('; ')}`);
  const categories = Object.keys(data.categories);
  const catLabel = categories.map((k) => data.categories[k].label ?? k);
  const catSeverity = categories.map((k) => data.categories[k].severity ?? 'block');
  const catNegatable = categories.map((k) => data.categories[k].negatable !== false);
  const patterns: Uint16Array[] = [];
  const kind: number[] = [];
  const cat: number[] = [];
  const latin: boolean[] = [];
  const seen = new Set<string>();
  let termCount = 0;
  const add = (norm: string, k: number, c: number): void => {
    const key = `${k}:${c}:${norm}`;
    if (norm.length < 2 || seen.has(key)) return;
    seen.add(key);
    patterns.push(codesOf(norm));
    kind.push(k);
    cat.push(c);
    latin.push(isLatinLetters(norm));
  };
  categories.forEach((name, ci) => {
    const c = data.categories[name];
    for (const term of c.terms) {
      termCount++;
      add(normalizeText(term), KIND_TERM, ci);
      if (c.pinyin !== false) for (const p of pinyinVariants(term)) add(p, KIND_TERM, ci);
    }
    for (const ex of c.exceptions ?? []) add(normalizeText(ex), KIND_EXCEPTION, ci);
  });
  for (const neg of data.negators ?? []) add(normalizeText(neg), KIND_NEGATOR, -1);
  const ac = new AhoCorasick(patterns);
  const plen = ac.patternLength;

  // Scratch buffers reused across scans (scans are synchronous, so never interleaved).
  let hitStart: Int32Array = new Int32Array(16);
  let hitEnd: Int32Array = new Int32Array(16);
  let hitCat: Int32Array = new Int32Array(16);
  let nHits = 0;
  let exStart: number[] = [];
  let exEnd: number[] = [];
  let exCat: number[] = [];
  let negEnd: number[] = [];
  let form: MatchForm;

  const isLetter = (c: number): boolean => c >= 0x61 && c <= 0x7a;
  const onMatch = (p: number, end: number): void => {
    const start = end - plen[p];
    const k = kind[p];
    if (k === KIND_TERM) {
      if (latin[p]) {
        // Latin patterns (pinyin, `vx`…) need word boundaries; a removed separator is one.
        if (start > 0 && !form.breaks[start] && isLetter(form.codes[start - 1])) return;
        if (end < form.length && !form.breaks[end] && isLetter(form.codes[end])) return;
      }
      if (nHits === hitStart.length) {
        const grow = (a: Int32Array): Int32Array => {
          const b = new Int32Array(a.length * 2);
          b.set(a);
          return b;
        };
        hitStart = grow(hitStart);
        hitEnd = grow(hitEnd);
        hitCat = grow(hitCat);
      }
      hitStart[nHits] = start;
      hitEnd[nHits] = end;
      hitCat[nHits] = cat[p];
      nHits++;
    } else if (k === KIND_EXCEPTION) {
      exStart.push(start);
      exEnd.push(end);
      exCat.push(cat[p]);
    } else {
      negEnd.push(end);
    }
  };

  const scanForm = (f: MatchForm, opts?: ScanOptions): readonly ContentFinding[] => {
    form = f;
    nHits = 0;
    if (exStart.length) (exStart = []), (exEnd = []), (exCat = []);
    if (negEnd.length) negEnd = [];
    ac.scan(f.codes, f.length, onMatch);
    if (nHits === 0) return EMPTY;
    // order hits by start so negation can chain over lists (远离冰毒、海洛因)
    const order = Array.from({ length: nHits }, (_, i) => i).sort((a, b) => hitStart[a] - hitStart[b] || hitEnd[b] - hitEnd[a]);
    const counts = new Map<number, number>();
    let chainEnd = -1;
    let whole: string | undefined;
    let warned: Map<number, boolean> | undefined;
    for (const i of order) {
      const s = hitStart[i];
      const e = hitEnd[i];
      const c = hitCat[i];
      let cancelled = false;
      for (let x = 0; x < exStart.length && !cancelled; x++) {
        if (exCat[x] === c && exStart[x] <= s && exEnd[x] >= e) cancelled = true;
      }
      if (!cancelled && opts?.allowNegation && catNegatable[c] && !splitByClauseEnd(f, s, e)) {
        const cs = clauseStart(f, s);
        if (chainEnd >= 0 && s - chainEnd <= 1 && s >= chainEnd - 8 && cs < chainEnd) cancelled = true;
        for (let x = 0; x < negEnd.length && !cancelled; x++) {
          const gap = s - negEnd[x];
          if (gap >= 0 && gap <= NEGATION_REACH && negEnd[x] > cs) cancelled = true;
        }
        if (!cancelled && s > cs) {
          whole ??= formString(f, 0, f.length);
          cancelled = isWarningPart(formString(f, cs, s), whole);
        }
        if (!cancelled) {
          whole ??= formString(f, 0, f.length);
          warned ??= new Map();
          let w = warned.get(c);
          if (w === undefined) warned.set(c, (w = warnsOfCategory(categories[c], whole)));
          cancelled = w;
        }
        if (cancelled) chainEnd = Math.max(chainEnd, e);
      }
      if (!cancelled) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    if (counts.size === 0) return EMPTY;
    const findings: ContentFinding[] = [];
    for (const [c, hits] of counts) findings.push({ category: categories[c], label: catLabel[c], severity: catSeverity[c], hits });
    findings.sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.category.localeCompare(b.category));
    return findings;
  };

  return {
    scan: (text, opts) => scanForm(normalizeForMatch(text), opts),
    scanForm,
    termCount,
    patternCount: patterns.length,
    categories,
  };
}

/** The most severe severity among findings, or undefined when there are none. */
export function worstSeverity(findings: readonly ContentFinding[]): Severity | undefined {
  let best: Severity | undefined;
  for (const f of findings) if (!best || SEVERITY_RANK[f.severity] > SEVERITY_RANK[best]) best = f.severity;
  return best;
}
