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
 * is not. Several processes each keep their own buckets, so the limit is per process.
 *
 * The rate is read through the directory and believed for {@link TOKEN_CACHE_MS} (wall clock), the
 * bound the token cache already sets: a change made in this process binds at once ({@link forget}),
 * one made in another process sharing a PostgreSQL store binds here within 10 s.
 */
import { RetryLaterError } from '../domain/errors.js';
import { RateLimiter } from '../domain/rate-limiter.js';
import { TOKEN_CACHE_MS } from './auth.js';
import type { AppContext } from './context.js';

/** The largest `httpThroughput` an operator may set (messages a second). */
export const HTTP_THROUGHPUT_MAX = 100_000;

interface Entry {
  /** The provider's rate as last read; its bucket (null: no limit). */
  bucket: RateLimiter | null;
  /** Wall-clock ms after which the rate is read again. */
  until: number;
}

export class HttpThroughput {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Entry>>();
  /** `wallNow`: wall-clock ms for how long a rate is believed, never the (possibly simulated) app clock. */
  constructor(private readonly ctx: AppContext, private readonly wallNow: () => number = Date.now) {}

  /**
   * Admits `count` messages of provider `cpId` now, or throws `throttled` (RetryLaterError). Returns
   * nothing when the rate is known here (the path every request takes between reads: one bucket check
   * when the provider has a limit), a promise when it must be read first.
   */
  admit(cpId: string, count: number): void | Promise<void> {
    const e = this.entries.get(cpId);
    if (e && e.until > this.wallNow()) return this.take(e, count);
    return this.load(cpId).then((fresh) => this.take(fresh, count));
  }

  /** Forgets the provider's rate, so the next request reads it again (its change in this process binds at once). */
  forget(cpId: string): void {
    this.entries.delete(cpId);
  }

  private take(e: Entry, count: number): void {
    const b = e.bucket;
    if (!b) return;
    const now = this.ctx.clock.now();
    if (b.tryTakeMany(count, now)) return;
    const rate = b.ratePerSecond;
    if (count > b.burst) {
      // Never fits, however long the caller waits: no Retry-After, the message says what to do.
      throw new RetryLaterError(
        `a batch of ${count} messages is more than this content provider's HTTP throughput of ${rate} messages a second; nothing of it was taken: send at most ${rate} messages a request`,
        { rule: 'provider.throughput' },
        undefined,
      );
    }
    const ms = b.waitManyMs(count, now);
    throw new RetryLaterError(
      `over this content provider's HTTP throughput of ${rate} messages a second (a batch counts its messages); nothing of this request was taken: retry in ${Math.max(1, Math.ceil(ms / 1000))} s`,
      { rule: 'provider.throughput' },
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
    const old = this.entries.get(cpId)?.bucket ?? null;
    // An unchanged rate keeps its bucket: a re-read must not hand out a fresh burst.
    const bucket = rate === null ? null : old && old.ratePerSecond === rate ? old : new RateLimiter(rate, undefined, this.ctx.clock.now());
    const e: Entry = { bucket, until: this.wallNow() + TOKEN_CACHE_MS };
    this.entries.set(cpId, e);
    return e;
  }
}
