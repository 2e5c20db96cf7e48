/**
 * The complaints feature as one object per App: intake, workflow, views, credit files, rates and
 * the sweeper. `complaintsOf(app)` gives the same instance to every door (HTTP routes, web pages,
 * CLI, the early-warning monitor); `installComplaints` configures it and claims the report port.
 */
import type { App } from './app.js';
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import { RetryLaterError, SmsguardError } from '../domain/errors.js';
import { GATEWAY_ARTICLES } from '../domain/gateway-articles.js';
import type { TrailReasonCode } from '../domain/case-notes.js';
import { fileComplaint, fileReports, reportPortHandler } from './complaint-intake.js';
import { applyTransition, rematchEvidence } from './case-workflow.js';
import { getCaseDetail, listCases, publicCaseStatus, type CaseListQuery } from './case-views.js';
import { VolumeCounter, addRegulatorEntry, getEntry, complaintRate, complaintRateFor, complaintRatesFor, listEntries, publicEntries, publishEntry, recordEarlyWarningSuspension, withdrawEntry, type ComplaintRate } from './credit.js';
import { CaseSweeper, type SweeperOptions } from './case-sweeper.js';
import { AddressWindow } from './address-window.js';
import type { AddressLimitStore } from '../ports/address-limits.js';
import { MemoryAddressLimits } from '../runtime/address-counts.js';

export interface ComplaintOptions {
  /** The operator's report port users forward spam to (`举报` + text). Default 12321. */
  reportPort?: string;
  sweeper?: SweeperOptions;
  /** How often counted volume is written (ms). */
  volumeFlushMs?: number;
  /** Complaints one address may file per minute without a token (0: no limit). Default 20. */
  publicPerMinute?: number;
  /**
   * Wrong references or access codes one address may give the complainant's status lookup and
   * withdrawal (API and web together) in 15 minutes before it is refused until the window ends
   * (0: no limit). Default {@link STATUS_FAILURES_DEFAULT}.
   */
  statusFailures?: number;
}

/**
 * Complaints filed without a token per address a minute: enough for a person, too little to flood the
 * case store. Counted in the store ({@link AddressWindow}: for the deployment on PostgreSQL). When the
 * store does not answer, the count **fails open** to this process's memory: the law requires the
 * complaint channel, so a complainant is never turned away because the counter is out of reach, and
 * the limit still holds per process meanwhile.
 */
export class PublicIntakeLimit {
  private readonly shared: AddressWindow;
  private readonly local: AddressWindow;
  private outage = false;
  /** `onFallback`: told once per outage, when the first count falls back to memory. */
  constructor(store: AddressLimitStore, perMinute: number, private readonly onFallback: (e: unknown) => void = () => undefined) {
    this.shared = new AddressWindow(store, PUBLIC_INTAKE_RULE, perMinute, 60_000);
    this.local = new AddressWindow(new MemoryAddressLimits(), PUBLIC_INTAKE_RULE, perMinute, 60_000);
  }
  get perMinute(): number { return this.shared.limit; }
  set perMinute(n: number) { this.shared.limit = n; this.local.limit = n; }
  /** Milliseconds until the minute's window ends and `from`'s count starts again (for Retry-After). */
  msLeft(now: number): number { return this.shared.msLeft(now); }
  /** Counts one complaint from `from` and says whether it is within the limit. */
  async admit(from: string, now: number): Promise<boolean> {
    try {
      const ok = await this.shared.admit(from, now);
      this.outage = false;
      return ok;
    } catch (e) {
      if (!this.outage) { this.outage = true; this.onFallback(e); }
      return this.local.admit(from, now);
    }
  }
}

/** The rules (and the limits' names in the store) of the two public-door limits. */
export const PUBLIC_INTAKE_RULE = 'complaints.public-intake';
export const STATUS_LOOKUP_RULE = 'complaints.status-lookup';

/** Failed status lookups an address may make in a window before it is refused (option `statusFailures`). */
export const STATUS_FAILURES_DEFAULT = 10;
/** The window those failures are counted in: 15 minutes. */
export const STATUS_FAILURE_WINDOW_MS = 15 * 60_000;

export class ComplaintService {
  readonly volume: VolumeCounter;
  readonly sweeper: CaseSweeper;
  readonly reportPort: string;
  readonly publicLimit: PublicIntakeLimit;
  /**
   * Failed status lookups per address: the 8-character access code is not to be guessed without
   * bound. Counted in the store; when it does not answer the lookup **fails closed** (the store's
   * error, 503 `store_unavailable` when unreachable): it is no channel the law requires, and an
   * uncounted miss is an unbounded guess.
   */
  readonly statusFailureLimit: AddressWindow;

  constructor(readonly ctx: AppContext, opts: ComplaintOptions = {}) {
    this.reportPort = opts.reportPort ?? '12321';
    this.publicLimit = new PublicIntakeLimit(ctx.store.addressLimits, opts.publicPerMinute ?? 20, (e) => {
      ctx.events.emit('workerError', { where: 'complaints.public-intake', message: `the store did not answer the per-address count (${(e as Error).message}); complaints without a token are counted per process until it does` });
    });
    this.statusFailureLimit = new AddressWindow(ctx.store.addressLimits, STATUS_LOOKUP_RULE, opts.statusFailures ?? STATUS_FAILURES_DEFAULT, STATUS_FAILURE_WINDOW_MS);
    this.volume = new VolumeCounter(ctx, opts.volumeFlushMs ?? 1000);
    this.sweeper = new CaseSweeper(ctx, this.volume, opts.sweeper);
  }

  /**
   * Files a user's complaint. `from` (the caller's address) is counted against the per-minute
   * limit when the caller has no token.
   */
  async fileComplaint(p: Principal, body: unknown, source: 'web' | 'api', from?: string) {
    if (p.role === 'public' && from !== undefined && !(await this.publicLimit.admit(from, Date.now()))) {
      // RetryLaterError: the 429 says when the minute's window ends (Retry-After), as the status lookup's does.
      throw new RetryLaterError(`at most ${this.publicLimit.perMinute} complaints a minute from one address; try again shortly`, { rule: PUBLIC_INTAKE_RULE, article: GATEWAY_ARTICLES.publicIntake.en }, this.publicLimit.msLeft(Date.now()));
    }
    return fileComplaint(this.ctx, p, body, source);
  }
  fileReports(p: Principal, items: readonly unknown[], onRefused?: (index: number, e: SmsguardError) => void) { return fileReports(this.ctx, p, items, onRefused); }
  act(p: Principal, caseId: string, action: unknown, body: Record<string, unknown> = {}, opts: { reasonCode?: TrailReasonCode } = {}) { return applyTransition(this.ctx, p, caseId, action, body, opts); }
  getCase(p: Principal, id: string) { return getCaseDetail(this.ctx, p, id); }
  /** Matches the evidence again (e.g. with a sender the centre learnt later). */
  rematch(p: Principal, id: string, body: Record<string, unknown> = {}) { return rematchEvidence(this.ctx, p, id, body); }
  listCases(p: Principal, q: CaseListQuery) { return listCases(this.ctx, p, q); }
  /**
   * The complainant's status view. `from` (the caller's address, `req.ip`) is refused once it has
   * given {@link ComplaintOptions.statusFailures} wrong references or codes in the window, whatever
   * it asks next (a right code included: else the lookup would still tell a guess right); other
   * addresses are not affected. Every caller is counted, with a token or without.
   */
  publicStatus(reference: string, accessCode: string, from?: string) {
    return this.guarded(from, () => publicCaseStatus(this.ctx, reference, accessCode));
  }
  /** The complainant withdraws with the reference and access code: counted as {@link publicStatus} is. */
  withdraw(reference: string, body: Record<string, unknown>, from?: string, opts: { reasonCode?: TrailReasonCode } = {}) {
    return this.guarded(from, () => applyTransition(this.ctx, { role: 'public', actorId: 'public' }, reference, 'withdraw', body, opts));
  }
  private async guarded<T>(from: string | undefined, run: () => Promise<T>): Promise<T> {
    if (from === undefined) return run();
    const lim = this.statusFailureLimit;
    // The store's error, if it does not answer, goes out as it is: fail closed (statusFailureLimit).
    if (await lim.spent(from, Date.now())) {
      throw new RetryLaterError(`too many wrong references or access codes from this address (${lim.limit} in ${lim.windowMs / 60_000} minutes); try again later`, { rule: STATUS_LOOKUP_RULE, article: GATEWAY_ARTICLES.statusLookup.en }, lim.msLeft(Date.now()));
    }
    try {
      return await run();
    } catch (e) {
      // Only a miss is a guess: a malformed request (400) or a case that cannot be withdrawn (409) is not.
      // A miss that cannot be counted is not told (the count's error replaces the not_found).
      if (e instanceof SmsguardError && e.code === 'not_found' && lim.limit > 0) await lim.add(from, Date.now());
      throw e;
    }
  }
  addCreditEntry(p: Principal, body: Record<string, unknown>) { return addRegulatorEntry(this.ctx, p, body); }
  publishCreditEntry(p: Principal, id: string) { return publishEntry(this.ctx, p, id); }
  /** Withdraws an entry (published in error, overturned on appeal): `{reason}` required. */
  withdrawCreditEntry(p: Principal, id: string, body: Record<string, unknown>) { return withdrawEntry(this.ctx, p, id, body); }
  creditEntries(p: Principal, f: { contentProviderId?: string; kind?: string; limit?: number; cursor?: string }) { return listEntries(this.ctx, p, f); }
  /** One entry by its id, as the caller may read it (404 when it may not list it). */
  creditEntry(p: Principal, id: string) { return getEntry(this.ctx, p, id); }
  publicCreditEntries(f: { q?: string; limit?: number; cursor?: string } = {}) { return publicEntries(this.ctx, f); }
  /** Complaints per million accepted messages in a Shanghai month `YYYY-MM`, as `p` may read them (its role and token scope). */
  complaintRateFor(p: Principal, contentProviderId: string, month: string): Promise<ComplaintRate> { return complaintRateFor(this.ctx, this.volume, p, contentProviderId, month); }
  /** The credit page's table: complaintRatesFor (one audit record for a regulator's read of them all). */
  complaintRatesFor(p: Principal, contentProviderIds: readonly string[], month: string): Promise<Map<string, ComplaintRate>> { return complaintRatesFor(this.ctx, this.volume, p, contentProviderIds, month); }
  /** For the early-warning monitor: complaints per million accepted messages in a Shanghai month `YYYY-MM`. */
  complaintRate(contentProviderId: string, month: string): Promise<ComplaintRate> { return complaintRate(this.ctx, this.volume, contentProviderId, month); }
  /** For the early-warning monitor: put its suspension into the provider's credit file. */
  recordEarlyWarningSuspension(contentProviderId: string, evidence: Record<string, unknown>) { return recordEarlyWarningSuspension(this.ctx, contentProviderId, evidence); }

  async stop(): Promise<void> {
    await this.sweeper.stop();
    await this.volume.stop();
  }
}

const services = new WeakMap<App, ComplaintService>();

/** The app's complaint service (created with defaults on first use). */
export function complaintsOf(app: App): ComplaintService {
  let s = services.get(app);
  if (!s) {
    s = new ComplaintService(app.ctx);
    services.set(app, s);
  }
  return s;
}

/**
 * Configures complaints for an app and claims the report port for `举报` SMS (and reserves it, so
 * no content provider can register it: {@link App.reservedPorts}). Call once from the
 * composition root (src/main.ts) before any traffic; `start()` the sweeper there too.
 */
export function installComplaints(app: App, opts: ComplaintOptions = {}): ComplaintService {
  const existing = services.get(app);
  if (existing) return existing;
  const s = new ComplaintService(app.ctx, opts);
  services.set(app, s);
  app.moHandlers.push(reportPortHandler(s.reportPort));
  // The handler takes every MO to the report port before the port lookup: no provider may own it.
  app.reservedPorts.set(s.reportPort, 'the report port (SMSGUARD_REPORT_PORT), where 举报 SMS open complaint cases');
  return s;
}

/** A reserved number (App.reservedPorts) that a content provider holds all the same. */
export interface ReservedPortTaken {
  number: string;
  contentProviderId: string;
  /** What claims the number (App.reservedPorts' value). */
  reservedFor: string;
  /** For the operator's log: the number, the provider, what goes wrong, what to do. */
  message: string;
}

/**
 * The reserved numbers a content provider registered before the reservation existed (`POST /v1/ports`
 * refuses them since, rule ports.reserved; a database from before, or a report port moved with
 * SMSGUARD_REPORT_PORT onto a number in use, still has them). Nothing fails: the MO handler takes
 * every MO to the number first, so the provider's users' replies (an opt-out among them) open
 * complaint cases instead of reaching it. Nothing can say so but the start, once: main.ts logs each.
 */
export async function reservedPortsTaken(app: App): Promise<ReservedPortTaken[]> {
  const out: ReservedPortTaken[] = [];
  for (const [number, reservedFor] of app.reservedPorts) {
    const port = await app.ctx.store.directory.getPort(number);
    if (!port) continue;
    out.push({
      number, contentProviderId: port.ownerId, reservedFor,
      message: `port ${number} is registered to content provider ${port.ownerId} but is ${reservedFor}: every MO to it is taken as a report and never reaches ${port.ownerId} (its users' replies and opt-outs included). Register another number for ${port.ownerId} and move its traffic there, or set SMSGUARD_REPORT_PORT to a number no provider uses`,
    });
  }
  return out;
}
