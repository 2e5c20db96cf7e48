/**
 * Measures a classifier on labelled rows: precision, recall and false-positive rate of the
 * `commercial` decision. Used by the tests, the benchmark and docs/CONTENT.md.
 */
import { classify, type ClassifierModel } from './classifier.js';
import { isCommercial, type CorpusRow } from './corpus.js';

export interface ClassifierMetrics {
  threshold: number;
  positives: number;
  negatives: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
  /** Share of non-commercial messages wrongly called commercial. */
  falsePositiveRate: number;
  /** Ids of misclassified rows, for inspection. */
  errors: Array<{ id: string; kind: 'false_positive' | 'false_negative'; score: number }>;
}

export function evaluateClassifier(model: ClassifierModel, rows: readonly CorpusRow[], threshold = model.threshold): ClassifierMetrics {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  const errors: ClassifierMetrics['errors'] = [];
  for (const r of rows) {
    const c = classify(model, r.text, threshold);
    const y = isCommercial(r);
    if (c.commercial && y) tp++;
    else if (c.commercial) {
      fp++;
      errors.push({ id: r.id, kind: 'false_positive', score: c.score });
    } else if (y) {
      fn++;
      errors.push({ id: r.id, kind: 'false_negative', score: c.score });
    } else tn++;
  }
  return {
    threshold,
    positives: tp + fn,
    negatives: fp + tn,
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    precision: tp + fp === 0 ? 1 : tp / (tp + fp),
    recall: tp + fn === 0 ? 1 : tp / (tp + fn),
    falsePositiveRate: fp + tn === 0 ? 0 : fp / (fp + tn),
    errors,
  };
}
