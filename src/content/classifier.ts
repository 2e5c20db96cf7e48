/**
 * Commercial-content classifier: logistic regression on hashed character n-grams (1–3) of the
 * classifier fold of a message (normalize.ts: NFKC, lower case, traditional → simplified, digits → 0,
 * punctuation kept), with the leading or trailing signature 【…】 removed so a brand that sends both
 * bills and promotions does not decide the score.
 *
 * Why logistic regression rather than naive Bayes: both are linear in n-gram counts and so equally
 * explainable (every n-gram has one weight), but regularised LR does not double-count the overlapping
 * n-grams of one phrase, which gives steadier scores on short messages.
 *
 * Why training at load time rather than a committed model file: the corpus is small (≈ 900 messages),
 * training is deterministic and takes well under a second, and the model can then never drift from
 * the corpus it is documented against. Operators retrain with their own corpus through
 * {@link trainClassifier}.
 *
 * Low false positives first: a notification wrongly blocked costs a user a parcel or bill notice. So
 * service examples weigh more in training, and the default threshold is chosen by 5-fold cross-
 * validation on the training split as the lowest score whose cross-validated false-positive rate stays
 * at or below `targetFpr`. The held-out split is never used for tuning; it only measures.
 */
import { isWarningPart } from '../domain/fraud-warning.js';
import { classifierFoldTable } from './normalize.js';

/** Learned weights plus the threshold above which a message counts as commercial. */
export interface ClassifierModel {
  readonly hashBits: number;
  readonly weights: Float32Array;
  readonly bias: number;
  /** Probability at or above which `classify` says commercial. */
  readonly threshold: number;
}

/** A phrase of the message and how much it pushed the score towards commercial (log-odds). */
export interface PhraseContribution {
  phrase: string;
  weight: number;
}

/** Training example: text and whether it advertises. */
export interface TrainingExample {
  text: string;
  commercial: boolean;
}

export interface TrainOptions {
  hashBits?: number;
  epochs?: number;
  learningRate?: number;
  l2?: number;
  /** Weight of a service (non-commercial) example relative to a commercial one. */
  serviceWeight?: number;
  /** Cross-validated false-positive rate the default threshold aims for. */
  targetFpr?: number;
  /** Fixed threshold instead of tuning one. */
  threshold?: number;
}

const DROP = 0xffff;
const EDGE = 0x0002; // start/end marker so 「退订」 at the end differs from 退订 in the middle
const SEED = [0, 0x27d4eb2d, 0x165667b1, 0x9e3779b1] as const;

/**
 * Bounds of `text[from, to)` without a leading or trailing signature 【…】 of at most 20 characters
 * (a sentence of a text is read in place, as if it were a text of its own).
 */
function bodyBounds(text: string, from = 0, to = text.length): [number, number] {
  let start = from;
  let end = to;
  while (start < end && text.charCodeAt(start) <= 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end--;
  if (start < end && text.charCodeAt(start) === 0x3010) {
    const close = text.indexOf('】', start);
    if (close > 0 && close < end && close - start <= 21) start = close + 1;
  } else if (start < end && text.charCodeAt(end - 1) === 0x3011) {
    const open = text.lastIndexOf('【', end - 1);
    if (open >= start && end - open <= 22) end = open;
  }
  return [start, end];
}

/**
 * Per folded code unit: 1 when it is an "in-word filler": a symbol or punctuation mark that carries no
 * meaning between two hanzi (`全*场*5*折`, `限😀时`, `优~惠`), which an advertiser inserts to break the
 * n-grams. Sentence punctuation (，。！？：；【】（）%) and spaces are not fillers: they are evidence.
 */
let fillerTable: Uint8Array | undefined;
const KEPT_PUNCTUATION = '，。！？：；【】（）()!?,:;%「」“”"\'';
/** 1 for the sentence punctuation kept as evidence: not a letter or digit of the body (see `effective`). */
const PUNCT_KEPT = (() => {
  const t = new Uint8Array(65536);
  for (const ch of KEPT_PUNCTUATION) t[ch.charCodeAt(0)] = 1;
  return t;
})();
function fillers(): Uint8Array {
  if (fillerTable) return fillerTable;
  const t = new Uint8Array(65536);
  const keep = new Set(Array.from(KEPT_PUNCTUATION, (c) => c.charCodeAt(0)));
  for (let c = 0; c < 65536; c++) {
    if (c >= 0xd800 && c <= 0xdfff) t[c] = 1; // emoji and other astral symbols
    else if (!keep.has(c) && /^[\p{P}\p{S}]$/u.test(String.fromCharCode(c))) t[c] = 1;
  }
  fillerTable = t;
  return t;
}

/**
 * The fillers kept between two ASCII alphanumerics: those that decimals, domains, paths, times and parcel
 * codes are written with (`3.5`, `t.cn/A6x`, `14:05`, `3-2-118`). Any other symbol there (an emoji, an
 * asterisk: `F😀l😀a😀s😀h`, `s*a*l*e`) is a filler as between two hanzi; kept, it turned English words into
 * n-grams the model never saw: with the English rows of 2026-12-07, emoji separators flagged 10 of 159
 * held-out service messages (none now) and asterisks hid 2 more English offers.
 */
const KEPT_BETWEEN_ALNUM = (() => {
  const t = new Uint8Array(128);
  for (const ch of '.-/_:@#&=+~') t[ch.charCodeAt(0)] = 1;
  return t;
})();
const isAsciiAlnum = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);

/**
 * A run of one character is read up to its {@link MAX_RUN}rd repetition (digits, which the fold makes `0`,
 * excepted: a code's length is evidence). Counted in full, every repetition added its 1-, 2- and 3-gram
 * weights again, so a test text of one repeated character (`【示例】测测测…`, 40 of them) scored 0.999 and
 * one of a character with a negative weight 0.00, whatever the rest said (docs/CONTENT.md, "Repeated and
 * single characters").
 */
const MAX_RUN = 3;

// Scratch buffers for the effective character sequence (the classifier is synchronous, never re-entered).
let scratchCodes = new Uint16Array(512);
let scratchPos = new Int32Array(512);

/**
 * The characters the classifier reads, in order: the body (signature removed), folded, without drops
 * and spaces, and without fillers unless a URL or decimal mark sits between two ASCII letters or digits (`3.5`, `a.cn`,
 * `3-2-118` keep theirs), runs of one character cut at {@link MAX_RUN}. Fills the scratch buffers; returns
 * the count, 0 for a body of one letter or digit (kept punctuation aside, so `惠！` too): its own weight alone decided it (`惠` 0.534, `送` 0.552, `折`
 * 0.634 over the threshold, from the offers that trained them), and one character is no message's evidence.
 */
function effective(text: string, from = 0, to = text.length): number {
  const fold = classifierFoldTable();
  const fill = fillers();
  const [start, end] = bodyBounds(text, from, to);
  if (scratchCodes.length < end - start) {
    scratchCodes = new Uint16Array((end - start) * 2);
    scratchPos = new Int32Array((end - start) * 2);
  }
  let n = 0;
  let prev = EDGE;
  let run = 0;
  let letters = 0;
  for (let i = start; i < end; i++) {
    const c = fold[text.charCodeAt(i)];
    if (c === DROP || c === 0x20) continue;
    if (fill[c]) {
      // keep a URL / decimal / code mark only between two ASCII alphanumerics (decimals, domains, parcel codes)
      let j = i + 1;
      while (j < end && fold[text.charCodeAt(j)] === DROP) j++;
      const next = j < end ? fold[text.charCodeAt(j)] : EDGE;
      if (!(c < 0x80 && KEPT_BETWEEN_ALNUM[c] && isAsciiAlnum(prev) && isAsciiAlnum(next))) continue;
    }
    run = c === prev ? run + 1 : 1;
    if (run > MAX_RUN && c !== 0x30) continue;
    scratchCodes[n] = c;
    scratchPos[n] = i;
    n++;
    prev = c;
    if (!fill[c] && !PUNCT_KEPT[c]) letters++;
  }
  // One letter or digit alone (with or without `！`) is no evidence either way: an empty body (the intercept).
  return letters <= 1 ? 0 : n;
}

/**
 * Visit every hashed n-gram (orders 1–3) of the message: `visit(bucket, from, to)` with original
 * offsets `[from, to)` (from = -1 / to = end + 1 when an edge marker is involved).
 */
function forEachGram(text: string, mask: number, visit: (bucket: number, from: number, to: number) => void): void {
  const n = effective(text);
  const end = bodyBounds(text)[1];
  let c1 = EDGE;
  let c2 = EDGE;
  let p1 = -1;
  let p2 = -1;
  for (let k = 0; k <= n; k++) {
    const c = k < n ? scratchCodes[k] : EDGE;
    const pos = k < n ? scratchPos[k] : end;
    const h1 = Math.imul(c ^ SEED[1], 0x85ebca6b);
    visit((h1 ^ (h1 >>> 15)) & mask, pos, pos + 1);
    const h2 = Math.imul(h1 ^ Math.imul(c1 ^ SEED[2], 0xc2b2ae35), 0x27d4eb2f);
    visit((h2 ^ (h2 >>> 13)) & mask, p1, pos + 1);
    const h3 = Math.imul(h2 ^ Math.imul(c2 ^ SEED[3], 0x165667b1), 0x9e3779b1);
    visit((h3 ^ (h3 >>> 16)) & mask, p2, pos + 1);
    c2 = c1;
    p2 = p1;
    c1 = c;
    p1 = pos;
  }
}

/** Sparse feature vector of a text: bucket indices (with repeats for counts). */
function features(text: string, mask: number): Int32Array {
  const out: number[] = [];
  forEachGram(text, mask, (b) => out.push(b));
  return Int32Array.from(out);
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

interface Weights {
  w: Float64Array;
  b: number;
}

function fit(xs: Int32Array[], ys: boolean[], size: number, o: Required<Omit<TrainOptions, 'threshold' | 'targetFpr' | 'hashBits'>>): Weights {
  const w = new Float64Array(size);
  const grad = new Float64Array(size);
  const touched = new Uint8Array(size);
  const used: number[] = [];
  for (const x of xs) for (const f of x) if (!touched[f]) (touched[f] = 1), used.push(f);
  let b = 0;
  // Adam, full batch: deterministic and quick to converge on a few hundred examples.
  const m = new Float64Array(size);
  const v = new Float64Array(size);
  let mb = 0;
  let vb = 0;
  const beta1 = 0.9;
  const beta2 = 0.999;
  let totalWeight = 0;
  for (const y of ys) totalWeight += y ? 1 : o.serviceWeight;
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    for (const f of used) grad[f] = o.l2 * w[f];
    let gb = 0;
    for (let k = 0; k < xs.length; k++) {
      const x = xs[k];
      let z = b;
      for (let j = 0; j < x.length; j++) z += w[x[j]];
      const sw = ys[k] ? 1 : o.serviceWeight;
      const err = ((sigmoid(z) - (ys[k] ? 1 : 0)) * sw) / totalWeight;
      for (let j = 0; j < x.length; j++) grad[x[j]] += err;
      gb += err;
    }
    const c1 = 1 - Math.pow(beta1, epoch);
    const c2 = 1 - Math.pow(beta2, epoch);
    for (const f of used) {
      m[f] = beta1 * m[f] + (1 - beta1) * grad[f];
      v[f] = beta2 * v[f] + (1 - beta2) * grad[f] * grad[f];
      w[f] -= (o.learningRate * (m[f] / c1)) / (Math.sqrt(v[f] / c2) + 1e-8);
    }
    mb = beta1 * mb + (1 - beta1) * gb;
    vb = beta2 * vb + (1 - beta2) * gb * gb;
    b -= (o.learningRate * (mb / c1)) / (Math.sqrt(vb / c2) + 1e-8);
  }
  return { w, b };
}

function scoreWith(ws: Weights, x: Int32Array): number {
  let z = ws.b;
  for (let j = 0; j < x.length; j++) z += ws.w[x[j]];
  return sigmoid(z);
}

/** Lowest threshold whose false-positive rate on (score, label) pairs is ≤ target. */
function thresholdForFpr(scored: Array<{ p: number; y: boolean }>, target: number): number {
  const negatives = scored.filter((s) => !s.y).map((s) => s.p).sort((a, b) => b - a);
  const allowed = Math.floor(negatives.length * target);
  // scores strictly above the (allowed+1)-th highest negative are accepted as positives
  const bar = negatives[allowed] ?? 0;
  return Math.min(0.99, Math.max(0.5, bar + 1e-6));
}

/** Train a model (deterministic: the same examples and options give the same weights). */
export function trainClassifier(examples: readonly TrainingExample[], opts: TrainOptions = {}): ClassifierModel {
  const hashBits = opts.hashBits ?? 16;
  const size = 1 << hashBits;
  const mask = size - 1;
  const o = {
    epochs: opts.epochs ?? 150,
    learningRate: opts.learningRate ?? 0.05,
    l2: opts.l2 ?? 1e-4,
    serviceWeight: opts.serviceWeight ?? 2,
  };
  const xs = examples.map((e) => features(e.text, mask));
  const ys = examples.map((e) => e.commercial);
  let threshold = opts.threshold;
  if (threshold === undefined) {
    const folds = 5;
    const scored: Array<{ p: number; y: boolean }> = [];
    for (let f = 0; f < folds; f++) {
      const trX: Int32Array[] = [];
      const trY: boolean[] = [];
      const teIdx: number[] = [];
      xs.forEach((x, i) => (i % folds === f ? teIdx.push(i) : (trX.push(x), trY.push(ys[i]))));
      const ws = fit(trX, trY, size, o);
      for (const i of teIdx) scored.push({ p: scoreWith(ws, xs[i]), y: ys[i] });
    }
    threshold = thresholdForFpr(scored, opts.targetFpr ?? 0.01);
  }
  const ws = fit(xs, ys, size, o);
  return { hashBits, weights: Float32Array.from(ws.w), bias: ws.b, threshold };
}

/**
 * Probability (0–1) that `text` is commercial. The hot path: the same n-gram hashing as
 * `forEachGram`, inlined (no closure, no allocation); a test pins the two to the same result.
 */
export function scoreCommercial(model: ClassifierModel, text: string): number {
  return scoreRange(model, text, 0, text.length);
}

/** `scoreCommercial` of `text[from, to)`, read in place (no substring). */
function scoreRange(model: ClassifierModel, text: string, from: number, to: number): number {
  const w = model.weights;
  const mask = (1 << model.hashBits) - 1;
  const n = effective(text, from, to);
  const codes = scratchCodes;
  let z = model.bias;
  let c1 = EDGE;
  let c2 = EDGE;
  for (let k = 0; k <= n; k++) {
    const c = k < n ? codes[k] : EDGE;
    const h1 = Math.imul(c ^ SEED[1], 0x85ebca6b);
    z += w[(h1 ^ (h1 >>> 15)) & mask];
    const h2 = Math.imul(h1 ^ Math.imul(c1 ^ SEED[2], 0xc2b2ae35), 0x27d4eb2f);
    z += w[(h2 ^ (h2 >>> 13)) & mask];
    const h3 = Math.imul(h2 ^ Math.imul(c2 ^ SEED[3], 0x165667b1), 0x9e3779b1);
    z += w[(h3 ^ (h3 >>> 16)) & mask];
    c2 = c1;
    c1 = c;
  }
  return sigmoid(z);
}

/** Reference (closure-based) scorer, kept for the test that pins the inlined hot path to it. */
export function scoreCommercialReference(model: ClassifierModel, text: string): number {
  const w = model.weights;
  let z = model.bias;
  forEachGram(text, (1 << model.hashBits) - 1, (b) => {
    z += w[b];
  });
  return sigmoid(z);
}

/**
 * Sentence ends: `。！!？?；;` and line ends (runs of them), and in English a full stop (or a run of
 * them) followed by white space and a letter (`…has shipped. Reply now for 50% off`), so decimals,
 * domains and times (`3.5`, `t.cn/x`, `10.30`) and `No. 5` stay whole. An advertisement appended to a
 * code or a notice is a sentence of its own.
 */
const SENTENCE_END = /[。！!？?；;\n]+|\.+\s+(?=[A-Za-z])/;
const isSentenceMark = (c: number): boolean => c === 0x3002 || c === 0xff01 || c === 0x21 || c === 0xff1f || c === 0x3f || c === 0xff1b || c === 0x3b || c === 0x0a;
/** White space as `String.prototype.trim` and `\s` read it. */
const isJsSpace = (c: number): boolean =>
  c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0 || c === 0xfeff || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
const isAsciiLetter = (c: number): boolean => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
/** A short sentence that only says how to refuse (退订回T, 拒收请回复R): scored with the whole text, not alone. */
const REFUSAL_ONLY = /退订|拒收|取消订阅|unsubscribe|\bstop\b/i;
/**
 * Whether `t` is short enough to be only a refusal footer: at most 16 characters, or, written in ASCII,
 * at most 8 words (`Reply STOP to opt out`, 21 characters, was scored alone and read as an ad at 0.999).
 */
function isRefusalFooter(t: string): boolean {
  if (!REFUSAL_ONLY.test(t)) return false;
  if (t.length <= 16) return true;
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(t) && t.split(/\s+/).length <= 8;
}
/** Shorter sentences are fragments (一, 谢谢, a bare code) that score on too little text. */
const MIN_SENTENCE = 6;
/**
 * Clauses: the parts of a sentence between commas (`，` and `,` not between two digits, so `5,000` stays
 * whole). A clause of at least {@link MIN_CLAUSE} characters counts alone only when it is a clear ad by
 * itself, at or over {@link CLAUSE_BAR} (the threshold stays the model's): an offer in the middle or at
 * the end of a notice's sentence (`…已到，凭此短信到店全场5折，请及时取件`, `…已签收，领券`) was outweighed by
 * the notice's n-grams. At the model's threshold clauses flagged 7 of 210 held-out service messages and
 * 40 of 592 in cross-validation (1 and 8 with sentences alone); at 0.80 no held-out one more and 3 more of
 * 634 in cross-validation (docs/CONTENT.md, "Clauses, terse offers, STOP footers, sale-named remarks").
 */
const MIN_CLAUSE = 2;
/**
 * A clause that warns against what it names, in a text that names fraud (`isWarningPart`,
 * src/domain/fraud-warning.ts), is not scored alone: `警惕刷单返利、加好友领福利、陌生链接领红包，这些都是诈骗！`
 * lists lures and offers none, yet its first clause scored 0.86–0.98 alone (the held-out anti-fraud
 * notice `p092`, 0.975), its n-grams being the lures' own, while the whole text, where `诈骗` is read
 * too, scored 0.05. Its sentence and the whole text are still scored, at the threshold
 * (docs/CONTENT.md, "Anti-fraud warnings, account alerts, subscribed reminders").
 */
const isWarningClause = isWarningPart;
export const CLAUSE_BAR = 0.8;
const isClauseMark = (text: string, i: number): boolean => {
  const c = text.charCodeAt(i);
  if (c === 0xff0c) return true;
  if (c !== 0x2c) return false;
  const p = i > 0 ? text.charCodeAt(i - 1) : 0;
  const q = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
  return !(p >= 0x30 && p <= 0x39 && q >= 0x30 && q <= 0x39);
};
// Scratch: [from, to) of the sentences worth scoring alone (synchronous, never re-entered).
let scratchSentences = new Int32Array(64);

/**
 * The score the gateway decides with: the whole text's, or its most commercial sentence's when that
 * is higher. Scored whole, `【示例】您的验证码是123456。限时秒杀，全场五折，点击抢购` came out at 0.01:
 * the code's n-grams outweigh an advertisement appended to it, which is how advertising dressed as a
 * notification is usually written. Sentences at the threshold; comma clauses only when clearly an ad
 * alone ({@link CLAUSE_BAR}): at the threshold they flagged service messages (a free vaccination notice,
 * a free recall repair). A text with one sentence, or one plus a refusal footer, is scored whole, and
 * by its clauses. The sentences are the parts of `text.split(SENTENCE_END)`
 * trimmed, found and scored in place ({@link scoreCommercialTextReference} splits; a test pins the two).
 */
export function scoreCommercialText(model: ClassifierModel, text: string): number {
  const whole = scoreCommercial(model, text);
  const n = text.length;
  let parts = 0;
  let kept = 0;
  let partStart = 0;
  let i = 0;
  for (;;) {
    let sepStart = n;
    let sepEnd = n;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (isSentenceMark(c)) {
        let j = i + 1;
        while (j < n && isSentenceMark(text.charCodeAt(j))) j++;
        sepStart = i;
        sepEnd = j;
        break;
      }
      if (c === 0x2e) {
        let j = i + 1;
        while (j < n && text.charCodeAt(j) === 0x2e) j++;
        let k = j;
        while (k < n && isJsSpace(text.charCodeAt(k))) k++;
        if (k > j && k < n && isAsciiLetter(text.charCodeAt(k))) {
          sepStart = i;
          sepEnd = k;
          break;
        }
      }
      i++;
    }
    // the part [partStart, sepStart), trimmed
    parts++;
    let a = partStart;
    let b = sepStart;
    while (a < b && isJsSpace(text.charCodeAt(a))) a++;
    while (b > a && isJsSpace(text.charCodeAt(b - 1))) b--;
    if (b - a >= MIN_SENTENCE && !isRefusalFooter(text.slice(a, b))) {
      if (scratchSentences.length < 2 * kept + 2) {
        const grown = new Int32Array(scratchSentences.length * 2);
        grown.set(scratchSentences);
        scratchSentences = grown;
      }
      scratchSentences[2 * kept] = a;
      scratchSentences[2 * kept + 1] = b;
      kept++;
    }
    if (sepStart === n) break;
    partStart = i = sepEnd;
  }
  let best = whole;
  // The signature is ignored by the scorer wherever it stands, so the first sentence keeps it harmlessly.
  if (parts >= 2 && kept >= 2) for (let k = 0; k < kept; k++) best = Math.max(best, scoreRange(model, text, scratchSentences[2 * k], scratchSentences[2 * k + 1]));
  return Math.max(best, bestClause(model, text));
}

/**
 * The highest clause score at or over {@link CLAUSE_BAR}, or 0: every part of `text` between sentence
 * ends and commas that has a comma at one side at least (a sentence without a comma is no clause), trimmed,
 * of at least {@link MIN_CLAUSE} characters and not a refusal footer, read in place.
 */
function bestClause(model: ClassifierModel, text: string): number {
  const n = text.length;
  let best = 0;
  let start = 0;
  let commaBefore = false;
  for (let i = 0; i <= n; i++) {
    let sepEnd = -1;
    let comma = false;
    if (i === n) sepEnd = n;
    else if (isClauseMark(text, i)) {
      comma = true;
      sepEnd = i + 1;
    } else if (isSentenceMark(text.charCodeAt(i))) sepEnd = i + 1;
    else if (text.charCodeAt(i) === 0x2e) {
      let j = i + 1;
      while (j < n && text.charCodeAt(j) === 0x2e) j++;
      let k = j;
      while (k < n && isJsSpace(text.charCodeAt(k))) k++;
      if (k > j && k < n && isAsciiLetter(text.charCodeAt(k))) sepEnd = k;
    }
    if (sepEnd < 0) continue;
    if (commaBefore || comma) {
      let a = start;
      let b = i;
      while (a < b && isJsSpace(text.charCodeAt(a))) a++;
      while (b > a && isJsSpace(text.charCodeAt(b - 1))) b--;
      if (b - a >= MIN_CLAUSE && !isRefusalFooter(text.slice(a, b))) {
        const s = scoreRange(model, text, a, b);
        if (s >= CLAUSE_BAR && s > best && !isWarningClause(text.slice(a, b), text)) best = s;
      }
    }
    if (i === n) break;
    commaBefore = comma;
    start = sepEnd;
    i = sepEnd - 1;
  }
  return best;
}

/** Reference (split-based) clause scoring, for the test that pins {@link bestClause} to it. */
function bestClauseReference(model: ClassifierModel, text: string): number {
  let best = 0;
  for (const sentence of text.split(SENTENCE_END)) {
    const clauses = sentence.split(/，|(?<![0-9]),|,(?![0-9])/);
    if (clauses.length < 2) continue;
    for (const c of clauses) {
      const t = c.trim();
      if (t.length < MIN_CLAUSE || isRefusalFooter(t) || isWarningClause(t, text)) continue;
      const s = scoreCommercialReference(model, t);
      if (s >= CLAUSE_BAR && s > best) best = s;
    }
  }
  return best;
}

/** Reference (split-based) sentence scoring, kept for the test that pins {@link scoreCommercialText} to it. */
export function scoreCommercialTextReference(model: ClassifierModel, text: string): number {
  const whole = scoreCommercialReference(model, text);
  const parts = text.split(SENTENCE_END);
  const sentences: string[] = [];
  for (const p of parts) {
    const t = p.trim();
    if (t.length >= MIN_SENTENCE && !isRefusalFooter(t)) sentences.push(t);
  }
  let best = whole;
  if (parts.length >= 2 && sentences.length >= 2) for (const t of sentences) best = Math.max(best, scoreCommercialReference(model, t));
  return Math.max(best, bestClauseReference(model, text));
}

/** Verdict with the phrases that drove it (explanations are computed only when asked for). */
export interface Classification {
  commercial: boolean;
  score: number;
  threshold: number;
}

export function classify(model: ClassifierModel, text: string, threshold = model.threshold): Classification {
  const score = scoreCommercialText(model, text);
  return { commercial: score >= threshold, score, threshold };
}

/**
 * The phrases of `text` that pushed its score towards commercial, strongest first. Each n-gram's
 * weight is spread over the characters it covers; runs of characters with a clearly positive share
 * form phrases (in the original spelling), ranked by their total weight.
 */
export function explainCommercial(model: ClassifierModel, text: string, limit = 5): PhraseContribution[] {
  const w = model.weights;
  const perChar = new Float64Array(text.length);
  forEachGram(text, (1 << model.hashBits) - 1, (b, from, to) => {
    const lo = Math.max(0, from);
    const hi = Math.min(text.length, to);
    if (hi <= lo) return;
    const share = w[b] / (hi - lo);
    for (let i = lo; i < hi; i++) perChar[i] += share;
  });
  const phrases: PhraseContribution[] = [];
  const min = 0.05;
  let i = 0;
  while (i < text.length) {
    if (perChar[i] <= min) {
      i++;
      continue;
    }
    let j = i;
    let sum = 0;
    while (j < text.length && perChar[j] > min) sum += perChar[j++];
    const phrase = text.slice(i, j).replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
    if (phrase && /[\p{L}\p{N}]/u.test(phrase)) phrases.push({ phrase, weight: Math.round(sum * 100) / 100 });
    i = j;
  }
  return phrases.sort((a, b) => b.weight - a.weight).slice(0, limit);
}
