/**
 * The classifier shipped with smsguard: trained on first use from the training split of the corpus in
 * data/content/sms-corpus.tsv (deterministic, well under a second), threshold tuned by cross-validation
 * on that split for a low false-positive rate. Reading the shipped corpus file is the only I/O here.
 */
import { readFileSync } from 'node:fs';
import { parseCorpus, isCommercial, type CorpusRow } from './corpus.js';
import { trainClassifier, type ClassifierModel, type TrainOptions } from './classifier.js';

const CORPUS_URL = new URL('../../data/content/sms-corpus.tsv', import.meta.url);

let corpus: CorpusRow[] | undefined;
let model: ClassifierModel | undefined;

/** The shipped labelled corpus. */
export function defaultCorpus(): CorpusRow[] {
  if (!corpus) corpus = parseCorpus(readFileSync(CORPUS_URL, 'utf8'));
  return corpus;
}

/** Train on the corpus's training split. */
export function trainOnCorpus(rows: readonly CorpusRow[], opts?: TrainOptions): ClassifierModel {
  return trainClassifier(
    rows.filter((r) => r.split === 'train').map((r) => ({ text: r.text, commercial: isCommercial(r) })),
    opts,
  );
}

/** The shipped model, trained once per process. */
export function defaultClassifier(): ClassifierModel {
  if (!model) model = trainOnCorpus(defaultCorpus());
  return model;
}
