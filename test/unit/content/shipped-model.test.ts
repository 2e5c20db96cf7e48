import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { defaultClassifier, defaultCorpus, trainOnCorpus, MODEL_URL } from '../../../src/content/default-classifier.js';
import { decodeModel, encodeModel } from '../../../src/content/classifier-file.js';
import { scoreCommercial } from '../../../src/content/classifier.js';

test('the shipped model file is what training on the shipped corpus gives (else: npm run train-classifier)', () => {
  const shipped = decodeModel(readFileSync(MODEL_URL));
  const fresh = trainOnCorpus(defaultCorpus());
  assert.equal(shipped.hashBits, fresh.hashBits);
  assert.equal(shipped.threshold, fresh.threshold);
  assert.ok(Math.abs(shipped.bias - fresh.bias) < 1e-9, `bias ${shipped.bias} vs ${fresh.bias}`);
  let worst = 0;
  for (let i = 0; i < fresh.weights.length; i++) worst = Math.max(worst, Math.abs(shipped.weights[i] - fresh.weights[i]));
  assert.ok(worst < 1e-6, `largest weight difference ${worst}`);
  // and it is the one a process uses
  assert.deepEqual(defaultClassifier().weights, shipped.weights);
});

test('model files round-trip exactly and refuse what is not one', () => {
  const m = defaultClassifier();
  const back = decodeModel(encodeModel(m));
  assert.deepEqual(back, { hashBits: m.hashBits, weights: m.weights, bias: m.bias, threshold: m.threshold });
  assert.equal(scoreCommercial(back, '【示例】会员日全场满300减50'), scoreCommercial(m, '【示例】会员日全场满300减50'));
  const buf = encodeModel(m);
  assert.throws(() => decodeModel(buf.subarray(0, buf.length - 1)), /truncated/);
  assert.throws(() => decodeModel(Buffer.from('not a model at all, not at all')), /not a classifier model/);
  const v2 = Buffer.from(buf);
  v2.writeUInt32LE(2, 4);
  assert.throws(() => decodeModel(v2), /format 2/);
});
