/**
 * Pushes the HTTP callbacks (webhooks) content providers asked for (callbacks.ts): POSTs what is
 * queued and due, signed (X-Smsguard-Signature), with a 5 s timeout. A 2xx deletes the row;
 * anything else tries again with a growing wait (domain/callback-retry.ts) until 24 h after it was
 * queued, when the row is kept as failed for inspection (housekeeping prunes it later).
 *
 * The rows are queued by the store, in the transaction that records the status change, the held
 * message's rejection or the forwarded MO (src/store/callback-targets.ts): once that committed, a
 * crash cannot lose the callback. This worker also hears the app's status and MO events: for a
 * provider with a URL it queues the event again (a no-op insert when the store's row is there, as it
 * is for this process's own statuses) and kicks a round of sending, so a callback goes at once and
 * not at the next poll. That second insert is what still covers, not crash-proof, what no store
 * transaction queued: the events of another process (the bus fans them out) whose store did not yet
 * know of a URL set here (it learns at its next reload, within `refreshMs`), and those of a process
 * of an older version during an upgrade.
 *
 * Several processes sharing a PostgreSQL store: the store keeps one row per eventId, and a claim
 * leases rows to one process, so one POST goes out per attempt.
 *
 * Started and stopped with the app (src/main.ts), like the delivery worker and the sweepers. Due
 * times are the app clock's, so a simulated clock moved forward (kick) brings retries due.
 *
 * A callback given up when its retries ran out is said on the log (GivenUpLog): one warn line, the
 * first per provider and URL in a minute, then the count of the rest, so an operator tailing the log
 * sees that a receiver stopped taking them; the metrics only counted them.
 */
import { randomBytes } from 'node:crypto';
import type { AppContext } from './context.js';
import type { CallbackEvent, CallbackKind, CallbackSettings } from '../ports/store.js';
import type { CallbackRegistry } from './callback-registry.js';
import { moCallback, statusCallback, type StatusFacts } from '../domain/callback-payload.js';
import { callbackSignature } from '../domain/callback-signature.js';
import { nextCallbackAttempt } from '../domain/callback-retry.js';

export interface CallbackWorkerOptions {
  /** How often (wall time) due rows are looked for besides the kicks; default 1 s. */
  pollMs?: number;
  /**
   * How often (wall time) the provider → URLs map, and the store's copy of who wants callbacks, are
   * reloaded from the store; default 30 s: how long a URL set through another process may go
   * unqueued by this process's status transactions (README "HTTP callbacks").
   */
  refreshMs?: number;
  /** How long a claimed row stays this process's (app clock); default 60 s, well past the timeout. */
  leaseMs?: number;
  /** Rows claimed and POSTed at once; default 32. */
  batch?: number;
  /** Per-POST timeout (wall time); default 5 s. */
  timeoutMs?: number;
  /** Where given-up callbacks are said (the app's pino logger, whose hooks mask numbers); none: not logged. */
  log?: WarnLog;
  /** One provider and URL's given-up callbacks are logged once in this long (wall time), the rest counted; default 60 s. */
  givenUpLogMs?: number;
}

/** The part of a pino logger the worker uses. */
export interface WarnLog {
  warn(fields: Record<string, unknown>, msg: string): void;
}

/** A callback given up after its retries, as GivenUpLog says it. */
export interface GivenUpCallback {
  contentProviderId: string;
  kind: CallbackKind;
  eventId: string;
  /** The URL it went to: only its host is logged (the path or query may carry the receiver's own secret). */
  url: string;
  attempts: number;
  lastError: string;
}

/** `https://user:pw@hooks.example.com:8443/cb?token=…` → `hooks.example.com:8443`; never the path, query or user. */
export function urlHost(url: string): string {
  try {
    return new URL(url).host || '(no host)';
  } catch {
    return '(not a URL)';
  }
}

/**
 * Says given-up callbacks on the log without flooding it: a receiver that is down for a day gives up
 * every event of its provider, thousands of them. The first of a provider and URL is a warn line of
 * its own (provider, kind, event id, the URL's host, attempts, last error); the others in the next
 * `windowMs` are counted, and when it ends one line says how many more there were (the last of them
 * named), which opens the next window; a window with none after its first closes without a line.
 * Per process: each gateway process says what it gave up. stop() says what is counted.
 */
export class GivenUpLog {
  private readonly windows = new Map<string, { more: number; last: GivenUpCallback; timer: NodeJS.Timeout }>();

  constructor(private readonly log: WarnLog, private readonly windowMs = 60_000) {}

  report(g: GivenUpCallback): void {
    const key = `${g.contentProviderId}\n${g.url}`;
    const w = this.windows.get(key);
    if (w) {
      w.more++;
      w.last = g;
      return;
    }
    this.log.warn(fields(g), `callback given up: ${g.kind} callback of ${g.contentProviderId} to ${urlHost(g.url)} not taken after ${g.attempts} attempts (${g.lastError}); GET /v1/content-providers/${g.contentProviderId}/callbacks/failed lists it, …/failed/retry sends it again`);
    this.open(key, g);
  }

  /** Says the counts of every open window (at stop). */
  flush(): void {
    for (const key of [...this.windows.keys()]) this.close(key, false);
  }

  private open(key: string, last: GivenUpCallback): void {
    const timer = setTimeout(() => this.close(key, true), this.windowMs);
    timer.unref();
    this.windows.set(key, { more: 0, last, timer });
  }

  private close(key: string, reopen: boolean): void {
    const w = this.windows.get(key);
    if (!w) return;
    clearTimeout(w.timer);
    this.windows.delete(key);
    if (w.more === 0) return;
    const g = w.last;
    this.log.warn({ ...fields(g), more: w.more, windowMs: this.windowMs },
      `callbacks given up: ${w.more} more ${g.kind} callbacks of ${g.contentProviderId} to ${urlHost(g.url)} not taken in the last ${Math.round(this.windowMs / 1000)} s (the last: ${g.eventId}, ${g.attempts} attempts, ${g.lastError})`);
    if (reopen) this.open(key, g);
  }
}

function fields(g: GivenUpCallback): Record<string, unknown> {
  return { contentProviderId: g.contentProviderId, kind: g.kind, eventId: g.eventId, host: urlHost(g.url), attempts: g.attempts, lastError: g.lastError };
}

/** The last error as logged: a client library's message that quoted the URL shows its host only. */
function errorText(error: string, url: string): string {
  return error.split(url).join(urlHost(url));
}

/** What one attempt came to, for metrics (AllEvents `callback`). */
export type CallbackOutcome = 'sent' | 'retried' | 'failed';

export class CallbackWorker {
  /** This process, as the store's lease holder. */
  readonly owner = `cbw_${randomBytes(6).toString('hex')}`;
  private readonly off: (() => void)[] = [];
  private poll: NodeJS.Timeout | null = null;
  private refresh: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** Queueing still in progress (stop waits for it). */
  private readonly queueing = new Set<Promise<void>>();
  private readonly givenUp: GivenUpLog | null;

  constructor(private readonly ctx: AppContext, private readonly registry: CallbackRegistry, private readonly opts: CallbackWorkerOptions = {}) {
    this.givenUp = opts.log ? new GivenUpLog(opts.log, opts.givenUpLogMs) : null;
  }

  /** Listens to the app's events, loads the map, and starts sending. */
  async start(): Promise<void> {
    if (this.poll) return;
    this.stopped = false;
    // The message path's whole cost for a provider without callbacks: the registry's Map lookup (and
    // the store's Set lookup in the status transaction). For one with callbacks the store queued the
    // row already; this insert is a no-op then, and the kick sends it now.
    this.off.push(this.ctx.events.on('messageStatus', (s) => {
      if (this.registry.get(s.contentProviderId)?.statusUrl) this.track(this.queueStatus(s.contentProviderId, s, s.clientRef));
    }));
    this.off.push(this.ctx.events.on('heldRejected', (h) => {
      if (this.registry.get(h.contentProviderId)?.statusUrl) this.track(this.queueStatus(h.contentProviderId, { id: h.id, status: 'rejected', at: h.at, from: h.from, to: h.to, code: h.code }, h.clientRef));
    }));
    this.off.push(this.ctx.events.on('moForward', (m) => {
      if (this.registry.get(m.contentProviderId)?.moUrl) this.track(this.queue('mo', m.contentProviderId, moCallback(m)));
    }));
    // Given-up rows put back by a retry (failed-callbacks.ts) go now, not at the next poll.
    this.off.push(this.ctx.events.on('callbacksRequeued', () => this.kick()));
    this.poll = setInterval(() => this.kick(), this.opts.pollMs ?? 1000);
    this.poll.unref();
    this.refresh = setInterval(() => void this.reload(), this.opts.refreshMs ?? 30_000);
    this.refresh.unref();
    await this.reload();
    this.kick();
  }

  /** Asks for a round of sending soon (an event queued, the simulated clock moved); rounds never overlap. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) { this.again = true; return; }
    this.running = this.sendDue().finally(() => {
      this.running = null;
      if (this.again) { this.again = false; this.kick(); }
    });
  }

  /** Resolves once nothing is being queued or sent (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.queueing.size > 0 || this.running) {
      await Promise.all([...this.queueing]);
      await this.running;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const off of this.off.splice(0)) off();
    if (this.poll) clearInterval(this.poll);
    if (this.refresh) clearInterval(this.refresh);
    this.poll = this.refresh = null;
    await Promise.all([...this.queueing]);
    await this.running;
    this.givenUp?.flush();
  }

  /**
   * Reloads the provider → URLs map from the store (what other processes set); on a timer, and for
   * tests. The same read (CallbackStore.listSettings) refreshes the store's own copy, which its
   * status transactions ask before queueing a callback row.
   */
  async reload(): Promise<void> {
    try {
      await this.registry.load(this.ctx.store.callbacks);
    } catch (e) {
      this.ctx.events.emit('workerError', { where: 'callbacks', message: (e as Error).message });
    }
  }

  private track(p: Promise<void>): void {
    const t = p.catch((e: Error) => this.ctx.events.emit('workerError', { where: 'callbacks', message: e.message })).finally(() => this.queueing.delete(t));
    this.queueing.add(t);
  }

  /**
   * `clientRef` as the event carries it (null: the sender gave none). The emitters have it from the
   * queue row or the record they already read (receipt-book.ts statusEvent, cancel-message.ts,
   * review-queue.ts), so no read per status. Only when it is absent — the message was queued before
   * migrations 105 (SQLite) / 096 (PostgreSQL), or the event came over the bus from a process of an
   * older version — is the submission record read for it.
   */
  private async queueStatus(contentProviderId: string, s: StatusFacts, clientRef: string | null | undefined): Promise<void> {
    const ref = clientRef !== undefined ? clientRef : (await this.ctx.store.messages.getMessage(s.id))?.clientRef;
    await this.queue('status', contentProviderId, statusCallback(s, ref));
  }

  private async queue(kind: CallbackKind, contentProviderId: string, body: { eventId: string }): Promise<void> {
    await this.ctx.store.callbacks.enqueue([{ eventId: body.eventId, contentProviderId, kind, body: JSON.stringify(body), createdAt: this.ctx.clock.now() }]);
    this.kick();
  }

  private async sendDue(): Promise<void> {
    const batch = this.opts.batch ?? 32;
    try {
      for (;;) {
        const rows = await this.ctx.store.callbacks.claim({ owner: this.owner, now: this.ctx.clock.now(), leaseMs: this.opts.leaseMs ?? 60_000, limit: batch });
        if (rows.length === 0) return;
        // One provider's settings read once per round when this process's map lacks them (changed
        // by another process since the last reload).
        const settings = new Map<string, Promise<CallbackSettings | null | undefined>>();
        const settingsOf = (cp: string) => {
          let s = settings.get(cp);
          if (!s) settings.set(cp, (s = this.registry.get(cp) ? Promise.resolve(this.registry.get(cp)) : this.ctx.store.callbacks.getSettings(cp)));
          return s;
        };
        await Promise.all(rows.map(async (r) => this.attempt(r, await settingsOf(r.contentProviderId))));
        if (rows.length < batch || this.stopped) return;
      }
    } catch (e) {
      this.ctx.events.emit('workerError', { where: 'callbacks', message: (e as Error).message });
    }
  }

  private async attempt(r: CallbackEvent, s: CallbackSettings | null | undefined): Promise<void> {
    const url = r.kind === 'status' ? s?.statusUrl : s?.moUrl;
    const store = this.ctx.store.callbacks;
    const attempts = r.attempts + 1;
    if (!url || !s?.secret) {
      // The provider removed the URL since: nowhere to send it, now or later.
      if (await store.giveUp(r.eventId, this.owner, this.ctx.clock.now(), attempts, `no ${r.kind === 'status' ? 'statusUrl' : 'moUrl'} set`)) this.outcome(r.kind, 'failed');
      return;
    }
    const error = await this.post(url, s.secret, r);
    const now = this.ctx.clock.now();
    if (error === null) {
      await store.done(r.eventId, this.owner);
      this.outcome(r.kind, 'sent');
      return;
    }
    const due = nextCallbackAttempt(attempts, r.createdAt, now);
    if (due === null) {
      if (await store.giveUp(r.eventId, this.owner, now, attempts, error)) {
        this.outcome(r.kind, 'failed');
        this.givenUp?.report({ contentProviderId: r.contentProviderId, kind: r.kind, eventId: r.eventId, url, attempts, lastError: errorText(error, url) });
      }
    } else if (await store.retry(r.eventId, this.owner, due, attempts, error)) {
      this.outcome(r.kind, 'retried');
    }
  }

  /** One POST: null when the receiver answered 2xx, else what went wrong (kept with the row). */
  private async post(url: string, secret: string, r: CallbackEvent): Promise<string | null> {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'smsguard-callbacks', 'x-smsguard-signature': callbackSignature(secret, r.body), 'x-smsguard-event-id': r.eventId },
        body: r.body,
        // A redirect is not followed: the signed body would go to a URL the provider did not set.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5000),
      });
      await res.body?.cancel().catch(() => undefined);
      return res.status >= 200 && res.status < 300 ? null : `HTTP ${res.status}`;
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timeout';
      return (err.cause?.code ?? err.cause?.message ?? err.message).slice(0, 200);
    }
  }

  private outcome(kind: CallbackKind, outcome: CallbackOutcome): void {
    this.ctx.events.emit('callback', { kind, outcome });
  }
}
