/**
 * The classifier's weights as a file, so a process loads the shipped model (~5 ms cold here, measured) instead of training
 * it at start-up (~0.5-0.7 s of CPU here, a third of a gateway's start). Sparse: only the buckets the
 * corpus touched carry a weight. Layout, little-endian: `SGCM`, format version (u32), hashBits (u32),
 * bias (f64), threshold (f64), n (u32), then n bucket indexes (u32, ascending) and their n weights (f32).
 */
import type { ClassifierModel } from './classifier.js';

const MAGIC = 0x4d434753; // 'SGCM' read as a little-endian u32
const VERSION = 1;
const HEAD = 4 + 4 + 4 + 8 + 8 + 4;

export function encodeModel(m: ClassifierModel): Buffer {
  const idx: number[] = [];
  for (let i = 0; i < m.weights.length; i++) if (m.weights[i] !== 0) idx.push(i);
  const buf = Buffer.alloc(HEAD + idx.length * 8);
  buf.writeUInt32LE(MAGIC, 0);
  buf.writeUInt32LE(VERSION, 4);
  buf.writeUInt32LE(m.hashBits, 8);
  buf.writeDoubleLE(m.bias, 12);
  buf.writeDoubleLE(m.threshold, 20);
  buf.writeUInt32LE(idx.length, 28);
  idx.forEach((i, k) => {
    buf.writeUInt32LE(i, HEAD + k * 4);
    buf.writeFloatLE(m.weights[i], HEAD + idx.length * 4 + k * 4);
  });
  return buf;
}

/** Throws on anything that is not a model file of this version. */
export function decodeModel(buf: Buffer): ClassifierModel {
  if (buf.length < HEAD || buf.readUInt32LE(0) !== MAGIC) throw new Error('not a classifier model file');
  if (buf.readUInt32LE(4) !== VERSION) throw new Error(`classifier model format ${buf.readUInt32LE(4)}, expected ${VERSION}`);
  const hashBits = buf.readUInt32LE(8);
  const n = buf.readUInt32LE(28);
  if (hashBits < 1 || hashBits > 24 || buf.length !== HEAD + n * 8) throw new Error('classifier model file is truncated or malformed');
  const weights = new Float32Array(1 << hashBits);
  for (let k = 0; k < n; k++) {
    const i = buf.readUInt32LE(HEAD + k * 4);
    if (i >= weights.length) throw new Error('classifier model file names a bucket out of range');
    weights[i] = buf.readFloatLE(HEAD + n * 4 + k * 4);
  }
  return { hashBits, weights, bias: buf.readDoubleLE(12), threshold: buf.readDoubleLE(20) };
}
