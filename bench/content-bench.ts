/**
 * Content figures:
 * - `content_stage_msgs_per_s`: the content inspector (normalisation, a 10,000-term prohibited lexicon
 *   plus the shipped one with pinyin variants, and the commercial classifier) over a fixed set of 1,188
 *   realistic messages (bench/data/content-texts.tsv: every type, Chinese and English, with and without a
 *   signature), in process on one core (per CPU-second of this process; wall-clock rate in conditions).
 *   The set is frozen (the corpus's texts at commit 3aff18ba, the input this figure had until then), so the
 *   figure measures the same input across commits while the corpus grows; change the file only on purpose;
 * - `classifier_precision`, `classifier_recall`, `classifier_false_positive_rate`: the shipped classifier
 *   on the corpus's held-out split (data/content/sms-corpus.tsv), at its default threshold.
 */
import { compileLexicon, mergeLexicons } from '../src/content/lexicon.js';
import { DEFAULT_LEXICON_DATA } from '../src/content/default-lexicon.js';
import { defaultClassifier, defaultCorpus } from '../src/content/default-classifier.js';
import { createContentInspector } from '../src/content/inspector.js';
import { evaluateClassifier } from '../src/content/evaluate.js';
import { warmUpNormalizer } from '../src/content/normalize.js';
import { loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import type { MessageType } from '../src/domain/message-type.js';
import { machine, note, type BenchOptions, type Figure } from './figure.js';

/** 10,000 synthetic prohibited terms of 3–6 hanzi (deterministic), so the automaton is realistically big. */
function syntheticTerms(n: number): string[] {
  const out = new Set<string>();
  let x = 12345;
  const rnd = (): number => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
  while (out.size < n) {
    const len = 3 + Math.floor(rnd() * 4);
    let t = '';
    for (let i = 0; i < len; i++) t += String.fromCharCode(0x4e00 + Math.floor(rnd() * 0x5000));
    out.add(t);
  }
  return [...out];
}

/** Where the frozen text set lives (header `type\ttext`, one message a line). */
export const BENCH_TEXTS_URL = new URL('./data/content-texts.tsv', import.meta.url);
const TYPES: readonly string[] = ['verification', 'notification', 'commercial', 'public_welfare'];

/** The frozen messages the throughput figure inspects, in file order. Throws on a malformed line, naming it. */
export function benchTexts(tsv = readFileSync(BENCH_TEXTS_URL, 'utf8')): Array<{ type: MessageType; text: string }> {
  const lines = tsv.split('\n').filter((l) => l !== '');
  if (lines.shift() !== 'type\ttext') throw new Error('content bench texts: unexpected header');
  return lines.map((l, i) => {
    const tab = l.indexOf('\t');
    const type = l.slice(0, tab);
    const text = l.slice(tab + 1);
    if (tab < 0 || !TYPES.includes(type) || !text) throw new Error(`content bench texts: malformed line ${i + 2}`);
    return { type: type as MessageType, text };
  });
}

export async function run(opts: BenchOptions): Promise<Figure[]> {
  warmUpNormalizer();
  const rows = defaultCorpus();
  const model = defaultClassifier();
  const extra = syntheticTerms(10_000);
  const t0 = Date.now();
  const lexicon = compileLexicon(mergeLexicons(DEFAULT_LEXICON_DATA, { categories: { synthetic: { label: '合成词', severity: 'block', terms: extra } } }));
  note(`lexicon: ${lexicon.termCount} terms, ${lexicon.patternCount} patterns, compiled in ${Date.now() - t0} ms`);
  const inspector = createContentInspector({ lexicon, model });
  // the frozen set, not the corpus: the corpus grows, and the figure must compare across commits
  const texts = benchTexts();
  const n = opts.quick ? 200_000 : 1_000_000;
  let flagged = 0;
  for (let i = 0; i < 50_000; i++) inspector.inspect(texts[i % texts.length].text, texts[i % texts.length].type);
  // The machine is shared: wall time measures the neighbours as much as us. The figure divides by the
  // CPU time this process used (user + system; the loop is single-threaded, GC threads count against
  // us), i.e. throughput on one fully available core; the wall-clock rate goes in the conditions.
  const start = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const m = texts[i % texts.length];
    const r = inspector.inspect(m.text, m.type);
    if (r.prohibited.length || r.commercial) flagged++;
  }
  const cpu = process.cpuUsage(cpu0);
  const wallSecs = Number(process.hrtime.bigint() - start) / 1e9;
  const secs = (cpu.user + cpu.system) / 1e6;
  const avgChars = Math.round(texts.reduce((s, t) => s + t.text.length, 0) / texts.length);
  const held = evaluateClassifier(model, rows.filter((r) => r.split === 'heldout'));
  const cond = {
    ...machine(),
    heldout: rows.filter((r) => r.split === 'heldout').length,
    positives: held.positives,
    negatives: held.negatives,
    threshold: Number(held.threshold.toFixed(4)),
    corpus: 'data/content/sms-corpus.tsv',
  };
  return [
    {
      figure: 'content_stage_msgs_per_s',
      value: Math.round(n / secs),
      unit: 'msgs/s',
      conditions: { ...machine(), threads: 1, basis: 'process CPU time', wallClockMsgsPerS: Math.round(n / wallSecs), loadAverage1m: Number(loadavg()[0].toFixed(2)), messages: n, lexiconTerms: lexicon.termCount, lexiconPatterns: lexicon.patternCount, classifier: `logistic regression, char 1–3-grams, 2^${model.hashBits} buckets`, avgChars, flaggedShare: Number((flagged / n).toFixed(3)), texts: `bench/data/content-texts.tsv (${texts.length})` },
    },
    { figure: 'classifier_precision', value: Number(held.precision.toFixed(4)), unit: 'ratio', conditions: cond },
    { figure: 'classifier_recall', value: Number(held.recall.toFixed(4)), unit: 'ratio', conditions: cond },
    { figure: 'classifier_false_positive_rate', value: Number(held.falsePositiveRate.toFixed(4)), unit: 'ratio', conditions: cond },
  ];
}
