/**
 * Readiness (`GET /readyz`): whether this process can take messages and keep them now, for an
 * operator's load balancer or orchestrator. Liveness (`/healthz`) says only that the process answers;
 * a process whose PostgreSQL is out of reach answers every submit 503 `store_unavailable`, and a
 * balancer should send that traffic to another process until it is back.
 *
 * Each check is named and either `required` (failing it makes the process not ready) or reported
 * only. Carrier links are reported only: a message accepted while every link is down waits durably in
 * the queue (the store's outbox, or JetStream) and goes when a link binds, so an HTTP door that drops
 * out of the balancer because a carrier SMSC is down would refuse work it could keep (docs/SCALING.md
 * "Probes").
 *
 * Probes are cheap: a result is kept `cacheMs` (a burst of probes, one query), a check still running
 * is joined, not started again (a PostgreSQL that answers slowly sees one ping at a time), and a probe
 * never waits longer than `timeoutMs` for a check: one that has not answered by then failed.
 */

/** What one check found. `detail` says why it failed, or what it saw (a link's state). */
export interface CheckOutcome {
  ok: boolean;
  detail?: string;
  /** Carrier links: each link's `name=` (`#N`, its place, when it has none: never a host) and state (UpstreamLinkState). */
  links?: { name: string; state: string }[];
}

/** One check of the probe. */
export interface ReadinessCheck {
  /** Its key in the body's `checks` (`store`, `queue`, `smppServer`, `upstreamLinks`). */
  name: string;
  /** Failing it makes the process not ready; false: reported only. */
  required: boolean;
  /** Resolves ok, or rejects or resolves `ok: false` with why. */
  run(): Promise<CheckOutcome | void>;
}

/** A check as the body shows it. */
export type CheckReport = CheckOutcome & { required: boolean };

export interface ReadinessReport {
  /** `stopping`: the process received SIGTERM/SIGINT and is draining (its listener closes soon). */
  status: 'ready' | 'not_ready' | 'stopping';
  checks: Record<string, CheckReport>;
}

export interface ReadinessOptions {
  /** How long a result is kept, ms (default 1000). */
  cacheMs?: number;
  /** How long a probe waits for a check, ms (default 2000). */
  timeoutMs?: number;
  /** The time for the cache (ms since the epoch); real time, never the simulated clock. */
  now?: () => number;
}

/**
 * What the body says of a failed check: the error's code when it has one (`ECONNREFUSED`, SQLSTATE
 * `57P01`), else its message. The probe takes no token, and a socket error's message names the
 * address it could not reach (`connect ECONNREFUSED 10.0.0.5:5432`), which its code does not.
 */
export function failureDetail(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code) return code;
  return (e instanceof Error ? e.message : String(e)) || 'failed';
}

export class Readiness {
  private readonly checks: ReadinessCheck[] = [];
  /** Per check, its run still under way: a later probe joins it rather than starting another. */
  private readonly running = new Map<string, Promise<CheckOutcome>>();
  private cached: { at: number; report: Promise<ReadinessReport> } | null = null;
  private stoppingNow = false;
  private lastChecks: Record<string, CheckReport> = {};
  readonly cacheMs: number;
  readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(o: ReadinessOptions = {}) {
    this.cacheMs = o.cacheMs ?? 1000;
    this.timeoutMs = o.timeoutMs ?? 2000;
    this.now = o.now ?? Date.now;
  }

  /** Adds a check (replacing one of the same name): the composition root adds what this process runs. */
  add(check: ReadinessCheck): void {
    const i = this.checks.findIndex((c) => c.name === check.name);
    if (i >= 0) this.checks[i] = check;
    else this.checks.push(check);
    this.cached = null;
  }

  /**
   * The process is stopping (SIGTERM/SIGINT): every probe from now on answers `stopping`, at once and
   * whatever the checks say, so the balancer takes the process out before its listener closes.
   */
  markStopping(): void {
    this.stoppingNow = true;
    this.cached = null;
  }

  get stopping(): boolean {
    return this.stoppingNow;
  }

  /** The report, fresh or at most `cacheMs` old; never rejects, never waits past `timeoutMs`. */
  probe(): Promise<ReadinessReport> {
    // stopping: answered at once, the checks as last seen (none are run: the store may be closing)
    if (this.stopping) return Promise.resolve({ status: 'stopping', checks: this.lastChecks });
    const t = this.now();
    if (this.cached && t - this.cached.at < this.cacheMs) return this.cached.report;
    const report = this.run();
    this.cached = { at: t, report };
    return report;
  }

  private async run(): Promise<ReadinessReport> {
    const results = await Promise.all(this.checks.map(async (c) => ({ c, out: await this.runOne(c) })));
    const checks: Record<string, CheckReport> = {};
    for (const { c, out } of results) checks[c.name] = { ...out, required: c.required };
    const ready = results.every(({ c, out }) => out.ok || !c.required);
    this.lastChecks = checks;
    const report: ReadinessReport = { status: this.stopping ? 'stopping' : ready ? 'ready' : 'not_ready', checks };
    return report;
  }

  private runOne(c: ReadinessCheck): Promise<CheckOutcome> {
    let run = this.running.get(c.name);
    if (!run) {
      run = (async () => {
        try {
          return (await c.run()) ?? { ok: true };
        } catch (e) {
          return { ok: false, detail: failureDetail(e) };
        }
      })();
      const mine = run;
      void mine.finally(() => {
        if (this.running.get(c.name) === mine) this.running.delete(c.name);
      });
      this.running.set(c.name, run);
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<CheckOutcome>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${this.timeoutMs} ms` }), this.timeoutMs);
    });
    return Promise.race([run, late]).finally(() => clearTimeout(timer));
  }
}
