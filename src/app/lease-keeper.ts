/**
 * Keeps a claimed batch's leases while its submits are out. A claim leases its messages for a fixed
 * time (DeliveryOptions.leaseMs, 60 s), but a submit can wait longer than that for its turn on a
 * slow link: a window that stays full, a throughput cap, throttling pauses (docs/SCALING.md, "A
 * lease against a submit still waiting in the SMPP client"). Once the lease ran out another worker
 * or process could claim the message and send it while this one's part still waits to be written,
 * and the SMSC would get it twice. So while the batch is out its leases are renewed every third of
 * the lease (OutboxStore.renew); a renewed claim is named by its new lease end from then on, which
 * `retryLater` and `release` need, so the keeper is stopped (and its last renewal awaited) before
 * the batch's outcomes are written.
 */
import type { OutboundMessage, OutboxStore } from '../ports/store.js';

export interface LeaseKeeperOptions {
  outbox: Pick<OutboxStore, 'renew'>;
  /** The claim's lease length: each renewal ends a lease this long after `now()`. */
  leaseMs: number;
  /** The clock the claim's lease was written with. */
  now(): number;
  /** How often to renew (wall time); a third of the lease unless given. */
  everyMs?: number;
  /**
   * How long after the start (wall time) renewals stop: fifteen leases (15 min at 60 s) unless given.
   * A submit that never ends (an egress stuck by a fault) must not hold its message for ever: once
   * renewals stop, the lease runs out as before and the message is claimed again. A link slow enough
   * to keep a batch out longer than this is far below what one claim routes to it (docs/SCALING.md).
   */
  maxHoldMs?: number;
  /**
   * Claims a renewal found no longer standing: their lease ran out unrenewed (the store unreachable
   * for most of a lease, the process stalled) and another claim took the message. Nothing here stops
   * their parts still waiting to be written, so they are reported (sendBatch also has the egress
   * give their submits up, Egress.cancel); they are not renewed again.
   */
  onLost(ids: string[]): void;
  /**
   * Renewals stopped (`maxHoldMs`) with these claims still held: their leases run out within one
   * lease, and another claim may then send them (sendBatch has the egress give their submits up,
   * Egress.cancel, so that what has not been written by then is not written here).
   */
  onGiveUp?(ids: string[]): void;
  /** A renewal failed (the store unreachable): the leases stand until they end, the next tick tries again. */
  onError(e: Error): void;
}

/** A running keeper; `stop` ends it and waits for a renewal in progress. */
export interface LeaseKeeper {
  stop(): Promise<void>;
  /**
   * Renews these messages' claims no more, the batch's others still: a claim a cancel's take-back
   * gave up (InFlight.takeBack) is named to the store by its lease end, which a later renewal would
   * move. Resolves once a renewal in progress has ended, so that their `leasedUntil` is final.
   */
  drop(ids: readonly string[]): Promise<void>;
}

/** Starts renewing `batch`'s leases (each message as its claim returned it); changes their `leasedUntil`. */
export function keepLeases(batch: readonly OutboundMessage[], o: LeaseKeeperOptions): LeaseKeeper {
  const every = o.everyMs ?? Math.max(1, Math.floor(o.leaseMs / 3));
  const stopAt = Date.now() + (o.maxHoldMs ?? 15 * o.leaseMs);
  // which messages to renew is worked out at the first tick: nearly every batch ends before it
  let held: OutboundMessage[] | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;
  const dropped = new Set<string>();
  const holding = (): OutboundMessage[] => {
    held ??= batch.filter((m) => m.leasedUntil !== undefined);
    if (dropped.size) held = held.filter((m) => !dropped.has(m.id));
    return held;
  };
  const renew = async (): Promise<void> => {
    const mine = holding();
    if (mine.length === 0) return;
    const until = o.now() + o.leaseMs;
    let ids: string[];
    try {
      ids = await o.outbox.renew(mine, until);
    } catch (e) {
      o.onError(e as Error);
      return;
    }
    const renewed = new Set(ids);
    const lost: string[] = [];
    const still: OutboundMessage[] = [];
    for (const m of mine) {
      // renewed in the store: named by the new end from now on, dropped meanwhile or not
      if (renewed.has(m.id)) {
        m.leasedUntil = until;
        still.push(m);
      } else lost.push(m.id);
    }
    held = still;
    if (lost.length) o.onLost(lost);
  };
  const timer = batch.length === 0 ? null : setInterval(() => {
    if (Date.now() >= stopAt) {
      clearInterval(timer!);
      // after the renewal in progress (if any) has said which of them it still holds
      void Promise.resolve(running).then(() => {
        const still = holding();
        if (!stopped && still.length) o.onGiveUp?.(still.map((m) => m.id));
      });
      return;
    }
    // one renewal at a time: a slow store skips a tick rather than racing itself
    if (running) return;
    running = renew().finally(() => { running = null; });
  }, every);
  // a batch out does not keep the process alive (a stop that gave up on hung submits may exit)
  timer?.unref();
  return {
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      if (running) await running;
    },
    async drop(ids) {
      for (const id of ids) dropped.add(id);
      if (running) await running;
    },
  };
}

/** The error a worker reports for LeaseKeeperOptions.onLost (first ten ids named). */
export function lostClaimsError(ids: readonly string[]): Error {
  return new Error(`${ids.length} claim(s) lost while their submits were out (another claim took them; the SMSC may get them twice): ${ids.slice(0, 10).join(', ')}`);
}

/** The error a worker reports for LeaseKeeperOptions.onGiveUp (first ten ids named). */
export function gaveUpClaimsError(ids: readonly string[]): Error {
  return new Error(`${ids.length} submit(s) still out after their leases were renewed for the longest hold: given up, their claims lapse and they are sent again (what was written may reach the SMSC twice): ${ids.slice(0, 10).join(', ')}`);
}
