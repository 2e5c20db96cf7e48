/**
 * Fixed-window counts per client address for the doors that need no login (the public complaint
 * door, the complainant's status lookup: src/app/address-window.ts). The PostgreSQL store keeps them
 * in a table every gateway process counts in, so a limit holds for the deployment; the SQLite store
 * (one process) keeps them in memory.
 *
 * Windows are named by their start and end (wall-clock epoch ms). When the counts of one limit and
 * address are asked for two different windows, the later window wins: a count from an earlier window
 * is replaced when a later one begins, and an event counted with an earlier window (a process whose
 * clock lags) is added to the later window already stored, never resetting it.
 */
export interface AddressLimitStore {
  /**
   * Counts one event of `limit` from `address` in the window [`windowStart`, `windowEnd`), atomically
   * (concurrent calls from any process each get their own count), and returns the window's count with it.
   */
  hit(limit: string, address: string, windowStart: number, windowEnd: number): Promise<number>;
  /** The count of `limit` from `address` in the window starting at `windowStart` (or a later one stored); 0 when none. */
  count(limit: string, address: string, windowStart: number): Promise<number>;
  /** Drops every count whose window ended at or before `now` (housekeeping); returns how many. */
  prune(now: number): Promise<number>;
}
