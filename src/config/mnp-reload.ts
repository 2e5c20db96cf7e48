/**
 * Loading the ported-numbers list (--mnp-file) into the upstream, at start and again on SIGHUP
 * (docs/SMPP.md "Routing"). A signal rather than a timer: the operator (or the job that fetches the
 * carriers' list) knows when the file is complete, where a timer could read it half written, and an
 * idle gateway does no polling.
 */
import { loadMnpFile, mnpProblemLines } from './mnp-file.js';
import type { PortedNumbersData } from '../smpp/client/ported-numbers.js';

export interface MnpTarget {
  setPorted(data: PortedNumbersData | null): void;
}

export type MnpLog = (msg: string, fields: Record<string, unknown>, level: 'info' | 'warn') => void;

/**
 * Reads `path` and gives the list to `target`. The file's bad lines are logged (with line numbers)
 * and skipped; a file that cannot be read leaves the list in use as it was and returns false.
 */
export function reloadMnp(path: string, target: MnpTarget, log: MnpLog): boolean {
  let parsed;
  try {
    parsed = loadMnpFile(path);
  } catch (e) {
    log('mnp list not reloaded; the one in use is kept', { error: (e as Error).message }, 'warn');
    return false;
  }
  for (const line of mnpProblemLines(path, parsed.problems)) log('mnp list: line skipped', { problem: line }, 'warn');
  target.setPorted(parsed.data);
  log('mnp list loaded', { path, numbers: parsed.data.numbers.byteLength / 8, carriers: parsed.data.names, skipped: parsed.problems.length }, 'info');
  return true;
}
