/**
 * What both egress loops (the in-process DeliveryWorker and the NATS BusEgressWorker) share once a
 * batch has gone upstream: turning submit results into status updates, remembering submitted
 * messages for their receipts, and applying receipts in batches — including receipts that overtake
 * the submit response naming them (SMSCs answer and report at once), which are kept a few seconds
 * (EARLY_KEEP_MS), bounded in count, and retried after each recorded batch and on a timer.
 *
 * `receipt()` resolves once the receipt's update has committed (or it was found to change nothing,
 * or it never matched a message in that time), and rejects when it could not be recorded: the
 * SMPP client acknowledges the receipt to its SMSC only then, so a crash cannot lose a status the
 * SMSC already forgot.
 */
import { LRUCache } from 'lru-cache';
import { deleteKeepingSlots } from '../runtime/lru-delete.js';
import type { DeliveryReceipt, PartialSubmit, SubmitResult } from '../ports/egress.js';
import type { Claim, MessageStore, OutboundMessage, OutboxStore, ReceiptUpdate, StatusUpdate } from '../ports/store.js';
import type { Clock } from '../ports/clock.js';
import type { AppEvents, MessageStatus } from './types.js';
import { SlotMap } from '../runtime/slot-map.js';
import { keepLeases, type LeaseKeeper, type LeaseKeeperOptions } from './lease-keeper.js';
import type { SendTimeOutcome } from './send-time-check.js';

/** SMPP message_state names (and common variants) → our status. */
export function statusFromReceipt(stat: string): MessageStatus {
  switch (stat.toUpperCase()) {
    case 'DELIVRD': case 'DELIVERED': return 'delivered';
    case 'ACCEPTD': return 'submitted';
    case 'EXPIRED': return 'expired';
    case 'UNDELIV': case 'UNDELIVERABLE': case 'DELETED': return 'undeliverable';
    case 'REJECTD': case 'REJECTED': return 'rejected_upstream';
    default: return 'failed';
  }
}

/** Retry delay after the n-th failed attempt: exponential, capped at five minutes. */
export function retryDelayMs(attempts: number): number {
  return Math.min(2 ** attempts * 1000, 300_000);
}

export interface BatchOutcome {
  updates: StatusUpdate[];
  /** `claim`: the message as claimed (its lease end names the claim, OutboxStore.retryLater). */
  retries: { claim: Claim; dueAt: number; reason: string; partial?: PartialSubmit }[];
}

/** Status updates and retries for one submitted batch (`results[i]` answers `batch[i]`). */
export function outcomesOf(batch: readonly OutboundMessage[], results: readonly SubmitResult[], at: number, maxAttempts: number): BatchOutcome {
  const updates: StatusUpdate[] = [];
  const retries: BatchOutcome['retries'] = [];
  for (let i = 0; i < batch.length; i++) {
    const m = batch[i];
    const r = results[i];
    if (r.ok) updates.push(r.partIds && r.partIds.length > 1 ? { id: m.id, status: 'submitted', at, upstreamId: r.upstreamId, partIds: r.partIds } : { id: m.id, status: 'submitted', at, upstreamId: r.upstreamId });
    else if (r.retry && m.attempts < maxAttempts) retries.push(r.partial ? { claim: m, dueAt: at + retryDelayMs(m.attempts), reason: r.reason, partial: r.partial } : { claim: m, dueAt: at + retryDelayMs(m.attempts), reason: r.reason });
    else updates.push({ id: m.id, status: r.retry ? 'failed' : 'rejected_upstream', at, detail: r.reason });
  }
  return { updates, retries };
}

/** An early receipt taken into its batch's statuses (ReceiptBook.takeEarly). */
export interface TakenReceipt {
  /** The receipt as its message's status update. */
  u: StatusUpdate;
  r: ReceiptUpdate;
  since: number;
}

/**
 * A submit's result as sendBatch reads it. `takenBack` (set by InFlight, never by an egress): it
 * ended with nothing written because a cancel's take-back asked (InFlight.takeBack), and its claim
 * goes to that cancel, which names it (CancelOptions.evenIfClaimedBy).
 */
export type BatchSubmitResult = SubmitResult & { takenBack?: boolean };

/**
 * The egress as sendBatch drives it: an Egress, or InFlight.tracked, which is also given the batch's
 * lease keeper with each submit (a take-back stops the renewals of the claim it gives up: LeaseKeeper.drop).
 */
export interface BatchEgress {
  submit(m: OutboundMessage, keeper?: LeaseKeeper): Promise<BatchSubmitResult>;
  cancel?(ids: readonly string[]): void;
}

/**
 * One claimed batch through the egress, shared by both egress loops: submitted (each answer's
 * upstream id expected by the receipt book as it comes), retries scheduled, the others remembered
 * for their receipts, and every `submitted` recorded in one transaction with the receipts that
 * already came for them (an SMSC answers and reports at once): a receipt that overtook the record
 * of its submit costs no look-up in the store and no transaction of its own. The caller announces
 * `changed` (in order) and gives the book's other early receipts their go (retryEarly). Submits a
 * stop or a give-up ended (SubmitResult.stopped) come back as `released` (given back to the queue
 * here: nothing of them was written) or `held` (still claimed: the SMSC may have them), except a long
 * message with acknowledged parts, retried (due at its lease end, its parts kept) and in neither.
 * One a cancel's take-back ended unwritten (BatchSubmitResult.takenBack) comes back as `kept`:
 * still claimed, not given back, so that no other batch claims it (and starts writing it) before the
 * cancel, which overrides that claim only; should the cancel never come, it goes at its lease end.
 */
export async function sendBatch(
  o: {
    egress: BatchEgress;
    outbox: Pick<OutboxStore, 'retryLater' | 'recordStatuses' | 'release'>;
    book: ReceiptBook;
    now(): number;
    maxAttempts: number;
    /** Renews the batch's leases while its submits are out (lease-keeper.ts); without it they may run out. */
    leases?: Omit<LeaseKeeperOptions, 'now'>;
    /**
     * Judges the batch before anything is sent (send-time-check.ts): what it stops is recorded and
     * announced at once (not in `updates` or `changed`), what it defers is due again later.
     */
    check?: (batch: readonly OutboundMessage[]) => Promise<SendTimeOutcome>;
  },
  claimed: readonly OutboundMessage[],
): Promise<{ updates: StatusUpdate[]; changed: StatusUpdate[]; released: string[]; held: string[]; kept: string[] }> {
  let batch = claimed;
  if (o.check) {
    const c = await o.check(claimed);
    // as claimed: a deferral after the lease ran out leaves alone a claim taken since; the parts an
    // earlier attempt got through stay on file (retryLater keeps what it is given)
    for (const d of c.deferred) await o.outbox.retryLater(d.claim, d.dueAt, d.reason, d.claim.partial);
    batch = c.send;
    const stopped = c.stopped;
    // Recorded and announced (the sender's receipt) now, not with the batch's statuses: those wait for
    // its last submit's answer, which the link being down can hold up for as long as it is down.
    if (stopped.length) {
      const ids = new Set(stopped.map((u) => u.id));
      for (const m of claimed) if (ids.has(m.id)) o.book.remember(m);
      for (const u of await o.outbox.recordStatuses(stopped)) o.book.announce(u);
    }
  }
  const expected: string[] = [];
  // A claim lost, or about to lapse unrenewed: the egress gives its submit up (Egress.cancel), so
  // that a part still waiting for its turn is not written beside another claim's send.
  const leases = o.leases;
  const keeper = leases ? keepLeases(batch, {
    ...leases,
    now: o.now,
    onLost: (ids) => {
      o.egress.cancel?.(ids);
      leases.onLost(ids);
    },
    onGiveUp: (ids) => {
      o.egress.cancel?.(ids);
      leases.onGiveUp?.(ids);
    },
  }) : null;
  try {
    let results = await Promise.all(batch.map((m) => o.egress.submit(m, keeper ?? undefined).then((r): BatchSubmitResult => {
      if (r.ok && !(r.partIds && r.partIds.length > 1)) {
        o.book.expect(r.upstreamId);
        expected.push(r.upstreamId);
      }
      return r;
    }, (e: Error): BatchSubmitResult => ({ ok: false, retry: true, reason: e.message }))));
    // Renewals end before any outcome is written: a renewed claim is named by its new lease end.
    await keeper?.stop();
    // Ended by a stop (Egress.stopSending) or a give-up (Egress.cancel): no outcome. Those nothing
    // of which was written go back to the queue now; the others are not sent again before their
    // lease runs out (at-least-once). A long message some of whose parts the SMSC acknowledged goes
    // back due at its lease end with those parts (SubmitResult.partial): held claimed instead, they
    // were in this process's memory only, and a claim after a restart or in another process (a
    // give-up at 21:00, the morning's claim) built every part again under a new UDH reference.
    const released: OutboundMessage[] = [];
    const held: string[] = [];
    const kept: string[] = [];
    const resumed: { claim: OutboundMessage; reason: string; partial: PartialSubmit }[] = [];
    let sent = batch;
    if (results.some((r) => !r.ok && r.stopped)) {
      const keep: number[] = [];
      results.forEach((r, i) => {
        if (r.ok || !r.stopped) keep.push(i);
        else if (!r.stopped.written && r.takenBack) kept.push(batch[i].id);
        else if (!r.stopped.written) released.push(batch[i]);
        else if (r.partial) resumed.push({ claim: batch[i], reason: r.reason, partial: r.partial });
        else held.push(batch[i].id);
      });
      sent = keep.map((i) => batch[i]);
      results = keep.map((i) => results[i]);
      // as claimed (their lease end): a claim taken since by another worker is not given back
      if (released.length) await o.outbox.release(released);
      for (const x of resumed) await o.outbox.retryLater(x.claim, Math.max(o.now(), x.claim.leasedUntil ?? 0), x.reason, x.partial);
    }
    const { updates, retries } = outcomesOf(sent, results, o.now(), o.maxAttempts);
    // as claimed: a submit that failed after its lease ran out leaves alone a claim taken since
    for (const r of retries) await o.outbox.retryLater(r.claim, r.dueAt, r.reason, r.partial);
    const retried = new Set(retries.map((r) => r.claim.id));
    for (const m of sent) if (!retried.has(m.id)) o.book.remember(m);
    const taken = o.book.takeEarly(updates);
    let changed: StatusUpdate[];
    try {
      changed = await o.outbox.recordStatuses(taken.length ? [...updates, ...taken.map((t) => t.u)] : updates);
    } catch (e) {
      o.book.settleTaken(taken, false);
      throw e;
    }
    o.book.settleTaken(taken, true);
    return { updates, changed, released: released.map((m) => m.id), held, kept };
  } finally {
    await keeper?.stop();
    o.book.unexpect(expected);
  }
}

export interface ReceiptBookOptions {
  outbox: Pick<OutboxStore, 'applyReceipts' | 'resolveUpstreamId'>;
  clock: Clock;
  /** A status change of a remembered message (emit events, publish to other processes…). */
  announce(u: StatusUpdate, m: OutboundMessage): void;
  onError(where: string, e: Error): void;
  stopped(): boolean;
  /**
   * A message this process does not remember (submitted before a restart, or by another process),
   * read back from the store so its status change is still announced: the sender's SMPP receipt
   * depends on it. Absent: such changes are recorded but not announced.
   */
  recall?(id: string): Promise<OutboundMessage | null>;
  /** EARLY_KEEP_MS unless given. */
  earlyKeepMs?: number;
}

/**
 * The `messageStatus` event of a status change `u` of message `m`, as both egress loops announce it
 * (the doors' receipts: the stopping rule's code with `rejected`, the ids held for a long message's parts).
 */
export function statusEvent(u: StatusUpdate, m: OutboundMessage): AppEvents['messageStatus'] {
  return {
    id: u.id, contentProviderId: m.contentProviderId, status: u.status, at: u.at, from: m.from, to: m.to,
    submittedAt: m.submittedAt, error: u.detail, registeredDelivery: m.registeredDelivery, text: m.text,
    ...(u.rejection ? { code: u.rejection.code } : {}),
    ...(m.clientPartIds ? { clientPartIds: m.clientPartIds } : {}),
    // the HTTP status callback's, from the queue row (absent: not known, callback-worker.ts reads it)
    ...(m.clientRef !== undefined ? { clientRef: m.clientRef } : {}),
  };
}

/** `recall` for ReceiptBookOptions: the message as its records give it. */
export function recallFrom(messages: Pick<MessageStore, 'getMessage'>): (id: string) => Promise<OutboundMessage | null> {
  return async (id) => {
    const v = await messages.getMessage(id);
    // A damaged submission record (its fields left out of the view) gives no message to place a receipt on.
    if (!v || v.decision === undefined || v.decision === 'rejected' || v.from === undefined || v.to === undefined || v.text === undefined) return null;
    const m: OutboundMessage = { id, contentProviderId: v.contentProviderId, from: v.from, to: v.to, text: v.text, registeredDelivery: v.registeredDelivery, attempts: 0, submittedAt: v.receivedAt };
    if (v.clientPartIds) m.clientPartIds = v.clientPartIds;
    m.clientRef = v.clientRef ?? null;
    return m;
  };
}

/**
 * How long a receipt whose message is not known yet waits for it (its `submitted` still being
 * recorded: milliseconds, under load a second or so) before it is acknowledged as matching nothing,
 * as Kannel and Jasmin acknowledge a receipt they cannot place. With the SMPP client's own 5 s
 * (EARLY_RECEIPT_MS) it stays under the 10 s an answer may wait: a minute (before 2026-12-05) had
 * the SMSC refused, resending, refused again for every receipt nobody here knows.
 */
export const EARLY_KEEP_MS = 4_000;
const EARLY_MAX = 100_000;
const RECENT_MAX = 200_000;
/** What keeps `recent` from emptying (runtime/lru-delete.ts); never announced: no message has its id. */
const NO_MESSAGE: OutboundMessage = Object.freeze({ id: '', contentProviderId: '', from: '', to: '', text: '', registeredDelivery: false, attempts: 0, submittedAt: 0 });

export class ReceiptBook {
  /** Recently submitted messages, for receipt events (bounded, oldest dropped first). */
  /** Bounded, O(1) eviction (lru-cache; a Map's keys().next() slows as deleted slots pile up). */
  private readonly recent = new LRUCache<string, OutboundMessage>({ max: RECENT_MAX });
  private receipts: ReceiptUpdate[] = [];
  private early = new SlotMap<string, { r: ReceiptUpdate; since: number }>();
  private readonly earlySince = new WeakMap<ReceiptUpdate, number>();
  /** Who waits for each queued or early receipt to be recorded (more than one when repeats share an early slot). */
  private readonly waiting = new SlotMap<ReceiptUpdate, { resolve(): void; reject(e: Error): void }[]>();
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly o: ReceiptBookOptions) {}

  /** Retries early receipts every `ms` until `stop()`. */
  start(ms = 250): void {
    this.timer = setInterval(() => this.retryEarly(), ms);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    // Early receipts will not be tried again: the SMSC gets a temporary error and delivers them again.
    const stopped = new Error('stopped: the SMSC will deliver it again');
    for (const e of this.early.values()) this.settle(e.r, stopped);
    this.early.clear();
  }

  /** Resolves (no error) or rejects whoever waits for `u`. */
  private settle(u: ReceiptUpdate, error?: Error): void {
    const w = this.waiting.get(u);
    if (!w) return;
    this.waiting.delete(u);
    for (const x of w) if (error) x.reject(error);
    else x.resolve();
  }

  remember(m: OutboundMessage): void {
    this.recent.set(m.id, m);
  }

  /**
   * Upstream ids of messages whose submit_sm_resp is in but whose `submitted` is not recorded yet
   * (sendBatch). A receipt for one of them waits without a look-up in the store, which could not
   * find it, and however long the batch takes: its message is known to be on its way.
   */
  private readonly expected = new Set<string>();

  expect(upstreamId: string): void {
    this.expected.add(upstreamId);
  }

  unexpect(ids: readonly string[]): void {
    for (const id of ids) this.expected.delete(id);
  }

  /** Takes the early receipts of these `submitted` updates (short messages), as status updates of their messages. */
  takeEarly(updates: readonly StatusUpdate[]): TakenReceipt[] {
    const out: TakenReceipt[] = [];
    // receipts come in but not yet sorted (the next flush would keep them early): early now
    if (this.receipts.length > 0 && this.expected.size > 0) {
      const rest: ReceiptUpdate[] = [];
      for (const u of this.receipts) {
        if (this.expected.has(u.upstreamId)) this.keepEarly(u, this.earlySince.get(u) ?? Date.now());
        else rest.push(u);
      }
      this.receipts = rest;
    }
    if (this.early.size === 0) return out;
    for (const s of updates) {
      if (s.status !== 'submitted' || !s.upstreamId || (s.partIds && s.partIds.length > 1)) continue;
      const e = this.early.get(s.upstreamId);
      if (!e) continue;
      this.early.delete(s.upstreamId);
      const r = e.r;
      out.push({ u: r.detail ? { id: s.id, status: r.status, at: r.at, detail: r.detail } : { id: s.id, status: r.status, at: r.at }, r, since: e.since });
    }
    return out;
  }

  /** Taken receipts recorded (settled: acknowledged upstream) or not (early again, tried later). */
  settleTaken(taken: readonly TakenReceipt[], recorded: boolean): void {
    for (const t of taken) {
      if (recorded) this.settle(t.r);
      else this.keepEarly(t.r, t.since);
    }
  }

  /** Announces a status change of a remembered message; false when this process does not remember it. */
  announce(u: StatusUpdate): boolean {
    const m = this.recent.get(u.id);
    if (!m) return false;
    this.o.announce(u, m);
    if (u.status !== 'submitted') deleteKeepingSlots(this.recent, u.id, NO_MESSAGE);
    return true;
  }

  /** The changes of messages read back from the store (recall), announced in their order. */
  private async announceRecalled(updates: StatusUpdate[], recall: (id: string) => Promise<OutboundMessage | null>): Promise<void> {
    let found: (OutboundMessage | null)[];
    try {
      found = await Promise.all(updates.map((u) => recall(u.id)));
    } catch (e) {
      // Recorded all the same: only the announcement (the sender's receipt) is missing.
      this.o.onError('receipt', e as Error);
      return;
    }
    updates.forEach((u, i) => {
      const m = found[i];
      if (m) this.o.announce(u, m);
    });
  }

  /** Queues a receipt; receipts are applied in batches, one transaction each. Settles once it is recorded (see above). */
  receipt(r: DeliveryReceipt): Promise<void> {
    const u: ReceiptUpdate = { upstreamId: r.upstreamId, status: statusFromReceipt(r.stat), at: this.o.clock.now() };
    if (r.err && r.err !== '000') u.detail = `err:${r.err}`;
    if (r.altIds?.length) u.altIds = r.altIds;
    if (r.spellAfter !== undefined) u.spellAfter = r.spellAfter;
    const p = new Promise<void>((resolve, reject) => this.waiting.set(u, [{ resolve, reject }]));
    this.receipts.push(u);
    this.scheduleFlush();
    return p;
  }

  /** Gives early receipts another go (call after a batch recorded its upstream ids). */
  retryEarly(): void {
    if (this.early.size === 0 || this.o.stopped()) return;
    for (const [id, e] of this.early) {
      // its batch is still out: no look-up could find it yet (sendBatch takes it)
      if (this.expected.has(id)) continue;
      this.early.delete(id);
      this.earlySince.set(e.r, e.since);
      this.receipts.push(e.r);
    }
    if (this.receipts.length) this.scheduleFlush();
  }

  /** Resolves once queued receipts are applied. */
  async settled(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private scheduleFlush(): void {
    if (this.flushing) return;
    this.flushing = new Promise<void>((r) => setImmediate(r))
      .then(() => this.flush())
      .catch((e: Error) => this.o.onError('receipt', e))
      .finally(() => {
        this.flushing = null;
        if (this.receipts.length && !this.o.stopped()) this.scheduleFlush();
      });
  }

  private async flush(): Promise<void> {
    let batch = this.receipts;
    this.receipts = [];
    if (!batch.length) return;
    if (this.o.stopped()) {
      const stopped = new Error('stopped: the SMSC will deliver it again');
      for (const u of batch) this.settle(u, stopped);
      return;
    }
    if (this.expected.size > 0) {
      const probe: ReceiptUpdate[] = [];
      for (const u of batch) {
        if (this.expected.has(u.upstreamId) && this.early.size < EARLY_MAX) this.keepEarly(u, this.earlySince.get(u) ?? Date.now());
        else probe.push(u);
      }
      batch = probe;
      if (!batch.length) return;
    }
    let applied;
    try {
      applied = await this.o.outbox.applyReceipts(batch);
    } catch (e) {
      for (const u of batch) this.settle(u, e as Error);
      throw e;
    }
    const { changed, unknown } = applied;
    // Wall time, not the (possibly simulated) clock: this bounds our own memory, not a rule.
    const now = Date.now();
    const respelled = await this.respell(unknown, now);
    const forgotten: StatusUpdate[] = [];
    for (const u of changed) if (!this.announce(u)) forgotten.push(u);
    if (forgotten.length && this.o.recall) await this.announceRecalled(forgotten, this.o.recall);
    const kept = new Set<ReceiptUpdate>();
    for (const r of unknown) {
      if (respelled.has(r)) continue;
      const since = this.earlySince.get(r) ?? now;
      // one whose other spellings wait (spellAfter) is kept until then, and the usual while after
      if (now - Math.max(since, r.spellAfter ?? 0) < (this.o.earlyKeepMs ?? EARLY_KEEP_MS) && this.early.size < EARLY_MAX) {
        this.keepEarly(r, since);
        kept.add(r);
      }
    }
    // Recorded, a repeat that changed nothing, or too long without its message: acknowledged.
    for (const u of batch) if (!kept.has(u) && !respelled.has(u)) this.settle(u);
  }

  /** Keeps `r` until its message is recorded; a repeat of a receipt already waiting takes its place, and its waiters with it. */
  private keepEarly(r: ReceiptUpdate, since: number): void {
    const before = this.early.get(r.upstreamId);
    if (before && before.r !== r) {
      const w = this.waiting.get(before.r);
      this.waiting.delete(before.r);
      if (w) this.waiting.get(r)?.push(...w);
    }
    this.early.set(r.upstreamId, { r, since });
  }

  /**
   * Receipts that matched nothing but carry other spellings of their id (the egress no longer knew
   * it: submitted before a restart), from their `spellAfter` on: each one found on file under a spelling is queued again under
   * that id, its waiters with it. Returns those queued again. A receipt no spelling matched is
   * looked up once only (an SMSC reporting messages nobody here sent must not cost a look-up of
   * every spelling at every retry); a look-up that failed is tried again with the receipt.
   */
  private async respell(unknown: ReceiptUpdate[], now: number): Promise<Set<ReceiptUpdate>> {
    const moved = new Set<ReceiptUpdate>();
    // not before spellAfter: until then the id as written may still be filed (another process's)
    const asking = unknown.filter((r) => r.altIds?.length && !(r.spellAfter !== undefined && now < r.spellAfter));
    if (asking.length === 0) return moved;
    // together, not one after another: after a restart every earlier message's receipt may come this
    // way, and on PostgreSQL each look-up is a round trip (the pool runs them side by side)
    const found = await Promise.all(asking.map((r) => this.o.outbox.resolveUpstreamId(r.altIds!).catch((e: Error) => {
      this.o.onError('receipt', e);
      return undefined;
    })));
    asking.forEach((r, i) => {
      const id = found[i];
      if (id === undefined) return; // the look-up failed: tried again with the receipt
      // looked up once: kept a while as any unknown receipt, it is not spelled out again at every retry
      if (id === null) {
        delete r.altIds;
        return;
      }
      const again: ReceiptUpdate = r.detail ? { upstreamId: id, status: r.status, at: r.at, detail: r.detail } : { upstreamId: id, status: r.status, at: r.at };
      const w = this.waiting.get(r);
      this.waiting.delete(r);
      if (w) this.waiting.set(again, w);
      this.receipts.push(again);
      moved.add(r);
    });
    return moved;
  }
}
