/**
 * One upstream SMSC link: keeps its binds up (each LinkSession reconnecting with capped exponential
 * backoff and jitter), with the link's window and throughput cap. `bind=trx` (the default): one
 * transceiver session carries everything. `bind=tx+rx`: a transmitter session carries submit_sm and
 * cancel_sm, a receiver session the SMSC's deliver_sm (receipts and MO), each bound, kept alive and
 * reconnected on its own; the link can send while its transmitter is bound, whatever the receiver
 * does (the SMSC keeps receipts until a receiver binds again). Submits go through `submit`, which rejects
 * with SmppRequestError when the link is down, the answer times out or the connection drops.
 *
 * Throttling is the link's, not one message's: an ESME_RTHROTTLED answer pauses every new submit on
 * the link (100 ms, doubling while the SMSC keeps throttling, to 2 s; reset by an accepted submit),
 * as Kannel's throttling-wait does. Submits wait in the link's own queue and are handed to the
 * session only while the window has room, so a pause holds all of them back, not just the
 * throttled one (the session's backlog would send them regardless). Under a throughput cap they are
 * handed only as its tokens allow, so what waits for the cap waits here too, where `cancel` can
 * still take it back: nothing is written for a message whose claim was lost (Egress.cancel).
 */
import { LaneQueue } from '../../runtime/lane-queue.js';
import type { Priority } from '../../domain/priority.js';
import { CommandStatus } from '../pdu/constants.js';
import type { CancelSmPdu, DataSmPdu, Pdu, SmPdu } from '../pdu/types.js';
import { RateLimiter } from '../../domain/rate-limiter.js';
import type { BindType, SessionOptions } from '../session/session.js';
import type { UpstreamLinkConfig } from './config.js';
import { SmppEsme, SmppRequestError } from './esme.js';
import { LinkSession } from './link-session.js';
import { linkTlsOptions } from './tls.js';
import { throttlePauseMs } from './retry-policy.js';
import type { UpstreamLinkStatus } from '../../ports/upstream-links.js';

interface Queued {
  pdu: SmPdu;
  /** The message whose part this is (UpstreamLink.cancel); absent: not cancellable. */
  owner: string | undefined;
  resolve(p: Pdu): void;
  reject(e: Error): void;
}

export interface LinkOptions {
  session?: Partial<Omit<SessionOptions, 'role' | 'windowSize' | 'outboundRate'>>;
  /** First reconnect delay; doubles up to maxBackoffMs. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  onDeliver(pdu: SmPdu | DataSmPdu, link: UpstreamLink): number | Promise<number>;
  /**
   * `up`: whether the link can send now. `session`: the session whose change it is; a receiver's
   * (`bind=tx+rx`) leaves `up` as it was. An operator's stop and start name no session.
   */
  onStateChange?(link: UpstreamLink, up: boolean, reason: string, session?: BindType): void;
}

export class UpstreamLink {
  /** The session submits and cancel_sm go through: the transceiver, or the transmitter (`bind=tx+rx`). */
  private readonly sender: LinkSession;
  /** The receiver of a `bind=tx+rx` link; null for a transceiver, which receives on `sender`. */
  private readonly receiver: LinkSession | null;
  private readonly upWaiters = new Set<() => void>();
  private readonly rate: RateLimiter | undefined;
  /**
   * Submits waiting for the window, a throttling pause or the throughput cap, by delivery lane
   * (src/domain/priority.ts): a verification code queued behind a commercial backlog goes next.
   */
  private readonly queue = new LaneQueue<Queued>();
  /** Submits handed to the session and not settled yet. */
  private handed = 0;
  /** No new submit goes out before this (Date.now() ms): the SMSC throttled us. */
  private pausedUntil = 0;
  /** Throttled answers in a row (each after a pause): the next pause's length. */
  private throttles = 0;
  private pauseTimer: NodeJS.Timeout | null = null;
  private pumping = false;
  /** Throttling pauses so far (tests and metrics). */
  pauses = 0;
  /*
   * What `status()` reports (GET /v1/upstream-links, /metrics). Plain integers bumped where the
   * answer or the PDU is handled anyway: the message path gains an increment, no lookup or allocation.
   */
  /** submit_sm answered ESME_ROK. */
  private okCount = 0;
  /** submit_sm answered with another status (not ESME_RTHROTTLED), or not at all (timeout, dropped). */
  private failCount = 0;
  /** submit_sm answered ESME_RTHROTTLED. */
  private throttledCount = 0;
  /** Receipts and MO the SMSC sent on this link (counted by SmppUpstream.onDeliver). */
  receipts = 0;
  mo = 0;
  /**
   * An operator took the link out of service (`POST /v1/upstream-links/{name}/stop`), when and who;
   * null while in service. Process-local: a restart starts every link again.
   */
  private held: { at: number; by: string } | null = null;
  /** Bumped by each stop and start, so a drain begun by an earlier stop does not unbind a restarted link. */
  private holdGen = 0;
  /** Called when `handed` falls to 0 (a stop waits for its in-flight submits before it unbinds). */
  private drained: (() => void) | null = null;

  constructor(
    readonly cfg: UpstreamLinkConfig,
    private readonly opts: LinkOptions,
  ) {
    this.rate = cfg.throughput > 0 ? new RateLimiter(cfg.throughput, Math.max(1, Math.ceil(cfg.throughput / 10)), Date.now()) : undefined;
    const split = (cfg.bind ?? 'trx') === 'tx+rx';
    this.sender = this.session(split ? 'transmitter' : 'transceiver');
    this.receiver = split ? this.session('receiver') : null;
  }

  private session(type: BindType): LinkSession {
    const sends = type !== 'receiver';
    const receives = type !== 'transmitter';
    return new LinkSession(type, {
      minBackoffMs: this.opts.minBackoffMs,
      maxBackoffMs: this.opts.maxBackoffMs,
      connectOptions: () => ({
        host: this.cfg.host, port: this.cfg.port, systemId: this.cfg.systemId, password: this.cfg.password, systemType: this.cfg.systemType,
        // smpps://: the CA file read again on each (re)connect; a refused certificate is a failed
        // connect like any other, retried with the same backoff
        tls: linkTlsOptions(this.cfg),
        // receipts arrive at the pace of submits: let as many be in hand as we have submits in
        // flight, with headroom; the throughput cap is the sending session's only
        session: { inboundWindow: Math.max(1000, this.cfg.window * 4), ...this.opts.session, windowSize: this.cfg.window, ...(sends ? { outboundRate: this.rate } : {}) },
        // a transmitter takes no deliver_sm (its session refuses them ESME_RINVBNDSTS, §2.2)
        ...(receives ? { onDeliver: (pdu: SmPdu | DataSmPdu) => this.opts.onDeliver(pdu, this) } : {}),
      }),
      onUp: (s) => {
        this.opts.onStateChange?.(this, this.up, 'bound', s.bindType);
        if (s !== this.sender) return;
        for (const w of this.upWaiters) w();
        this.upWaiters.clear();
      },
      onDown: (s, reason, wasBound) => {
        // queued submits will not go out on this connection: the caller fails over
        if (s === this.sender && wasBound) this.failQueued(`link ${this.cfg.name} is down: ${reason}`);
        this.opts.onStateChange?.(this, this.up, reason, s.bindType);
      },
    });
  }

  /** The sender's bound connection, or null. */
  private get esme(): SmppEsme | null {
    return this.sender.esme;
  }
  /** How the link binds (UpstreamLinkConfig.bind). */
  get bind(): 'trx' | 'tx+rx' {
    return this.receiver ? 'tx+rx' : 'trx';
  }
  /** Successful binds of the session submits go through (tests and metrics). */
  get binds(): number {
    return this.sender.binds;
  }

  /** Able to send: in service and the sender (transceiver or transmitter) bound. */
  get up(): boolean {
    return this.held === null && this.sender.bound;
  }
  /** Submits waiting for an answer, a window slot or the end of a throttling pause on this link. */
  get load(): number {
    return (this.esme?.inFlight ?? 0) + this.queue.size;
  }
  /** True while new submits are held back because the SMSC throttled us. */
  get paused(): boolean {
    return Date.now() < this.pausedUntil;
  }

  start(): void {
    if (this.held) return; // an operator's stop holds until resume
    this.sender.start();
    this.receiver?.start();
  }

  /**
   * The link as an operator sees it (src/ports/upstream-links.ts), read on request; never the password.
   * `now`: for `throttledUntil` (a pause already over is none).
   */
  status(now = Date.now()): UpstreamLinkStatus {
    const c = this.cfg;
    const sessions = this.receiver ? [this.sender.status(), this.receiver.status()] : [this.sender.status()];
    const sender = sessions[0];
    // the link's last error is its sessions' latest
    let lastError: { message: string; at: number } | null = null;
    for (const s of sessions) if (s.lastError && (!lastError || s.lastError.at >= lastError.at)) lastError = s.lastError;
    return {
      name: c.name, host: c.host, port: c.port, systemId: c.systemId, tls: c.tls !== undefined, bind: this.bind,
      state: this.held ? 'stopped' : sender.state, sessions, boundSince: this.held ? null : sender.boundSince,
      stoppedAt: this.held?.at ?? null, stoppedBy: this.held?.by ?? null,
      window: c.window, inFlight: this.handed, queued: this.queue.size, throughput: c.throughput,
      prefixes: [...c.prefixes], weight: c.weight, carrier: c.carrier ?? null,
      throttledUntil: now < this.pausedUntil ? this.pausedUntil : null,
      reconnects: sessions.reduce((n, s) => n + s.reconnects, 0),
      lastError: lastError && { ...lastError },
      counters: { submitted: this.okCount, submitFailed: this.failCount, throttled: this.throttledCount, receipts: this.receipts, mo: this.mo },
    };
  }

  /** Queued submits that will not go out on this connection: the caller fails over. */
  private failQueued(why: string): void {
    for (const w of this.queue.drain()) w.reject(new SmppRequestError('closed', why));
  }

  /** Resolves true once the link can send (its sender is bound), false after `ms`. */
  waitUp(ms: number): Promise<boolean> {
    if (this.up) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        resolve(true);
      };
      const t = setTimeout(() => {
        this.upWaiters.delete(done);
        resolve(false);
      }, ms);
      this.upWaiters.add(done);
    });
  }

  /**
   * Sends a submit_sm; resolves with its answer (whatever the status). `owner`: the message it is a
   * part of, so that `cancel` can take it back while it still waits here. `priority`: its message's
   * delivery lane: while submits wait here, a higher lane's go first (absent: the lowest lane). What
   * is already handed to the session (the window) is not overtaken.
   */
  submit(pdu: SmPdu, owner?: string, priority?: Priority): Promise<Pdu> {
    const e = this.esme;
    if (this.held) return Promise.reject(new SmppRequestError('closed', `link ${this.cfg.name} is stopped by the operator`));
    if (!e || !e.bound) return Promise.reject(new SmppRequestError('closed', `link ${this.cfg.name} is down`));
    return new Promise((resolve, reject) => {
      this.queue.push({ pdu, owner, resolve, reject }, priority);
      this.pump();
    });
  }

  /**
   * Sends a cancel_sm (SMPP 3.4 §4.9) and resolves with its answer (whatever the status), or rejects
   * with SmppRequestError: the link down, the connection dropped, or no answer within `waitMs` (the
   * session's own timeout may come later; the caller stops waiting then). Not through the submit
   * queue: it writes no message, so neither a throttling pause nor the throughput cap's queue holds it
   * back (the session's window and rate still do).
   */
  cancelSm(pdu: CancelSmPdu, waitMs: number): Promise<Pdu> {
    const e = this.esme;
    if (!e || !e.bound) return Promise.reject(new SmppRequestError('closed', `link ${this.cfg.name} is down`));
    let t: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      t = setTimeout(() => reject(new SmppRequestError('timeout', `link ${this.cfg.name}: no cancel_sm_resp within ${waitMs} ms`)), waitMs);
      t.unref();
    });
    return Promise.race([e.request(pdu), late]).finally(() => clearTimeout(t));
  }

  /**
   * Takes back the parts of these messages still waiting in this link's queue (for the window, a
   * throttling pause or the throughput cap): each is rejected with SmppRequestError `cancelled`,
   * and none of them is written. Parts already handed to the session are written or answered as usual.
   */
  cancel(owners: ReadonlySet<string>): number {
    const taken = this.queue.extract((w) => w.owner !== undefined && owners.has(w.owner));
    for (const w of taken) w.reject(new SmppRequestError('cancelled', `link ${this.cfg.name}: cancelled before it was written`));
    return taken.length;
  }

  /** Hands queued submits to the session while the window has room and no pause is on. */
  private pump(): void {
    if (this.queue.size === 0) return;
    const e = this.esme;
    if (!e || !e.bound) return this.failQueued(`link ${this.cfg.name} is down`);
    const now = Date.now();
    if (now < this.pausedUntil) {
      if (!this.pauseTimer) {
        this.pauseTimer = setTimeout(() => {
          this.pauseTimer = null;
          this.pump();
        }, this.pausedUntil - now);
        this.pauseTimer.unref();
      }
      return;
    }
    this.pumping = true;
    try {
      this.hand(e, now);
    } finally {
      this.pumping = false;
    }
  }

  private hand(e: SmppEsme, now: number): void {
    const window = Math.max(1, this.cfg.window);
    while (this.handed < window) {
      // Under a throughput cap, only as the cap allows: the session then writes it at once (it takes
      // the token), and what waits for the cap waits in this queue, where it can still be cancelled.
      if (this.rate && this.queue.size > 0) {
        const wait = this.rate.waitMs(now);
        if (wait > 0) {
          this.pauseTimer ??= setTimeout(() => {
            this.pauseTimer = null;
            this.pump();
          }, wait);
          this.pauseTimer.unref();
          break;
        }
      }
      const w = this.queue.shift();
      if (!w) break;
      this.handed++;
      // Callbacks, not e.request()'s promise: the caller's continuation must run no later than it
      // did without this queue, ahead of the deliver_sm (receipt) read right after the answer.
      e.requestWith(w.pdu, {
        resolve: (resp) => {
          this.handed--;
          if (this.handed === 0) this.drained?.();
          this.answered(resp.command_status, now);
          w.resolve(resp);
          this.pumpAgain();
        },
        reject: (err) => {
          this.handed--;
          if (this.handed === 0) this.drained?.();
          this.failCount++;
          w.reject(err);
          this.pumpAgain();
        },
      });
    }
  }

  /** A slot freed: pump, unless this runs inside pump() itself (a request failed synchronously). */
  private pumpAgain(): void {
    if (this.pumping) return; // the loop in pump() goes on by itself
    this.pump();
  }

  /**
   * Throttling state from one answer to a submit sent at `sentAt`. Answers to submits sent before
   * the current pause began (the rest of the window that was already out) neither lengthen it nor
   * reset it: only what the SMSC says after we waited counts.
   */
  private answered(status: number, sentAt: number): void {
    if (status === CommandStatus.ESME_ROK) this.okCount++;
    else if (status === CommandStatus.ESME_RTHROTTLED) this.throttledCount++;
    else this.failCount++;
    if (status === CommandStatus.ESME_RTHROTTLED) {
      if (sentAt < this.pausedUntil) return; // sent before (or during) the pause in force: same episode
      this.pausedUntil = Date.now() + throttlePauseMs(this.throttles);
      this.throttles = Math.min(this.throttles + 1, 16);
      this.pauses++;
    } else if (status === CommandStatus.ESME_ROK && sentAt >= this.pausedUntil) this.throttles = 0;
  }

  /**
   * Takes the link out of service (an operator's stop, Kannel's stop-smsc): from now on it is not
   * `up`, so routing picks the other links that carry a recipient, exactly as when it is down; the
   * submits still waiting in its queue are failed over at once; those already written are answered
   * or time out as usual; then it unbinds and stays unbound, with no reconnect, until `resume`.
   * Idempotent: a stopped link keeps its first stop's time and operator. `drained` resolves once it
   * has unbound (or a `resume` came first).
   */
  hold(by: string, at: number): { status: UpstreamLinkStatus; drained: Promise<void> } {
    if (this.held) return { status: this.status(), drained: Promise.resolve() };
    this.held = { at, by };
    const gen = ++this.holdGen;
    this.sender.halt(); // no reconnect
    this.receiver?.halt();
    this.failQueued(`link ${this.cfg.name} is stopped by the operator`);
    this.opts.onStateChange?.(this, false, `stopped by ${by}`);
    const drained = (async () => {
      if (this.handed > 0) await new Promise<void>((r) => { this.drained = r; });
      this.drained = null;
      if (this.holdGen !== gen) return; // started again meanwhile: keep the bind
      // the receiver too: receipts of what was sent wait at the SMSC until the link is started
      await Promise.all([this.sender.unbind(), this.receiver?.unbind()]);
    })();
    return { status: this.status(), drained };
  }

  /**
   * Puts a stopped link back in service (an operator's start): it binds again, with the usual
   * backoff after a failure. A stop still draining is called off: its bind stays. Idempotent.
   */
  resume(): UpstreamLinkStatus {
    if (!this.held) return this.status();
    this.held = null;
    this.holdGen++;
    this.drained?.();
    this.drained = null;
    this.receiver?.resume();
    if (this.sender.resume()) {
      // the stop was still draining: the bind it kept is in service again, for those waiting on it too
      this.opts.onStateChange?.(this, true, 'started');
      for (const w of this.upWaiters) w();
      this.upWaiters.clear();
    }
    return this.status();
  }

  /** Whether an operator stopped the link (hold). */
  get onHold(): boolean {
    return this.held !== null;
  }

  async close(): Promise<void> {
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    this.pauseTimer = null;
    this.failQueued(`link ${this.cfg.name} closed`);
    await Promise.all([this.sender.close(), this.receiver?.close()]);
  }
}
