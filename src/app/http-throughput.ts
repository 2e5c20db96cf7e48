/**
 * A content provider's agreed HTTP throughput (README "HTTP throughput"): messages a second over
 * `POST /v1/messages` and `POST /v1/messages/batch`, a batch counting its messages. The operator sets
 * it (`PATCH /v1/content-providers/{id}`, `httpThroughput`); SMPP credentials have their own
 * `throughput` (docs/SMPP.md), so a provider may be held to a rate on each door.
 *
 * Enforced at the HTTP door before anything is decided: one token bucket per provider in this process
 * (burst = one second's worth, as the SMPP server's), timed by the app clock (a simulated clock moves
 * it only when told). A request that does not fit whole is refused whole (`throttled`, 429 with
 * Retry-After): nothing of it is decided or recorded, as an SMPP submit_sm answered ESME_RTHROTTLED
 * is not.
 *
 * The rate holds for the deployment, not per process: with several processes serving HTTP on one
 * PostgreSQL store, each holds the provider to its share, `rate / processes` with the burst split
 * the same way (src/domain/throughput-share.ts). The number of processes is told to
 * {@link HttpThroughput.setProcesses} by the heartbeat (src/app/http-processes.ts), off the request
 * path: a request costs one bucket check, never a store round trip. Until told (and always on
 * SQLite) the count is 1: the whole rate, as one process always had.
 *
 * The rate is read through the directory and believed for {@link TOKEN_CACHE_MS} (wall clock), the
 * bound the token cache already sets: a change made in this process binds at once ({@link forget}),
 * one made in another process sharing a PostgreSQL store binds here within 10 s.
 */
import { RetryLaterError, type RuleRef } from '../domain/errors.js';
import { GATEWAY_ARTICLES } from '../domain/gateway-articles.js';
import { RateLimiter } from '../domain/rate-limiter.js';
import { throughputShare } from '../domain/throughput-share.js';
import { TOKEN_CACHE_MS } from './auth.js';
import type { AppContext } from './context.js';

/** The `{rule, article}` of a request refused past the provider's HTTP rate (the article: the gateway's own). */
const THROUGHPUT_REF: Readonly<RuleRef> = Object.freeze({ rule: 'provider.throughput', article: GATEWAY_ARTICLES.throughput.en });

/** The largest `httpThroughput` an operator may set (messages a second). */
export const HTTP_THROUGHPUT_MAX = 100_000;

interface Entry {
  /** The provider's agreed rate as last read (null: no limit). */
  rate: number | null;
  /** This process's bucket for it: its share of `rate` for `processes` processes (null: no limit). */
  bucket: RateLimiter | null;
  /** The number of processes the bucket was sized for. */
  processes: number;
  /** Wall-clock ms after which the rate is read again. */
  until: number;
}

export class HttpThroughput {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Entry>>();
  /** Processes serving HTTP message requests, this one included, as last told (setProcesses). */
  private processes = 1;
  /** Wall-clock ms of the last request admitted or refused here: whether this process serves them. */
  private lastRequestAt = -Infinity;
  /** `wallNow`: wall-clock ms for how long a rate is believed, never the (possibly simulated) app clock. */
  constructor(private readonly ctx: AppContext, private readonly wallNow: () => number = Date.now) {}

  /**
   * Admits `count` messages of provider `cpId` now, or throws `throttled` (RetryLaterError). Returns
   * nothing when the rate is known here (the path every request takes between reads: one bucket check
   * when the provider has a limit), a promise when it must be read first.
   */
  admit(cpId: string, count: number): void | Promise<void> {
    const wall = this.wallNow();
    this.lastRequestAt = wall;
    const e = this.entries.get(cpId);
    if (e && e.until > wall) return this.take(e, count);
    return this.load(cpId).then((fresh) => this.take(fresh, count));
  }

  /**
   * How many processes serve HTTP message requests, this one included (at least 1): each provider's
   * bucket here becomes its share of the rate at its next request, keeping the tokens it has.
   */
  setProcesses(n: number): void {
    this.processes = Number.isFinite(n) && n > 1 ? Math.floor(n) : 1;
  }

  /** The number of processes each provider's rate is split between here (setProcesses). */
  get processCount(): number {
    return this.processes;
  }

  /** Whether a message request reached this door at or after wall-clock `since` (ms). */
  servedSince(since: number): boolean {
    return this.lastRequestAt >= since;
  }

  /** Forgets the provider's rate, so the next request reads it again (its change in this process binds at once). */
  forget(cpId: string): void {
    this.entries.delete(cpId);
  }

  private take(e: Entry, count: number): void {
    let b = e.bucket;
    if (!b) return;
    const now = this.ctx.clock.now();
    if (e.processes !== this.processes) {
      // The number of processes changed since the bucket was sized: resized, not refilled.
      const share = throughputShare(e.rate!, this.processes);
      b = e.bucket = b.resized(share.ratePerSecond, share.burst, now);
      e.processes = this.processes;
    }
    if (b.tryTakeMany(count, now)) return;
    const rate = e.rate!;
    // One process: the same words as ever; several: the share this one holds the provider to.
    const held = e.processes > 1 ? ` (${+b.ratePerSecond.toFixed(2)} a second on this gateway process, one of ${e.processes} serving HTTP)` : '';
    if (count > b.burst) {
      // Never fits, however long the caller waits: no Retry-After, the message says what to do.
      throw new RetryLaterError(
        `a batch of ${count} messages is more than this content provider's HTTP throughput of ${rate} messages a second${held}; nothing of it was taken: send at most ${b.burst} messages a request`,
        THROUGHPUT_REF,
        undefined,
      );
    }
    const ms = b.waitManyMs(count, now);
    throw new RetryLaterError(
      `over this content provider's HTTP throughput of ${rate} messages a second${held} (a batch counts its messages); nothing of this request was taken: retry in ${Math.max(1, Math.ceil(ms / 1000))} s`,
      THROUGHPUT_REF,
      ms,
    );
  }

  private load(cpId: string): Promise<Entry> {
    let p = this.loading.get(cpId);
    if (!p) {
      p = this.read(cpId).finally(() => this.loading.delete(cpId));
      this.loading.set(cpId, p);
    }
    return p;
  }

  private async read(cpId: string): Promise<Entry> {
    const row = await this.ctx.store.directory.getContentProvider(cpId);
    const rate = row?.httpThroughput ?? null;
    const old = this.entries.get(cpId);
    // An unchanged rate keeps its bucket (take resizes it if the processes changed): a re-read must
    // not hand out a fresh burst.
    if (rate !== null && old && old.rate === rate && old.bucket) {
      const e: Entry = { ...old, until: this.wallNow() + TOKEN_CACHE_MS };
      this.entries.set(cpId, e);
      return e;
    }
    const processes = this.processes;
    const share = rate === null ? null : throughputShare(rate, processes);
    const bucket = share ? new RateLimiter(share.ratePerSecond, share.burst, this.ctx.clock.now()) : null;
    const e: Entry = { rate, bucket, processes, until: this.wallNow() + TOKEN_CACHE_MS };
    this.entries.set(cpId, e);
    return e;
  }
}
