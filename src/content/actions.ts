/**
 * Automatic actions of the early-warning monitor: which are in force, escalation to stricter ones only,
 * lifting by an operator, and admission of each message (token buckets for throttles). Pure: `now`
 * is passed in.
 */
import type { Alert, ProposedAction, Scope } from './early-warning.js';
import { throughputShare } from '../domain/throughput-share.js';

/** An automatic action in force (or lifted), with the alert that caused it. */
export interface ActionRecord {
  id: string;
  scope: Scope;
  key: string;
  contentProviderId: string;
  action: ProposedAction;
  rule: string;
  figures: Record<string, number>;
  at: number;
  liftedAt?: number;
  liftedBy?: string;
}

/**
 * Admission answer for one message. `throttled` carries `retryAfterMs`: the milliseconds until the
 * refusing throttle's bucket holds its next token (at least 1), for the HTTP door's Retry-After.
 */
export type Admission = { outcome: 'pass' } | { outcome: 'throttled'; actionId: string; perSecond: number; retryAfterMs: number } | { outcome: 'held'; actionId: string } | { outcome: 'suspended'; actionId: string };

const STRENGTH: Record<ProposedAction['kind'], number> = { alert: 0, throttle: 1, hold: 2, suspend: 3 };

/** Is action `a` stricter than `b`? A throttle with a lower rate is stricter than one with a higher rate. */
function stricter(a: ProposedAction, b: ProposedAction): boolean {
  if (STRENGTH[a.kind] !== STRENGTH[b.kind]) return STRENGTH[a.kind] > STRENGTH[b.kind];
  return a.kind === 'throttle' && b.kind === 'throttle' && a.perSecond < b.perSecond;
}

/**
 * The actions in force and the per-key token buckets that enforce throttles. Pure: `now` is passed in.
 * Recording an alert whose action is no stronger than one already in force for that key adds nothing.
 */
export class ActionBook {
  private readonly records: ActionRecord[] = [];
  private readonly tokens = new Map<string, { tokens: number; at: number }>();
  private seq = 0;
  /** Processes judging messages, this one included (shared counts): a throttle's rate is split between them. */
  private processes = 1;

  constructor(private readonly newId: () => string = () => `act_${++this.seq}`) {}

  /** Record the action an alert proposes; returns the record, or undefined when nothing new applies. */
  apply(alert: Alert): ActionRecord | undefined {
    if (alert.action.kind === 'alert') return undefined;
    const current = this.active(alert.scope, alert.key);
    if (current && !stricter(alert.action, current.action)) return undefined;
    const rec: ActionRecord = {
      id: this.newId(),
      scope: alert.scope,
      key: alert.key,
      contentProviderId: alert.contentProviderId,
      action: alert.action,
      rule: alert.rule,
      figures: alert.figures,
      at: alert.at,
    };
    this.records.push(rec);
    return rec;
  }

  /** Restore a persisted record (e.g. at start-up). */
  restore(rec: ActionRecord): void {
    this.records.push(rec);
  }

  /** Whether the book holds a record of this id (in force or lifted). */
  has(id: string): boolean {
    return this.records.some((r) => r.id === id);
  }

  /**
   * How many processes admit messages against actions like these (shared counts, docs/SCALING.md):
   * each then holds a throttle of N msgs/s to its share, `N / processes` (src/domain/throughput-share.ts),
   * so the shares add up to the action's rate. 1 (alone, the default): the whole rate, as ever.
   */
  setProcesses(n: number): void {
    this.processes = Number.isFinite(n) && n > 1 ? Math.floor(n) : 1;
  }

  /** The processes a throttle's rate is split between here (setProcesses). */
  get processCount(): number {
    return this.processes;
  }

  /** Lift an action (operator decision). Returns false if unknown or already lifted. */
  lift(id: string, by: string, now: number): boolean {
    const r = this.records.find((x) => x.id === id);
    if (!r || r.liftedAt !== undefined) return false;
    r.liftedAt = now;
    r.liftedBy = by;
    return true;
  }

  /** The strongest action in force for a key. */
  active(scope: Scope, key: string): ActionRecord | undefined {
    let best: ActionRecord | undefined;
    for (const r of this.records) {
      if (r.scope !== scope || r.key !== key || r.liftedAt !== undefined) continue;
      if (!best || stricter(r.action, best.action)) best = r;
    }
    return best;
  }

  list(): readonly ActionRecord[] {
    return this.records;
  }

  /**
   * May a message from this provider and port go now? Suspension beats hold beats throttle; a
   * throttle is a token bucket of `perSecond` tokens refilled continuously (burst = one second).
   */
  admit(contentProviderId: string, port: string, now: number): Admission {
    const cands = [this.active('provider', contentProviderId), this.active('port', port)].filter((x): x is ActionRecord => !!x);
    if (cands.length === 0) return { outcome: 'pass' };
    cands.sort((a, b) => STRENGTH[b.action.kind] - STRENGTH[a.action.kind]);
    const top = cands[0];
    if (top.action.kind === 'suspend') return { outcome: 'suspended', actionId: top.id };
    if (top.action.kind === 'hold') return { outcome: 'held', actionId: top.id };
    // every throttle in force must admit the message
    for (const r of cands) {
      if (r.action.kind !== 'throttle') continue;
      // alone: the whole rate, burst one second's worth; shared: this process's share of both
      const share = this.processes > 1 ? throughputShare(r.action.perSecond, this.processes) : null;
      const rate = share ? share.ratePerSecond : r.action.perSecond;
      // at least one token: below 1 msg/s a bucket capped at `rate` never held a whole token and
      // refused every message for good (as the shared burst is, throughput-share.ts)
      const cap = share ? share.burst : Math.max(1, rate);
      const b = this.tokens.get(r.id) ?? { tokens: cap, at: now };
      // A clock moved backwards (the simulator's, or the system's by NTP) refills nothing and drains nothing.
      b.tokens = Math.min(cap, b.tokens + (Math.max(0, now - b.at) / 1000) * rate);
      b.at = now;
      this.tokens.set(r.id, b);
      // the wait is worked out on refusal only: an admitted message computes nothing more
      if (b.tokens < 1) return { outcome: 'throttled', actionId: r.id, perSecond: r.action.perSecond, retryAfterMs: Math.max(1, Math.ceil(((1 - b.tokens) / rate) * 1000)) };
    }
    for (const r of cands) if (r.action.kind === 'throttle') this.tokens.get(r.id)!.tokens -= 1;
    return { outcome: 'pass' };
  }
}
