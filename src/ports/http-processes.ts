/**
 * Which gateway processes are serving HTTP message requests, for splitting a content provider's
 * HTTP throughput between them (src/app/http-processes.ts). Only a store shared by several processes
 * has one (the PostgreSQL store); on SQLite one process serves, and the whole rate is its own.
 */
export interface HttpProcessRegistry {
  /**
   * One heartbeat round of process `member` at wall-clock `now` (epoch ms): when `serving`, it is
   * marked live until `now + leaseMs`; otherwise its mark is left to lapse. Returns how many *other*
   * processes are marked live at `now`.
   */
  beat(member: string, now: number, leaseMs: number, serving: boolean): Promise<number>;
  /** Removes the member's mark (graceful shutdown), so the others take its share at their next beat. */
  leave(member: string): Promise<void>;
}
