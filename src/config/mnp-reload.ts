/**
 * Loading the ported-numbers list (--mnp-file) into the upstream, at start and again on SIGHUP
 * (docs/SMPP.md "Routing"). A signal rather than a timer: the operator (or the job that fetches the
 * carriers' list) knows when the file is complete, where a timer could read it half written, and an
 * idle gateway does no polling. The file is parsed on a thread of its own: about 0.8 s of CPU per
 * million lines, which on the event loop would stall every HTTP request and SMPP session meanwhile.
 */
import { Worker } from 'node:worker_threads';
import { mnpProblemLines, type MnpParse } from './mnp-file.js';
import { ConfigError } from './schema.js';
import type { PortedNumbersData } from '../smpp/client/ported-numbers.js';
import { workerScript } from '../runtime/worker-script.js';

/** TypeScript runs through tsx in the worker when the entry cannot be bundled (worker-script.ts). */
const BOOT = `
const { workerData } = require('node:worker_threads');
import(workerData.tsx).then((m) => { m.register(); return import(workerData.entry); });
`;

/**
 * loadMnpFile on a worker thread; the list comes back in shared memory (nothing copied). Rejects
 * with ConfigError when the file cannot be read, as loadMnpFile throws.
 */
export function loadMnpFileOffThread(path: string, from?: string): Promise<MnpParse> {
  const entry = new URL('./mnp-load-thread.ts', import.meta.url);
  const script = workerScript(entry);
  const worker = script
    ? new Worker(script, { eval: true, workerData: { path, from } })
    : new Worker(BOOT, { eval: true, workerData: { tsx: import.meta.resolve('tsx/esm/api'), entry: entry.href, path, from } });
  return new Promise((resolve, reject) => {
    worker.once('message', (m: { ok: true; parse: MnpParse } | { ok: false; error: string }) => {
      void worker.terminate();
      if (m.ok) resolve(m.parse);
      else reject(new ConfigError([m.error]));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`mnp list loader exited (${code}) without an answer`)));
  });
}

export interface MnpTarget {
  setPorted(data: PortedNumbersData | null): void;
}

export type MnpLog = (msg: string, fields: Record<string, unknown>, level: 'info' | 'warn') => void;

/**
 * Reads `path` (on a thread of its own) and gives the list to `target`. The file's bad lines are
 * logged (with line numbers) and skipped; a file that cannot be read leaves the list in use as it was
 * and resolves false.
 */
export async function reloadMnp(path: string, target: MnpTarget, log: MnpLog): Promise<boolean> {
  let parsed;
  try {
    parsed = await loadMnpFileOffThread(path);
  } catch (e) {
    log('mnp list not reloaded; the one in use is kept', { error: (e as Error).message }, 'warn');
    return false;
  }
  for (const line of mnpProblemLines(path, parsed.problems, parsed.skipped)) log('mnp list: line skipped', { problem: line }, 'warn');
  target.setPorted(parsed.data);
  log('mnp list loaded', { path, numbers: parsed.data.numbers.byteLength / 8, carriers: parsed.data.names, skipped: parsed.skipped }, 'info');
  return true;
}
