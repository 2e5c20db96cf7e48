/**
 * The early-warning monitor's counts shared between gateway processes (src/app/monitor-share.ts,
 * docs/CONTENT.md "Several processes"). Only a store shared by several processes has one (the
 * PostgreSQL store); on SQLite one process judges all the traffic and nothing is shared.
 */
import type { KeyBucketCounts, Scope } from '../content/early-warning.js';

export interface MonitorExchange {
  /** Every other process's counts of buckets from the asked index on, summed per key and bucket. */
  others: KeyBucketCounts[];
  /** How many *other* processes are marked live (judging messages) at the round's wall-clock time. */
  processes: number;
}

export interface MonitorShareStore {
  /**
   * One round of process `member`: stores `rows` (its own absolute counts of each bucket, replacing
   * what it stored of that bucket before); when `judging`, marks it live until wall-clock
   * `now + leaseMs`; drops every process's counts of buckets before `pruneBefore`; returns the
   * others' counts of buckets from `fromIndex` on and how many others are live. One transaction is
   * not needed: counts are absolute and each process writes only its own rows.
   */
  exchange(member: string, rows: readonly KeyBucketCounts[], fromIndex: number, pruneBefore: number, now: number, leaseMs: number, judging: boolean): Promise<MonitorExchange>;
  /**
   * Claims the alert of `rule` on a key for the window of bucket `index`: true, and the rule quiet
   * for every process up to bucket `quietUntil`, unless another process's claim already covers
   * `index` (then false: that process raised the alert and applies its action).
   */
  claim(scope: Scope, key: string, rule: string, index: number, quietUntil: number): Promise<boolean>;
  /** Removes the member's live mark (graceful shutdown). Its counts stay: they are the deployment's traffic. */
  leave(member: string): Promise<void>;
}
