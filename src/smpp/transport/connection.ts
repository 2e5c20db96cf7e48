/**
 * Thin TCP adapter: bytes ⇄ frames ⇄ PDUs ⇄ Session. Everything protocol-shaped lives in the pure
 * session; this file only moves bytes and honours backpressure:
 * - reading pauses while the session's inbound window is full or our socket write buffer is above
 *   `highWaterMark` (a peer that does not read its answers cannot make us buffer without bound);
 * - PDUs written in one event-loop turn are coalesced into one socket write.
 */
import type { Socket } from 'node:net';
import { decodePdu, encodePdu } from '../pdu/codec.js';
import { PduDecodeError } from '../pdu/errors.js';
import { FrameSplitter, DEFAULT_MAX_PDU_LENGTH } from '../pdu/frame.js';
import type { Pdu } from '../pdu/types.js';
import { Session, type SessionHandler, type SessionOptions } from '../session/session.js';

/**
 * How long a peer has to answer our unbind (once our requests in flight are settled) before its
 * socket is closed anyway. The unbind_resp carries nothing to record: a peer that has not answered
 * it within 2 s is most likely not answering at all (an SMSC or ESME answers in milliseconds), and
 * a longer wait only holds an operator's stop (SIGTERM, Ctrl-C) per silent link. Kannel likewise
 * gives up on an unanswered unbind and closes. What was in flight is settled before the unbind goes
 * (Session.unbind), within its own response timeout, so cutting this wait short loses nothing.
 */
export const DEFAULT_UNBIND_WAIT_MS = 2000;

export interface ConnectionOptions {
  session: Partial<SessionOptions> & { role: 'smsc' | 'esme' };
  /** Pause reading when this many octets wait in the socket's write buffer. */
  highWaterMark?: number;
  /** How often the session's timers are checked. */
  tickMs?: number;
  maxPduLength?: number;
  /** Clock (epoch ms); injectable for tests. */
  now?: () => number;
}

/** The application-facing part of a SessionHandler (the connection supplies send/close). */
export type ConnectionHandler<C> = Omit<SessionHandler<C>, 'send' | 'close'> & {
  /** The socket is gone (after onClosed). */
  onSocketClosed?(): void;
};

export class SmppConnection<C = unknown> {
  readonly session: Session<C>;
  private readonly splitter: FrameSplitter;
  private readonly highWater: number;
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout;
  private out: Buffer[] = [];
  private outScheduled = false;
  private paused = false;
  private ended = false;
  /** Reading stopped for a graceful close: requests handed up get answered, no new ones are read. */
  private draining = false;
  private readonly drainWaiters: (() => void)[] = [];
  /** Set by `close` while it waits: our unbind was written, the peer's time to answer it starts. */
  private onUnbindSent: (() => void) | null = null;

  constructor(
    readonly socket: Socket,
    opts: ConnectionOptions,
    readonly handler: ConnectionHandler<C>,
  ) {
    this.now = opts.now ?? Date.now;
    this.highWater = opts.highWaterMark ?? 1 << 20;
    this.splitter = new FrameSplitter(opts.maxPduLength ?? DEFAULT_MAX_PDU_LENGTH);
    socket.setNoDelay(true);
    // Delegate lazily so callbacks set on `handler` after construction (onDrain) take effect.
    const h = handler;
    const sh: SessionHandler<C> = {
      send: (pdu) => this.write(pdu),
      close: () => this.end(),
      onBind: (p) => h.onBind?.(p),
      onRequest: (p) => h.onRequest?.(p),
      // Present only when the handler offers query_sm / cancel_sm / replace_sm / submit_multi at construction: the session refuses them otherwise.
      ...(h.onQuery ? { onQuery: (p) => h.onQuery?.(p) } : {}),
      ...(h.onCancel ? { onCancel: (p) => h.onCancel?.(p) } : {}),
      ...(h.onReplace ? { onReplace: (p) => h.onReplace?.(p) } : {}),
      ...(h.onSubmitMulti ? { onSubmitMulti: (p, granted) => h.onSubmitMulti?.(p, granted) } : {}),
      onResponse: (r, q, c) => h.onResponse?.(r, q, c),
      onTimeout: (q, c) => h.onTimeout?.(q, c),
      onBound: (t, id) => h.onBound?.(t, id),
      onBindFailed: (s) => h.onBindFailed?.(s),
      onClosed: (r, u) => h.onClosed?.(r, u),
      ...(h.onHandBack ? { onHandBack: (u) => h.onHandBack?.(u) } : {}),
      onDrain: () => h.onDrain?.(),
    };
    this.session = new Session<C>(opts.session, sh, this.now());
    this.timer = setInterval(() => this.session.tick(this.now()), opts.tickMs ?? 250);
    this.timer.unref();
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.updateFlow());
    socket.on('error', () => {
      /* 'close' follows; the session reports what was unanswered */
    });
    socket.on('close', () => {
      clearInterval(this.timer);
      this.session.terminate('connection closed');
      this.wakeDrainWaiters();
      this.handler.onSocketClosed?.();
    });
  }

  get remoteAddress(): string {
    return this.socket.remoteAddress ?? '';
  }

  private onData(chunk: Buffer): void {
    try {
      this.splitter.push(chunk, (frame) => {
        let pdu: Pdu;
        try {
          pdu = decodePdu(frame);
        } catch (e) {
          if (e instanceof PduDecodeError) return this.session.decodeError(e, this.now());
          throw e;
        }
        this.session.receive(pdu, this.now());
      });
    } catch (e) {
      if (e instanceof PduDecodeError) this.session.decodeError(e, this.now());
      else {
        // a bug in a handler must cost this session only, never the process
        this.session.terminate(`internal error: ${(e as Error).message}`);
      }
    }
    this.updateFlow();
  }

  private write(pdu: Pdu): void {
    if (this.ended || this.socket.destroyed) return;
    if (this.onUnbindSent !== null && pdu.command === 'unbind') this.onUnbindSent();
    this.out.push(encodePdu(pdu));
    if (!this.outScheduled) {
      this.outScheduled = true;
      queueMicrotask(() => this.flushOut());
    }
  }

  private flushOut(): void {
    this.outScheduled = false;
    if (this.out.length === 0 || this.socket.destroyed) return;
    const buf = this.out.length === 1 ? this.out[0] : Buffer.concat(this.out);
    this.out = [];
    this.socket.write(buf);
    this.updateFlow();
  }

  /** Pauses or resumes reading from the socket according to session window and write buffer. */
  updateFlow(): void {
    const shouldPause = this.draining || !this.session.wantsRead || this.socket.writableLength > this.highWater;
    if (shouldPause && !this.paused) {
      this.paused = true;
      this.socket.pause();
    } else if (!shouldPause && this.paused) {
      this.paused = false;
      this.socket.resume();
    }
  }

  /** Answers an inbound request handed up by onRequest, then lets reading resume if it was paused. */
  respond(resp: Pdu): void {
    this.session.respond(resp);
    this.updateFlow();
    if (this.session.inboundInFlight === 0) this.wakeDrainWaiters();
  }

  private wakeDrainWaiters(): void {
    for (const w of this.drainWaiters.splice(0)) w();
  }

  /**
   * Stops reading new PDUs and waits (at most `timeoutMs`) until every request already handed up
   * (submit_sm being decided) has its response written. Resolves true if all were answered.
   */
  async drainInbound(timeoutMs: number): Promise<boolean> {
    this.draining = true;
    this.updateFlow();
    const done = () => this.session.inboundInFlight === 0 || this.session.state === 'closed' || this.socket.destroyed;
    if (!done()) {
      let t: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((r) => this.drainWaiters.push(r)),
        new Promise<void>((r) => {
          t = setTimeout(r, timeoutMs);
          t.unref();
        }),
      ]);
      clearTimeout(t);
    }
    // the responses leave before whatever follows (the unbind)
    this.flushOut();
    this.draining = false;
    return done();
  }

  /** Ends the connection after what was written; destroys it if the peer does not close in 2 s. */
  end(): void {
    if (this.ended) return;
    this.flushOut();
    this.ended = true;
    this.socket.end();
    const t = setTimeout(() => this.socket.destroy(), 2000);
    t.unref();
  }

  /**
   * Orderly unbind, then close; resolves when the socket is closed. With `drainMs`, reading stops
   * first and requests already handed up get their responses (waiting at most that long) before the
   * unbind: a submit the application recorded must not lose its submit_sm_resp (the ESME would
   * resubmit it, a duplicate). Once unbinding, the session answers new submits ESME_RSYSERR (smsc
   * role; Session.refusedStatus). The unbind itself goes once our requests in flight (deliver_sm)
   * have their answers or timed out (Session.unbind). `unbindWaitMs` (default
   * DEFAULT_UNBIND_WAIT_MS, 2 s): how long the peer has to answer the unbind before the socket is
   * destroyed, counted from when the unbind is written, or from our last answer to requests the
   * peer sent across it (a peer may hold its unbind_resp for those answers: it is waiting for us,
   * not silent; at most our response timeout for them). When the unbind_resp came
   * while deliver_sm that crossed our unbind are still being answered (esme role: receipts and MO
   * being recorded), the socket stays until they are, at most the response timeout after the
   * unbind_resp, as the session gives them. Before 2026-12-07 the socket went 3 s after the unbind
   * whatever the session waited for: a receipt recorded after that lost its ESME_ROK, and the SMSC
   * delivered it again at the next bind. From 2026-12-07 to 2026-12-08 the unbind_resp itself had
   * the response timeout (10 s): a peer that never answers held every stop that long.
   */
  async close(opts: { drainMs?: number; unbindWaitMs?: number } = {}): Promise<void> {
    if (this.socket.destroyed) return;
    const closed = new Promise<void>((r) => this.socket.once('close', () => r()));
    if (opts.drainMs && this.session.bound) {
      await this.drainInbound(opts.drainMs);
      if (this.socket.destroyed) return;
    }
    if (this.session.bound) this.session.unbind(this.now());
    else this.session.terminate('closing');
    this.updateFlow(); // reading again (if drained): the unbind_resp must get in
    // Not unref'd: this is what keeps the event loop alive while the close is awaited. A session that
    // no longer reads leaves its socket paused, and a paused socket keeps nothing alive, so with an
    // unref'd timer a caller awaiting close() could find its process ending under it (a shutdown's
    // later steps never run; seen as "Promise resolution is still pending but the event loop has
    // already resolved" in test/integration/smpp/compose.test.ts when the peer closed late).
    // Our unbind waits for the answers to our requests in flight (Session.unbind), each settled
    // within the response timeout: the peer's time to answer the unbind starts once it is written.
    const responseTimeoutMs = this.session.opts.responseTimeoutMs;
    const unbindWaitMs = opts.unbindWaitMs ?? DEFAULT_UNBIND_WAIT_MS;
    const start = this.now();
    const settle = this.session.unbindHeld ? responseTimeoutMs : 0;
    // the latest we answer what the peer sent across our unbind (our response timeout for them)
    const owedUntil = start + settle + responseTimeoutMs;
    let unbindAt: number | null = this.session.unbindHeld ? null : start;
    let t: NodeJS.Timeout | undefined;
    const arm = (at: number): void => {
      clearTimeout(t);
      t = setTimeout(backstop, Math.max(0, at - this.now()));
    };
    const backstop = (): void => {
      if (this.socket.destroyed) return;
      const now = this.now();
      if (unbindAt === null) {
        // still held for our requests in flight: they time out within `settle`
        if (now < start + settle) return arm(start + settle);
        unbindAt = now;
      }
      // the unbind_resp came while deliver_sm that crossed our unbind are being answered: their
      // answers' time runs from it
      const until = this.session.answersAfterUnbindUntil;
      if (until !== null) return until > now ? arm(until) : void this.socket.destroy();
      // No unbind_resp yet, but requests the peer sent across our unbind are still being answered:
      // it may hold its unbind_resp for them (SMPP 3.4 §4.2; smsguard's server does), so it waits
      // for us and is not silent. It gets the unbind wait again from our last answer.
      if (this.session.inboundInFlight > 0 && now < owedUntil) {
        this.drainWaiters.push(() => arm(Math.min(this.now(), owedUntil) + unbindWaitMs));
        return arm(owedUntil);
      }
      if (now < unbindAt + unbindWaitMs) return arm(unbindAt + unbindWaitMs);
      this.socket.destroy();
    };
    this.onUnbindSent = () => {
      unbindAt = this.now();
      arm(unbindAt + unbindWaitMs);
    };
    arm(unbindAt === null ? start + settle : start + unbindWaitMs);
    await closed;
    clearTimeout(t);
    this.onUnbindSent = null;
  }
}
