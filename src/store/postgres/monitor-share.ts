/**
 * The early-warning monitor's counts shared between gateway processes, kept in PostgreSQL (migration
 * 107; ports/monitor-share.ts). Off the message path: a round every second or so writes a process's
 * changed buckets in one statement and reads the others' sums in another.
 */
import type { KeyBucketCounts, Scope } from '../../content/early-warning.js';
import type { MonitorExchange, MonitorShareStore } from '../../ports/monitor-share.js';
import type { Pool } from './db.js';
import { queries } from './db.js';

const Q = queries('monitor-share', ['put', 'others', 'prune', 'mark', 'members', 'pruneMembers', 'claim', 'leave'] as const);

interface OtherRow {
  scope: Scope; key: string; idx: number; cp: string;
  submitted: number; accepted: number; rejected: number; opt_outs: number; complaints: number; prohibited: number; score_sum: number; score_n: number;
}

export class PgMonitorShare implements MonitorShareStore {
  constructor(private readonly pool: Pool) {}

  async exchange(member: string, rows: readonly KeyBucketCounts[], fromIndex: number, pruneBefore: number, now: number, leaseMs: number, judging: boolean): Promise<MonitorExchange> {
    if (rows.length) {
      await this.pool.query(Q.put, [
        member, rows.map((r) => r.scope), rows.map((r) => r.key), rows.map((r) => r.index), rows.map((r) => r.contentProviderId),
        rows.map((r) => r.submitted), rows.map((r) => r.accepted), rows.map((r) => r.rejected), rows.map((r) => r.optOuts),
        rows.map((r) => r.complaints), rows.map((r) => r.prohibited), rows.map((r) => r.scoreSum), rows.map((r) => r.scoreN),
      ]);
    }
    if (judging) await this.pool.query(Q.mark, [member, now + leaseMs]);
    await this.pool.query(Q.prune, [pruneBefore]);
    await this.pool.query(Q.pruneMembers, [now]);
    const others = (await this.pool.query<OtherRow>(Q.others, [member, fromIndex])).rows.map((r) => ({
      scope: r.scope, key: r.key, index: r.idx, contentProviderId: r.cp,
      submitted: r.submitted, accepted: r.accepted, rejected: r.rejected, optOuts: r.opt_outs, complaints: r.complaints, prohibited: r.prohibited, scoreSum: r.score_sum, scoreN: r.score_n,
    }));
    const processes = (await this.pool.query<{ n: number }>(Q.members, [now, member])).rows[0].n;
    return { others, processes };
  }

  async claim(scope: Scope, key: string, rule: string, index: number, quietUntil: number): Promise<boolean> {
    return (await this.pool.query(Q.claim, [scope, key, rule, index, quietUntil])).rowCount === 1;
  }

  async leave(member: string): Promise<void> {
    await this.pool.query(Q.leave, [member]);
  }
}
