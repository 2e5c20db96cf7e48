/**
 * The early-warning monitor judging the deployment's traffic, not one process's share (docs/CONTENT.md
 * "Several processes", docs/SCALING.md). With several gateway processes on one PostgreSQL store each
 * process still counts its own messages in memory (one Map update per message, as alone); a round
 * every {@link MONITOR_SHARE_BEAT_MS} of wall-clock time, off the message path:
 *
 * 1. stores the buckets this process counted into since the last round (absolute counts, so a round
 *    that repeats them is harmless) and reads the sum of every other process's counts of the buckets
 *    still in a window or settling (ports/monitor-share.ts);
 * 2. merges them into the monitor, which judges every key they concern on the sum (an alert can come
 *    from the others' traffic alone) and folds closed buckets into the baselines with everyone's counts;
 * 3. reads the actions in force from the store, so an action another process placed applies here, and
 *    one an operator lifted elsewhere is lifted here, within a round;
 * 4. tells the action book how many processes judge messages (a throttle of N msgs/s holds each to N / processes);
 * 5. applies the baseline resets an operator made through another process (before step 2's judging).
 *
 * An alert is raised once for the deployment: the process whose claim in the store wins raises it and
 * applies its action (ContentGovernance.share). Between rounds a process judges on its own fresh counts
 * plus the others' as last read: the deployment's window is at most a round (and the others' rounds)
 * behind. A round that fails (the store unreachable) keeps the others' counts last read, tells this
 * process's counts again at the next round that succeeds, and is reported once per outage.
 */
import type { ContentGovernance } from './content-governance.js';
import type { MonitorShareStore } from '../ports/monitor-share.js';
import { SHARED_SETTLE_BUCKETS, type Alert } from '../content/early-warning.js';
import { Heartbeat } from '../runtime/heartbeat.js';

/** How often a process tells its counts and reads the others' (wall clock). */
export const MONITOR_SHARE_BEAT_MS = 1000;
/** How long a process that judged messages counts as one of those a throttle is split between. */
export const MONITOR_MEMBER_LEASE_MS = 6000;

export interface MonitorShareOptions {
  /** This process's id in the store (unique per process). */
  member: string;
  beatMs?: number;
  leaseMs?: number;
  /** Wall-clock ms for the lease (never the simulated app clock). */
  wallNow?: () => number;
  /** App-clock ms: the clock events are dated with, which decides buckets. */
  now: () => number;
  onError?: (e: unknown) => void;
  /** Each new number of processes judging messages, this one included. */
  onProcesses?: (n: number) => void;
}

export class MonitorShare {
  private readonly heart: Heartbeat;
  private readonly leaseMs: number;
  private readonly wallNow: () => number;
  /** Wall-clock ms of the last round that had counts of this process to tell. */
  private lastCounted = -Infinity;

  constructor(private readonly gov: ContentGovernance, private readonly store: MonitorShareStore, private readonly o: MonitorShareOptions) {
    this.leaseMs = o.leaseMs ?? MONITOR_MEMBER_LEASE_MS;
    this.wallNow = o.wallNow ?? Date.now;
    this.heart = new Heartbeat(o.beatMs ?? MONITOR_SHARE_BEAT_MS, () => this.run(), (e) => this.o.onError?.(e));
    const { bucketMs, windowBuckets } = gov.monitor.policy;
    gov.share((a: Alert) => {
      const index = Math.round(a.windowStart / bucketMs) + windowBuckets - 1;
      return store.claim(a.scope, a.key, a.rule, index, index + windowBuckets - 1);
    });
  }

  /** One round now (before the doors open), then one every beat. */
  async start(): Promise<void> {
    await this.heart.beat();
    this.heart.start();
  }

  /** One round: tell, read, merge, sync actions. Never throws; rounds never overlap. */
  beat(): Promise<void> {
    return this.heart.beat();
  }

  private async run(): Promise<void> {
    const monitor = this.gov.monitor;
    const { bucketMs, windowBuckets } = monitor.policy;
    const wall = this.wallNow();
    const rows = monitor.exportCounts();
    if (rows.length) this.lastCounted = wall;
    const index = Math.floor(this.o.now() / bucketMs);
    const fromIndex = index - windowBuckets - SHARED_SETTLE_BUCKETS;
    let ex;
    try {
      ex = await this.store.exchange(this.o.member, rows, fromIndex, fromIndex - windowBuckets, wall, this.leaseMs, wall - this.lastCounted < this.leaseMs);
    } catch (e) {
      // not told: every bucket of this process goes again at the next round
      monitor.markAllDirty();
      throw e;
    }
    // an operator's baseline reset made in another process, before judging on the merged counts
    await this.gov.applyBaselineResets();
    this.gov.raiseAll(monitor.mergeOthers(ex.others, this.o.now()));
    const n = ex.processes + 1;
    if (n !== this.gov.actions.processCount) {
      this.gov.actions.setProcesses(n);
      this.o.onProcesses?.(n);
    }
    // after the alerts raised above are stored, so their actions are not taken for lifted
    await this.gov.flush();
    this.gov.syncActions(await this.gov.storedActions(), this.o.now());
  }

  /** Stops the rounds, tells the last counts, and removes this process's live mark. */
  async stop(): Promise<void> {
    await this.heart.stop();
    await this.heart.beat();
    await this.store.leave(this.o.member).catch((e) => this.o.onError?.(e));
  }
}
