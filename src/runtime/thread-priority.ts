/**
 * Background threads that yield to the event loop when the cores are contended.
 *
 * On Linux a thread's nice value is its own: `setpriority(PRIO_PROCESS, 0, …)`, which is what
 * `os.setPriority(n)` calls, changes the calling thread only. Elsewhere (macOS, Windows) the same
 * call changes the whole process, the event loop included, so this does nothing there. Raising one's
 * own nice value needs no privilege; lowering it back would, so it is never attempted.
 *
 * Why: the gateway's event loop is the critical path of every submission (it decides, records and
 * answers), while a background thread such as the SMPP client's works in batches that tolerate a
 * delay. On a two-core machine shared with the peers, the client thread at equal priority preempted
 * the event loop; at nice 10 the loop wins a contended core and the thread, running less often,
 * handles more per wake-up (docs/PERFORMANCE.md, eleventh session, runs alternating: the HTTP
 * single-submit path 7,424–8,233 → 7,876–9,006 msgs/s and the gateway's CPU per message 138–150 →
 * 118–137 µs; the HTTP batch path 23,484–31,277 → 31,082–33,661; SMPP → SMPP within its spread).
 */
import { getPriority, setPriority } from 'node:os';

/** Nice increment for background threads, unless their owner says otherwise (0: leave as is). */
export const BACKGROUND_THREAD_NICE = 10;

/**
 * Raises the calling thread's nice value by `by` (capped at 19) on Linux. Returns the thread's nice
 * value afterwards, or null where nothing was changed (another platform, `by` ≤ 0, or refused).
 */
export function lowerThreadPriority(by: number = BACKGROUND_THREAD_NICE): number | null {
  if (process.platform !== 'linux' || !(by > 0)) return null;
  try {
    setPriority(Math.min(19, getPriority() + Math.floor(by)));
    return getPriority();
  } catch {
    // A sandbox that forbids it: the thread keeps running at the default priority.
    return null;
  }
}
