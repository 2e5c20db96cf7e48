/**
 * A promise-based SMPP ESME over one TCP (or TLS) connection: connect, bind, `request()` resolves with the
 * response PDU (whatever its status) or rejects with SmppRequestError (`timeout` | `closed`).
 * Inbound deliver_sm / data_sm go to `onDeliver`, which answers them. The upstream client, the
 * fakes' tests and the load generator all build on this.
 */
import { connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { CommandStatus, statusName } from '../pdu/constants.js';
import type { DataSmPdu, Pdu, SmPdu } from '../pdu/types.js';
import { responseFor } from '../session/responses.js';
import type { BindType, SessionOptions } from '../session/session.js';
import { SmppConnection } from '../transport/connection.js';
import type { EsmeTlsOptions } from './tls.js';

export class SmppRequestError extends Error {
  override readonly name = 'SmppRequestError';
  constructor(
    /** `cancelled`: taken back from the link's queue before it was written (UpstreamLink.cancel). */
    readonly kind: 'timeout' | 'closed' | 'cancelled',
    message: string,
  ) {
    super(message);
  }
}

export class SmppBindError extends Error {
  override readonly name = 'SmppBindError';
  constructor(readonly status: number) {
    super(`bind refused: ${statusName(status)}`);
  }
}

/** Gets the answer to one request, called synchronously from the session (no promise hop). */
export interface Waiter {
  resolve(p: Pdu): void;
  reject(e: Error): void;
}

export interface EsmeOptions {
  host: string;
  port: number;
  systemId: string;
  password: string;
  systemType?: string;
  bindType?: BindType;
  session?: Partial<Omit<SessionOptions, 'role'>>;
  /** Give up connecting + binding after this long. */
  connectTimeoutMs?: number;
  /**
   * Handles an inbound deliver_sm/data_sm; resolves with the command_status to answer (default
   * ESME_ROK). Until it resolves the PDU counts against the inbound window.
   */
  onDeliver?(pdu: SmPdu | DataSmPdu): number | Promise<number>;
  /** Called once when the connection ends, for whatever reason. */
  onClose?(reason: string): void;
  now?: () => number;
  /** Present: SMPP over TLS, the bind sent once the handshake (and the certificate check) succeeded. */
  tls?: EsmeTlsOptions;
}

export class SmppEsme {
  private closeReason: string | null = null;
  private readonly closedWaiters: ((r: string) => void)[] = [];
  private constructor(readonly conn: SmppConnection<Waiter>) {}

  /** Connects and binds; rejects with SmppBindError or a socket error. */
  static connect(o: EsmeOptions): Promise<SmppEsme> {
    return new Promise((resolve, reject) => {
      // A TLSSocket is a Duplex like the plain socket: the connection and session do not know which.
      const socket = o.tls ? tlsConnect({ host: o.host, port: o.port, ...o.tls }) : tcpConnect({ host: o.host, port: o.port });
      let esme: SmppEsme | null = null;
      let settled = false;
      const fail = (e: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        reject(e);
      };
      const timer = setTimeout(() => fail(new Error(`connect/bind to ${o.host}:${o.port} timed out`)), o.connectTimeoutMs ?? 10_000);
      // a refused certificate says so (which check failed), rather than only that the socket closed
      const onError = o.tls ? (e: Error) => fail(new Error(`TLS to ${o.host}:${o.port}: ${e.message}`)) : fail;
      socket.once('error', onError);
      const conn = new SmppConnection<Waiter>(socket, { session: { ...o.session, role: 'esme' }, now: o.now }, {
        onBound: () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          socket.off('error', onError);
          resolve(esme!);
        },
        onBindFailed: (status) => fail(new SmppBindError(status)),
        onRequest: (pdu) => {
          const answer = (status: number) => conn.respond(responseFor(pdu, status));
          if (!o.onDeliver) return answer(CommandStatus.ESME_ROK);
          Promise.resolve()
            .then(() => o.onDeliver!(pdu))
            .then(answer, () => answer(CommandStatus.ESME_RX_T_APPN));
        },
        onResponse: (resp, _req, w) => w.resolve(resp),
        onTimeout: (req, w) => w.reject(new SmppRequestError('timeout', `no response to ${req.command} #${req.sequence_number}`)),
        // The SMSC unbound us while submits were in flight: those wait for their answers on this
        // session (Session, unbind), the ones still queued behind the window go back now, to fail over.
        onHandBack: (queued) => {
          for (const u of queued) u.ctx.reject(new SmppRequestError('closed', 'the SMSC unbound this session: not sent'));
        },
        onClosed: (reason, unanswered) => {
          for (const u of unanswered) u.ctx.reject(new SmppRequestError('closed', `connection closed: ${reason}`));
          if (esme) esme.markClosed(reason);
          o.onClose?.(reason);
          fail(new Error(`connection closed before bind: ${reason}`));
        },
      });
      esme = new SmppEsme(conn);
      socket.once(o.tls ? 'secureConnect' : 'connect', () => conn.session.bind(o.bindType ?? 'transceiver', { systemId: o.systemId, password: o.password, systemType: o.systemType }, (o.now ?? Date.now)()));
    });
  }

  private markClosed(reason: string): void {
    if (this.closeReason !== null) return;
    this.closeReason = reason;
    for (const w of this.closedWaiters.splice(0)) w(reason);
  }

  get bound(): boolean {
    return this.conn.session.bound;
  }
  /** True when the window has room (requests would go out at once rather than queue). */
  get hasRoom(): boolean {
    return this.conn.session.hasRoom;
  }
  get inFlight(): number {
    return this.conn.session.inFlight + this.conn.session.backlog;
  }

  /** Sends a request; resolves with its response PDU, whatever the status. */
  request(pdu: Exclude<Pdu, { command: 'generic_nack' }>): Promise<Pdu> {
    return new Promise((resolve, reject) => this.conn.session.request(pdu, { resolve, reject }, Date.now()));
  }

  /**
   * Sends a request; `w` is called straight from the session when the answer (or the failure)
   * comes, before any PDU read after it is handled. (A receipt read right after its
   * submit_sm_resp must find the submit already filed: UpstreamLink relies on this.)
   */
  requestWith(pdu: Exclude<Pdu, { command: 'generic_nack' }>, w: Waiter): void {
    this.conn.session.request(pdu, w, Date.now());
  }

  /** Resolves when the connection has ended, with the reason. */
  closed(): Promise<string> {
    if (this.closeReason !== null) return Promise.resolve(this.closeReason);
    return new Promise((r) => this.closedWaiters.push(r));
  }

  /** Calls `fn` whenever the window frees up. */
  onDrain(fn: () => void): void {
    this.conn.handler.onDrain = fn;
  }

  /** Unbinds and closes. */
  close(): Promise<void> {
    return this.conn.close();
  }
}
