/**
 * One upstream SMSC link: keeps a transceiver bind up (reconnecting with capped exponential backoff
 * and jitter), with the link's window and throughput cap. Submits go through `submit`, which rejects
 * with SmppRequestError when the link is down, the answer times out or the connection drops.
 */
import type { DataSmPdu, Pdu, SmPdu } from '../pdu/types.js';
import { RateLimiter } from '../session/rate-limiter.js';
import type { SessionOptions } from '../session/session.js';
import type { UpstreamLinkConfig } from './config.js';
import { SmppEsme, SmppRequestError } from './esme.js';

export interface LinkOptions {
  session?: Partial<Omit<SessionOptions, 'role' | 'windowSize' | 'outboundRate'>>;
  /** First reconnect delay; doubles up to maxBackoffMs. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  onDeliver(pdu: SmPdu | DataSmPdu, link: UpstreamLink): number | Promise<number>;
  onStateChange?(link: UpstreamLink, up: boolean, reason: string): void;
}

export class UpstreamLink {
  private esme: SmppEsme | null = null;
  private stopped = false;
  private failures = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly upWaiters = new Set<() => void>();
  private readonly rate: RateLimiter | undefined;
  /** Successful binds so far (tests and metrics). */
  binds = 0;

  constructor(
    readonly cfg: UpstreamLinkConfig,
    private readonly opts: LinkOptions,
  ) {
    this.rate = cfg.throughput > 0 ? new RateLimiter(cfg.throughput, Math.max(1, Math.ceil(cfg.throughput / 10)), Date.now()) : undefined;
  }

  get up(): boolean {
    return this.esme !== null && this.esme.bound;
  }
  /** Submits waiting for an answer or a window slot on this link. */
  get load(): number {
    return this.esme?.inFlight ?? 0;
  }

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    try {
      const esme = await SmppEsme.connect({
        host: this.cfg.host, port: this.cfg.port, systemId: this.cfg.systemId, password: this.cfg.password, systemType: this.cfg.systemType,
        bindType: 'transceiver',
        // receipts arrive at the pace of submits: let as many be in hand as we have submits in flight, with headroom
        session: { inboundWindow: Math.max(1000, this.cfg.window * 4), ...this.opts.session, windowSize: this.cfg.window, outboundRate: this.rate },
        onDeliver: (pdu) => this.opts.onDeliver(pdu, this),
        onClose: (reason) => this.onClosed(reason),
      });
      if (this.stopped) {
        await esme.close();
        return;
      }
      this.esme = esme;
      this.failures = 0;
      this.binds++;
      this.opts.onStateChange?.(this, true, 'bound');
      for (const w of this.upWaiters) w();
      this.upWaiters.clear();
    } catch (e) {
      this.opts.onStateChange?.(this, false, (e as Error).message);
      this.scheduleReconnect();
    }
  }

  private onClosed(reason: string): void {
    if (this.esme === null) return; // closed during connect: connect() schedules the retry
    this.esme = null;
    this.opts.onStateChange?.(this, false, reason);
    this.scheduleReconnect();
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

  /** Resolves true once the link is bound, false after `ms`. */
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

  submit(pdu: SmPdu): Promise<Pdu> {
    const e = this.esme;
    if (!e || !e.bound) return Promise.reject(new SmppRequestError('closed', `link ${this.cfg.name} is down`));
    return e.request(pdu);
  }

  async close(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const e = this.esme;
    this.esme = null;
    if (e) await e.close();
  }
}
