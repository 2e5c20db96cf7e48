/**
 * The classifier shipped with smsguard: trained from the training split of the corpus in
 * data/content/sms-corpus.tsv (deterministic), threshold tuned by cross-validation on that split for a
 * low false-positive rate. The trained weights are committed as data/content/classifier-model.bin and
 * loaded from there; a test trains afresh and fails if the file no longer matches the corpus and the
 * trainer (`npm run train-classifier` writes it again). Without the file the model is trained here.
 */
import { readFileSync } from 'node:fs';
import { parseCorpus, isCommercial, type CorpusRow } from './corpus.js';
import { trainClassifier, type ClassifierModel, type TrainOptions } from './classifier.js';
import { decodeModel } from './classifier-file.js';

const CORPUS_URL = new URL('../../data/content/sms-corpus.tsv', import.meta.url);
/** Where the shipped model lives (written by scripts/train-classifier.ts). */
export const MODEL_URL = new URL('../../data/content/classifier-model.bin', import.meta.url);

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

/** The shipped model: read once per process from its file, or trained if the file is missing. */
export function defaultClassifier(): ClassifierModel {
  if (!model) {
    let buf: Buffer | null = null;
    try {
      buf = readFileSync(MODEL_URL);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    model = buf ? decodeModel(buf) : trainOnCorpus(defaultCorpus());
  }
  return model;
}
