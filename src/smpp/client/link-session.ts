/**
 * One SMPP session of an upstream link (UpstreamLink): its transceiver, or the transmitter or the
 * receiver of a `bind=tx+rx` link. Each session keeps its own bind up: connect, bind, reconnect with
 * capped exponential backoff and jitter, and its own enquire_link (the session layer's). So a
 * receiver that drops reconnects by itself while the transmitter goes on sending, and the other way
 * round: SMSCs that take no transceiver bind (SMPP 3.4 §2.2) drop and restore them apart.
 */
import type { BindType } from '../session/session.js';
import type { UpstreamLinkState, UpstreamSessionStatus } from '../../ports/upstream-links.js';
import { SmppEsme, type EsmeOptions } from './esme.js';

export interface LinkSessionOptions {
  /**
   * What SmppEsme.connect needs but the bind type and onClose, asked at each connect (an smpps://
   * link's CA file is read again then).
   */
  connectOptions(): Omit<EsmeOptions, 'bindType' | 'onClose'>;
  /** First reconnect delay; doubles up to maxBackoffMs. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** The session bound. */
  onUp(s: LinkSession): void;
  /**
   * A connect failed (`wasBound` false) or the bound connection ended (true); the session has
   * already left `bound` and schedules its own reconnect after this returns.
   */
  onDown(s: LinkSession, reason: string, wasBound: boolean): void;
}

export class LinkSession {
  private _esme: SmppEsme | null = null;
  /** No reconnect: stopped by close() or halt() (an operator's stop), until start() or resume(). */
  private stopped = false;
  private failures = 0;
  private timer: NodeJS.Timeout | null = null;
  /** A connect() is under way (resume must not begin a second one). */
  private connecting = false;
  private state: UpstreamLinkState = 'down';
  private boundSince: number | null = null;
  private _lastError: { message: string; at: number } | null = null;
  /** connect() calls; all but the first are reconnects. */
  private connects = 0;
  /** Successful binds so far (tests and metrics). */
  binds = 0;

  constructor(
    readonly bindType: BindType,
    private readonly opts: LinkSessionOptions,
  ) {}

  /** The bound connection, or null. */
  get esme(): SmppEsme | null {
    return this._esme;
  }
  get bound(): boolean {
    return this._esme !== null && this._esme.bound;
  }
  get lastError(): { message: string; at: number } | null {
    return this._lastError;
  }
  get reconnects(): number {
    // the first connect is not a reconnect
    return Math.max(0, this.connects - 1);
  }

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped || this.connecting) return;
    this.connects++;
    this.state = 'connecting';
    this.connecting = true;
    try {
      const esme = await SmppEsme.connect({ ...this.opts.connectOptions(), bindType: this.bindType, onClose: (reason) => this.onClosed(reason) });
      this.connecting = false;
      if (this.stopped) {
        this.state = 'closed';
        await esme.close();
        return;
      }
      this._esme = esme;
      this.failures = 0;
      this.binds++;
      this.state = 'bound';
      this.boundSince = Date.now();
      this.opts.onUp(this);
    } catch (e) {
      this.connecting = false;
      this.wentDown((e as Error).message);
      this.opts.onDown(this, (e as Error).message, false);
      this.scheduleReconnect();
    }
  }

  private onClosed(reason: string): void {
    if (this._esme === null) return; // closed during connect (connect() schedules the retry), or by us
    this._esme = null;
    this.wentDown(reason);
    this.opts.onDown(this, reason, true);
    this.scheduleReconnect();
  }

  private wentDown(reason: string): void {
    this.state = this.stopped ? 'closed' : 'down';
    this.boundSince = null;
    if (!this.stopped) this._lastError = { message: reason, at: Date.now() };
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.timer) return;
    const base = Math.min(this.opts.maxBackoffMs ?? 30_000, (this.opts.minBackoffMs ?? 500) * 2 ** this.failures);
    this.failures = Math.min(this.failures + 1, 16);
    const delay = base / 2 + Math.random() * (base / 2); // jitter so many links do not reconnect in lockstep
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, delay);
    this.timer.unref();
  }

  /** No more reconnects (an operator's stop); the bind, if any, stays until unbind(). */
  halt(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Unbinds and closes the connection, if any; the session stays closed (after halt()). */
  async unbind(): Promise<void> {
    const e = this._esme;
    this._esme = null;
    this.state = 'closed';
    this.boundSince = null;
    if (e) await e.close().catch(() => undefined);
  }

  /**
   * Back in service after halt(): keeps the bind it still has (true), or binds again from a fresh
   * backoff (false).
   */
  resume(): boolean {
    this.stopped = false;
    this.failures = 0;
    if (this.bound) return true;
    void this.connect();
    return false;
  }

  async close(): Promise<void> {
    this.halt();
    this.state = 'closed';
    this.boundSince = null;
    const e = this._esme;
    this._esme = null;
    if (e) await e.close();
  }

  /** This session as an operator sees it (UpstreamSessionStatus). */
  status(): UpstreamSessionStatus {
    return { bindType: this.bindType, state: this.state, boundSince: this.boundSince, reconnects: this.reconnects, lastError: this._lastError && { ...this._lastError } };
  }
}
