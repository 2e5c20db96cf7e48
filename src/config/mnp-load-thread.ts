/**
 * The worker side of loadMnpFileOffThread (mnp-reload.ts): reads and parses the ported-numbers file
 * and answers with the list, whose SharedArrayBuffers cross without a copy.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadMnpFile } from './mnp-file.js';

try {
  parentPort!.postMessage({ ok: true, parse: loadMnpFile((workerData as { path: string }).path) });
} catch (e) {
  parentPort!.postMessage({ ok: false, error: (e as Error).message });
}
