/**
 * deliver_sm to content providers' ESMEs (receipts and MO), durable where it has to be. The hot
 * path costs no store write: a deliver_sm goes straight to a bound receiver/transceiver of the
 * provider. Only what cannot go out is kept in the SmppDeliveryStore: no receiver bound (or their
 * queues already long), or the ESME did not take it (throttled, transient error, no answer,
 * connection lost). Kept rows are claimed (leased to this process), oldest first, as receiver
 * window slots free up; removed once the ESME answers ESME_ROK; put back with a growing delay
 * otherwise; dropped, counted and logged (numbers masked) once older than the maximum age, like an
 * SMSC's validity period. Several gateway processes may share the store: the lease keeps a row with
 * one of them at a time, and when every process hears each event (NATS fan-out) the processes
 * announce their receivers, so only the one with the provider's receiver takes the event.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { CommandStatus } from '../pdu/constants.js';
import { decodePdu, encodePdu } from '../pdu/codec.js';
import type { SmPdu } from '../pdu/types.js';
import type { NewSmppDelivery, SmppDelivery, SmppDeliveryKind, SmppDeliveryStore } from '../../ports/smpp-deliveries.js';
import { maskMsisdn } from '../../domain/msisdn.js';
import type { SmppLog } from '../log.js';

/** One deliver_sm for a provider, with what the store needs to keep it. */
export interface Delivery {
  kind: SmppDeliveryKind;
  /** Identity within the provider (see NewSmppDelivery.key). */
  key: string;
  /** The mobile user's number (masked in logs). */
  msisdn: string;
  /** When the event happened: the age limit counts from here. */
  createdAt: number;
  pdu: SmPdu;
}

/** The context a deliver_sm carries through the session until its response. */
export interface DeliverCtx {
  cpId: string;
  d: Delivery;
  /** Failed attempts so far. */
  attempts: number;
  /** Store row id when it came from the store (leased to us). */
  stored?: number;
}

/** What the server offers: a receiver bind to send on. */
export interface ReceiverSlot {
  send(pdu: SmPdu, ctx: DeliverCtx): void;
}

export interface ProviderDeliveriesOptions {
  store: SmppDeliveryStore;
  now(): number;
  /**
   * A receiver/transceiver of the provider that can take one more deliver_sm now, least loaded first.
   * `atOnce`: only one that writes it to the wire at once (a free window slot, nothing queued ahead),
   * for a row claimed from the store: queued behind others it could outlast its lease (see `poll`).
   */
  receiver(cpId: string, atOnce?: boolean): ReceiverSlot | undefined;
  /** Free window slots over the provider's receiver binds here (0 when none is bound). */
  room(cpId: string): number;
  /** Providers with a receiver/transceiver bind on this process. */
  boundProviders(): string[];
  log?: SmppLog;
  /** Undelivered deliver_sm are dropped after this age (default 72 h). */
  maxAgeMs?: number;
  /**
   * A claimed row stays ours this long (default 60 s). Must be well over the sessions' response
   * timeout (10 s): a claimed row is written at once, and then answered, timed out or handed back by
   * its session's close within that timeout (see `poll`).
   */
  leaseMs?: number;
  /** Rows are held in memory at most this many while the store cannot be written (default 100,000); past it the oldest tenth goes, logged. */
  maxUnsaved?: number;
  /** This process's lease owner id (default host:pid:random). */
  owner?: string;
  /**
   * Every gateway process with an SMPP server hears each receipt and MO event (the NATS bus fans
   * them out). Then a process without a receiver of the provider keeps such an event only when no
   * other process has announced one; otherwise that process sends it (or keeps it if its bind went).
   */
  sharedEvents?: boolean;
}

/** Delay before attempt n+1 after n failures: 1 s doubling, capped at 5 minutes. */
export function deliverRetryDelayMs(attempts: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempts - 1), 300_000);
}

/**
 * Statuses after which the ESME may take the deliver_sm later (others: it refused it for good).
 * ESME_RINVBNDSTS says the session, not the deliver_sm, was wrong: one that crossed the ESME's
 * unbind (smsguard's own client answers so once it has sent its unbind) goes again at its next
 * bind. Before 2026-12-07 it counted as refused for good and the receipt was dropped.
 */
const TRANSIENT = new Set<number>([CommandStatus.ESME_RTHROTTLED, CommandStatus.ESME_RMSGQFUL, CommandStatus.ESME_RX_T_APPN, CommandStatus.ESME_RSYSERR, CommandStatus.ESME_RINVBNDSTS]);

const CLAIM_MAX = 200;
const EXPIRE_BATCH = 10_000;
/** Receivers are announced this often (and at once when they change), valid three times as long. */
const ANNOUNCE_EVERY_MS = 5_000;
const ANNOUNCE_VALID_MS = 15_000;

export class ProviderDeliveries {
  readonly owner: string;
  private readonly maxAgeMs: number;
  private readonly leaseMs: number;
  /** Rows waiting for a store write (batched per event-loop turn; kept while the store fails). */
  private unsaved: NewSmppDelivery[] = [];
  private saving: Promise<void> | null = null;
  /** Ids the ESME took, deleted in batches. */
  private done: number[] = [];
  private removing: Promise<void> | null = null;
  private polling: Promise<void> | null = null;
  private pollAgain = false;
  /** Store retries under way (awaited on close). */
  private readonly retrying = new Set<Promise<unknown>>();
  private closed = false;
  /** Deliveries dropped for age since start (for metrics). */
  expired = 0;
  /** Deliveries the ESME refused for good since start. */
  refused = 0;
  /** Shared events left to the process that has the provider's receiver, since start. */
  leftToPeers = 0;
  /** Providers with a receiver on another process (shared events only; refreshed each poll). */
  private elsewhere = new Set<string>();
  private announced: string | null = null;
  private announcedAt = 0;

  constructor(private readonly o: ProviderDeliveriesOptions) {
    this.owner = o.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.maxAgeMs = o.maxAgeMs ?? 72 * 3_600_000;
    this.leaseMs = o.leaseMs ?? 60_000;
  }

  /**
   * A new deliver_sm: straight to a receiver if one can take it, else into the store. `shared`: the
   * event reached every process (see `sharedEvents`).
   */
  offer(cpId: string, d: Delivery, shared = false): void {
    const r = this.o.receiver(cpId);
    if (r) r.send(d.pdu, { cpId, d, attempts: 0 });
    else if (shared && this.o.sharedEvents && this.elsewhere.has(cpId)) this.leftToPeers++;
    else this.keep(cpId, d, this.o.now(), 0);
  }

  /** True when another process announced a receiver of the provider (shared events only). */
  receiverElsewhere(cpId: string): boolean {
    return this.elsewhere.has(cpId);
  }

  /** The ESME answered a deliver_sm. */
  answered(ctx: DeliverCtx, status: number): void {
    if (status === CommandStatus.ESME_ROK) {
      if (ctx.stored !== undefined) this.remove(ctx.stored);
      return;
    }
    if (TRANSIENT.has(status)) return this.failed(ctx);
    // Refused for good: the ESME will not take it however often we try.
    this.refused++;
    this.o.log?.('smpp deliver_sm refused by ESME', { status, cpId: ctx.cpId, kind: ctx.d.kind, msisdn: maskMsisdn(ctx.d.msisdn) });
    if (ctx.stored !== undefined) this.remove(ctx.stored);
  }

  /** No answer in time, or the connection went before it was answered: try again later. */
  failed(ctx: DeliverCtx): void {
    const attempts = ctx.attempts + 1;
    const dueAt = this.o.now() + deliverRetryDelayMs(attempts);
    if (ctx.stored === undefined) return this.keep(ctx.cpId, ctx.d, dueAt, attempts);
    // If our lease ran out meanwhile the row is someone else's: leave it to them.
    const p = this.o.store.retry(ctx.stored, this.owner, dueAt, attempts)
      .catch((e: Error) => this.o.log?.('smpp deliveries: retry not recorded', { error: e.message }))
      .finally(() => this.retrying.delete(p));
    this.retrying.add(p);
  }

  /**
   * Sends what the store holds for providers bound here, as far as their windows have room. Runs
   * on a timer and when a receiver binds; one pass at a time.
   *
   * A claimed row is leased to this process for `leaseMs` and nothing renews the lease, so the
   * row must be done with well within it: once the lease ran out another process (or this one, on
   * another bind) may claim the row and send it too, and the ESME would get it twice. So a claimed
   * row goes only to a receiver that writes it at once (`receiver(cpId, true)`), in the turn its
   * claim returned; from there its session settles it within the response timeout (an answer, a
   * timeout, or the connection's end hands it back: `answered` / `failed`). A row no receiver can
   * write at once (new events filled the windows while the claim was out) is handed back to the
   * store as it was, due at once, rather than queued behind others: a slow ESME's queue (up to
   * `maxReceiverQueue` deliver_sm, drained at window ÷ response time) can outlast any lease.
   */
  poll(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.polling) {
      this.pollAgain = true;
      return this.polling;
    }
    this.polling = this.pollOnce()
      .catch((e: Error) => this.o.log?.('smpp deliveries: store read failed', { error: e.message }))
      .finally(() => {
        this.polling = null;
        if (this.pollAgain && !this.closed) {
          this.pollAgain = false;
          void this.poll();
        }
      });
    return this.polling;
  }

  /** Drops what is older than the maximum age; logs a count (numbers masked, never text). */
  async expire(): Promise<number> {
    const before = this.o.now() - this.maxAgeMs;
    // what never reached the store is subject to the same age
    const stale = this.unsaved.filter((r) => r.createdAt < before);
    if (stale.length) this.unsaved = this.unsaved.filter((r) => r.createdAt >= before);
    let rows: { contentProviderId: string; kind: SmppDeliveryKind; msisdn: string }[] = stale;
    try {
      rows = rows.concat(await this.o.store.expire(before, EXPIRE_BATCH));
    } catch (e) {
      this.o.log?.('smpp deliveries: expiry failed', { error: (e as Error).message });
    }
    if (rows.length === 0) return 0;
    this.expired += rows.length;
    const providers: Record<string, number> = {};
    for (const r of rows) providers[r.contentProviderId] = (providers[r.contentProviderId] ?? 0) + 1;
    this.o.log?.('smpp deliveries expired undelivered', {
      count: rows.length, receipts: rows.filter((r) => r.kind === 'receipt').length, mo: rows.filter((r) => r.kind === 'mo').length,
      maxAgeHours: this.maxAgeMs / 3_600_000, providers, numbers: rows.slice(0, 10).map((r) => maskMsisdn(r.msisdn)),
    });
    return rows.length;
  }

  /** Resolves once queued store writes are done. */
  async settled(): Promise<void> {
    while (this.saving || this.removing || this.polling || this.retrying.size) await Promise.all([this.saving, this.removing, this.polling, ...this.retrying]);
  }

  /** Writes what is pending, then hands this process's leases back so another process may send at once. */
  async close(): Promise<void> {
    this.closed = true;
    await this.settled();
    if (this.unsaved.length) await this.save();
    if (this.done.length) await this.flushRemoved();
    await Promise.all(this.retrying);
    if (this.o.sharedEvents) {
      const now = this.o.now();
      await this.o.store.announceReceivers({ owner: this.owner, contentProviderIds: [], now, until: now }).catch(() => undefined);
    }
    await this.o.store.release(this.owner).catch((e: Error) => this.o.log?.('smpp deliveries: lease release failed', { error: e.message }));
  }

  // ------------------------------------------------------------ store writes

  private keep(cpId: string, d: Delivery, dueAt: number, attempts: number): void {
    const max = this.o.maxUnsaved ?? 100_000;
    if (this.unsaved.length >= max) {
      // Drop the oldest tenth at once: one shift() per message moves the whole array each time.
      const dropped = this.unsaved.splice(0, Math.max(1, Math.ceil(max / 10))).length;
      this.o.log?.('smpp deliveries: store unavailable, oldest unsaved deliver_sm dropped', { cpId, dropped });
    }
    this.unsaved.push({ contentProviderId: cpId, kind: d.kind, key: d.key, pdu: encodePdu({ ...d.pdu, sequence_number: 1 }), msisdn: d.msisdn, createdAt: d.createdAt, dueAt, attempts });
    this.scheduleSave();
  }

  /** One store write per event-loop turn's worth; another follows while more arrived meanwhile. */
  private scheduleSave(): void {
    if (this.saving) return;
    this.saving = new Promise<void>((r) => setImmediate(r)).then(() => this.save()).then((ok) => {
      this.saving = null;
      if (ok && this.unsaved.length) this.scheduleSave();
    });
  }

  /** False when the store refused the write (the rows stay in memory; the timer's poll retries). */
  private async save(): Promise<boolean> {
    const batch = this.unsaved;
    if (batch.length === 0) return true;
    this.unsaved = [];
    try {
      await this.o.store.add(batch);
    } catch (e) {
      this.unsaved = batch.concat(this.unsaved);
      this.o.log?.('smpp deliveries: store write failed, kept in memory', { error: (e as Error).message, waiting: this.unsaved.length });
      return false;
    }
    // A receiver may have bound while these were written: give it them now rather than at the next tick.
    const bound = new Set(this.o.boundProviders());
    if (batch.some((r) => bound.has(r.contentProviderId))) void this.poll();
    return true;
  }

  private remove(id: number): void {
    this.done.push(id);
    this.scheduleRemove();
  }

  private scheduleRemove(): void {
    if (this.removing) return;
    this.removing = new Promise<void>((r) => setImmediate(r)).then(() => this.flushRemoved()).then((ok) => {
      this.removing = null;
      if (ok && this.done.length) this.scheduleRemove();
    });
  }

  private async flushRemoved(): Promise<boolean> {
    const ids = this.done;
    if (ids.length === 0) return true;
    this.done = [];
    try {
      await this.o.store.remove(ids);
      return true;
    } catch (e) {
      // The ESME has them: a row left behind would be sent again, so try again on the next pass.
      this.done = ids.concat(this.done);
      this.o.log?.('smpp deliveries: delete failed', { error: (e as Error).message });
      return false;
    }
  }

  // ------------------------------------------------------------ reading the store

  /** Announces this process's receivers (when they change, else every few seconds) and learns the others'. */
  private async share(now: number): Promise<void> {
    const mine = this.o.boundProviders().sort();
    const list = mine.join('\u0000');
    if (list !== this.announced || now - this.announcedAt >= ANNOUNCE_EVERY_MS) {
      await this.o.store.announceReceivers({ owner: this.owner, contentProviderIds: mine, now, until: now + ANNOUNCE_VALID_MS });
      this.announced = list;
      this.announcedAt = now;
    }
    this.elsewhere = new Set(await this.o.store.receiversElsewhere(this.owner, now));
  }

  private async pollOnce(): Promise<void> {
    // writes that failed before are retried here, before reading
    if (this.unsaved.length) {
      this.scheduleSave();
      await this.saving;
    }
    if (this.done.length) {
      this.scheduleRemove();
      await this.removing;
    }
    let now = this.o.now();
    if (this.o.sharedEvents) await this.share(now);
    const bound = this.o.boundProviders().filter((cp) => this.o.room(cp) > 0);
    if (bound.length === 0) return;
    for (const cpId of await this.o.store.due(bound, now)) {
      const room = this.o.room(cpId);
      if (room <= 0 || this.closed) continue;
      // the lease counts from the claim itself, not from before the reads above
      now = this.o.now();
      const rows = await this.o.store.claim({ contentProviderId: cpId, owner: this.owner, now, leaseMs: this.leaseMs, limit: Math.min(room, CLAIM_MAX) });
      const back: SmppDelivery[] = [];
      for (const row of rows) {
        let pdu: SmPdu;
        try {
          pdu = decodePdu(Buffer.from(row.pdu)) as SmPdu;
        } catch (e) {
          this.o.log?.('smpp deliveries: unreadable row dropped', { id: row.id, error: (e as Error).message });
          this.remove(row.id);
          continue;
        }
        const ctx: DeliverCtx = { cpId, d: { kind: row.kind, key: row.key, msisdn: row.msisdn, createdAt: row.createdAt, pdu }, attempts: row.attempts, stored: row.id };
        const r = this.o.receiver(cpId, true);
        if (r) r.send(pdu, ctx);
        else back.push(row);
      }
      // The bind went, or the windows filled, while we claimed: hand the rows back as they were
      // (after the sends above, which must not wait for these writes). One that fails stays leased
      // until its lease runs out, then it is claimed again.
      for (const row of back) {
        await this.o.store.retry(row.id, this.owner, row.dueAt, row.attempts)
          .catch((e: Error) => this.o.log?.('smpp deliveries: claimed row not handed back', { error: e.message }));
      }
    }
  }
}
