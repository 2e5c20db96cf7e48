/**
 * The SMPP 3.4 session as a pure state machine: no sockets, no clock. The transport feeds it
 * decoded PDUs (`receive`), decode errors (`decodeError`) and the time (`tick`); the session answers
 * through its `SessionHandler` (`send` a PDU, `close` the connection, and events for the layer
 * above). It owns bind state, sequence numbers, the window of unanswered requests in both
 * directions, per-request response timeouts, the enquire_link idle timer and ESME_RTHROTTLED.
 */
import { Fifo } from '../../runtime/fifo.js';
import { CommandStatus, COMMAND_NAMES, Tag, isResponseId } from '../pdu/constants.js';
import { tlvU8 } from '../pdu/tlv.js';
import type { PduDecodeError } from '../pdu/errors.js';
import type { BindCommand, BindPdu, CancelSmPdu, DataSmPdu, Pdu, PduCommand, QuerySmPdu, ReplaceSmPdu, SmPdu, SubmitMultiPdu } from '../pdu/types.js';
import type { RateLimiter } from '../../domain/rate-limiter.js';
import { RESPONSE_BY_REQUEST_ID, responseFor } from './responses.js';
import { SlotMap } from '../../runtime/slot-map.js';

/** open: connected, not bound. */
export type SessionState = 'open' | 'binding' | 'bound_tx' | 'bound_rx' | 'bound_trx' | 'unbinding' | 'closed';

export type BindType = 'transmitter' | 'receiver' | 'transceiver';
const BIND_STATE: Record<BindType, SessionState> = { transmitter: 'bound_tx', receiver: 'bound_rx', transceiver: 'bound_trx' };
const BIND_CMD: Record<BindType, BindCommand> = { transmitter: 'bind_transmitter', receiver: 'bind_receiver', transceiver: 'bind_transceiver' };
export function bindTypeOf(c: BindCommand): BindType {
  return c === 'bind_transmitter' ? 'transmitter' : c === 'bind_receiver' ? 'receiver' : 'transceiver';
}

export interface SessionOptions {
  /** `smsc`: we are the server peers bind to; `esme`: we bind to an SMSC. */
  role: 'smsc' | 'esme';
  /** Max requests we have sent and not yet had answered. */
  windowSize: number;
  /** Max inbound requests handed up and not yet answered; beyond it we answer ESME_RTHROTTLED. */
  inboundWindow: number;
  /** An unanswered request of ours fails after this long. */
  responseTimeoutMs: number;
  /** Send enquire_link after this long without traffic from the peer (bound states only). */
  enquireLinkIntervalMs: number;
  /** Close if the peer says nothing at all for this long (answers to enquire_link count). */
  idleTimeoutMs: number;
  /** Close a connection that has not bound within this long (smsc role). */
  bindTimeoutMs: number;
  /** Close after this many undecodable PDUs: a bad peer costs only its own session. */
  maxDecodeErrors: number;
  /** Answer inbound submit_sm/data_sm/replace_sm with ESME_RTHROTTLED when this refuses a token (smsc role). */
  inboundRate?: RateLimiter;
  /** Cap on outbound submit_sm/deliver_sm/data_sm (per link). */
  outboundRate?: RateLimiter;
}

export const DEFAULT_SESSION_OPTIONS: Omit<SessionOptions, 'role'> = {
  windowSize: 100,
  inboundWindow: 100,
  responseTimeoutMs: 10_000,
  enquireLinkIntervalMs: 30_000,
  idleTimeoutMs: 90_000,
  bindTimeoutMs: 30_000,
  maxDecodeErrors: 10,
};

/** What the layer above receives. `C` is the caller's context carried with each outbound request. */
export interface SessionHandler<C> {
  /** Write this PDU to the wire. */
  send(pdu: Pdu): void;
  /** Close the connection (after writing what was sent). */
  close(reason: string): void;
  /** An inbound bind to authenticate (smsc role); answer with acceptBind / rejectBind. */
  onBind?(pdu: BindPdu): void;
  /** An inbound submit_sm / deliver_sm / data_sm to handle; answer with `respond`. */
  onRequest?(pdu: SmPdu | DataSmPdu): void;
  /**
   * An inbound query_sm from an ESME bound to submit (smsc role); answer with `respond`. It counts in
   * the inbound window like a submit. Without this handler the session does not offer query_sm
   * (generic_nack ESME_RINVCMDID, as SMPP 3.4 requests it does not know).
   */
  onQuery?(pdu: QuerySmPdu): void;
  /**
   * An inbound cancel_sm from an ESME bound to submit (smsc role); answer with `respond`. As onQuery:
   * in the inbound window, no throughput token; without it cancel_sm is not offered.
   */
  onCancel?(pdu: CancelSmPdu): void;
  /**
   * An inbound replace_sm from an ESME bound to submit (smsc role); answer with `respond`. It counts in
   * the inbound window and takes one throughput token, as a submit_sm does (it decides a new text as
   * a submission does): ESME_RTHROTTLED past the rate. One refused whole before the decision gives its
   * token back with `giveBackInbound(1)`. Without this handler replace_sm is not offered (generic_nack ESME_RINVCMDID).
   */
  onReplace?(pdu: ReplaceSmPdu): void;
  /**
   * An inbound submit_multi from an ESME bound to submit (smsc role); answer with `respond`. It takes
   * one slot of the inbound window (one request) and one throughput token per SME destination: the
   * first `granted` SME destinations (dest_flag 1, in list order) have theirs, the others are to be
   * refused ESME_RTHROTTLED one by one in unsuccess_sme. When none could have one the session answers
   * ESME_RTHROTTLED itself. A submit_multi refused whole before anything is decided gives the tokens
   * back with `giveBackInbound(granted)`. Without this handler submit_multi is not offered (generic_nack ESME_RINVCMDID).
   */
  onSubmitMulti?(pdu: SubmitMultiPdu, granted: number): void;
  /** Our request got its response (generic_nack included, as a response with its status). */
  onResponse?(resp: Pdu, request: Pdu, ctx: C): void;
  /** Our request had no response in time; the caller decides whether to retry. */
  onTimeout?(request: Pdu, ctx: C): void;
  /** Bind completed (either role). */
  onBound?(type: BindType, systemId: string): void;
  /** Our bind was refused (esme role). */
  onBindFailed?(status: number): void;
  /** The session ended; every request still unanswered or queued is handed back, none lost. */
  onClosed?(reason: string, unanswered: { request: Pdu; ctx: C }[]): void;
  /**
   * An unbind (ours or the peer's as an SMSC, the peer's as an ESME) waits for the answers to our requests in flight:
   * the requests still queued behind the window, which will not be sent on this session, are
   * handed back now rather than when it closes (another bind may take them meanwhile). Without
   * this handler they are handed back by `onClosed`, as before.
   */
  onHandBack?(queued: { request: Pdu; ctx: C }[]): void;
  /** A window slot or rate token became free; producers may offer more. */
  onDrain?(): void;
}

/** number_of_dests of a submit_multi: 1 to 254 (SMPP 3.4 §4.5.1; ESME_RINVNUMDESTS outside). */
export const MAX_MULTI_DESTS = 254;

/**
 * SMPP 3.4 PDUs an SMSC sends an ESME that take no response: alert_notification (0x102, §4.12: a
 * subscriber reachable again, after a data_sm with set_dpf) and outbind (0x0B, §4.1.7: asking the ESME
 * to bind). smsguard's client asks for neither (it binds by itself and sends no data_sm), and the codec
 * does not decode them, so on an esme session they are dropped: a generic_nack answers a PDU that
 * has no response (SMSCs log it as a protocol error), and counting them as malformed cost the link
 * at the eleventh (before 2026-12-07).
 */
const UNANSWERED_SMSC_PDUS: ReadonlySet<number> = new Set([0x00000102, 0x0000000b]);

/**
 * SMPP 3.4 requests only an SMSC issues (§2.3's table: deliver_sm §4.6, alert_notification §4.12,
 * outbind §4.1.7; data_sm goes both ways). An ESME that sends one to our server (smsc role) breaks
 * the bind-state rule whatever the PDU holds, so each is answered ESME_RINVBNDSTS ("incorrect bind
 * status for given command", §5.1.3): a deliver_sm in its deliver_sm_resp (as a readable one always
 * was), the other two, which have no response PDU, in a generic_nack; none counts as undecodable
 * (a readable deliver_sm never did). Before 2026-12-07 a deliver_sm whose body did not decode got
 * that field's status (ESME_RINVPARLEN for an over-long address, ESME_RINVMSGLEN, …), telling the
 * ESME to fix a field of a PDU it may not send at all, and the two others generic_nack
 * ESME_RINVCMDID; each of them counted toward closing the session.
 */
const SMSC_ONLY_REQUESTS: ReadonlyMap<number, PduCommand | null> = new Map([
  [0x00000005, 'deliver_sm'],
  [0x00000102, null],
  [0x0000000b, null],
]);

/**
 * The mirror for our client (esme role): SMPP 3.4 requests only an ESME issues (§2.3's table:
 * bind_transmitter, bind_receiver, bind_transceiver §4.1, submit_sm §4.4, submit_multi §4.5,
 * query_sm §4.8, cancel_sm §4.9, replace_sm §4.10). An SMSC that sends one to us breaks the same
 * bind-state rule, so each is answered in its own response PDU with ESME_RINVBNDSTS, in any state,
 * readable or not, and never counts as undecodable, as the server answers an ESME's deliver_sm.
 * Every one of them has a response PDU, so none needs a generic_nack. Before 2026-12-07 only a
 * readable submit_sm was answered so; a readable bind_* got its resp ESME_RINVCMDID, a readable
 * submit_multi, query_sm, cancel_sm or replace_sm a generic_nack ESME_RINVCMDID, and one whose body
 * did not decode that field's status (ESME_RINVPARLEN, ESME_RINVDESTFLAG, …), counted toward closing
 * the link at the eleventh.
 */
const ESME_ONLY_REQUESTS: ReadonlyMap<number, PduCommand> = new Map<number, PduCommand>([
  [0x00000001, 'bind_receiver'],
  [0x00000002, 'bind_transmitter'],
  [0x00000009, 'bind_transceiver'],
  [0x00000004, 'submit_sm'],
  [0x00000021, 'submit_multi'],
  [0x00000003, 'query_sm'],
  [0x00000008, 'cancel_sm'],
  [0x00000007, 'replace_sm'],
]);

/** Requests the peer's role may not issue, by our role: the response command (null: generic_nack). */
const PEER_ROLE_MAY_NOT_ISSUE: Record<SessionOptions['role'], ReadonlyMap<number, PduCommand | null>> = {
  smsc: SMSC_ONLY_REQUESTS,
  esme: ESME_ONLY_REQUESTS,
};

type Outbound = Exclude<Pdu, { command: 'generic_nack' }>;
/** Requests the session hands up (onRequest, onQuery, onCancel) once the bind state allows them. */
type InboundData = 'submit_sm' | 'data_sm' | 'deliver_sm' | 'query_sm' | 'cancel_sm' | 'replace_sm' | 'submit_multi';
interface Pending<C> {
  request: Pdu;
  ctx: C;
  sentAt: number;
  internal: boolean;
}

export class Session<C = unknown> {
  readonly opts: SessionOptions;
  private _state: SessionState = 'open';
  private nextSeq = 1;
  private readonly pending = new SlotMap<number, Pending<C>>();
  /** Requests waiting for the window. */
  private readonly queue = new Fifo<{ pdu: Outbound; ctx: C }>();
  private inboundOpen = 0;
  private lastHeard: number;
  private readonly openedAt: number;
  private enquirePending = false;
  private decodeErrors = 0;
  private bindPending: BindPdu | null = null;
  private closeReason = '';
  /** The bound state our own unbind left (what the peer could submit in before it). */
  private unboundFrom: SessionState | null = null;
  /**
   * The peer's unbind, held until the requests it sent before it are answered and ours sent before it
   * (deliver_sm) have their answers or time out (and when it came).
   */
  private peerUnbind: { pdu: Pdu; at: number } | null = null;
  /** Our own unbind, not sent yet: requests of ours still in flight get their answers (or time out) first. */
  private heldUnbind = false;
  /**
   * When the unbind_resp to our own unbind came while deliver_sm the SMSC sent across our unbind were
   * still being handled (esme role): the session closes once they are answered, or the response
   * timeout after this. Null otherwise; set, no further deliver_sm is taken.
   */
  private unbindAnsweredAt: number | null = null;
  /** Our requests (not the session's own bind, enquire_link, unbind) sent and unanswered. */
  private outboundOpen = 0;
  /**
   * Whether the bound ESME reads optional parameters (smsc role): false when it bound with an
   * interface_version below 0x34 (SMPP 3.3 has no TLVs, and a 3.3 ESME reads a PDU's trailing octets
   * as garbage or refuses the PDU), so what we send it goes without them.
   */
  private peerTlvs = true;

  constructor(opts: Partial<SessionOptions> & { role: 'smsc' | 'esme' }, readonly handler: SessionHandler<C>, now: number) {
    this.opts = { ...DEFAULT_SESSION_OPTIONS, ...opts };
    this.lastHeard = now;
    this.openedAt = now;
  }

  get state(): SessionState {
    return this._state;
  }
  get bound(): boolean {
    return this._state === 'bound_tx' || this._state === 'bound_rx' || this._state === 'bound_trx';
  }
  /** Requests sent and unanswered. */
  get inFlight(): number {
    return this.pending.size;
  }
  /** Requests waiting for a window slot. */
  get backlog(): number {
    return this.queue.size;
  }
  /** Inbound requests handed up and not yet answered. */
  get inboundInFlight(): number {
    return this.inboundOpen;
  }
  /** True when the transport should keep reading (inbound window not exceeded). */
  get wantsRead(): boolean {
    return this._state !== 'closed' && this.inboundOpen < this.opts.inboundWindow;
  }
  /** True when more requests would be sent right away rather than queued. */
  get hasRoom(): boolean {
    return this.bound && this.pending.size + this.backlog < this.opts.windowSize;
  }

  /**
   * Gives back `n` throughput tokens the session took for an inbound request (submit_multi's
   * `granted`, replace_sm's one) that the layer above then refused whole before deciding anything: the refusal is
   * answered, and the ESME's corrected resubmission must find the rate it had.
   */
  giveBackInbound(n: number): void {
    this.opts.inboundRate?.giveBack(n);
  }

  private seq(): number {
    const s = this.nextSeq;
    this.nextSeq = this.nextSeq >= 0x7fffffff ? 1 : this.nextSeq + 1;
    return s;
  }

  // ------------------------------------------------------------ outbound

  /** Starts a bind (esme role). */
  bind(type: BindType, creds: { systemId: string; password: string; systemType?: string }, now: number): void {
    if (this._state !== 'open') throw new Error(`cannot bind in state ${this._state}`);
    this._state = 'binding';
    const pdu: BindPdu = {
      command: BIND_CMD[type], command_status: 0, sequence_number: this.seq(), system_id: creds.systemId, password: creds.password,
      system_type: creds.systemType ?? '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '',
    };
    this.pending.set(pdu.sequence_number, { request: pdu, ctx: undefined as C, sentAt: now, internal: true });
    this.handler.send(pdu);
  }

  /**
   * Queues a request (submit_sm, deliver_sm, data_sm) for sending; it goes out as soon as the
   * window and the rate cap allow. Its sequence_number is assigned at send time.
   */
  request(pdu: Outbound, ctx: C, now: number): void {
    if (this._state === 'closed') {
      this.handler.onClosed?.(this.closeReason || 'closed', [{ request: pdu, ctx }]);
      return;
    }
    this.queue.push({ pdu, ctx });
    this.flush(now);
  }

  private canSendData(command: Pdu['command']): boolean {
    if (command === 'submit_sm' || command === 'data_sm') return this.opts.role === 'esme' ? this._state === 'bound_tx' || this._state === 'bound_trx' : this._state === 'bound_rx' || this._state === 'bound_trx';
    if (command === 'deliver_sm') return this._state === 'bound_rx' || this._state === 'bound_trx';
    return this.bound;
  }

  private flush(now: number): void {
    for (let head = this.queue.peek(); head && this.pending.size < this.opts.windowSize; head = this.queue.peek()) {
      if (!this.canSendData(head.pdu.command)) break;
      if (this.opts.outboundRate && !this.opts.outboundRate.tryTake(now)) break;
      this.queue.shift();
      // The caller hands the PDU over: its sequence_number is (re)assigned at each send.
      const pdu = head.pdu as Pdu;
      pdu.sequence_number = this.seq();
      this.pending.set(pdu.sequence_number, { request: pdu, ctx: head.ctx, sentAt: now, internal: false });
      this.outboundOpen++;
      // a copy for a pre-3.4 ESME: the caller's PDU keeps its TLVs (it may go to another bind later)
      this.handler.send(!this.peerTlvs && 'tlvs' in pdu && pdu.tlvs.length > 0 ? { ...pdu, tlvs: [] } : pdu);
    }
  }

  /**
   * Answers an inbound submit_sm/deliver_sm/data_sm handed up by `onRequest` (or a query_sm by
   * `onQuery`, a cancel_sm by `onCancel`).
   */
  respond(resp: Pdu): void {
    if (this.inboundOpen > 0) this.inboundOpen--;
    if (this._state === 'closed') return;
    this.handler.send(resp);
    this.settleUnbinding();
  }

  /**
   * Ends an unbinding whose wait is over: our held unbind goes once none of our requests is in
   * flight; the peer's unbind is answered once, besides, every request it sent before it has its
   * answer. True when the session was closed by it.
   */
  private settleUnbinding(now = this.lastHeard): boolean {
    if (this._state !== 'unbinding') return false;
    if (this.heldUnbind) {
      if (this.awaitsOutbound()) return false;
      this.heldUnbind = false;
      this.sendUnbind(now);
      return false;
    }
    if (this.peerUnbind) {
      if (this.outboundOpen > 0 || this.inboundOpen > 0) return false;
      this.finishPeerUnbind('peer unbound');
      return true;
    }
    // our unbind answered (esme role), the deliver_sm that crossed it now answered too
    if (this.unbindAnsweredAt !== null && this.inboundOpen === 0) {
      this.terminate('unbound');
      return true;
    }
    return false;
  }

  private finishPeerUnbind(reason: string): void {
    const u = this.peerUnbind!;
    this.peerUnbind = null;
    this.handler.send(responseFor(u.pdu, CommandStatus.ESME_ROK));
    this.terminate(reason);
  }

  /** Accepts the bind handed up by `onBind` (smsc role). */
  acceptBind(systemId: string): void {
    const b = this.bindPending;
    if (!b || this._state !== 'binding') return;
    this.bindPending = null;
    this._state = BIND_STATE[bindTypeOf(b.command)];
    // SMPP 3.4 §4.1.2: without sc_interface_version an ESME "shall assume that the SMSC does not
    // support any optional parameters" (message_payload, receipted_message_id, sar_*), which we do.
    // An ESME that bound as SMPP 3.3 (interface_version below 0x34) knows no TLVs: it gets none, here
    // or later (receipts keep their Appendix B text, which carries the id and stat).
    this.peerTlvs = b.interface_version >= 0x34;
    this.handler.send(responseFor(b, CommandStatus.ESME_ROK, systemId, this.peerTlvs ? [tlvU8(Tag.sc_interface_version, 0x34)] : []));
    this.handler.onBound?.(bindTypeOf(b.command), b.system_id);
  }

  /**
   * Refuses the bind handed up by `onBind`. The connection stays open and unbound (the ESME may bind
   * again until the bind timeout closes it); ESMEs such as Kannel close and reconnect themselves.
   */
  rejectBind(status: number): void {
    const b = this.bindPending;
    if (!b || this._state !== 'binding') return;
    this.bindPending = null;
    this._state = 'open';
    this.handler.send(responseFor(b, status, ''));
  }

  /**
   * Starts an orderly unbind. Nothing new is sent from now on (queued requests are handed back:
   * `onHandBack` at once, else `onClosed`); as an SMSC, requests of ours already in flight (deliver_sm) get their answers first, or
   * time out (each within the response timeout), and only then does the unbind go: a peer closes
   * once it has answered the unbind, and an answer it would have written after that is lost (the
   * receipt would go again at its next bind, a repeat). `unbindHeld` says whether it waits.
   */
  unbind(now: number): void {
    if (!this.bound) {
      this.terminate('unbind before bind');
      return;
    }
    this.unboundFrom = this._state;
    this._state = 'unbinding';
    if (this.awaitsOutbound()) {
      this.heldUnbind = true;
      this.handBackQueued();
      return;
    }
    this.sendUnbind(now);
  }

  /** The queued requests to the layer above (`onHandBack`), while an unbind waits for those in flight. */
  private handBackQueued(): void {
    if (!this.handler.onHandBack || this.queue.size === 0) return;
    this.handler.onHandBack(this.queue.drain().map((q) => ({ request: q.pdu, ctx: q.ctx })));
  }

  /**
   * Whether an unbind (ours or the peer's) waits for the answers to our requests in flight: as an
   * SMSC, whose requests are deliver_sm (receipts, MO) that go again at the next bind when unanswered.
   */
  private awaitsOutbound(): boolean {
    return this.opts.role === 'smsc' && this.outboundOpen > 0;
  }

  /** True while our unbind waits for the answers to our requests in flight. */
  get unbindHeld(): boolean {
    return this.heldUnbind;
  }

  /**
   * Our unbind was answered while deliver_sm that crossed it are still being handled (esme role):
   * until when they may be answered (the response timeout after the unbind_resp; tick ends the
   * session then). Null otherwise.
   */
  get answersAfterUnbindUntil(): number | null {
    return this._state !== 'closed' && this.unbindAnsweredAt !== null ? this.unbindAnsweredAt + this.opts.responseTimeoutMs : null;
  }

  private sendUnbind(now: number): void {
    const pdu: Pdu = { command: 'unbind', command_status: 0, sequence_number: this.seq() };
    this.pending.set(pdu.sequence_number, { request: pdu, ctx: undefined as C, sentAt: now, internal: true });
    this.handler.send(pdu);
  }

  // ------------------------------------------------------------ inbound

  /** Feeds one decoded PDU from the peer. */
  receive(pdu: Pdu, now: number): void {
    if (this._state === 'closed') return;
    this.lastHeard = now;
    if (isResponseId(commandIdOf(pdu))) this.onResponsePdu(pdu, now);
    else this.onRequestPdu(pdu, now);
  }

  private onResponsePdu(resp: Pdu, now: number): void {
    const p = this.pending.get(resp.sequence_number);
    if (!p) return; // late answer to a request that already timed out, or a peer's stray: nothing to do
    this.pending.delete(resp.sequence_number);
    if (!p.internal) this.outboundOpen--;
    const req = p.request;
    if (req.command === 'enquire_link') this.enquirePending = false;
    else if (req.command === 'unbind') {
      // As an ESME: deliver_sm the SMSC sent across our unbind (receipts, MO) and still being
      // recorded get their deliver_sm_resp before the connection closes (bounded: the response
      // timeout, tick); one answered after the close would be delivered again at the next bind.
      if (this.opts.role === 'esme' && this.inboundOpen > 0) {
        this.unbindAnsweredAt = now;
        return;
      }
      this.terminate('unbound');
      return;
    } else if (req.command === 'bind_transmitter' || req.command === 'bind_receiver' || req.command === 'bind_transceiver') {
      if (resp.command_status === CommandStatus.ESME_ROK && resp.command !== 'generic_nack') {
        this._state = BIND_STATE[bindTypeOf(req.command)];
        this.handler.onBound?.(bindTypeOf(req.command), 'system_id' in resp ? resp.system_id : '');
        this.flush(now);
      } else {
        this._state = 'open';
        this.handler.onBindFailed?.(resp.command_status || CommandStatus.ESME_RBINDFAIL);
      }
      return;
    }
    if (!p.internal) this.handler.onResponse?.(resp, req, p.ctx);
    if (this.settleUnbinding(now)) return;
    this.flush(now);
    if (this.hasRoom) this.handler.onDrain?.();
  }

  private onRequestPdu(pdu: Pdu, now: number): void {
    switch (pdu.command) {
      case 'enquire_link':
        this.handler.send(responseFor(pdu, CommandStatus.ESME_ROK));
        return;
      case 'unbind':
        // SMPP 3.4 §2.3, §4.2: in the OPEN state (and while a bind is being checked) only a bind is
        // allowed, so an unbind there is a protocol error: ESME_RINVBNDSTS, and the connection stays
        // as it was, OPEN, for the bind the peer may still send (the bind timeout still closes one
        // that never binds), as after a refused bind. Before 2026-12-07 it was answered ESME_ROK and
        // the connection closed, telling the peer it had been bound.
        if (this._state === 'open' || this._state === 'binding') return void this.handler.send(responseFor(pdu, CommandStatus.ESME_RINVBNDSTS));
        // Requests the peer sent before its unbind and still being handled get their answers first:
        // a submit recorded but never answered would be resubmitted (a duplicate), its id unknown.
        // Likewise ours in flight (deliver_sm: a receipt, an MO) wait for the peer's answers, which
        // it may still send (SMPP 3.4 §4.2 only ends the session with the unbind_resp; Net::SMPP,
        // our own client answer them): one unanswered when we close goes again at the next bind.
        // Nothing more is sent or taken meanwhile (not bound: later submits are refused
        // ESME_RINVBNDSTS). Bounded: the response timeout from the unbind.
        // As an ESME (our client, the SMSC unbinding us) the same holds for our submit_sm in flight:
        // answered after an unbind_resp sent at once (before 2026-12-07), their outcome was lost and
        // the messages went again on another bind (a handset could get one twice); now the
        // unbind_resp waits for them (or their timeout), none is sent meanwhile, and the queued ones
        // go back at once. (Our own unbind waits for them as an SMSC only: our client's link settles
        // its submits before it unbinds, docs/SMPP.md "Stopping and starting a link".)
        if (this.bound && (this.inboundOpen > 0 || this.outboundOpen > 0)) {
          this.unboundFrom = null;
          this._state = 'unbinding';
          this.peerUnbind = { pdu, at: now };
          if (this.outboundOpen > 0) this.handBackQueued();
          return;
        }
        if (this.peerUnbind) return; // a repeat while we wait
        // Unbinds that cross (esme role): ours is out, and the SMSC's deliver_sm taken across it are
        // still being recorded; the SMSC's unbind_resp waits for their answers, as above.
        if (this.opts.role === 'esme' && this._state === 'unbinding' && this.inboundOpen > 0) {
          this.peerUnbind = { pdu, at: now };
          return;
        }
        // Our own unbind was waiting for our requests in flight: the peer's takes its place, and is
        // answered once they are settled.
        if (this.heldUnbind) {
          this.heldUnbind = false;
          this.peerUnbind = { pdu, at: now };
          return;
        }
        this.handler.send(responseFor(pdu, CommandStatus.ESME_ROK));
        this.terminate('peer unbound');
        return;
      case 'bind_transmitter':
      case 'bind_receiver':
      case 'bind_transceiver':
        // from an SMSC (esme role): a request only an ESME issues (ESME_ONLY_REQUESTS)
        if (this.opts.role !== 'smsc') return this.refuseRole(pdu.command, pdu.sequence_number);
        if (this._state !== 'open') return void this.handler.send(responseFor(pdu, CommandStatus.ESME_RALYBND));
        this._state = 'binding';
        this.bindPending = pdu;
        if (this.handler.onBind) this.handler.onBind(pdu);
        else this.rejectBind(CommandStatus.ESME_RBINDFAIL);
        return;
      case 'submit_sm':
      case 'data_sm':
      case 'deliver_sm': {
        if (!this.mayReceive(pdu.command) && !this.takesAcrossOurUnbind(pdu.command)) return void this.handler.send(responseFor(pdu, this.refusedStatus(pdu.command)));
        if (this.inboundOpen >= this.opts.inboundWindow) return void this.handler.send(responseFor(pdu, CommandStatus.ESME_RTHROTTLED));
        if (pdu.command !== 'deliver_sm' && this.opts.inboundRate && !this.opts.inboundRate.tryTake(now)) {
          return void this.handler.send(responseFor(pdu, CommandStatus.ESME_RTHROTTLED));
        }
        this.inboundOpen++;
        if (this.handler.onRequest) this.handler.onRequest(pdu);
        else this.respond(responseFor(pdu, CommandStatus.ESME_RSYSERR));
        return;
      }
      case 'query_sm':
      case 'cancel_sm':
      case 'replace_sm': {
        const offered = pdu.command === 'query_sm' ? this.handler.onQuery : pdu.command === 'cancel_sm' ? this.handler.onCancel : this.handler.onReplace;
        // from an SMSC (esme role): a request only an ESME issues (ESME_ONLY_REQUESTS)
        if (this.opts.role !== 'smsc') return this.refuseRole(pdu.command, pdu.sequence_number);
        // Not offered (an SMSC without the handler such as the simulator): a command it does not
        // know, refused as before the codec decoded it, and it does not cost the session.
        if (!offered) {
          return void this.handler.send({ command: 'generic_nack', command_status: CommandStatus.ESME_RINVCMDID, sequence_number: pdu.sequence_number });
        }
        // SMPP 3.4 §4.8.1, §4.9.1, §4.10.1: issued by an ESME bound as transmitter or transceiver.
        if (!this.mayReceive(pdu.command)) return void this.handler.send(responseFor(pdu, this.refusedStatus(pdu.command)));
        if (this.inboundOpen >= this.opts.inboundWindow) return void this.handler.send(responseFor(pdu, CommandStatus.ESME_RTHROTTLED));
        // replace_sm takes a submit's throughput token: it runs a whole compliance decision in a store
        // transaction, so past the credential's rate it must not reach the store more often than a
        // submit may. query_sm and cancel_sm decide nothing; the inbound window bounds them.
        if (pdu.command === 'replace_sm' && this.opts.inboundRate && !this.opts.inboundRate.tryTake(now)) {
          return void this.handler.send(responseFor(pdu, CommandStatus.ESME_RTHROTTLED));
        }
        this.inboundOpen++;
        if (pdu.command === 'query_sm') this.handler.onQuery?.(pdu);
        else if (pdu.command === 'cancel_sm') this.handler.onCancel?.(pdu);
        else this.handler.onReplace?.(pdu);
        return;
      }
      case 'submit_multi': {
        // from an SMSC (esme role): a request only an ESME issues (ESME_ONLY_REQUESTS)
        if (this.opts.role !== 'smsc') return this.refuseRole(pdu.command, pdu.sequence_number);
        // Not offered (an SMSC without the handler such as the simulator): a command it does not
        // know, refused as before the codec decoded it, and it does not cost the session.
        if (!this.handler.onSubmitMulti) {
          return void this.handler.send({ command: 'generic_nack', command_status: CommandStatus.ESME_RINVCMDID, sequence_number: pdu.sequence_number });
        }
        if (!this.mayReceive(pdu.command)) return void this.handler.send(responseFor(pdu, this.refusedStatus(pdu.command)));
        const n = pdu.dest_addresses.length;
        // before the window and the rate: a list SMPP does not allow costs neither a slot nor a token
        if (n < 1 || n > MAX_MULTI_DESTS) return void this.handler.send(responseFor(pdu, CommandStatus.ESME_RINVNUMDESTS));
        if (this.inboundOpen >= this.opts.inboundWindow) return void this.handler.send(responseFor(pdu, CommandStatus.ESME_RTHROTTLED));
        // one token per message it may make: per SME address (a distribution list is refused, and sends nothing)
        let smes = 0;
        for (const d of pdu.dest_addresses) if (d.dest_flag === 1) smes++;
        const granted = this.opts.inboundRate ? this.opts.inboundRate.takeUpTo(smes, now) : smes;
        if (smes > 0 && granted === 0) return void this.handler.send(responseFor(pdu, CommandStatus.ESME_RTHROTTLED));
        this.inboundOpen++;
        this.handler.onSubmitMulti(pdu, granted);
        return;
      }
      default:
        // a response type cannot reach here; generic_nack is a response
        this.handler.send({ command: 'generic_nack', command_status: CommandStatus.ESME_RINVCMDID, sequence_number: pdu.sequence_number });
    }
  }

  /**
   * Why a request its bind state does not allow is refused. An SMSC that unbound a session that
   * could submit (it is stopping: docs/SMPP.md, Shutdown) answers a submit that crossed its unbind
   * ESME_RSYSERR, not ESME_RINVBNDSTS: stock ESMEs take ESME_RSYSERR as temporary and send the
   * message again elsewhere or after rebinding (Kannel requeues it, our own client
   * fails over at once), while ESME_RINVBNDSTS is the ESME's protocol error, which Kannel reports as a
   * permanent failure. ESME_RTHROTTLED would say "slow down on this bind": a rate-adapting ESME
   * would pause or slow its other binds for a session that is going anyway.
   */
  private refusedStatus(command: InboundData): number {
    if (this._state === 'unbinding' && this.opts.role === 'smsc' && this.unboundFrom && this.mayReceive(command, this.unboundFrom)) return CommandStatus.ESME_RSYSERR;
    return CommandStatus.ESME_RINVBNDSTS;
  }

  /**
   * Answers a request the peer's role may not issue (PEER_ROLE_MAY_NOT_ISSUE): ESME_RINVBNDSTS in its
   * own response PDU, or a generic_nack for one that has none; it is not counted as malformed.
   */
  private refuseRole(resp: PduCommand | null, sequenceNumber: number): void {
    const status = CommandStatus.ESME_RINVBNDSTS;
    if (resp) return void this.handler.send(responseFor({ command: resp, sequence_number: sequenceNumber }, status));
    this.handler.send({ command: 'generic_nack', command_status: status, sequence_number: sequenceNumber });
  }

  /**
   * As an ESME whose own unbind is out and not answered yet: a deliver_sm or data_sm the SMSC sent
   * across it (a receipt, an MO) is taken as on the bound session it came on (SMPP 3.4 §4.2: the
   * session ends with the unbind_resp, not the unbind; until then the SMSC may deliver, and its
   * answers to our submits still count). Refused ESME_RINVBNDSTS, it would wait at the SMSC for our
   * next bind, or be dropped by an SMSC that takes the status as final (before 2026-12-07). Once the
   * unbind_resp is in, or after the peer's unbind, none is taken.
   */
  private takesAcrossOurUnbind(command: InboundData): boolean {
    if (this.opts.role !== 'esme' || this._state !== 'unbinding' || this.unboundFrom === null || this.unbindAnsweredAt !== null || this.peerUnbind) return false;
    return this.mayReceive(command, this.unboundFrom);
  }

  private mayReceive(command: InboundData, s: SessionState = this._state): boolean {
    if (this.opts.role === 'smsc') {
      if (command === 'deliver_sm') return false;
      return s === 'bound_tx' || s === 'bound_trx';
    }
    if (command === 'submit_sm' || command === 'query_sm' || command === 'cancel_sm' || command === 'replace_sm' || command === 'submit_multi') return false;
    return s === 'bound_rx' || s === 'bound_trx';
  }

  /**
   * A PDU failed to decode. Requests are answered with their own response (or generic_nack) and
   * the error's command_status; a broken frame (bad command_length) is answered with generic_nack
   * (ESME_RINVCMDLEN, the header's sequence_number or 0) and closes the session, as do too many bad PDUs.
   */
  decodeError(err: PduDecodeError, now: number): void {
    if (this._state === 'closed') return;
    this.lastHeard = now;
    if (err.fatal) {
      // The stream cannot be resynchronised, but the peer learns why before the connection goes.
      this.handler.send({ command: 'generic_nack', command_status: err.commandStatus, sequence_number: err.sequenceNumber });
      return this.terminate(`framing: ${err.message}`);
    }
    const id = err.commandId;
    if (id !== undefined && this.opts.role === 'esme' && UNANSWERED_SMSC_PDUS.has(id)) return;
    // a request the peer's role may not issue: the bind-state rule, whatever its fields (not counted)
    const notTheirs = id !== undefined ? PEER_ROLE_MAY_NOT_ISSUE[this.opts.role].get(id) : undefined;
    if (notTheirs !== undefined) return this.refuseRole(notTheirs, err.sequenceNumber);
    if (++this.decodeErrors > this.opts.maxDecodeErrors) return this.terminate('too many malformed PDUs');
    if (id !== undefined && isResponseId(id)) {
      // a response we cannot read still answers its request: fail it so the caller can retry
      const p = this.pending.get(err.sequenceNumber);
      if (p && COMMAND_NAMES.get(id) !== undefined) {
        this.onResponsePdu({ command: 'generic_nack', command_status: CommandStatus.ESME_RSYSERR, sequence_number: err.sequenceNumber }, now);
      }
      return;
    }
    const reqCommand = id === undefined ? undefined : RESPONSE_BY_REQUEST_ID.get(id);
    if (reqCommand) this.handler.send(responseFor({ command: reqCommand, sequence_number: err.sequenceNumber }, err.commandStatus));
    else this.handler.send({ command: 'generic_nack', command_status: err.commandStatus, sequence_number: err.sequenceNumber });
  }

  // ------------------------------------------------------------ time

  /** Advances time: response timeouts, enquire_link, idle and bind timeouts, rate-capped queue. */
  tick(now: number): void {
    if (this._state === 'closed') return;
    // the requests before the peer's unbind get as long as any answer of ours may take
    if (this.peerUnbind && now - this.peerUnbind.at >= this.opts.responseTimeoutMs) return this.finishPeerUnbind('peer unbound (answers outstanding)');
    // our unbind answered, the deliver_sm that crossed it given as long as any answer may take
    if (this.unbindAnsweredAt !== null && now - this.unbindAnsweredAt >= this.opts.responseTimeoutMs) return this.terminate('unbound (answers outstanding)');
    if ((this._state === 'open' || this._state === 'binding') && this.opts.role === 'smsc' && now - this.openedAt >= this.opts.bindTimeoutMs) {
      return this.terminate('no bind in time');
    }
    // Map iteration is insertion order = send order, so the oldest come first.
    for (const [seq, p] of this.pending) {
      if (now - p.sentAt < this.opts.responseTimeoutMs) break;
      this.pending.delete(seq);
      if (!p.internal) this.outboundOpen--;
      const c = p.request.command;
      if (c === 'enquire_link') return this.terminate('enquire_link unanswered');
      if (c === 'unbind') return this.terminate('unbind unanswered');
      if (c === 'bind_transmitter' || c === 'bind_receiver' || c === 'bind_transceiver') return this.terminate('bind unanswered');
      this.handler.onTimeout?.(p.request, p.ctx);
      if ((this._state as SessionState) === 'closed') return;
    }
    if (this.settleUnbinding(now)) return;
    if (now - this.lastHeard >= this.opts.idleTimeoutMs) return this.terminate('peer idle');
    if (this.bound && !this.enquirePending && now - this.lastHeard >= this.opts.enquireLinkIntervalMs) {
      this.enquirePending = true;
      const pdu: Pdu = { command: 'enquire_link', command_status: 0, sequence_number: this.seq() };
      this.pending.set(pdu.sequence_number, { request: pdu, ctx: undefined as C, sentAt: now, internal: true });
      this.handler.send(pdu);
    }
    const before = this.pending.size + this.backlog;
    this.flush(now);
    if (this.hasRoom && before > 0) this.handler.onDrain?.();
  }

  /** The connection went away (or must): everything unanswered is handed back via onClosed. */
  terminate(reason: string): void {
    if (this._state === 'closed') return;
    // our unbind was answered: the session ended so, whoever closes the connection after it (the
    // SMSC, while deliver_sm that crossed our unbind were still being answered)
    if (this.unbindAnsweredAt !== null && !reason.startsWith('unbound')) reason = 'unbound';
    this._state = 'closed';
    this.closeReason = reason;
    const unanswered: { request: Pdu; ctx: C }[] = [];
    for (const p of this.pending.values()) if (!p.internal) unanswered.push({ request: p.request, ctx: p.ctx });
    for (const q of this.queue.drain()) unanswered.push({ request: q.pdu, ctx: q.ctx });
    this.pending.clear();
    this.outboundOpen = 0;
    this.heldUnbind = false;
    this.handler.close(reason);
    this.handler.onClosed?.(reason, unanswered);
  }
}

function commandIdOf(p: Pdu): number {
  return p.command === 'generic_nack' || p.command.endsWith('_resp') ? 0x80000000 : 0;
}
