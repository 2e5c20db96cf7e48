/**
 * Reading `smsc-sink.pl`'s counters (shared/peers/kannel): the sink rewrites its stats file, one line
 * of `key=value`, at most every 0.5 s while it works and once more when it goes idle. Kannel's side of
 * the comparison (run-bench.sh) times a run from just before ab starts to the sink's own `last_submit`
 * stamp, so smsguard's side must too: timing it from when a poller first saw the count in the file
 * adds up to the file's 0.5 s period (and the poll's) to smsguard's run only, 3–7 % of a 7–10 s run
 * (docs/PERFORMANCE.md, twelfth session).
 */
import { readFileSync } from 'node:fs';

/** The sink's submit count and the wall-clock time (ms since the epoch) of the last submit it took. */
export interface SinkStats {
  submits: number;
  lastSubmitMs: number;
}

/** The sink's counters as last written (zeros before the first write). */
export function readSinkStats(file: string): SinkStats {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { submits: 0, lastSubmitMs: 0 };
  }
  return {
    submits: Number(/(?:^|\s)submit=(\d+)/.exec(text)?.[1] ?? 0),
    lastSubmitMs: Number(/(?:^|\s)last_submit=([\d.]+)/.exec(text)?.[1] ?? 0) * 1000,
  };
}

/**
 * Waits (polling every 10 ms, at most `ms`) until the sink has taken `n` submits; returns its counters
 * then, or the last seen when time runs out (the caller compares `submits` with what it expected).
 * Once the count is reached nothing else is being sent, so that line's `lastSubmitMs` is the run's end.
 */
export async function waitSinkSubmits(file: string, n: number, ms: number): Promise<SinkStats> {
  const end = Date.now() + ms;
  for (;;) {
    const s = readSinkStats(file);
    if (s.submits >= n || Date.now() > end) return s;
    await new Promise((r) => setTimeout(r, 10));
  }
}
