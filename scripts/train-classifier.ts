/**
 * Trains the shipped classifier on data/content/sms-corpus.tsv and writes data/content/classifier-model.bin
 * (src/content/default-classifier.ts loads it). Run after changing the corpus or the trainer; the test
 * test/unit/content/shipped-model.test.ts says when it is due.
 *
 * Usage: npm run train-classifier
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defaultCorpus, trainOnCorpus, MODEL_URL } from '../src/content/default-classifier.js';
import { encodeModel } from '../src/content/classifier-file.js';

const model = trainOnCorpus(defaultCorpus());
const buf = encodeModel(model);
writeFileSync(MODEL_URL, buf);
process.stdout.write(`${fileURLToPath(MODEL_URL)}: ${buf.length} bytes, threshold ${model.threshold}\n`);
