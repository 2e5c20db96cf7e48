/**
 * Leases on egress partitions, kept in PostgreSQL (already shared by every process, so no second
 * coordination service): each egress process heartbeats as a member, renews the partitions it owns,
 * gives back any above its fair share (ceil(partitions / live members)) and takes free or expired
 * ones up to it. A process killed with -9 stops renewing; its partitions expire and move.
 */
import type { Pool } from './db.js';
import { queries } from './db.js';
import { PRIORITIES } from '../../domain/priority.js';

const Q = queries('partitions', ['seed', 'heartbeat', 'fleetLanes', 'live', 'prune', 'renew', 'release', 'take', 'leave', 'forget'] as const);

export class PgPartitionLeases {
  constructor(private readonly pool: Pool) {}

  /**
   * One balancing round for `member`: returns the partitions it owns afterwards. `release` is called
   * with partitions to give up before they are released in the database (stop consuming them first).
   */
  async balance(member: string, partitions: number, now: number, ttlMs: number, release: (ps: number[]) => Promise<void>): Promise<number[]> {
    await this.pool.query(Q.seed, [partitions]);
    await this.pool.query(Q.heartbeat, [member, now + ttlMs, PRIORITIES.length]);
    await this.pool.query(Q.prune, [now]);
    const live = Math.max(1, (await this.pool.query<{ n: number }>(Q.live, [now])).rows[0].n);
    const share = Math.ceil(partitions / live);
    let own = (await this.pool.query<{ partition: number }>(Q.renew, [member, now + ttlMs, partitions])).rows.map((r) => r.partition).sort((a, b) => a - b);
    if (own.length > share) {
      const extra = own.slice(share);
      await release(extra);
      await this.pool.query(Q.release, [member, extra]);
      own = own.slice(0, share);
    } else if (own.length < share) {
      const got = (await this.pool.query<{ partition: number }>(Q.take, [member, now, now + ttlMs, share - own.length, partitions])).rows.map((r) => r.partition);
      own = [...own, ...got].sort((a, b) => a - b);
    }
    return own;
  }

  /**
   * The fewest lanes' subjects a live egress process consumes: one subject per lane
   * (`PRIORITIES.length`) unless a process of an earlier version is live, which reads `mt` only
   * (migration 112). The relay hands every message over on `mt` meanwhile.
   */
  async fleetLanes(now: number): Promise<number> {
    return (await this.pool.query<{ n: number }>(Q.fleetLanes, [now, PRIORITIES.length])).rows[0].n;
  }

  /** Gives every partition back and leaves (graceful shutdown). */
  async leave(member: string): Promise<void> {
    await this.pool.query(Q.leave, [member]);
    await this.pool.query(Q.forget, [member]);
  }
}
