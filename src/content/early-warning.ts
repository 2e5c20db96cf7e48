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
 *
 * Shared counts (several gateway processes, docs/SCALING.md): after {@link EarlyWarningMonitor.share}
 * the monitor also holds, per key and bucket, the sum of the other processes' counts as last told
 * ({@link EarlyWarningMonitor.mergeOthers}), and judges windows and folds baselines on its own counts
 * plus theirs, so it judges the deployment's traffic rather than its share. A bucket is then folded
 * into the baseline one bucket after it closed ({@link SHARED_SETTLE_BUCKETS}), once every process has
 * told its counts of it. The message path is unchanged: an event updates this process's bucket only;
 * what it counted since the last export is read by {@link EarlyWarningMonitor.exportCounts}.
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
  /**
   * Rates only: below this many of the counted events in the window (rejections, opt-outs,
   * complainants: a complainant counts once however often they complain) the rate is not judged, whatever fraction they make (default
   * {@link DEFAULT_MIN_EVENTS}). A rate of one event is one event: a single unverified complaint
   * against a few hundred messages must not hold a provider.
   */
  minEvents?: number;
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
  | {
      kind: 'complaint';
      at: number;
      contentProviderId: string;
      port?: string;
      /**
       * Who complained, as an opaque key (the caller's hash of the number, never the number): a
       * complainant counts once in a window however often they complain ({@link EarlyWarningMonitor}
       * keeps their latest complaint only). Left out, every complaint counts on its own.
       */
      complainant?: string;
    };

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

interface Bucket extends BucketCounts {
  index: number;
  /** Changed since the last {@link EarlyWarningMonitor.exportCounts} (shared counts only read it). */
  dirty: boolean;
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
  /** The last bucket index folded into the baseline. */
  foldedThrough: number;
  /** The provider of the key's last event (a port's alerts name it). */
  contentProviderId: string;
  /** Shared counts only: bucket index → the other processes' counts of that bucket, as last merged. */
  others?: Map<number, BucketCounts>;
  /** App-clock ms of the newest operator reset applied to this key's baseline (0: none). */
  resetAt: number;
  /**
   * Complainant key → the bucket index their latest complaint is counted in (this process's
   * buckets): a complaint from one already counted in the window moves their count to the newer
   * bucket, so the window's `complaints` are distinct complainants. Entries older than the kept
   * buckets are dropped as the window moves.
   */
  complainants?: Map<string, number>;
}

/**
 * A key's baseline as it is kept across restarts (docs/CONTENT.md "Baselines kept across restarts"):
 * the EWMA of its completed buckets' counts and of their variance, the mean commercial score, and how
 * many buckets each has seen. Windows are not kept: a restarted process judges its window on what it
 * counts from then on (and, sharing counts, on the others').
 */
export interface BaselineState {
  scope: Scope;
  key: string;
  contentProviderId: string;
  mean: number;
  variance: number;
  completed: number;
  scoreMean: number;
  scoreN: number;
  /** App-clock ms of the newest operator reset this baseline was folded after (0: none). */
  resetAt: number;
}

/** A bucket's counts, as processes tell them to each other (shared counts). */
export interface BucketCounts {
  submitted: number;
  accepted: number;
  rejected: number;
  optOuts: number;
  complaints: number;
  prohibited: number;
  scoreSum: number;
  scoreN: number;
}

/** One key's bucket as exported or merged (shared counts). */
export interface KeyBucketCounts extends BucketCounts {
  scope: Scope;
  key: string;
  contentProviderId: string;
  index: number;
}

/**
 * Shared counts: how many buckets after it closes a bucket waits before it is folded into the
 * baseline, so that the other processes' counts of it (told every second or so) are all in.
 */
export const SHARED_SETTLE_BUCKETS = 1;

/**
 * The least number of events a rate rule needs in its window when it does not say (`minEvents`):
 * one complaint may be malicious or mistaken and two may be one person filing twice; three in a
 * minute against one provider is a pattern a legitimate sender rarely shows (docs/CONTENT.md).
 */
export const DEFAULT_MIN_EVENTS = 3;

/** The metrics that are rates of events and take `minEvents`. */
const RATE_METRICS: readonly Metric[] = ['rejection_rate', 'opt_out_rate', 'complaint_rate'];

/** A window's figures, as alerts and GET endpoints show them (in this order). */
type Figures = {
  submitted: number; accepted: number; rejected: number; optOuts: number; complaints: number; prohibited: number;
  meanScore: number; scored: number; baselinePerWindow: number; baselineSd: number; baselineScore: number; baselineBuckets: number;
};
/** Sets every count of `c` to 0 (returned). */
function zeroCounts(c: BucketCounts): BucketCounts {
  c.submitted = c.accepted = c.rejected = c.optOuts = c.complaints = c.prohibited = c.scoreSum = c.scoreN = 0;
  return c;
}

/** Adds the counts of `b` into `to`. */
function addCounts(to: BucketCounts, b: BucketCounts): void {
  to.submitted += b.submitted;
  to.accepted += b.accepted;
  to.rejected += b.rejected;
  to.optOuts += b.optOuts;
  to.complaints += b.complaints;
  to.prohibited += b.prohibited;
  to.scoreSum += b.scoreSum;
  to.scoreN += b.scoreN;
}

const blankFigures = (): Figures => ({ submitted: 0, accepted: 0, rejected: 0, optOuts: 0, complaints: 0, prohibited: 0, meanScore: 0, scored: 0, baselinePerWindow: 0, baselineSd: 0, baselineScore: 0, baselineBuckets: 0 });

const emptyBucket = (index: number): Bucket => ({ index, dirty: false, submitted: 0, accepted: 0, rejected: 0, optOuts: 0, complaints: 0, prohibited: 0, scoreSum: 0, scoreN: 0 });

/** Fields of a policy, a rule and an action: any other is a misspelling whose value would be ignored. */
const POLICY_FIELDS = new Set(['description', 'bucketMs', 'windowBuckets', 'alpha', 'minBaselineBuckets', 'volumeFloor', 'rules']);
const RULE_FIELDS = new Set(['id', 'metric', 'scope', 'threshold', 'minSamples', 'minEvents', 'severity', 'action']);
const ACTION_FIELDS = new Set(['kind', 'perSecond']);

/**
 * Problems in a policy, all at once. An operator's file is JSON, so every field is checked for its
 * type: a string number (`"60"`) worked only by coercion, a missing `volumeFloor` turned the floor off,
 * and a misspelt field (`treshold`) was ignored, all without a word.
 */
export function validatePolicy(p: EarlyWarningPolicy): string[] {
  const e: string[] = [];
  const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const unknown = (o: Record<string, unknown>, known: Set<string>, at: string) => {
    for (const k of Object.keys(o)) if (!known.has(k)) e.push(`${at}${k}: unknown field (fields: ${[...known].join(', ')})`);
  };
  if (!isObject(p)) return ['policy: an object'];
  unknown(p, POLICY_FIELDS, '');
  if (!(isNum(p.bucketMs) && p.bucketMs > 0)) e.push('bucketMs: must be > 0');
  if (!(Number.isInteger(p.windowBuckets) && p.windowBuckets >= 1)) e.push('windowBuckets: integer ≥ 1');
  if (!(isNum(p.alpha) && p.alpha > 0 && p.alpha <= 1)) e.push('alpha: in (0, 1]');
  if (!(isNum(p.minBaselineBuckets) && p.minBaselineBuckets >= 0)) e.push('minBaselineBuckets: a number ≥ 0');
  if (!(isNum(p.volumeFloor) && p.volumeFloor >= 0)) e.push('volumeFloor: a number ≥ 0');
  if (!Array.isArray(p.rules)) return [...e, 'rules: required array'];
  const metrics: Metric[] = ['volume', 'rejection_rate', 'opt_out_rate', 'complaint_rate', 'prohibited_hits', 'score_drift'];
  const ids = new Set<string>();
  p.rules.forEach((r, i) => {
    if (!isObject(r)) return void e.push(`rules[${i}]: an object (id, metric, scope, threshold, severity, action)`);
    unknown(r as unknown as Record<string, unknown>, RULE_FIELDS, `rules[${i}].`);
    if (typeof r.id !== 'string' || r.id === '') e.push(`rules[${i}].id: a non-empty string`);
    else if (ids.has(r.id)) e.push(`rules[${i}].id: duplicate ${r.id}`);
    else ids.add(r.id);
    if (!metrics.includes(r.metric)) e.push(`rules[${i}].metric: unknown ${r.metric}`);
    if (r.scope !== 'provider' && r.scope !== 'port') e.push(`rules[${i}].scope: provider or port`);
    // complaints reach the monitor as cases are filed, against a provider, never with a port: a
    // port's complaint rate would stay 0 and its rule would never fire, silently
    else if (r.scope === 'port' && r.metric === 'complaint_rate') e.push(`rules[${i}].scope: complaint_rate is judged per provider only (complaints carry no port); use scope provider`);
    if (!isNum(r.threshold)) e.push(`rules[${i}].threshold: number`);
    if (r.minSamples !== undefined && !(isNum(r.minSamples) && r.minSamples >= 0)) e.push(`rules[${i}].minSamples: a number ≥ 0`);
    if (r.minEvents !== undefined) {
      if (!(Number.isInteger(r.minEvents) && r.minEvents >= 1)) e.push(`rules[${i}].minEvents: an integer ≥ 1`);
      else if (metrics.includes(r.metric) && !RATE_METRICS.includes(r.metric)) e.push(`rules[${i}].minEvents: only for rejection_rate, opt_out_rate and complaint_rate (${r.metric} would ignore it)`);
    }
    if (r.severity !== 'warning' && r.severity !== 'critical') e.push(`rules[${i}].severity: warning or critical`);
    if (!['alert', 'throttle', 'hold', 'suspend'].includes(r.action?.kind)) e.push(`rules[${i}].action.kind: alert, throttle, hold or suspend`);
    else unknown(r.action as unknown as Record<string, unknown>, ACTION_FIELDS, `rules[${i}].action.`);
    if (r.action?.kind === 'throttle' && !(isNum(r.action.perSecond) && r.action.perSecond > 0)) e.push(`rules[${i}].action.perSecond: > 0`);
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
  /** Scratch for {@link figuresInto}'s window sum. */
  private readonly sum: BucketCounts = { submitted: 0, accepted: 0, rejected: 0, optOuts: 0, complaints: 0, prohibited: 0, scoreSum: 0, scoreN: 0 };
  /**
   * The figures a feed's rules read, filled in place (figuresInto): the rules only read them and an
   * alert takes a copy, so one object serves every feed instead of two fresh ones per feed.
   */
  private readonly scratch: Figures = blankFigures();
  private readonly byScope: Record<Scope, WarningRule[]>;
  /** Bucket z-score from which a completed bucket is kept out of the baseline (lowest volume threshold). */
  private readonly anomalyZ: number;
  /** Buckets a closed bucket waits before it is folded (0 alone; {@link SHARED_SETTLE_BUCKETS} shared). */
  private settle = 0;

  constructor(readonly policy: EarlyWarningPolicy) {
    const errors = validatePolicy(policy);
    if (errors.length) throw new Error(`invalid early-warning policy: ${errors.join('; ')}`);
    this.byScope = { provider: policy.rules.filter((r) => r.scope === 'provider'), port: policy.rules.filter((r) => r.scope === 'port') };
    this.anomalyZ = Math.min(Infinity, ...policy.rules.filter((r) => r.metric === 'volume').map((r) => r.threshold));
  }

  /**
   * Judge on the deployment's counts (several processes): from now on the other processes' counts,
   * told through {@link mergeOthers}, are added to this process's, and a closed bucket is folded into
   * the baseline only {@link SHARED_SETTLE_BUCKETS} bucket(s) later. Called before the first event.
   */
  share(): void {
    this.settle = SHARED_SETTLE_BUCKETS;
  }

  /** Whether the monitor judges on shared counts ({@link share}). */
  get shared(): boolean {
    return this.settle > 0;
  }

  /**
   * This process's own counts of the buckets that changed since the last call (absolute counts of
   * each bucket, not increments, so telling them again is harmless), for the other processes.
   */
  exportCounts(): KeyBucketCounts[] {
    const out: KeyBucketCounts[] = [];
    for (const scope of ['provider', 'port'] as const) {
      for (const [key, st] of this.keys[scope]) {
        for (const b of st.buckets) {
          if (!b.dirty) continue;
          b.dirty = false;
          out.push({ scope, key, contentProviderId: st.contentProviderId, index: b.index, submitted: b.submitted, accepted: b.accepted, rejected: b.rejected, optOuts: b.optOuts, complaints: b.complaints, prohibited: b.prohibited, scoreSum: b.scoreSum, scoreN: b.scoreN });
        }
      }
    }
    return out;
  }

  /**
   * Marks every bucket of this process as changed, so the next {@link exportCounts} tells them all
   * again (after an export that could not be stored).
   */
  markAllDirty(): void {
    for (const scope of ['provider', 'port'] as const) for (const st of this.keys[scope].values()) for (const b of st.buckets) b.dirty = true;
  }

  /**
   * The other processes' counts, summed per key and bucket (every bucket from the window's start,
   * less the settling ones, to now): they replace those merged before. Every key they name or named
   * is brought to `now` (its closed buckets folded while their counts are known) and judged, so a
   * window crossed by the others' traffic alerts here too without a message of this process; the
   * alerts are returned (`at` = `now`).
   */
  mergeOthers(rows: readonly KeyBucketCounts[], now: number): Alert[] {
    const fresh: Record<Scope, Map<string, { cp: string; byIndex: Map<number, BucketCounts> }>> = { provider: new Map(), port: new Map() };
    for (const r of rows) {
      let k = fresh[r.scope].get(r.key);
      if (!k) fresh[r.scope].set(r.key, (k = { cp: r.contentProviderId, byIndex: new Map() }));
      k.byIndex.set(r.index, { submitted: r.submitted, accepted: r.accepted, rejected: r.rejected, optOuts: r.optOuts, complaints: r.complaints, prohibited: r.prohibited, scoreSum: r.scoreSum, scoreN: r.scoreN });
    }
    const index = Math.floor(now / this.policy.bucketMs);
    const alerts: Alert[] = [];
    for (const scope of ['provider', 'port'] as const) {
      const keys = this.keys[scope];
      for (const [key, st] of keys) {
        if (st.others && !fresh[scope].has(key)) {
          this.advance(st, index);
          st.others = undefined;
        }
      }
      for (const [key, k] of fresh[scope]) {
        let st = keys.get(key);
        if (!st) {
          st = this.newKey(index, k.cp);
          keys.set(key, st);
        }
        // the newest counts first, then bring it to now: buckets that settle now fold with them (a
        // bucket they name that was folded already stays as folded)
        st.others = k.byIndex;
        this.advance(st, index);
        this.judgeKey(scope, key, st, index, now, st.contentProviderId, alerts);
      }
    }
    return alerts;
  }

  /**
   * Forget a key's baseline: an operator's way to accept a new normal volume (a sender that grew for
   * good). Anomalous buckets never enter the baseline on their own, so without this a permanent
   * increase keeps alerting, which is the safe default.
   */
  resetBaseline(scope: Scope, key: string, at = 0): void {
    const st = this.keys[scope].get(key);
    if (!st) return;
    st.resetAt = Math.max(st.resetAt, at);
    st.mean = 0;
    st.variance = 0;
    st.completed = 0;
    st.scoreMean = 0;
    st.scoreBaselineN = 0;
  }

  /**
   * Applies a reset made elsewhere (another process, told through the store) unless this key's
   * baseline already follows it. Returns whether it reset anything.
   */
  applyReset(scope: Scope, key: string, at: number): boolean {
    const st = this.keys[scope].get(key);
    if (!st || st.resetAt >= at) return false;
    this.resetBaseline(scope, key, at);
    return true;
  }

  /** Every key's baseline that has folded at least one bucket, to be kept across a restart. */
  baselines(): BaselineState[] {
    const out: BaselineState[] = [];
    for (const scope of ['provider', 'port'] as const) {
      for (const [key, st] of this.keys[scope]) {
        if (st.completed === 0 && st.scoreBaselineN === 0) continue;
        out.push({ scope, key, contentProviderId: st.contentProviderId, mean: st.mean, variance: st.variance, completed: st.completed, scoreMean: st.scoreMean, scoreN: st.scoreBaselineN, resetAt: st.resetAt });
      }
    }
    return out;
  }

  /**
   * Takes back baselines kept before a restart, for keys this monitor has not seen yet (one it has
   * counted since keeps its own). The time the gateway was down is not folded in as silence: the
   * restored key's baseline continues from the bucket of `now`, as if the gap had not been.
   * Returns how many keys were restored.
   */
  restoreBaselines(rows: readonly BaselineState[], now: number): number {
    const index = Math.floor(now / this.policy.bucketMs);
    let n = 0;
    for (const r of rows) {
      if (r.scope !== 'provider' && r.scope !== 'port') continue;
      if (!(Number.isFinite(r.mean) && Number.isFinite(r.variance) && r.completed >= 0 && Number.isFinite(r.scoreMean) && r.scoreN >= 0)) continue;
      const keys = this.keys[r.scope];
      if (keys.has(r.key)) continue;
      const st = this.newKey(index, r.contentProviderId);
      st.mean = r.mean;
      st.variance = r.variance;
      st.completed = r.completed;
      st.scoreMean = r.scoreMean;
      st.scoreBaselineN = r.scoreN;
      st.resetAt = r.resetAt;
      keys.set(r.key, st);
      n++;
    }
    return n;
  }

  /** The provider a key's last event named (a port's owner) and its last reset, if the monitor knows the key. */
  keyInfo(scope: Scope, key: string): { contentProviderId: string; resetAt: number } | undefined {
    const st = this.keys[scope].get(key);
    return st && { contentProviderId: st.contentProviderId, resetAt: st.resetAt };
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
      st = this.newKey(index, ev.contentProviderId);
      keys.set(key, st);
    }
    this.advance(st, index);
    const b = st.buckets[st.buckets.length - 1];
    if (index < b.index) return; // late event from a bucket already closed: ignored rather than rewriting history
    b.dirty = true;
    st.contentProviderId = ev.contentProviderId;
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
        if (ev.complainant !== undefined) this.recountComplainant(st, ev.complainant, b);
        b.complaints++;
        break;
    }
    this.judgeKey(scope, key, st, index, ev.at, ev.contentProviderId, alerts);
  }

  /**
   * A complaint from `who` about to be counted in bucket `b`: one of theirs still counted in a kept
   * bucket is taken out of it (marked dirty, so the others hear it), so each complainant counts once,
   * at their latest complaint. A complainant's five complaints in a minute are one complainant; the
   * rate and its `minEvents` floor count people, not filings (docs/CONTENT.md, "Early warning").
   */
  private recountComplainant(st: KeyState, who: string, b: Bucket): void {
    const seen = (st.complainants ??= new Map());
    const prev = seen.get(who);
    // only a complaint inside the window: one before it no longer counts there
    if (prev !== undefined && prev > b.index - this.policy.windowBuckets) {
      const old = st.buckets.find((x) => x.index === prev);
      if (old && old.complaints > 0) {
        old.complaints--;
        old.dirty = true;
      }
    }
    seen.set(who, b.index);
  }

  private newKey(index: number, contentProviderId: string): KeyState {
    return { buckets: [emptyBucket(index)], mean: 0, variance: 0, scoreMean: 0, scoreBaselineN: 0, completed: 0, lastIndex: index, quietUntil: new Map(), foldedThrough: index - 1, contentProviderId, resetAt: 0 };
  }

  /** Runs the scope's rules on the key's window at bucket `index`; an alert is dated `at` and names `contentProviderId`. */
  private judgeKey(scope: Scope, key: string, st: KeyState, index: number, at: number, contentProviderId: string, alerts: Alert[]): void {
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
        contentProviderId,
        severity: rule.severity,
        value: judged.value,
        threshold: rule.threshold,
        figures: judged.figures,
        windowStart: (index - this.policy.windowBuckets + 1) * this.policy.bucketMs,
        at,
        action: rule.action,
      });
    }
  }

  /**
   * Close buckets up to `index`, folding completed ones into the baseline: every bucket up to
   * `index - 1 - settle` not folded yet, with this process's count plus the others' (shared counts).
   */
  private advance(st: KeyState, index: number): void {
    if (index <= st.lastIndex) return;
    const target = index - 1 - this.settle;
    // The buckets with counts, in order; empty buckets between them count as zero volume (capped: a
    // long silence is simply "quiet"). Alone (settle 0) that is the current bucket, then the gap.
    let at = st.foldedThrough + 1;
    while (at <= target) {
      const next = this.nextCounted(st, at, target);
      const gap = Math.min((next ?? target + 1) - at, 500);
      for (let k = 0; k < gap; k++) this.fold(st, 0, undefined, false);
      if (next === undefined) break;
      const own = st.buckets.find((b) => b.index === next);
      const other = st.others?.get(next);
      const count = (own?.submitted ?? 0) + (other?.submitted ?? 0);
      const scoreN = (own?.scoreN ?? 0) + (other?.scoreN ?? 0);
      const scoreSum = (own?.scoreSum ?? 0) + (other?.scoreSum ?? 0);
      this.fold(st, count, scoreN ? scoreSum / scoreN : undefined, this.isAnomalous(st, count));
      at = next + 1;
    }
    st.foldedThrough = Math.max(st.foldedThrough, target);
    st.buckets.push(emptyBucket(index));
    const keepFrom = index - this.policy.windowBuckets - this.settle;
    while (st.buckets.length && st.buckets[0].index <= keepFrom) st.buckets.shift();
    if (st.complainants) for (const [who, i] of st.complainants) if (i <= keepFrom) st.complainants.delete(who);
    st.lastIndex = index;
  }

  /** The first bucket index in [from, to] with counts of this process or of the others, if any. */
  private nextCounted(st: KeyState, from: number, to: number): number | undefined {
    let best: number | undefined;
    for (const b of st.buckets) {
      if (b.index >= from && b.index <= to) {
        best = b.index;
        break;
      }
    }
    if (st.others) for (const i of st.others.keys()) if (i >= from && i <= to && (best === undefined || i < best)) best = i;
    return best;
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
    // one scratch sum per monitor: this runs for every event judged, so no object per call
    const t = zeroCounts(this.sum);
    const from = st.lastIndex - this.policy.windowBuckets;
    for (const b of st.buckets) {
      if (b.index > from) addCounts(t, b); // older ones are kept only to settle (shared counts)
    }
    if (st.others) {
      for (const [i, b] of st.others) if (i > from && i <= st.lastIndex) addCounts(t, b);
    }
    const { submitted, accepted, rejected, optOuts, complaints, prohibited, scoreSum, scoreN } = t;
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
    const minEvents = rule.minEvents ?? DEFAULT_MIN_EVENTS;
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
        if (f.submitted < minSamples || f.rejected < minEvents) return undefined;
        value = f.rejected / f.submitted;
        break;
      case 'opt_out_rate':
        if (f.accepted < minSamples || f.optOuts < minEvents) return undefined;
        value = f.optOuts / f.accepted;
        break;
      case 'complaint_rate':
        if (f.accepted < minSamples || f.complaints < minEvents) return undefined;
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
