/**
 * Trains the shipped classifier on data/content/sms-corpus.tsv and writes data/content/classifier-model.bin
 * (src/content/default-classifier.ts loads it). Run after changing the corpus or the trainer; the test
 * test/unit/content/shipped-model.test.ts says when it is due. Prints the held-out figures of the model
 * it wrote (the held-out split is only measured, never trained or tuned on), as docs/CONTENT.md reports them.
 *
 * Usage: npm run train-classifier
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defaultCorpus, trainOnCorpus, MODEL_URL } from '../src/content/default-classifier.js';
import { encodeModel } from '../src/content/classifier-file.js';
import { evaluateClassifier } from '../src/content/evaluate.js';

const rows = defaultCorpus();
const model = trainOnCorpus(rows);
const buf = encodeModel(model);
writeFileSync(MODEL_URL, buf);
process.stdout.write(`${fileURLToPath(MODEL_URL)}: ${buf.length} bytes, threshold ${model.threshold}\n`);
const held = rows.filter((r) => r.split === 'heldout');
const m = evaluateClassifier(model, held);
const f = (x: number): string => x.toFixed(3);
process.stdout.write(
  `held out: ${held.length} messages (${m.positives} commercial, ${m.negatives} service): ` +
    `precision ${f(m.precision)} (${m.truePositives} / ${m.truePositives + m.falsePositives}), ` +
    `recall ${f(m.recall)} (${m.truePositives} / ${m.positives}), ` +
    `false-positive rate ${f(m.falsePositiveRate)} (${m.falsePositives} / ${m.negatives})\n`,
);
for (const e of m.errors) process.stdout.write(`  ${e.kind} ${e.id} ${f(e.score)}\n`);
