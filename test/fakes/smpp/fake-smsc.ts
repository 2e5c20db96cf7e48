/**
 * Fake SMSCs for the upstream client, each misbehaving in exactly one way (after Jasmin's
 * BlackHoleSMSC, NoResponseOnSubmitSMSC, UnbindOnSubmitSMSC…). Built on the same transport and
 * session as production code, on 127.0.0.1 only. Every fake records what it received and what it
 * acknowledged, so tests can prove nothing was lost or acknowledged twice.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { SmppConnection } from '../../../src/smpp/transport/connection.js';
import { responseFor } from '../../../src/smpp/session/responses.js';
import { CommandStatus, EsmClass, Tag, buildDlrText, decodeText, parseUdh, smDefaults, tlvCString, tlvU8, type SmPdu, type Pdu } from '../../../src/smpp/pdu/index.js';
import type { CancelSmPdu, DataSmPdu } from '../../../src/smpp/pdu/types.js';
import { bindTypeOf, type BindType, type SessionState } from '../../../src/smpp/session/session.js';

export type Misbehaviour =
  | 'none'
  /** answers binds and enquire_link, never a submit_sm */
  | 'never_answers'
  /** answers every submit_sm with generic_nack */
  | 'generic_nack'
  /** answers ESME_RTHROTTLED to every other submit_sm */
  | 'throttles'
  /** sends unbind after the `after`-th submit_sm, leaving it unanswered; rebinds are fine */
  | 'unbinds_mid_stream'
  /** drops the TCP connection after the `after`-th submit_sm, unanswered; reconnects are fine */
  | 'drops_connection'
  /** sends the delivery receipt before the submit_sm_resp */
  | 'dlr_before_resp'
  /** answers every cancel_sm ESME_RCANCELFAIL (every other fake answers ESME_ROK: it holds what it took) */
  | 'refuses_cancel'
  /**
   * refuses bind_transceiver ESME_RINVCMDID, as an SMSC that takes only separate transmitter and
   * receiver binds (SMPP 3.3, Kannel's `transceiver-mode = false` peers); binds those two as usual
   */
  | 'refuses_transceiver';

export interface FakeSmscOptions {
  misbehaviour: Misbehaviour;
  /** Send delivery receipts (deliver_sm) for acknowledged submits. */
  dlr?: boolean;
  /** Misbehave after this many submits (for the one-shot misbehaviours). */
  after?: number;
  /** Receipt ids in decimal while responses are hex: the classic correlation trap. */
  decimalReceiptIds?: boolean;
  /** Send every receipt twice. */
  duplicateReceipts?: boolean;
  /**
   * Answer the n-th submit_sm (1-based) with this command_status instead of handling it; undefined
   * = handle as usual. Applied before the misbehaviour (tests script one-off answers with it).
   */
  answer?: (pdu: SmPdu, n: number) => number | undefined;
  /** The message id for the n-th submit_sm (1-based); undefined = the next of the fake's own hex ids. */
  messageId?: (n: number) => string | undefined;
  /** Send the receipt of the n-th submit_sm before its submit_sm_resp (as 'dlr_before_resp' does for all). */
  dlrBeforeResp?: (n: number) => boolean;
  /** How long after its submit_sm_resp the receipt of the n-th submit_sm goes (default 5 ms). */
  dlrDelayMs?: (n: number) => number;
  /** Speak SMPP over TLS with this certificate and key (PEM), as a carrier's smpps:// SMSC. */
  tls?: { cert: string; key: string };
  /**
   * Answer the n-th cancel_sm (1-based, counted across connections) with this command_status; null =
   * never answer it; undefined = as usual (ESME_ROK, or ESME_RCANCELFAIL with 'refuses_cancel'). A
   * carrier that takes back some parts of a long message and not others (delivered already).
   */
  cancelAnswer?: (pdu: CancelSmPdu, n: number) => number | null | undefined;
  /** Hold the answer to the n-th submit_sm this long (ms; 0 or undefined = at once), as a slow SMSC. */
  answerDelayMs?: (n: number) => number;
  /**
   * Send unbind right after the n-th submit_sm (1-based, once), on its connection, and still answer
   * the submits it holds (answerDelayMs) after the unbind, as an SMSC going down in order does; those
   * answered after the ESME's unbind_resp are lost to it (`acked` still lists them).
   */
  unbindAfter?: number;
  /**
   * Keep every receipt until the ESME's unbind comes in, then send them all on that connection just
   * before the unbind is read: receipts that cross the ESME's unbind.
   */
  receiptsAtUnbind?: boolean;
}

export interface Acked {
  messageId: string;
  /** text of the (single-part) message, or the part payload decoded */
  text: string;
  to: string;
}

export class FakeSmsc {
  private readonly server: Server;
  readonly conns = new Set<SmppConnection<SmPdu>>();
  /** Connections this fake has given up on (dropped/unbinding): nothing more is processed there. */
  private readonly dead = new WeakSet<SmppConnection<SmPdu>>();
  /** Receipts not yet acknowledged by the ESME: kept and resent on the next bind, as SMSCs do. */
  private readonly pendingDlrs: SmPdu[] = [];
  /** Every submit_sm received, answered or not. */
  readonly received: SmPdu[] = [];
  /** When each of `received` arrived (Date.now()). */
  readonly receivedAt: number[] = [];
  /** The state of the session each of `received` arrived on (`bound_tx`: a transmitter's). */
  readonly receivedOn: SessionState[] = [];
  /** The state of the session each deliver_sm (receipt or MO) was sent on (`bound_rx`: a receiver's). */
  readonly deliveredOn: SessionState[] = [];
  /** Every answer this fake gave to a submit_sm, in order: [submit number, command_status, when]. */
  readonly answers: [number, number, number][] = [];
  /** The command_status of every answer to a receipt (deliver_sm_resp), in order; -1: none (timeout, connection closed). */
  readonly receiptAnswers: number[] = [];
  /** MO sent with `sendMo` waiting for their deliver_sm_resp. */
  private readonly moWaiters = new WeakMap<SmPdu, (status: number) => void>();
  /** Submits answered ESME_ROK. */
  readonly acked: Acked[] = [];
  /** Every cancel_sm received, with the command_status it was answered (-1: not answered, `cancelAnswer` null). */
  readonly cancels: { pdu: CancelSmPdu; status: number }[] = [];
  binds = 0;
  /** The type of every bind accepted, in order. */
  readonly bindTypes: BindType[] = [];
  /** Binds refused (misbehaviour 'refuses_transceiver', `refuseReceivers`). */
  refusedBinds = 0;
  /** While true, bind_receiver is refused ESME_RBINDFAIL (a receiver kept away while a test acts). */
  refuseReceivers = false;
  /** Receipts kept for the ESME's unbind (receiptsAtUnbind). */
  private readonly forUnbind: SmPdu[] = [];
  /** The ESME's unbinds received. */
  unbindsReceived = 0;
  /** Receipts kept for the ESME's unbind, not sent yet (receiptsAtUnbind). */
  get heldForUnbind(): number {
    return this.forUnbind.length;
  }
  private nextId = 0x1000;
  private misbehaved = false;
  private toggle = false;
  port = 0;

  constructor(readonly opts: FakeSmscOptions) {
    this.server = opts.tls ? createTlsServer({ cert: opts.tls.cert, key: opts.tls.key }, (s) => this.accept(s)) : createServer((s) => this.accept(s));
    // a client refusing our certificate: its socket is closed (node:tls leaves that to a listener)
    this.server.on('tlsClientError', (_e: Error, s: Socket) => s.destroy());
  }

  async listen(): Promise<number> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as { port: number }).port;
    return this.port;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    for (const c of this.conns) c.socket.destroy();
    await closed;
  }

  private accept(socket: Socket): void {
    const conn: SmppConnection<SmPdu> = new SmppConnection<SmPdu>(socket, { session: { role: 'smsc', inboundWindow: 1000 } }, {
      onBind: (pdu) => {
        const type = bindTypeOf(pdu.command);
        if (type === 'transceiver' && this.opts.misbehaviour === 'refuses_transceiver') {
          this.refusedBinds++;
          return conn.session.rejectBind(CommandStatus.ESME_RINVCMDID);
        }
        if (type === 'receiver' && this.refuseReceivers) {
          this.refusedBinds++;
          return conn.session.rejectBind(CommandStatus.ESME_RBINDFAIL);
        }
        this.binds++;
        this.bindTypes.push(type);
        conn.session.acceptBind('fake');
        this.flushDlrs();
      },
      onRequest: (pdu) => this.onSubmit(conn, pdu as SmPdu),
      onCancel: (pdu) => {
        const scripted = this.opts.cancelAnswer?.(pdu, this.cancels.length + 1);
        const status = scripted ?? (this.opts.misbehaviour === 'refuses_cancel' ? CommandStatus.ESME_RCANCELFAIL : CommandStatus.ESME_ROK);
        // -1: received, never answered
        this.cancels.push({ pdu, status: scripted === null ? -1 : status });
        if (scripted !== null) conn.respond(responseFor(pdu, status));
      },
      onResponse: (resp, _req, dlr) => {
        const mo = this.moWaiters.get(dlr);
        if (mo) return mo(resp.command_status);
        this.receiptAnswers.push(resp.command_status);
        if (resp.command_status !== 0) this.pendingDlrs.push(dlr);
      },
      onTimeout: (_req, dlr) => {
        const mo = this.moWaiters.get(dlr);
        if (mo) return mo(-1);
        this.receiptAnswers.push(-1);
        this.pendingDlrs.push(dlr);
      },
      onClosed: (_r, unanswered) => {
        for (const u of unanswered) {
          const mo = this.moWaiters.get(u.ctx);
          if (mo) mo(-1);
          else this.pendingDlrs.push(u.ctx);
        }
      },
      onSocketClosed: () => this.conns.delete(conn),
    });
    this.conns.add(conn);
    // the ESME's unbind: receipts kept for it go first (they cross it on the wire)
    const receive = conn.session.receive.bind(conn.session);
    conn.session.receive = (pdu, now) => {
      if (pdu.command === 'unbind' && conn.session.bound) {
        this.unbindsReceived++;
        for (const d of this.forUnbind.splice(0)) {
          this.deliveredOn.push(conn.session.state);
          conn.session.request(d, d, now);
        }
      }
      receive(pdu, now);
    };
  }

  /** A bound session the SMSC may send deliver_sm on (a receiver or transceiver, SMPP 3.4 §2.2), if any. */
  private receiving(): SmppConnection<SmPdu> | undefined {
    return [...this.conns].find((c) => (c.session.state === 'bound_rx' || c.session.state === 'bound_trx') && !this.dead.has(c));
  }

  /**
   * Drops the TCP connection of every bound receiver (bind_receiver) at once, no unbind, as a network
   * fault on that session alone; returns how many.
   */
  dropReceivers(): number {
    const rx = [...this.conns].filter((c) => c.session.state === 'bound_rx');
    for (const c of rx) c.socket.destroy();
    return rx.length;
  }

  private sendDlr(d: SmPdu): void {
    const target = this.receiving();
    if (!target) return void this.pendingDlrs.push(d);
    this.deliveredOn.push(target.session.state);
    target.session.request(d, d, Date.now());
  }

  /**
   * Sends an MO (deliver_sm, esm_class 0) to the bound ESME; resolves with the command_status of its
   * deliver_sm_resp, or -1 when it got none (timeout, connection closed, nobody bound).
   */
  sendMo(mo: { from: string; to: string; text: string }): Promise<number> {
    return this.sendDeliver({ ...smDefaults(), command: 'deliver_sm', sequence_number: 0, source_addr: mo.from, destination_addr: mo.to, esm_class: 0, short_message: Buffer.from(mo.text, 'latin1') });
  }

  /**
   * Sends any deliver_sm (e.g. one part of a long MO), or a data_sm (SMSCs that deliver receipts and
   * MO that way); resolves as `sendMo`.
   */
  sendDeliver(d: SmPdu | DataSmPdu): Promise<number> {
    const target = this.receiving();
    if (!target) return Promise.resolve(-1);
    // the PDU is its own context (the waiters' key), typed as the receipts' deliver_sm it travels with
    const ctx = d as SmPdu;
    this.deliveredOn.push(target.session.state);
    return new Promise((resolve) => {
      this.moWaiters.set(ctx, resolve);
      target.session.request(d, ctx, Date.now());
    });
  }

  /** Delivers again, now, every receipt not acknowledged yet (as an SMSC's retry schedule would, later). */
  resendReceipts(): number {
    const n = this.pendingDlrs.length;
    this.flushDlrs();
    return n;
  }

  private flushDlrs(): void {
    for (const d of this.pendingDlrs.splice(0)) this.sendDlr(d);
  }

  private onSubmit(conn: SmppConnection<SmPdu>, pdu: SmPdu): void {
    if (this.dead.has(conn)) return; // already dropped/unbinding: the ESME never hears of it
    this.received.push(pdu);
    this.receivedAt.push(Date.now());
    this.receivedOn.push(conn.session.state);
    const n = this.received.length;
    const hold = this.opts.answerDelayMs?.(n) ?? 0;
    if (hold > 0) setTimeout(() => { if (!this.dead.has(conn)) this.answerSubmit(conn, pdu, n); }, hold);
    else this.answerSubmit(conn, pdu, n);
    if (this.opts.unbindAfter === n) conn.session.unbind(Date.now());
  }

  private answerSubmit(conn: SmppConnection<SmPdu>, pdu: SmPdu, n: number): void {
    const o = this.opts;
    const scripted = o.answer?.(pdu, n);
    if (scripted !== undefined) {
      this.answers.push([n, scripted, Date.now()]);
      return conn.respond(responseFor(pdu, scripted));
    }
    switch (o.misbehaviour) {
      case 'never_answers':
        return;
      case 'generic_nack':
        return conn.respond({ command: 'generic_nack', command_status: CommandStatus.ESME_RSYSERR, sequence_number: pdu.sequence_number });
      case 'throttles':
        this.toggle = !this.toggle;
        if (this.toggle) {
          this.answers.push([n, CommandStatus.ESME_RTHROTTLED, Date.now()]);
          return conn.respond(responseFor(pdu, CommandStatus.ESME_RTHROTTLED));
        }
        break;
      case 'unbinds_mid_stream':
        if (!this.misbehaved && n >= (o.after ?? 5)) {
          this.misbehaved = true;
          this.dead.add(conn);
          conn.session.unbind(Date.now());
          return;
        }
        break;
      case 'drops_connection':
        if (!this.misbehaved && n >= (o.after ?? 5)) {
          this.misbehaved = true;
          this.dead.add(conn);
          conn.end(); // answers already written go out first, then the TCP connection closes, no unbind
          return;
        }
        break;
      default:
        break;
    }
    const id = o.messageId?.(n) ?? (this.nextId++).toString(16).toUpperCase();
    const sm = pdu.esm_class & EsmClass.UDHI ? parseUdh(pdu.short_message)?.payload ?? pdu.short_message : pdu.short_message;
    this.acked.push({ messageId: id, text: decodeText(sm, pdu.data_coding), to: pdu.destination_addr });
    const resp = responseFor(pdu, CommandStatus.ESME_ROK, id);
    const answerOk = () => {
      this.answers.push([n, CommandStatus.ESME_ROK, Date.now()]);
      conn.respond(resp);
    };
    const dlr = () => {
      if (!o.dlr && o.misbehaviour !== 'dlr_before_resp' && !o.dlrBeforeResp?.(n)) return;
      const rid = o.decimalReceiptIds ? parseInt(id, 16).toString(10) : id;
      const d: SmPdu = {
        ...smDefaults(), command: 'deliver_sm', sequence_number: 0, source_addr: pdu.destination_addr, destination_addr: pdu.source_addr, esm_class: EsmClass.DELIVERY_RECEIPT,
        short_message: Buffer.from(buildDlrText({ id: rid, sub: 1, dlvrd: 1, submitDate: Date.now(), doneDate: Date.now(), stat: 'DELIVRD', err: '0', text: '' }), 'latin1'),
        tlvs: o.decimalReceiptIds ? [] : [tlvCString(Tag.receipted_message_id, rid), tlvU8(Tag.message_state, 2)],
      };
      if (o.receiptsAtUnbind) return void this.forUnbind.push(d);
      this.sendDlr(d);
      if (o.duplicateReceipts) this.sendDlr({ ...d });
    };
    if (o.misbehaviour === 'dlr_before_resp' || o.dlrBeforeResp?.(n)) {
      dlr();
      setTimeout(answerOk, 20);
    } else {
      answerOk();
      setTimeout(dlr, o.dlrDelayMs?.(n) ?? 5);
    }
  }

  /** Texts acknowledged, for "nothing lost, nothing twice" checks. */
  ackedTexts(): string[] {
    return this.acked.map((a) => a.text);
  }
}

export type { Pdu };
