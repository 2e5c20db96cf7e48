/**
 * The worker side of loadMnpFileOffThread (mnp-reload.ts): reads and parses the ported-numbers file
 * and answers with the list, whose SharedArrayBuffers cross without a copy.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadMnpFile } from './mnp-file.js';

try {
  parentPort!.postMessage({ ok: true, parse: loadMnpFile((workerData as { path: string }).path, (workerData as { from?: string }).from) });
} catch (e) {
  // The problem alone (loadMnpFile's ConfigError lists it): the caller wraps it in a ConfigError of
  // its own, whose message says `invalid configuration:` once (sent whole, it was said twice).
  const problems = (e as { problems?: string[] }).problems;
  parentPort!.postMessage({ ok: false, error: problems ? problems.join('\n  ') : (e as Error).message });
}
