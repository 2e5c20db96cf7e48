/**
 * Running the gateway in pieces over NATS JetStream (`--queue nats://…`, `--role`):
 * - ingress (HTTP / SMPP doors): decides and records (PostgreSQL), relays accepted messages to the
 *   bus, and re-emits status changes and MO that egress processes report, for its SMPP binds;
 * - egress: owns a fair share of recipient partitions, submits upstream, records outcomes,
 *   receives receipts and MO;
 * - all: both in one process.
 * In every role, a cancel of a message a batch holds asks the egress worker holding it, in this
 * process or another, to give it up unwritten (take-back.ts); one already written asks the egress
 * process owning its recipient's partition to cancel it at the carrier (cancel-upstream.ts). An
 * operator's stop, start or listing of the carrier links reaches every egress process, and the
 * stops in force reach those started later (link-control.ts). A token or SMPP credential revoked in
 * one process is dropped from every other's token cache, and its binds there ended, at once.
 * Several of each can run at once against one PostgreSQL and one NATS.
 */
import { randomBytes } from 'node:crypto';
import type { App } from '../app/app.js';
import type { Egress } from '../ports/egress.js';
import { openBus, type Bus, type BusOwner } from './nats.js';
import { OutboxRelay } from './relay.js';
import { BusEgressWorker } from './egress-worker.js';
import { queueNames } from './subjects.js';
import { parseRevoked, publishRevoked } from './revoked-notice.js';
import { busTakeBack, serveTakeBack } from './take-back.js';
import { busCancelUpstream, serveCancelUpstream } from './cancel-upstream.js';
import { applyLinkStops, busLinkFleet, serveLinkControl, type LinkHolder } from './link-control.js';
import { DEFAULT_TIMINGS, type PartitionLeases, type QueueOutbox, type QueueTimings } from './types.js';

export type Role = 'ingress' | 'egress' | 'all';

export interface BusRolesOptions {
  role: Role;
  url: string;
  prefix?: string;
  partitions?: number;
  timings?: Partial<QueueTimings>;
  batch?: number;
  maxAttempts?: number;
  /**
   * This egress process's carrier links (the SMPP client), for an operator's stop, start and
   * listing from any process (link-control.ts); absent (an egress without named links): it answers none.
   */
  links?: LinkHolder | null;
  /** This deployment (a gateway process always gives it): the bus's stream is refused if another declared it (nats.ts). */
  owner?: BusOwner;
}

export interface BusRoles {
  bus: Bus;
  relay: OutboxRelay;
  worker: BusEgressWorker | null;
  /**
   * Graceful: stop relaying and consuming, finish work in hand, close the connection. With
   * `unbindLinks` (a process stop, src/main.ts) the egress worker closes the egress given to
   * startBusRoles between its stop of sending and its stop of receipts and MO
   * (BusEgressWorker.stop): receipts crossing the carrier links' unbind are recorded and answered
   * ESME_ROK. Without it the egress is left to its owner.
   */
  stop(o?: { unbindLinks?: boolean }): Promise<void>;
}

/** A store that can back the bus pipeline (the PostgreSQL store). */
export interface BusStore {
  outbox: QueueOutbox;
  partitions: PartitionLeases;
}

export function isBusStore(s: unknown): s is BusStore {
  const o = s as { outbox?: { relay?: unknown; claimIds?: unknown }; partitions?: { balance?: unknown } };
  return typeof o?.outbox?.relay === 'function' && typeof o.outbox.claimIds === 'function' && typeof o.partitions?.balance === 'function';
}

export async function startBusRoles(app: App, store: BusStore, egress: Egress | null, o: BusRolesOptions): Promise<BusRoles> {
  const t: QueueTimings = { ...DEFAULT_TIMINGS, ...o.timings };
  const partitions = o.partitions ?? 16;
  const bus = await openBus({ url: o.url, names: queueNames(o.prefix), partitions, ackWaitMs: t.ackWaitMs, name: `smsguard-${o.role}-${process.pid}`, owner: o.owner });
  const relay = new OutboxRelay(app.ctx, store.outbox, bus, t, store.partitions);
  relay.start();
  let worker: BusEgressWorker | null = null;
  const unsubs: (() => void)[] = [];
  // Events re-emitted from the bus must not be published again.
  const relayed = new WeakSet<object>();
  if (o.role !== 'ingress') {
    if (!egress) throw new Error('the egress role needs an upstream');
    worker = new BusEgressWorker(app.ctx, store.outbox, store.partitions, egress, bus, t, { batch: o.batch ?? 500, maxAttempts: o.maxAttempts ?? 8, partitionCount: partitions }, (mo) => app.receiveMo(mo, 'system'));
    if (o.links) {
      // An operator's stop, start or listing in any process reaches this process's links; heard
      // from now on, so the stops in force, read next, miss none asked meanwhile. They are stopped
      // here before the worker takes a message (most already were, before the client started).
      unsubs.push(serveLinkControl(bus, worker.member, o.links));
      await bus.nc.flush();
      await applyLinkStops(bus, o.links);
    }
    await worker.start();
    // MO a provider should see: to every ingress (its binds may be on any of them). Events this
    // process emits itself reach its own binds directly; the origin tag keeps them from echoing.
    const origin = worker.member;
    unsubs.push(app.events.on('moForward', (ev) => {
      if (!relayed.has(ev)) bus.nc.publish(bus.names.mo, JSON.stringify({ origin, ev }));
    }));
  }
  const self = worker?.member ?? null;
  // A refusal recorded in this process (an opt-out, a withdrawal, DND, a suspension) also reaches the
  // egress workers of the others, which give back the in-flight messages it concerns (in-flight.ts).
  const origin = self ?? `ingress_${process.pid}_${randomBytes(4).toString('hex')}`;
  unsubs.push(app.events.on('refusal', (ev) => {
    if (!relayed.has(ev)) bus.nc.publish(bus.names.refusal, JSON.stringify({ origin, ev }));
  }));
  // A token or SMPP credential revoked in this process: every other process forgets the token, and
  // ends the credential's binds, at once (auth.ts, src/smpp/compose.ts), not at its next periodic
  // check (TOKEN_CACHE_MS, CREDENTIAL_CHECK_MS: still the bound when a notice is lost). Every role:
  // any process may serve HTTP or SMPP. Core NATS, at most once: the store stays the truth. The
  // notice's shape is revoked-notice.ts's, which `smsguard token revoke` publishes too.
  unsubs.push(app.events.on('secretRevoked', (ev) => {
    if (!relayed.has(ev)) publishRevoked(bus.nc, bus.names.revoked, origin, ev);
  }));
  const revokedSub = bus.nc.subscribe(bus.names.revoked, {
    callback: (err, m) => {
      if (err) return;
      const notice = parseRevoked(m);
      if (!notice || notice.origin === origin) return;
      relayed.add(notice.ev);
      app.events.emit('secretRevoked', notice.ev);
    },
  });
  unsubs.push(() => revokedSub.unsubscribe());
  // heard from the moment the roles are up
  await bus.nc.flush();
  if (worker) {
    const sub = bus.nc.subscribe(bus.names.refusal, {
      callback: (err, m) => {
        if (err) return;
        const { origin: from, ev } = m.json<{ origin: string; ev: { contentProviderId?: string; msisdns?: string[] } }>();
        if (from === origin) return;
        relayed.add(ev);
        app.events.emit('refusal', ev);
      },
    });
    unsubs.push(() => sub.unsubscribe());
    // A cancel in any process reaches the worker holding its message (take-back.ts).
    unsubs.push(serveTakeBack(bus, worker));
    // A cancel in any process of a message this worker's partitions carried reaches its carrier here.
    unsubs.push(serveCancelUpstream(bus, worker));
  }
  // An operator's stop, start or listing here goes to every egress process (link-control.ts).
  const linkFleet = busLinkFleet(bus);
  app.ctx.linkFleet = linkFleet;
  unsubs.push(() => {
    if (app.ctx.linkFleet === linkFleet) delete app.ctx.linkFleet;
  });
  // A cancel here of a message a batch has claimed: this process's worker, or another's, gives it up
  // if unwritten (cancel-message.ts).
  const takeBack = busTakeBack(bus, worker);
  app.ctx.takeBack = takeBack;
  unsubs.push(() => {
    if (app.ctx.takeBack === takeBack) delete app.ctx.takeBack;
  });
  // A cancel here of a message written to the carrier: the egress process owning its partition asks
  // the carrier (cancel-message.ts, cancel-upstream.ts).
  const cancelUpstream = busCancelUpstream(bus);
  app.ctx.cancelUpstream = cancelUpstream;
  unsubs.push(() => {
    if (app.ctx.cancelUpstream === cancelUpstream) delete app.ctx.cancelUpstream;
  });
  if (o.role !== 'egress') {
    // Status changes and MO from egress processes, re-emitted for this process's SMPP binds.
    const reemit = (name: 'messageStatus' | 'moForward') => (err: Error | null, m: { json<T>(): T }) => {
      if (err) return;
      const { origin, ev } = m.json<{ origin: string; ev: never }>();
      if (origin === self) return;
      relayed.add(ev);
      app.events.emit(name, ev);
    };
    const subs = [
      bus.nc.subscribe(bus.names.status, { callback: reemit('messageStatus') }),
      bus.nc.subscribe(bus.names.mo, { callback: reemit('moForward') }),
    ];
    unsubs.push(() => subs.forEach((s) => s.unsubscribe()));
  }
  return {
    bus, relay, worker,
    async stop(so = {}) {
      await relay.stop();
      if (worker) await worker.stop(so);
      for (const u of unsubs) u();
      await bus.close();
    },
  };
}
