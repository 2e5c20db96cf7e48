/**
 * HTTP-serving gateway processes, kept in PostgreSQL (already shared by every process, as the egress
 * partition leases in partitions.ts are): a process serving HTTP message requests upserts its row
 * with a short lease at every beat and counts the others' live rows in the same round. A process
 * killed with -9 stops renewing; its row lapses and the others stop counting it.
 */
import type { HttpProcessRegistry } from '../../ports/http-processes.js';
import type { Pool } from './db.js';
import { queries } from './db.js';

const Q = queries('http-processes', ['beat', 'others', 'prune', 'leave'] as const);

export class PgHttpProcesses implements HttpProcessRegistry {
  constructor(private readonly pool: Pool) {}

  async beat(member: string, now: number, leaseMs: number, serving: boolean): Promise<number> {
    if (serving) await this.pool.query(Q.beat, [member, now + leaseMs]);
    // rows of processes gone for a minute, so the table does not grow with every restart
    await this.pool.query(Q.prune, [now]);
    return (await this.pool.query<{ n: number }>(Q.others, [now, member])).rows[0].n;
  }

  async leave(member: string): Promise<void> {
    await this.pool.query(Q.leave, [member]);
  }
}
