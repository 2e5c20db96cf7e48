/**
 * Early-warning monitoring (rule 9: "an early-warning and monitoring mechanism against unsolicited
 * commercial messages"): detectors over sliding windows, per content provider and per port.
 *
 * Pure and deterministic: time arrives as `at` on each event and `now` on each question; nothing here
 * reads a clock, a store or the environment. The caller feeds events (submissions with their outcome,
 * prohibited hits and classifier score, opt-outs, complaints) and gets alerts back; it persists alerts
 * and actions where it likes.
 *
 * Windows: time is cut into buckets of `bucketMs`; a window is the last `windowBuckets` buckets
 * including the current, partly filled one, so a window slides by one bucket. Volume is judged
 * against the key's own baseline: an exponentially weighted moving average (EWMA) of completed bucket
 * counts and of their variance, scaled to a window. The z-score of the current window fires while the
 * bucket is still filling, which is what lets a 20× campaign trip the alarm inside its first window.
 * Buckets that were themselves anomalous do not feed the baseline, so a long campaign cannot teach
 * the detector that it is normal.
 *
 * Thresholds are data ({@link EarlyWarningPolicy}); each rule names the action it proposes: alert
 * only, throttle the sender to N msgs/s, hold its messages for review, or suspend it. Actions are
 * recorded with the figures that triggered them and can be lifted by an operator ({@link ActionBook}).
 */

export type Metric = 'volume' | 'rejection_rate' | 'opt_out_rate' | 'complaint_rate' | 'prohibited_hits' | 'score_drift';
export type Scope = 'provider' | 'port';

/** What crossing a threshold does. `throttle` limits the key to `perSecond` messages a second. */
export type ProposedAction = { kind: 'alert' } | { kind: 'throttle'; perSecond: number } | { kind: 'hold' } | { kind: 'suspend' };

/** One threshold. The meaning of `threshold` depends on the metric (see {@link Metric} docs in CONTENT.md). */
export interface WarningRule {
  id: string;
  metric: Metric;
  scope: Scope;
  /**
   * volume: z-score of the window count against the baseline; *_rate: fraction of the window's
   * submissions (opt-outs and complaints: of accepted ones); prohibited_hits: hits in the window;
   * score_drift: rise of the window's mean commercial score over its baseline mean.
   */
  threshold: number;
  /** Below this many submissions in the window the metric is not judged (default 20). */
  minSamples?: number;
  severity: 'warning' | 'critical';
  action: ProposedAction;
}

export interface EarlyWarningPolicy {
  bucketMs: number;
  windowBuckets: number;
  /** EWMA weight of the newest completed bucket (0–1). */
  alpha: number;
  /** Completed buckets a key needs before volume and drift are judged at all. */
  minBaselineBuckets: number;
  /** A window with fewer messages than this is never a volume spike (quiet senders). */
  volumeFloor: number;
  rules: WarningRule[];
}

/** What the monitor is told. */
export type MonitorEvent =
  | {
      /** A message was judged (accepted or rejected). */
      kind: 'submission';
      at: number;
      contentProviderId: string;
      /** Sending port, when the caller knows it (port-scope rules need it). */
      port?: string;
      accepted: boolean;
      /** The message hit the prohibited-content lexicon. */
      prohibited?: boolean;
      /** The classifier's commercial score (0–1), when it ran. */
      commercialScore?: number;
    }
  | {
      /** What the content stage saw, reported separately from the decision (it runs mid-pipeline). */
      kind: 'content';
      at: number;
      contentProviderId: string;
      port?: string;
      prohibited: boolean;
      commercialScore?: number;
    }
  | { kind: 'opt_out'; at: number; contentProviderId: string; port?: string }
  | { kind: 'complaint'; at: number; contentProviderId: string; port?: string };

/** A threshold crossed, with the figures that crossed it. */
export interface Alert {
  rule: string;
  metric: Metric;
  scope: Scope;
  /** Provider id, or port number for port scope. */
  key: string;
  contentProviderId: string;
  severity: 'warning' | 'critical';
  value: number;
  threshold: number;
  figures: Record<string, number>;
  windowStart: number;
  at: number;
  action: ProposedAction;
}

interface Bucket {
  index: number;
  submitted: number;
  accepted: number;
  rejected: number;
  optOuts: number;
  complaints: number;
  prohibited: number;
  scoreSum: number;
  scoreN: number;
}

interface KeyState {
  buckets: Bucket[];
  mean: number;
  variance: number;
  scoreMean: number;
  scoreBaselineN: number;
  completed: number;
  lastIndex: number;
  /** rule id → bucket index until which it stays quiet (one alert per rule per window) */
  quietUntil: Map<string, number>;
}

/** A window's figures, as alerts and GET endpoints show them (in this order). */
type Figures = {
  submitted: number; accepted: number; rejected: number; optOuts: number; complaints: number; prohibited: number;
  meanScore: number; scored: number; baselinePerWindow: number; baselineSd: number; baselineScore: number; baselineBuckets: number;
};
const blankFigures = (): Figures => ({ submitted: 0, accepted: 0, rejected: 0, optOuts: 0, complaints: 0, prohibited: 0, meanScore: 0, scored: 0, baselinePerWindow: 0, baselineSd: 0, baselineScore: 0, baselineBuckets: 0 });

const emptyBucket = (index: number): Bucket => ({ index, submitted: 0, accepted: 0, rejected: 0, optOuts: 0, complaints: 0, prohibited: 0, scoreSum: 0, scoreN: 0 });

/** Problems in a policy, all at once. */
export function validatePolicy(p: EarlyWarningPolicy): string[] {
  const e: string[] = [];
  if (!(p.bucketMs > 0)) e.push('bucketMs: must be > 0');
  if (!(Number.isInteger(p.windowBuckets) && p.windowBuckets >= 1)) e.push('windowBuckets: integer ≥ 1');
  if (!(p.alpha > 0 && p.alpha <= 1)) e.push('alpha: in (0, 1]');
  if (!(p.minBaselineBuckets >= 0)) e.push('minBaselineBuckets: ≥ 0');
  const metrics: Metric[] = ['volume', 'rejection_rate', 'opt_out_rate', 'complaint_rate', 'prohibited_hits', 'score_drift'];
  const ids = new Set<string>();
  p.rules.forEach((r, i) => {
    if (ids.has(r.id)) e.push(`rules[${i}].id: duplicate ${r.id}`);
    ids.add(r.id);
    if (!metrics.includes(r.metric)) e.push(`rules[${i}].metric: unknown ${r.metric}`);
    if (r.scope !== 'provider' && r.scope !== 'port') e.push(`rules[${i}].scope: provider or port`);
    if (!Number.isFinite(r.threshold)) e.push(`rules[${i}].threshold: number`);
    if (!['alert', 'throttle', 'hold', 'suspend'].includes(r.action?.kind)) e.push(`rules[${i}].action.kind: alert, throttle, hold or suspend`);
    if (r.action?.kind === 'throttle' && !(r.action.perSecond > 0)) e.push(`rules[${i}].action.perSecond: > 0`);
  });
  return e;
}

/** Sliding-window detectors for every provider and port (see module doc). */
export class EarlyWarningMonitor {
  /**
   * Each scope's keys by the key itself: every message is fed twice per scope (its content, then its
   * decision), and a `scope:key` string built per feed was one of the larger allocations per message.
   */
  private readonly keys: Record<Scope, Map<string, KeyState>> = { provider: new Map(), port: new Map() };
  /**
   * The figures a feed's rules read, filled in place (figuresInto): the rules only read them and an
   * alert takes a copy, so one object serves every feed instead of two fresh ones per feed.
   */
  private readonly scratch: Figures = blankFigures();
  private readonly byScope: Record<Scope, WarningRule[]>;
  /** Bucket z-score from which a completed bucket is kept out of the baseline (lowest volume threshold). */
  private readonly anomalyZ: number;

  constructor(readonly policy: EarlyWarningPolicy) {
    const errors = validatePolicy(policy);
    if (errors.length) throw new Error(`invalid early-warning policy: ${errors.join('; ')}`);
    this.byScope = { provider: policy.rules.filter((r) => r.scope === 'provider'), port: policy.rules.filter((r) => r.scope === 'port') };
    this.anomalyZ = Math.min(Infinity, ...policy.rules.filter((r) => r.metric === 'volume').map((r) => r.threshold));
  }

  /**
   * Forget a key's baseline: an operator's way to accept a new normal volume (a sender that grew for
   * good). Anomalous buckets never enter the baseline on their own, so without this a permanent
   * increase keeps alerting, which is the safe default.
   */
  resetBaseline(scope: Scope, key: string): void {
    const st = this.keys[scope].get(key);
    if (!st) return;
    st.mean = 0;
    st.variance = 0;
    st.completed = 0;
    st.scoreMean = 0;
    st.scoreBaselineN = 0;
  }

  /** Feed one event; returns the alerts it raised (usually none). */
  observe(ev: MonitorEvent): Alert[] {
    const alerts: Alert[] = [];
    this.feed('provider', ev.contentProviderId, ev, alerts);
    if (ev.port !== undefined) this.feed('port', ev.port, ev, alerts);
    return alerts;
  }

  /** Current figures of a key's window (for GET endpoints and metrics). */
  snapshot(scope: Scope, key: string, now: number): Record<string, number> | undefined {
    const st = this.keys[scope].get(key);
    if (!st) return undefined;
    this.advance(st, Math.floor(now / this.policy.bucketMs));
    return this.figuresInto(blankFigures(), st);
  }

  private feed(scope: Scope, key: string, ev: MonitorEvent, alerts: Alert[]): void {
    const keys = this.keys[scope];
    let st = keys.get(key);
    const index = Math.floor(ev.at / this.policy.bucketMs);
    if (!st) {
      st = { buckets: [emptyBucket(index)], mean: 0, variance: 0, scoreMean: 0, scoreBaselineN: 0, completed: 0, lastIndex: index, quietUntil: new Map() };
      keys.set(key, st);
    }
    this.advance(st, index);
    const b = st.buckets[st.buckets.length - 1];
    if (index < b.index) return; // late event from a bucket already closed: ignored rather than rewriting history
    switch (ev.kind) {
      case 'submission':
        b.submitted++;
        if (ev.accepted) b.accepted++;
        else b.rejected++;
        if (ev.prohibited) b.prohibited++;
        if (ev.commercialScore !== undefined) (b.scoreSum += ev.commercialScore), b.scoreN++;
        break;
      case 'content':
        if (ev.prohibited) b.prohibited++;
        if (ev.commercialScore !== undefined) (b.scoreSum += ev.commercialScore), b.scoreN++;
        break;
      case 'opt_out':
        b.optOuts++;
        break;
      case 'complaint':
        b.complaints++;
        break;
    }
    let f: Figures | undefined;
    for (const rule of this.byScope[scope]) {
      if ((st.quietUntil.get(rule.id) ?? -1) >= index) continue;
      f ??= this.figuresInto(this.scratch, st);
      const judged = this.judge(st, rule, f);
      if (!judged) continue;
        st.quietUntil.set(rule.id, index + this.policy.windowBuckets - 1);
      alerts.push({
        rule: rule.id,
        metric: rule.metric,
        scope,
        key,
        contentProviderId: ev.contentProviderId,
        severity: rule.severity,
        value: judged.value,
        threshold: rule.threshold,
        figures: judged.figures,
        windowStart: (index - this.policy.windowBuckets + 1) * this.policy.bucketMs,
        at: ev.at,
        action: rule.action,
      });
    }
  }

  /** Close buckets up to `index`, folding completed ones into the baseline. */
  private advance(st: KeyState, index: number): void {
    if (index <= st.lastIndex) return;
    const { windowBuckets } = this.policy;
    const cur = st.buckets[st.buckets.length - 1];
    this.fold(st, cur.submitted, cur.scoreN ? cur.scoreSum / cur.scoreN : undefined, this.isAnomalous(st, cur.submitted));
    // empty buckets in between count as zero volume (capped: a long silence is simply "quiet")
    const gap = Math.min(index - st.lastIndex - 1, 500);
    for (let k = 0; k < gap; k++) this.fold(st, 0, undefined, false);
    st.buckets.push(emptyBucket(index));
    while (st.buckets.length && st.buckets[0].index <= index - windowBuckets) st.buckets.shift();
    st.lastIndex = index;
  }

  /** Is a completed bucket's count itself a spike against the baseline? (see resetBaseline) */
  private isAnomalous(st: KeyState, count: number): boolean {
    if (st.completed < this.policy.minBaselineBuckets || this.anomalyZ === Infinity) return false;
    const sd = Math.max(Math.sqrt(st.variance), Math.sqrt(st.mean), 1);
    return (count - st.mean) / sd >= this.anomalyZ && count * this.policy.windowBuckets >= this.policy.volumeFloor;
  }

  private fold(st: KeyState, count: number, scoreMean: number | undefined, anomalous: boolean): void {
    if (anomalous) return;
    const a = this.policy.alpha;
    if (st.completed === 0) {
      st.mean = count;
      st.variance = 0;
    } else {
      const diff = count - st.mean;
      const incr = a * diff;
      st.mean += incr;
      st.variance = (1 - a) * (st.variance + diff * incr);
    }
    st.completed++;
    if (scoreMean !== undefined) {
      st.scoreMean = st.scoreBaselineN === 0 ? scoreMean : st.scoreMean + a * (scoreMean - st.scoreMean);
      st.scoreBaselineN++;
    }
  }

  /** The window's figures of `st`, written into `f` (returned). */
  private figuresInto(f: Figures, st: KeyState): Figures {
    let submitted = 0, accepted = 0, rejected = 0, optOuts = 0, complaints = 0, prohibited = 0, scoreSum = 0, scoreN = 0;
    for (const b of st.buckets) {
      submitted += b.submitted;
      accepted += b.accepted;
      rejected += b.rejected;
      optOuts += b.optOuts;
      complaints += b.complaints;
      prohibited += b.prohibited;
      scoreSum += b.scoreSum;
      scoreN += b.scoreN;
    }
    const w = this.policy.windowBuckets;
    f.submitted = submitted;
    f.accepted = accepted;
    f.rejected = rejected;
    f.optOuts = optOuts;
    f.complaints = complaints;
    f.prohibited = prohibited;
    f.meanScore = scoreN ? scoreSum / scoreN : 0;
    f.scored = scoreN;
    f.baselinePerWindow = st.mean * w;
    f.baselineSd = Math.sqrt(st.variance * w);
    f.baselineScore = st.scoreMean;
    f.baselineBuckets = st.completed;
    return f;
  }

  private judge(st: KeyState, rule: WarningRule, f: Figures): { value: number; figures: Record<string, number> } | undefined {
    // `f` is shared by every rule of the event: read only; an alert gets a copy (rules run for every
    // message, alerts are rare)
    const minSamples = rule.minSamples ?? 20;
    let value: number;
    switch (rule.metric) {
      case 'volume': {
        if (st.completed < this.policy.minBaselineBuckets || f.submitted < this.policy.volumeFloor) return undefined;
        // sd floor: a perfectly regular sender has variance 0; Poisson noise √mean is the least we expect
        const sd = Math.max(f.baselineSd, Math.sqrt(f.baselinePerWindow), 1);
        value = (f.submitted - f.baselinePerWindow) / sd;
        return value >= rule.threshold ? { value, figures: { ...f, zScore: value } } : undefined;
      }
      case 'rejection_rate':
        if (f.submitted < minSamples) return undefined;
        value = f.rejected / f.submitted;
        break;
      case 'opt_out_rate':
        if (f.accepted < minSamples) return undefined;
        value = f.optOuts / f.accepted;
        break;
      case 'complaint_rate':
        if (f.accepted < minSamples) return undefined;
        value = f.complaints / f.accepted;
        break;
      case 'prohibited_hits':
        value = f.prohibited;
        break;
      case 'score_drift':
        if (f.scored < minSamples || st.scoreBaselineN < this.policy.minBaselineBuckets) return undefined;
        value = f.meanScore - f.baselineScore;
        break;
    }
    return value >= rule.threshold ? { value, figures: { ...f } } : undefined;
  }
}

// The action book (what alerts put in force) lives in actions.ts; re-exported for one import site.
export { ActionBook, type ActionRecord, type Admission } from './actions.js';
