/**
 * smsguard's SMPP client to carrier SMSCs, as the Egress port the delivery worker calls.
 * - Links chosen by recipient prefix and weight; a link that is down, or fails a submit, is left
 *   for another (failover); busy answers (ESME_RTHROTTLED, ESME_RMSGQFUL) back off and retry.
 * - Idempotent: a message the SMSC acknowledged is never submitted again (a repeated `submit` for
 *   the same message id returns the first upstream id); parts already acknowledged are not resent.
 *   A submit that got no answer (timeout, dropped connection) is retried: SMPP cannot tell whether
 *   the SMSC kept it, and losing a message is worse than the rare duplicate (docs/SMPP.md).
 * - Receipts are matched to submits through IdIndex (hex/decimal, case, leading zeros), may arrive
 *   before the submit_sm_resp, and are reported once per message (worst part wins for long ones).
 *   The id as written wins; another reading of it ("10" as decimal is hex "a") is only a guess, taken
 *   once no message that could still be filed under the id as written is being submitted.
 */
import { EsmClass, MessageState, Tag } from '../pdu/constants.js';
import { parseDlrText } from '../pdu/dlr.js';
import { segmentText } from '../pdu/segment.js';
import { alphabetOf, chooseDataCoding, decodeText, decodeUcs2, halfUcs2Unit } from '../pdu/text.js';
import { CountedWarning } from '../../runtime/counted-warning.js';
import { tlvGet, tlvInt, tlvString } from '../pdu/tlv.js';
import { smPdu, type CancelSmPdu, type DataSmPdu, type Pdu, type SmPdu } from '../pdu/types.js';
import { formatSmppTime } from '../pdu/smpp-time.js';
import { readSubmit } from '../server/translate.js';
import { CommandStatus, statusName } from '../pdu/constants.js';
import type { DeliveryReceipt, Egress, InboundMo, PartialSubmit, SubmitResult, UpstreamCancel, UpstreamCancelPart, UpstreamCancelResult } from '../../ports/egress.js';
import type { OutboundMessage } from '../../ports/store.js';
import type { UpstreamLinkConfig } from './config.js';
import { carrierKey, PortedNumbers, type PortedNumbersData } from './ported-numbers.js';
import { SmppRequestError } from './esme.js';
import { IdIndex, otherSpellings } from './id-index.js';
import { UpstreamLink, type LinkOptions } from './link.js';
import { verdictFor } from './retry-policy.js';
import { LRUCache } from 'lru-cache';
import { deleteKeepingSlots } from '../../runtime/lru-delete.js';
import { Fifo } from '../../runtime/fifo.js';
import { deferred, follow, type Deferred } from '../../runtime/deferred.js';
import { SlotMap } from '../../runtime/slot-map.js';
import type { SmppLog } from '../log.js';
import type { UpstreamLinkControl, UpstreamLinkControlResult, UpstreamLinkSource, UpstreamLinksSnapshot } from '../../ports/upstream-links.js';

/**
 * Default earlyReceiptMs. An SMSC that reports before it answers does so within milliseconds of the
 * answer; 30 s (before 2026-12-05) outlasted receiptAckTimeoutMs (10 s), so after a restart every
 * receipt of an earlier message was refused, sent again, held again: recorded, but never acknowledged.
 */
export const EARLY_RECEIPT_MS = 5_000;

export interface UpstreamOptions {
  links: UpstreamLinkConfig[];
  /** Give up on one submit (and let the delivery worker reschedule it) after this long. */
  submitBudgetMs?: number;
  /**
   * Hold a receipt whose id this process has not filed (it may have beaten its submit_sm_resp) this
   * long, 5 s by default, before reporting it as given (the store may know it: a message submitted
   * before a restart, or by another process). Keep it below receiptAckTimeoutMs: a receipt held
   * longer than that is refused, the SMSC sends it again, and that one is held again, and so on.
   */
  earlyReceiptMs?: number;
  /**
   * Other processes submit on the same carrier account (several gateways on one PostgreSQL store):
   * the SMSC may send a receipt on this process's bind for a message another process submitted. A
   * receipt whose id as written this process has not filed is then never settled here on another
   * reading of it (hex read as decimal…), which may well be the id of one of this process's own
   * messages. It is reported as given once the submits running when it came have ended (one of
   * them may file its id), with its other spellings and `DeliveryReceipt.spellAfter` (its arrival
   * plus earlyReceiptMs): the store, shared, matches it under the id as written at once and until
   * then, and only after that under another spelling (docs/SCALING.md). Before 2026-12-07 it was
   * held here the whole earlyReceiptMs first, so every receipt of another process's message came
   * 5 s late.
   */
  sharedAccount?: boolean;
  /**
   * An MO is acknowledged (deliver_sm_resp ESME_ROK) once its handlers resolve; if they fail, or
   * take longer than this, it is answered ESME_RX_T_APPN and the SMSC delivers it again.
   */
  moAckTimeoutMs?: number;
  /**
   * A receipt is acknowledged (deliver_sm_resp ESME_ROK) once its handlers resolve (its status
   * recorded); if they fail, or take longer than this (a receipt parked until its submit_sm_resp
   * included), it is answered ESME_RX_T_APPN and the SMSC delivers it again. Checked once a second.
   */
  receiptAckTimeoutMs?: number;
  link?: Omit<LinkOptions, 'onDeliver' | 'onStateChange'>;
  /**
   * The ported-numbers list (--mnp-file, 携号转网): a recipient in it goes to the links whose
   * `carrier` is its current one. Replaced with setPorted (a reload).
   */
  ported?: PortedNumbersData;
  log?: SmppLog;
  /** Told whether any link is bound (Egress.bound) each time a link goes up or down. */
  onBound?: (bound: boolean) => void;
}

interface Sent {
  messageId: string;
  upstreamId: string;
  /** A long message's SMSC id of each part, in part order (a short message's is `upstreamId`). */
  partIds?: string[];
}
/** One submitted part, as filed under its SMSC message id. */
interface Part {
  sent: Sent;
  part: number;
  /** Its final receipt was handled (a repeat of it is ignored). */
  receipted: boolean;
  /** The link the SMSC acknowledged it on: where a cancel_sm for it goes (cancelUpstream). */
  link?: UpstreamLink;
  /** While that receipt's handlers run: a repeat is acknowledged when they are done, not before. */
  recording?: Promise<unknown>;
}
/** A submit after stopSending: nothing of it written (Egress.stopSending). */
const STOPPED_UNSENT: SubmitResult & { ok: false } = Object.freeze({ ok: false, retry: true, reason: 'smpp upstream stopping: not sent', stopped: Object.freeze({ written: false }) });

/** A submit ended by Egress.cancel: as a stopped one (`written`: a part of this attempt went out). */
function givenUp(written: boolean, st: PartsState): SubmitResult {
  return { ok: false, retry: true, reason: written ? 'submit given up (Egress.cancel): a part was sent, no answer' : 'submit given up (Egress.cancel): not sent', stopped: { written }, ...carried(st) };
}

/** A long message's parts as built (one UDH reference) and the SMSC id of each part it acknowledged. */
interface PartsState {
  text: string;
  ref: number;
  parts: SmPdu[];
  partIds: (string | undefined)[];
  /** The link that acknowledged each part (Part.link); unknown for parts carried by the queue (an earlier attempt elsewhere). */
  via: (UpstreamLink | undefined)[];
}

/** What keeps `partial` from emptying (runtime/lru-delete.ts). */
const NO_PARTS: PartsState = Object.freeze({ text: '', ref: 0, parts: [], partIds: [], via: [] });

/** The state a retry needs when some parts were taken (a long message only), for SubmitResult.partial. */
function carried(st: PartsState): { partial: PartialSubmit } | Record<string, never> {
  if (st.parts.length < 2 || st.partIds.every((id) => id === undefined)) return {};
  return { partial: { ref: st.ref, partIds: st.partIds.map((id) => id ?? null) } };
}

/** A receipt parked until its id is filed, or until it may settle on another reading of it. */
interface Early {
  id: string;
  /** The id in the receipt's text, when it differs from `id` (receipted_message_id). */
  alt?: string;
  stat: string;
  err?: string;
  at: number;
  used: boolean;
  /** The last submit begun when it arrived: it waits until every submit up to this one has ended. */
  waitSeq: number;
  /** Settles once the receipt is reported and its handlers have resolved (or it is dropped): its deliver_sm is answered then. */
  done: Deferred;
}

/** A deliver_sm waiting for its receipt's handlers: answered once, by them or by the timeout. */
interface Ack {
  at: number;
  answered: boolean;
  answer(status: number): void;
}

const STATE_NAMES: Record<number, string> = {
  [MessageState.ENROUTE]: 'ENROUTE', [MessageState.DELIVERED]: 'DELIVRD', [MessageState.EXPIRED]: 'EXPIRED', [MessageState.DELETED]: 'DELETED',
  [MessageState.UNDELIVERABLE]: 'UNDELIV', [MessageState.ACCEPTED]: 'ACCEPTD', [MessageState.UNKNOWN]: 'UNKNOWN', [MessageState.REJECTED]: 'REJECTD',
};
const NON_FINAL = new Set(['ENROUTE', 'ACCEPTD']);

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** A recipient as an SMPP address carries it: the digits, without the E.164 `+`. */
const digitsOf = (to: string): string => (to.charCodeAt(0) === 43 /* + */ ? to.slice(1) : to);

/** Every part has its SMSC id. */
function allSet(ids: readonly (string | undefined)[]): boolean {
  for (const id of ids) if (id === undefined) return false;
  return true;
}

export class SmppUpstream implements Egress, UpstreamLinkSource, UpstreamLinkControl {
  readonly links: UpstreamLink[];
  private readonly receiptCbs: ((r: DeliveryReceipt) => void | Promise<unknown>)[] = [];
  /** Receipts' deliver_sm not answered yet, oldest first (all share one timeout, so this is deadline order). */
  private readonly acks = new Fifo<Ack>();
  private readonly moCbs: ((mo: InboundMo) => void | Promise<unknown>)[] = [];
  /**
   * Bounded maps evict in O(1) (lru-cache): deleting a Map's oldest key through keys().next() slows
   * down as deleted slots pile up (~20 µs per message at 500k entries).
   */
  private readonly done = new LRUCache<string, SubmitResult & { ok: true }>({ max: 200_000 });
  private readonly inflight = new SlotMap<string, Promise<SubmitResult>>();
  /**
   * Long messages whose submit ran out of budget with some parts acknowledged, by message id: the
   * parts as built (same UDH reference) and the SMSC ids of those acknowledged, so the delivery
   * worker's retry resends only the rest under the same reference. Bounded (10,000); the same state
   * also goes back with the retry (SubmitResult.partial), the store keeps it with the queued message,
   * and a retry after a restart, or in another process, starts from that (docs/SMPP.md).
   */
  private readonly partial = new LRUCache<string, PartsState>({ max: 10_000 });
  private readonly ids = new IdIndex<Part>();
  private readonly early = new IdIndex<Early>(100_000);
  /** Early receipts in arrival order (a Set: the sweep removes from the front in O(1)). */
  private readonly earlyList = new Set<Early>();
  /**
   * Submits running (doSubmit), by sequence number; a Set keeps them in start order, so the first
   * is the oldest. A receipt may belong to one of them (its id not filed yet) and no other.
   */
  private readonly open = new Set<number>();
  private openSeq = 0;
  /**
   * Parked receipts waiting for the submits running when they arrived to end (then tried again,
   * see retryPending), in arrival order, so waitSeq never decreases along it; a queue from pendingHead.
   */
  private pending: (Early | undefined)[] = [];
  private pendingHead = 0;
  private retryQueued = false;
  private readonly timer: NodeJS.Timeout;
  private ref = 0;
  private rr = 0;
  /** No link restricts prefixes: every weighted link is eligible for every recipient. */
  private readonly noPrefixes: boolean;
  private readonly weighted: UpstreamLink[];
  /** The ported-numbers list; null (none configured) costs the message path one test. */
  private ported: PortedNumbers | null = null;
  /** By the list's carrier index: the weighted links of that carrier, or null when none is configured. */
  private carrierLinks: (UpstreamLink[] | null)[] = [];
  /** Carriers of the list no link names, already logged (once per carrier per process). */
  private readonly carriersWarned = new Set<string>();
  /**
   * MO in a UCS-2 coding whose octets are odd, per link: the first said at once, then one line a
   * minute with how many came (an SMSC that cuts every MO so must not flood the log).
   */
  private readonly halfUnitMo = new CountedWarning<{ from: string; to: string }>(60_000, (link, count, f) =>
    this.opts.log?.('smpp MO in UCS-2 with an odd number of octets: the last read as U+FFFD', { link, count, from: f.from, to: f.to }));

  constructor(readonly opts: UpstreamOptions) {
    if (opts.links.length === 0) throw new Error('SmppUpstream needs at least one link');
    this.links = opts.links.map((cfg) => new UpstreamLink(cfg, {
      ...opts.link,
      onDeliver: (pdu, link) => this.onDeliver(pdu, link),
      onStateChange: (l, up, reason, session) => {
        if (session === 'receiver') {
          // the link sends on as before: only where its receipts and MO come in changed
          const bound = reason === 'bound';
          opts.log?.(bound ? 'smpp upstream receiver bound' : 'smpp upstream receiver down', { link: l.cfg.name, reason }, bound ? 'info' : 'warn');
          return;
        }
        opts.log?.(up ? 'smpp upstream bound' : 'smpp upstream down', { link: l.cfg.name, reason, ...(session === 'transmitter' ? { session } : {}) }, up ? 'info' : 'warn');
        opts.onBound?.(this.bound());
      },
    }));
    this.noPrefixes = this.links.every((l) => l.cfg.prefixes.length === 0);
    this.weighted = this.links.filter((l) => l.cfg.weight > 0);
    if (opts.ported) this.setPorted(opts.ported);
    this.timer = setInterval(() => {
      this.sweepEarly();
      this.expireAcks();
      this.halfUnitMo.flush(Date.now());
    }, 1000);
    this.timer.unref();
  }

  start(): void {
    for (const l of this.links) l.start();
  }

  /** Resolves once every link is bound (or `ms` passes); true when all are up. */
  async waitUp(ms = 10_000): Promise<boolean> {
    return (await Promise.all(this.links.map((l) => l.waitUp(ms)))).every(Boolean);
  }

  /** Receipt handlers; the receipt is acknowledged to the SMSC only once every returned promise resolves. */
  onReceipt(cb: (r: DeliveryReceipt) => void | Promise<unknown>): void {
    this.receiptCbs.push(cb);
  }
  /** MO handlers; the MO is acknowledged to the SMSC only once every returned promise resolves. */
  onMo(cb: (mo: InboundMo) => void | Promise<unknown>): void {
    this.moCbs.push(cb);
  }

  /** Every link's status now (UpstreamLinkSource), read from the counters the links keep. */
  linkStatus(): Promise<UpstreamLinksSnapshot> {
    return Promise.resolve(this.statusNow());
  }
  /**
   * An operator's stop (UpstreamLinkControl): the link leaves routing at once (UpstreamLink.hold);
   * messages only it carries wait for the delivery worker's retry as when it is down.
   */
  stopLink(name: string, by: string, at: number): Promise<UpstreamLinkControlResult> {
    return Promise.resolve(this.stopNow(name, by, at));
  }
  /** {@link stopLink}, synchronously (the client's thread answers with it). */
  stopNow(name: string, by: string, at: number): UpstreamLinkControlResult {
    const l = this.links.find((x) => x.cfg.name === name);
    if (!l) return { ok: false, reason: 'unknown_link' };
    const changed = !l.onHold;
    const { status, drained } = l.hold(by, at);
    if (changed) void drained.then(() => this.opts.log?.('smpp upstream unbound: stopped by the operator', { link: name, by }, 'info'));
    return { ok: true, status, changed };
  }
  /** Before start(): the link is held from the outset, so it never binds until started (compose heldLinks). */
  holdAtStart(name: string, by: string, at: number): void {
    this.stopNow(name, by, at);
  }
  /** An operator's start (UpstreamLinkControl): the link binds again. */
  startLink(name: string): Promise<UpstreamLinkControlResult> {
    return Promise.resolve(this.startNow(name));
  }
  /** {@link startLink}, synchronously. */
  startNow(name: string): UpstreamLinkControlResult {
    const l = this.links.find((x) => x.cfg.name === name);
    if (!l) return { ok: false, reason: 'unknown_link' };
    const changed = l.onHold;
    return { ok: true, status: l.resume(), changed };
  }

  /** {@link linkStatus}, synchronously (the client's thread answers with it). */
  statusNow(): UpstreamLinksSnapshot {
    const at = Date.now();
    return { links: this.links.map((l) => l.status(at)), at, stale: false };
  }

  /** Any link bound now (Egress.bound). */
  bound(): boolean {
    for (const l of this.links) if (l.up) return true;
    return false;
  }

  /** Set by stopSending. */
  private stopping = false;
  /** Resolved by stopSending, ending submitParts' waits; made by the first wait (most submits never wait). */
  private stopSignal: Deferred | null = null;

  /** Egress.stopSending: no part is written from now on; submits waiting for a link or a pause end. */
  stopSending(): void {
    this.stopping = true;
    this.stopSignal?.resolve();
  }

  /** Submits given up by Egress.cancel while they ran, by message id; an id leaves when its submit ends. */
  private readonly cancelled = new Set<string>();

  /** Egress.cancel: these submits write nothing more; their parts still queued on a link are taken back. */
  cancel(ids: readonly string[]): void {
    const hit = new Set<string>();
    for (const id of ids) {
      if (!this.inflight.has(id) || this.cancelled.has(id)) continue;
      this.cancelled.add(id);
      this.cancelling.get(id)?.resolve();
      hit.add(id);
    }
    if (hit.size === 0) return;
    for (const l of this.links) l.cancel(hit);
    this.opts.log?.('smpp upstream: submits given up (a claim lost or lapsing, a cancel, a refusal)', { count: hit.size }, 'warn');
  }

  /** `p`, or less: stopSending, or cancelling message `id`, cuts it short. */
  private pause(p: Promise<unknown>, id: string): Promise<unknown> {
    if (this.stopping || this.cancelled.has(id)) return Promise.resolve();
    this.stopSignal ??= deferred();
    const mine = deferred();
    this.cancelling.set(id, mine);
    return Promise.race([p, this.stopSignal.promise, mine.promise]).finally(() => this.cancelling.delete(id));
  }
  /** A pause in progress per message, ended by cancel. */
  private readonly cancelling = new Map<string, Deferred>();

  /**
   * Unbinds every link; resolves once their connections are closed. Once: a process stop closes the
   * egress before the delivery worker's receipts stop (src/main.ts) and again with the SMPP doors.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.timer);
      this.halfUnitMo.flush(Date.now(), true);
      await Promise.all(this.links.map((l) => l.close()));
    })();
    return this.closing;
  }
  private closing: Promise<void> | null = null;

  // ------------------------------------------------------------ MT

  submit(msg: OutboundMessage): Promise<SubmitResult> {
    const prior = this.done.get(msg.id);
    if (prior !== undefined) return Promise.resolve(prior);
    const running = this.inflight.get(msg.id);
    if (running) return running;
    if (this.stopping) return Promise.resolve(STOPPED_UNSENT);
    const cands = this.eligible(digitsOf(msg.to));
    if (cands.length === 0) return Promise.resolve({ ok: false, retry: false, reason: 'no upstream link carries this recipient' });
    // doSubmit forgets it in its `finally`, which runs only after its first await: after this set.
    const p = this.doSubmit(msg, cands);
    this.inflight.set(msg.id, p);
    return p;
  }

  /**
   * Uses this ported-numbers list from now on (null: none). Carriers of the list that no link names
   * are logged here, once each, rather than on the message path.
   */
  setPorted(data: PortedNumbersData | null): void {
    if (!data) {
      this.ported = null;
      this.carrierLinks = [];
      return;
    }
    const ported = new PortedNumbers(data);
    this.carrierLinks = ported.names.map((name) => {
      const ls = this.weighted.filter((l) => l.cfg.carrier !== undefined && carrierKey(l.cfg.carrier) === name);
      if (ls.length) return ls;
      if (!this.carriersWarned.has(name)) {
        this.carriersWarned.add(name);
        this.opts.log?.('smpp upstream: ported numbers of a carrier no link names go by prefix', { carrier: name }, 'warn');
      }
      return null;
    });
    this.ported = ported;
  }

  /**
   * Links allowed for this recipient: a ported number (携号转网) goes to its current carrier's links;
   * otherwise the longest matching prefix wins; links without prefixes take the rest.
   */
  private eligible(to: string): UpstreamLink[] {
    if (this.ported !== null) {
      const ci = this.ported.carrierIndexOf(to);
      if (ci >= 0) {
        const ls = this.carrierLinks[ci];
        if (ls) return ls;
      }
    }
    if (this.noPrefixes) return this.weighted;
    let best = -1;
    let out: UpstreamLink[] = [];
    for (const l of this.links) {
      const len = l.cfg.prefixes.length === 0 ? 0 : Math.max(-1, ...l.cfg.prefixes.filter((p) => to.startsWith(p)).map((p) => p.length));
      if (len < 0 || l.cfg.weight <= 0) continue;
      if (len > best) {
        best = len;
        out = [l];
      } else if (len === best) out.push(l);
    }
    return out;
  }

  /** Weighted pick among up links not excluded; least loaded relative to weight. */
  private pick(cands: UpstreamLink[], exclude: Set<UpstreamLink> | null): UpstreamLink | undefined {
    if (cands.length === 1) {
      // one link (the common set-up): no list to build
      const only = cands[0];
      if (!only.up || exclude?.has(only)) return undefined;
      this.rr++;
      return only;
    }
    const up = cands.filter((l) => l.up && !exclude?.has(l));
    if (up.length === 0) return undefined;
    this.rr++;
    let best = up[this.rr % up.length];
    for (const l of up) if (l.load / l.cfg.weight < best.load / best.cfg.weight) best = l;
    return best;
  }

  /** The message's parts under UDH reference `ref` (a new one unless given: a retry's carries its own). */
  private buildParts(msg: OutboundMessage, ref?: number): { ref: number; parts: SmPdu[] } {
    const to = digitsOf(msg.to);
    const dc = chooseDataCoding(msg.text);
    if (ref === undefined) ref = this.ref = (this.ref + 1) & 0xff;
    const parts = segmentText(msg.text, dc, ref).map((s) => smPdu({
      command: 'submit_sm',
      sequence_number: 0,
      source_addr_ton: 0,
      source_addr_npi: 1,
      source_addr: msg.from,
      dest_addr_ton: to === msg.to ? 0 : 1,
      dest_addr_npi: 1,
      destination_addr: to,
      esm_class: s.udhi ? EsmClass.UDHI : 0,
      // the sender's validity (SMPP validity_period, HTTP validUntil), in UTC: the carrier too drops it after that
      validity_period: msg.validUntil !== undefined ? formatSmppTime(msg.validUntil, 0) : '',
      // always ask for the final receipt: message status in GET /v1/messages/{id} follows it
      registered_delivery: 1,
      data_coding: dc,
      short_message: s.shortMessage,
    }));
    return { ref, parts };
  }

  private async doSubmit(msg: OutboundMessage, cands: UpstreamLink[]): Promise<SubmitResult> {
    const seq = ++this.openSeq;
    this.open.add(seq);
    try {
      const r = await this.submitParts(msg, cands);
      if (r.ok || !r.retry) deleteKeepingSlots(this.partial, msg.id, NO_PARTS);
      return r;
    } finally {
      this.inflight.delete(msg.id);
      if (this.cancelled.size > 0) this.cancelled.delete(msg.id);
      this.open.delete(seq);
      // receipts parked while this one ran may now settle (only the front can, and only if it waited for this one)
      const front = this.pending[this.pendingHead];
      if (front !== undefined && seq <= front.waitSeq && !this.retryQueued) {
        this.retryQueued = true;
        queueMicrotask(this.retryPending);
      }
    }
  }

  private async submitParts(msg: OutboundMessage, cands: UpstreamLink[]): Promise<SubmitResult> {
    // A retry of a long message some of whose parts the SMSC already took: the same parts (same UDH
    // reference), and only the unacknowledged ones go.
    // Kept here (this process tried it before), else carried by the queue (an attempt before a
    // restart, or in another process: SubmitResult.partial, kept by the store's retryLater).
    let st = this.partial.get(msg.id);
    if (!st || st.text !== msg.text) {
      const before = msg.partial;
      const built = this.buildParts(msg, before?.ref);
      st = { text: msg.text, ref: built.ref, parts: built.parts, partIds: built.parts.map(() => undefined), via: [] };
      // The same text and coding cut the same way; a different count means it is not the same set.
      if (before && before.partIds.length === built.parts.length) before.partIds.forEach((id, i) => { if (id !== null) st!.partIds[i] = id; });
      if (built.parts.length > 1) this.partial.set(msg.id, st);
    }
    const { parts, partIds, via } = st;
    const deadline = Date.now() + (this.opts.submitBudgetMs ?? 30_000);
    // made at the first failure: most submits never fail
    let failed: Set<UpstreamLink> | null = null;
    let attempt = 0;
    let lastReason = 'no upstream link up';
    // A part of this attempt went to a link (perhaps only into its queue: counted all the same, so
    // that a stop never gives back a message the SMSC may have).
    let written = false;
    while (Date.now() < deadline) {
      if (this.stopping) return { ok: false, retry: true, reason: written ? 'smpp upstream stopping: sent, no answer' : STOPPED_UNSENT.reason, stopped: { written }, ...carried(st) };
      if (this.cancelled.size > 0 && this.cancelled.has(msg.id)) return givenUp(written, st);
      let link = this.pick(cands, failed);
      if (!link) {
        // every eligible link failed once this round: start the round again after a pause
        if (failed !== null && failed.size > 0 && cands.some((l) => l.up)) {
          failed.clear();
          await this.pause(sleep(Math.min(200 * 2 ** attempt++, 2000)), msg.id);
          continue;
        }
        const waitMs = Math.min(1000, deadline - Date.now());
        if (waitMs <= 0) break;
        await this.pause(Promise.race(cands.map((l) => l.waitUp(waitMs))), msg.id);
        continue;
      }
      let moveOn = false;
      for (let i = 0; i < parts.length && !moveOn; i++) {
        if (partIds[i] !== undefined) continue;
        if (this.stopping || (this.cancelled.size > 0 && this.cancelled.has(msg.id))) {
          moveOn = true;
          break;
        }
        let resp;
        const wroteBefore: boolean = written;
        written = true;
        try {
          resp = await link.submit(parts[i], msg.id, msg.priority);
        } catch (e) {
          if (e instanceof SmppRequestError && e.kind === 'cancelled') {
            // taken back from the link's queue unwritten (cancel): the loop's top ends the submit
            written = wroteBefore;
            moveOn = true;
            break;
          }
          // timeout or dropped connection: unknown fate, resend elsewhere (at-least-once)
          lastReason = (e as Error).message;
          (failed ??= new Set()).add(link);
          moveOn = true;
          if (!(e instanceof SmppRequestError)) throw e;
          break;
        }
        const v = verdictFor(resp.command_status, attempt);
        if (v.kind === 'ok') {
          partIds[i] = 'message_id' in resp ? resp.message_id : '';
          via[i] = link;
          continue;
        }
        lastReason = `${link.cfg.name}: command_status 0x${resp.command_status.toString(16)}`;
        if (v.kind === 'reject') return { ok: false, retry: false, reason: lastReason };
        if (v.kind === 'failover') (failed ??= new Set()).add(link);
        else if (v.kind === 'throttled') {
          // the link itself now pauses every new submit (UpstreamLink); this one goes again after it
        } else {
          attempt++;
          await this.pause(sleep(v.delayMs), msg.id);
        }
        moveOn = true;
      }
      if (allSet(partIds)) return this.accepted(msg, partIds as string[], via);
    }
    if (this.cancelled.has(msg.id)) return givenUp(written, st);
    return { ok: false, retry: true, reason: lastReason, ...carried(st) };
  }

  private accepted(msg: OutboundMessage, partIds: string[], via: readonly (UpstreamLink | undefined)[]): SubmitResult {
    const upstreamId = partIds[0];
    const sent: Sent = partIds.length > 1 ? { messageId: msg.id, upstreamId, partIds } : { messageId: msg.id, upstreamId };
    // A long message names every part: the store files them, so each part's receipt finds its
    // message after a restart too, and the message's status follows once every part has one.
    const result: SubmitResult & { ok: true } = partIds.length > 1 ? { ok: true, upstreamId, partIds: [...partIds] } : { ok: true, upstreamId };
    this.done.set(msg.id, result);
    for (let part = 0; part < partIds.length; part++) this.ids.add(partIds[part], { sent, part, receipted: false, link: via[part] });
    // receipts that beat the submit_sm_resp, under the id as written (another reading may be
    // another message's: those wait for retryPending)
    for (const id of partIds) {
      const e = this.early.get(id);
      if (e && !e.used) {
        e.used = true;
        queueMicrotask(() => follow(e.done, this.onReceiptFor(id, e.stat, e.err)));
      }
    }
    return result;
  }

  // ------------------------------------------------------------ cancel_sm

  /**
   * Egress.cancelUpstream: a cancel_sm for each part in order (service_type, source_addr and
   * destination_addr as its submit_sm had them), each on the link that acknowledged that part, all
   * within `waitMs`. The first part not cancelled ends it: the parts before stay cancelled at the
   * SMSC, those after are not asked, and the answer says which part came to what (`parts`).
   */
  async cancelUpstream(c: UpstreamCancel, waitMs: number): Promise<UpstreamCancelResult> {
    const deadline = Date.now() + waitMs;
    const to = digitsOf(c.to);
    const parts: UpstreamCancelPart[] = c.upstreamIds.map(() => 'not_asked');
    const stop = (i: number, outcome: UpstreamCancelPart, reason: string): UpstreamCancelResult => {
      parts[i] = outcome;
      return { ok: false, reason, parts };
    };
    for (let i = 0; i < c.upstreamIds.length; i++) {
      const upstreamId = c.upstreamIds[i];
      const link = this.carrierOf(upstreamId, c.messageId, to);
      if (typeof link === 'string') return stop(i, 'not_asked', link);
      if (!link.up) return stop(i, 'not_asked', `link ${link.cfg.name} is down`);
      const left = deadline - Date.now();
      if (left <= 0) return stop(i, 'not_asked', `no answer within ${waitMs} ms`);
      const pdu: CancelSmPdu = {
        command: 'cancel_sm', command_status: 0, sequence_number: 0, service_type: '', message_id: upstreamId,
        source_addr_ton: 0, source_addr_npi: 1, source_addr: c.from, dest_addr_ton: to === c.to ? 0 : 1, dest_addr_npi: 1, destination_addr: to,
      };
      let resp: Pdu;
      try {
        resp = await link.cancelSm(pdu, left);
      } catch (e) {
        // written, or about to be, when the connection dropped or the wait ran out: it may be cancelled
        return stop(i, 'unanswered', (e as Error).message);
      }
      if (resp.command_status !== CommandStatus.ESME_ROK) return stop(i, 'refused', `${link.cfg.name}: ${resp.command === 'generic_nack' ? 'generic_nack ' : ''}${statusName(resp.command_status)}`);
      parts[i] = 'cancelled';
    }
    this.opts.log?.('smpp upstream: message cancelled at the carrier (cancel_sm)', { parts: c.upstreamIds.length }, 'info');
    return { ok: true };
  }

  /**
   * The link a cancel_sm for this part goes to: the one that acknowledged it, as this process filed
   * it; else (submitted before a restart, or its entry evicted) the only link that could carry the
   * recipient. A reason instead when there is none, or more than one could have carried it: an SMSC
   * id means nothing to another SMSC, and one that reads it as its own message must not be asked.
   */
  private carrierOf(upstreamId: string, messageId: string, to: string): UpstreamLink | string {
    const filed = this.ids.get(upstreamId);
    if (filed && filed.sent.messageId === messageId && filed.link) return filed.link;
    const cands = this.eligible(to);
    if (cands.length === 1) return cands[0];
    return cands.length === 0 ? 'no upstream link carries this recipient' : `the link that carried it is not known here (sent before a restart?) and ${cands.length} links could have`;
  }

  // ------------------------------------------------------------ receipts and MO

  private onDeliver(pdu: SmPdu | DataSmPdu, link: UpstreamLink): number | Promise<number> {
    const receiptedId = tlvString(pdu.tlvs, Tag.receipted_message_id);
    const isReceipt = (pdu.esm_class & EsmClass.TYPE_MASK) !== 0 || receiptedId !== undefined;
    if (isReceipt) {
      link.receipts++;
      const parsed = parseDlrText(receiptText(pdu));
      const state = tlvInt(pdu.tlvs, Tag.message_state);
      const stat = parsed?.stat ?? (state !== undefined ? STATE_NAMES[state] : undefined);
      const id = receiptedId || parsed?.id;
      if (!id || !stat) return CommandStatus.ESME_ROK; // unreadable receipt: acknowledge, nothing to match
      const handled = this.onReceiptFor(id, stat, parsed?.err, parsed?.id !== id ? parsed?.id : undefined);
      if (!handled) return CommandStatus.ESME_ROK;
      if (link.cfg.receiptAck === 'received') {
        // answered at once (the link's setting); a failure to record is only logged
        handled.catch((e: unknown) => this.opts.log?.('smpp receipt not recorded (acknowledged on receipt: receiptAck=received)', { reason: e instanceof Error ? e.message : String(e) }));
        return CommandStatus.ESME_ROK;
      }
      return this.ackWhen(handled);
    }
    link.mo++;
    return this.onMoPdu(pdu, link);
  }

  /**
   * A receipt: reported, parked or dropped. Returns what its acknowledgement waits for (its handlers,
   * or its settling when parked), or undefined when it can be acknowledged at once (an intermediate
   * state, a repeat of one already reported).
   */
  private onReceiptFor(id: string, stat: string, err?: string, altId?: string): Promise<unknown> | undefined {
    const exact = this.ids.get(id) ?? (altId ? this.ids.get(altId) : undefined);
    if (exact) return this.report(exact, stat, err);
    // Only another reading matches ("10" read as decimal is hex "a"). That is this message's receipt
    // unless a submit still running gets the id as written (its submit_sm_resp not filed yet), or
    // the message already had its receipt (then this is more likely another's than a repeat): in
    // those cases park it, like a receipt with no match at all, and decide once those submits end.
    // With other processes on the account (sharedAccount) the id as written may be one of theirs:
    // no guess here, the store decides once it is held (sweepEarly).
    const other = this.opts.sharedAccount ? undefined : this.ids.find(id) ?? (altId ? this.ids.find(altId) : undefined);
    if (other) {
      if (NON_FINAL.has(stat)) return undefined;
      if (!other.receipted && this.open.size === 0) return this.report(other, stat, err);
    }
    // A receipt for the same id already waiting (a duplicate, or a final state after ENROUTE):
    // one entry per id, so it is reported once, matched or swept. A final state replaces an
    // intermediate one; a repeat of a final state changes nothing.
    const held = this.early.get(id);
    if (held && !held.used) {
      if (NON_FINAL.has(held.stat) && !NON_FINAL.has(stat)) {
        held.stat = stat;
        held.err = err;
      }
      // acknowledged when the one held is settled: both say the same message's fate
      return held.done.promise;
    }
    const e: Early = { id, alt: altId, stat, err, at: Date.now(), used: false, waitSeq: this.openSeq, done: deferred() };
    this.early.add(id, e);
    this.earlyList.add(e);
    // with no submit running, nothing can be filed under its id but a long message's retry: the
    // sweep decides (or accepted() files its id first); on a shared account the store, at once
    if (this.open.size > 0) this.pending.push(e);
    else if (this.opts.sharedAccount) this.handOver(e);
    return e.done.promise;
  }

  /**
   * The deliver_sm's answer once `handled` settles: ESME_ROK when it resolves, ESME_RX_T_APPN (the
   * SMSC delivers the receipt again) when it rejects or outlasts receiptAckTimeoutMs.
   */
  private ackWhen(handled: Promise<unknown>): Promise<number> {
    return new Promise<number>((resolve) => {
      const a: Ack = {
        at: Date.now(),
        answered: false,
        answer: (status) => {
          if (a.answered) return;
          a.answered = true;
          resolve(status);
        },
      };
      // answered ones leave from the front as new ones come (they settle in about arrival order)
      for (let h = this.acks.peek(); h?.answered; h = this.acks.peek()) this.acks.shift();
      this.acks.push(a);
      handled.then(
        () => a.answer(CommandStatus.ESME_ROK),
        (e: unknown) => {
          if (!a.answered) this.opts.log?.('smpp receipt not acknowledged; the SMSC will deliver it again', { reason: e instanceof Error ? e.message : String(e) });
          a.answer(CommandStatus.ESME_RX_T_APPN);
        },
      );
    });
  }

  /** Receipts whose handlers outlasted receiptAckTimeoutMs: a temporary error, the SMSC delivers them again. */
  private expireAcks(): void {
    const limit = Date.now() - (this.opts.receiptAckTimeoutMs ?? 10_000);
    for (let h = this.acks.peek(); h && (h.answered || h.at <= limit); h = this.acks.peek()) {
      this.acks.shift();
      if (!h.answered) {
        this.opts.log?.('smpp receipt not acknowledged; the SMSC will deliver it again', { reason: 'not recorded in time' });
        h.answer(CommandStatus.ESME_RX_T_APPN);
      }
    }
  }

  /**
   * Tries parked receipts again whose submits have all ended (the submits running when each arrived,
   * the oldest first): the id as written, then another reading, unless that message already had
   * its receipt (left to the sweep). Run as a microtask, never inside a submit's own continuation.
   */
  private readonly retryPending = (): void => {
    this.retryQueued = false;
    let oldest = Infinity;
    for (const s of this.open) {
      oldest = s;
      break;
    }
    const q = this.pending;
    while (this.pendingHead < q.length) {
      const e = q[this.pendingHead]!;
      if (e.waitSeq >= oldest) break;
      q[this.pendingHead++] = undefined;
      if (!e.used) this.settle(e, false);
    }
    if (this.pendingHead === q.length) {
      q.length = 0;
      this.pendingHead = 0;
    } else if (this.pendingHead > 1024 && this.pendingHead * 2 > q.length) {
      this.pending = q.slice(this.pendingHead);
      this.pendingHead = 0;
    }
  };

  /**
   * A parked receipt to the message filed under its id as written, else under another reading
   * unless that message already had its receipt (when `last`, the sweep's turn: then it is a repeat,
   * dropped). False when it stays parked (or, when `last`, matched nothing).
   */
  private settle(e: Early, last: boolean): boolean {
    let hit = this.ids.get(e.id) ?? (e.alt ? this.ids.get(e.alt) : undefined);
    if (!hit && this.opts.sharedAccount) {
      // another reading, or another process's message: the store's to match (sharedAccount)
      if (last) return false;
      this.handOver(e);
      return true;
    }
    if (!hit) {
      hit = this.ids.find(e.id) ?? (e.alt ? this.ids.find(e.alt) : undefined);
      if (!hit || (hit.receipted && !last)) return false;
    }
    e.used = true;
    follow(e.done, this.report(hit, e.stat, e.err));
    return true;
  }

  /**
   * A receipt for a filed part, reported under the id the SMSC gave that part in its submit_sm_resp
   * (whichever reading of it the receipt used): once per part. A long message's parts are reported
   * one by one, each acknowledged once recorded; the store works out the message's status when every
   * part has one (SubmitResult.partIds), so no part's outcome lives only in this process's memory.
   * Returns the handlers' promise when they return one. If it rejects, the part is open to its
   * receipt again: the SMSC, answered with a temporary error, delivers it again, and that one must
   * not be taken for a repeat.
   */
  private report(hit: Part, stat: string, err?: string): Promise<unknown> | undefined {
    if (NON_FINAL.has(stat)) return undefined;
    // A duplicated receipt changes nothing. The mark lives as long as the part is filed, which is
    // as long as a receipt can find it at all. Its answer waits for the first one's recording, if
    // that is still running (the SMSC resent it because our answer was late): an ESME_ROK must not
    // go out for a receipt whose status is not committed yet.
    if (hit.receipted) return hit.recording;
    hit.receipted = true;
    const r: DeliveryReceipt = { upstreamId: hit.sent.partIds?.[hit.part] ?? hit.sent.upstreamId, stat, at: Date.now() };
    if (err !== undefined) r.err = err;
    const handled = this.toReceiptCbs(r);
    if (handled) {
      hit.recording = handled;
      handled.then(
        () => { hit.recording = undefined; },
        () => {
          hit.recording = undefined;
          hit.receipted = false;
        },
      );
    }
    return handled;
  }

  /** Calls every receipt handler; their promises as one (undefined when none returned one). */
  private toReceiptCbs(r: DeliveryReceipt): Promise<unknown> | undefined {
    let out: Promise<unknown>[] | undefined;
    for (const cb of this.receiptCbs) {
      let x: unknown;
      try {
        x = cb(r);
      } catch (e) {
        x = Promise.reject(e);
      }
      if (x instanceof Promise) (out ??= []).push(x);
    }
    return out === undefined ? undefined : out.length === 1 ? out[0] : Promise.all(out);
  }

  private sweepEarly(): void {
    const limit = Date.now() - (this.opts.earlyReceiptMs ?? EARLY_RECEIPT_MS);
    for (const e of this.earlyList) {
      if (e.at >= limit) break;
      this.earlyList.delete(e);
      if (e.used) continue;
      // its last chance to match (another reading whose message had its receipt: a repeat, dropped)
      if (this.settle(e, true)) continue;
      e.used = true;
      // never matched: report as given; the delivery worker keeps its own early map
      // (the store tries the id's other spellings: it may be a message submitted before a restart)
      follow(e.done, NON_FINAL.has(e.stat) ? undefined : this.toReceiptCbs({ upstreamId: e.id, stat: e.stat, err: e.err, at: Date.now(), altIds: otherSpellings(e.id, e.alt) }));
    }
  }

  /**
   * On a shared account (sharedAccount): a receipt no submit of this process is about to file under
   * its id as written, reported now as given. The store matches it under that id at once (another
   * process's message, recorded or about to be: the receipt book keeps trying), and under its other
   * spellings only from `spellAfter`, when the id as written had the time it had here before.
   */
  private handOver(e: Early): void {
    e.used = true;
    follow(e.done, NON_FINAL.has(e.stat) ? undefined : this.toReceiptCbs({ upstreamId: e.id, stat: e.stat, err: e.err, at: Date.now(), altIds: otherSpellings(e.id, e.alt), spellAfter: e.at + (this.opts.earlyReceiptMs ?? EARLY_RECEIPT_MS) }));
  }

  /**
   * An MO, or one part of a long one, is answered only once the handlers (receiveMo: opt-outs,
   * consent replies; for a part, keeping it until its set is whole) have resolved: an ESME_ROK tells
   * the SMSC it may forget the message, so it must not go out before the MO or part is recorded. A
   * handler that fails or takes longer than moAckTimeoutMs gets ESME_RX_T_APPN (temporary: the SMSC
   * delivers it again; a handler that finished after the timeout may then see it twice).
   */
  private onMoPdu(pdu: SmPdu | DataSmPdu, link: UpstreamLink): number | Promise<number> {
    const f = readSubmit(pdu);
    if (!f) return CommandStatus.ESME_RINVESMCLASS;
    // Half a UCS-2 unit at the end: an MO cannot be refused back to the subscriber (a refusal only
    // makes the SMSC deliver the same octets again), so it is taken with the octet read as U+FFFD
    // (decodeUcs2): the MO record and the provider's copy show the loss, the operator is told, and
    // an opt-out keyword before it still counts (U+FFFD is a symbol, folded away at the reply's edge).
    if (halfUcs2Unit(f.octets, f.dataCoding)) this.halfUnitMo.note(link.cfg.name, { from: f.from, to: f.to }, Date.now());
    // A part of a long MO goes to the handlers as a part: they keep it durably until its set is whole
    // (receiveMo), and it is acknowledged once kept, like any MO. Nothing of a set lives only here.
    const mo: InboundMo = { from: f.from, to: f.to, text: decodeText(f.octets, f.dataCoding) };
    if (f.concat) mo.part = { ref: f.concat.ref, total: f.concat.total, seq: f.concat.seq };
    if (this.moCbs.length === 0) return CommandStatus.ESME_ROK;
    let handled: Promise<unknown>;
    try {
      handled = Promise.all(this.moCbs.map((cb) => cb(mo)));
    } catch (e) {
      handled = Promise.reject(e);
    }
    const ms = this.opts.moAckTimeoutMs ?? 5000;
    return new Promise<number>((resolve) => {
      let settled = false;
      const fail = (why: string) => {
        clearTimeout(timer);
        if (settled) return;
        settled = true;
        this.opts.log?.('smpp MO not acknowledged; the SMSC will deliver it again', { reason: why });
        resolve(CommandStatus.ESME_RX_T_APPN);
      };
      const timer = setTimeout(() => fail(`not handled within ${ms} ms`), ms);
      timer.unref();
      handled.then(
        () => {
          clearTimeout(timer);
          settled = true;
          resolve(CommandStatus.ESME_ROK);
        },
        (e: unknown) => fail(e instanceof Error ? e.message : String(e)),
      );
    });
  }
}

/**
 * A receipt's Appendix B text: short_message, or the message_payload TLV when short_message is empty
 * (SMPP 3.4 §5.3.2.32: sm_length 0 when message_payload carries the data; some SMSCs send receipts
 * that way, and data_sm has no short_message at all), in UCS-2 when its data_coding says so. Before
 * 2026-12-07 only short_message was read, as Latin-1,
 * so such a receipt without a receipted_message_id TLV matched nothing: acknowledged, and its message
 * stayed `submitted` for good.
 */
function receiptText(pdu: SmPdu | DataSmPdu): string {
  const sm = pdu.command === 'deliver_sm' ? pdu.short_message : undefined;
  const raw = sm !== undefined && sm.length > 0 ? sm : tlvGet(pdu.tlvs, Tag.message_payload);
  if (!raw) return '';
  // Some SMSCs write the receipt of a UCS-2 message in UCS-2 too. Any other coding is read as the
  // ASCII it is in practice: GSM 7-bit would turn an id's `_` into `§`.
  return alphabetOf(pdu.data_coding) === 'ucs2' ? decodeUcs2(raw) : raw.toString('latin1');
}
