/**
 * The built-in simulator as a real SMPP SMSC: ESMEs (smsguard's own upstream client, Kannel, any
 * SMPP 3.4 client) bind, submit_sm lands in the same outbox model the HTTP simulator API reads
 * (src/simulator/simulator-smsc.ts), delivery receipts come back as deliver_sm, and MO injected
 * into the simulator (`injectMo`) goes to a bound receiver/transceiver.
 */
import { LRUCache } from 'lru-cache';
import { deleteKeepingSlots } from '../../runtime/lru-delete.js';
import { createServer, type Server, type Socket } from 'node:net';
import { CommandStatus, EsmClass, MessageState, Tag } from '../pdu/constants.js';
import { buildDlrText, receiptText } from '../pdu/dlr.js';
import { decodeText } from '../pdu/text.js';
import { tlvCString, tlvU8 } from '../pdu/tlv.js';
import { smPdu, type DataSmPdu, type SmPdu } from '../pdu/types.js';
import { responseFor } from '../session/responses.js';
import { SmppConnection } from '../transport/connection.js';
import { Reassembler } from '../server/reassembly.js';
import { readSubmit } from '../server/translate.js';
import { moPdus } from '../server/deliver-pdus.js';
import type { Egress } from '../../ports/egress.js';
import type { OutboundMessage } from '../../ports/store.js';
import type { SimulatorCancel } from '../../simulator/simulator-smsc.js';
import type { CancelSmPdu } from '../pdu/types.js';
import { normalizeMsisdn } from '../../domain/msisdn.js';

/**
 * The outbox side of the simulator this server fronts (SimulatorSmsc satisfies it). `cancelHeld`:
 * takes back a message it still holds (cancel_sm); absent: every cancel_sm is refused.
 */
export type SimulatorOutbox = Pick<Egress, 'submit' | 'onReceipt' | 'onMo'> & { cancelHeld?(upstreamId: string): SimulatorCancel };

export interface SimulatorServerOptions {
  sim: SimulatorOutbox;
  /** Accept only this system_id/password; omitted = accept any bind (a simulator). */
  credentials?: { systemId: string; password: string };
  now?: () => number;
}

type Conn = SmppConnection<SmPdu>;
interface Known {
  to: string;
  from: string;
  text: string;
  submittedAt: number;
  partIds: string[];
}

/** What keeps `known` from emptying (runtime/lru-delete.ts). */
const NOT_KNOWN: Known = Object.freeze({ to: '', from: '', text: '', submittedAt: 0, partIds: [] });

export class SmppSimulatorServer {
  private readonly server: Server;
  /** Open connections → whether the bind receives (receiver/transceiver). */
  private readonly conns = new Map<Conn, boolean>();
  /** Bounded, O(1) eviction (lru-cache). */
  private readonly known = new LRUCache<string, Known>({ max: 200_000 });
  /** Parts of long messages: each part's id and whether it asked for a receipt. */
  private readonly parts = new Reassembler<{ id: string; receipt: boolean }>(60_000, 10_000);
  private readonly pending: SmPdu[] = [];
  private readonly now: () => number;
  /** A long message's earlier part ids → the id its whole message was answered with (cancel_sm by a part's id). */
  private readonly wholeOf = new LRUCache<string, string>({ max: 200_000 });
  /** Ids a cancel_sm was answered ESME_ROK for: each id is cancelled once (a repeat: ESME_RCANCELFAIL). */
  private readonly cancelledIds = new LRUCache<string, true>({ max: 200_000 });
  private partSeq = 0;
  private moRef = 0;
  private seq = 0;

  constructor(readonly opts: SimulatorServerOptions) {
    this.now = opts.now ?? Date.now;
    this.server = createServer((s) => this.accept(s));
    opts.sim.onReceipt((r) => {
      const k = this.known.get(r.upstreamId);
      if (!k) return;
      deleteKeepingSlots(this.known, r.upstreamId, NOT_KNOWN);
      const state = r.stat === 'DELIVRD' ? MessageState.DELIVERED : MessageState.UNDELIVERABLE;
      // The receipt's text: field carries the first 20 characters (code points), each that reads
      // differently in GSM 03.38 and ASCII as '?' (receiptText), as smsguard's own server writes it.
      const printable = receiptText(k.text);
      for (const id of [r.upstreamId, ...k.partIds]) {
        const text = buildDlrText({ id, sub: 1, dlvrd: state === MessageState.DELIVERED ? 1 : 0, submitDate: k.submittedAt, doneDate: r.at, stat: r.stat, err: r.err ?? '000', text: printable });
        this.deliver(smPdu({
          command: 'deliver_sm', sequence_number: 0, source_addr: k.to, destination_addr: k.from, esm_class: EsmClass.DELIVERY_RECEIPT,
          short_message: Buffer.from(text, 'latin1'), tlvs: [tlvCString(Tag.receipted_message_id, id), tlvU8(Tag.message_state, state)],
        }));
      }
    });
    opts.sim.onMo((mo) => {
      this.moRef = (this.moRef + 1) & 0xff;
      for (const pdu of moPdus(mo, this.moRef)) this.deliver(pdu);
    });
  }

  /** Bound receivers/transceivers (where MO and receipts go; none = they wait for one). */
  get receivers(): number {
    let n = 0;
    for (const [c, receives] of this.conns) if (receives && c.session.bound) n++;
    return n;
  }

  listen(port: number, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as { port: number }).port);
      });
    });
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    await Promise.all([...this.conns.keys()].map((c) => c.close()));
    await closed;
  }

  private accept(socket: Socket): void {
    const conn: Conn = new SmppConnection<SmPdu>(socket, { session: { role: 'smsc', inboundWindow: 10_000 }, now: this.now }, {
      onBind: (b) => {
        const c = this.opts.credentials;
        if (c && (b.system_id !== c.systemId || b.password !== c.password)) return conn.session.rejectBind(c && b.system_id !== c.systemId ? CommandStatus.ESME_RINVSYSID : CommandStatus.ESME_RINVPASWD);
        const receives = b.command !== 'bind_transmitter';
        this.conns.set(conn, receives);
        conn.session.acceptBind('smsguard-sim');
        if (receives) for (const p of this.pending.splice(0)) this.deliver(p);
      },
      onRequest: (pdu) => void this.onSubmit(conn, pdu),
      onCancel: (pdu) => this.onCancel(conn, pdu),
      onResponse: (resp, _req, pdu) => {
        if (resp.command_status !== 0) this.pending.push(pdu);
      },
      onTimeout: (_req, pdu) => this.pending.push(pdu),
      onClosed: (_r, unanswered) => {
        for (const u of unanswered) this.pending.push(u.ctx);
      },
      onSocketClosed: () => this.conns.delete(conn),
    });
    this.conns.set(conn, false);
  }

  private deliver(pdu: SmPdu): void {
    let target: Conn | undefined;
    for (const [c, receives] of this.conns) if (receives && c.session.bound) target = c;
    if (target) target.session.request(pdu, pdu, this.now());
    else if (this.pending.length < 100_000) this.pending.push(pdu);
  }

  /**
   * cancel_sm (SMPP 3.4 §4.9): ESME_ROK for a message the simulator still holds (SimulatorOptions.holdMs),
   * which is then never delivered; ESME_RCANCELFAIL for one delivered, unknown, or cancelled already
   * under this id. The simulator keeps a long message as one: an earlier part's id cancels the whole,
   * and each part's id then answers ESME_ROK once. The "cancel all" form (empty message_id): refused.
   */
  private onCancel(conn: Conn, pdu: CancelSmPdu): void {
    const id = pdu.message_id;
    const sim = this.opts.sim;
    if (id === '' || !sim.cancelHeld || this.cancelledIds.has(id)) return conn.respond(responseFor(pdu, CommandStatus.ESME_RCANCELFAIL));
    const r = sim.cancelHeld(this.wholeOf.get(id) ?? id);
    // `already`: another part of the same message was cancelled first, and this part with it
    if (r === 'not_held') return conn.respond(responseFor(pdu, CommandStatus.ESME_RCANCELFAIL));
    this.cancelledIds.set(id, true);
    conn.respond(responseFor(pdu, CommandStatus.ESME_ROK));
  }

  private async onSubmit(conn: Conn, pdu: SmPdu | DataSmPdu): Promise<void> {
    const f = readSubmit(pdu);
    if (!f) return conn.respond(responseFor(pdu, CommandStatus.ESME_RINVESMCLASS));
    let octets = f.octets;
    let dc = f.dataCoding;
    let earlier: string[] = [];
    let partId: string | undefined;
    let wantsReceipt = (f.registeredDelivery & 3) !== 0;
    if (f.concat) {
      partId = `S${(++this.partSeq).toString(16).toUpperCase()}`;
      const r = this.parts.add(`${f.from}|${f.to}|${f.concat.ref}|${f.concat.total}`, f.concat.total, f.concat.seq, f.octets, f.dataCoding, { id: partId, receipt: wantsReceipt }, this.now());
      if (r.kind === 'invalid') return conn.respond(responseFor(pdu, CommandStatus.ESME_RSUBMITFAIL));
      if (r.kind === 'duplicate') return conn.respond(responseFor(pdu, 0, r.part.tag.id));
      if (r.kind === 'pending') return conn.respond(responseFor(pdu, 0, partId));
      // no room for another partial set: temporary, as a real SMSC's full queue (the sender retries)
      if (r.kind === 'full') return conn.respond(responseFor(pdu, CommandStatus.ESME_RMSGQFUL));
      octets = r.octets;
      dc = r.dataCoding;
      earlier = r.parts.map((p) => p.tag.id).filter((t) => t !== partId);
      // A set asks for a receipt if any part does (Kannel asks on the first part only).
      wantsReceipt = r.parts.some((p) => p.tag.receipt);
    }
    const text = decodeText(octets, dc);
    // The outbox keeps mainland numbers in E.164 as the in-process simulator does (what
    // `GET /v1/simulator/outbox?to=` filters on); a gateway's client sends them as `86…` (TON international).
    const msg: OutboundMessage = { id: `smpp-${++this.seq}`, contentProviderId: '', from: f.from, to: normalizeMsisdn(f.to) ?? f.to, text, registeredDelivery: wantsReceipt, attempts: 0, submittedAt: this.now() };
    try {
      const r = await this.opts.sim.submit(msg);
      if (!r.ok) return conn.respond(responseFor(pdu, r.retry ? CommandStatus.ESME_RMSGQFUL : CommandStatus.ESME_RSUBMITFAIL));
      // The completing part answers with the outbox id; each earlier part keeps its own id and gets its own receipt.
      if (wantsReceipt) this.known.set(r.upstreamId, { to: f.to, from: f.from, text, submittedAt: msg.submittedAt, partIds: earlier });
      for (const p of earlier) this.wholeOf.set(p, r.upstreamId);
      conn.respond(responseFor(pdu, 0, r.upstreamId));
    } catch {
      conn.respond(responseFor(pdu, CommandStatus.ESME_RSYSERR));
    }
  }
}
