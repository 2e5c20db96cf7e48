/**
 * Connecting to NATS and declaring the JetStream stream and per-partition consumers (idempotent, so
 * every process can declare at start). The stream's duplicate window makes a re-publish of the same
 * hand-over (same Nats-Msg-Id) a no-op.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, RetentionPolicy, StorageType, jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { laneChannels, mtSubjects, type QueueNames } from './subjects.js';
import { withoutPassword } from '../runtime/without-password.js';

export interface Bus {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  names: QueueNames;
  partitions: number;
  close(): Promise<void>;
}

export const NATS_START_HINT =
  'Start NATS with JetStream, e.g.: start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server';

/** The bus of `--queue` cannot be reached: the operator's to fix (start NATS, or correct the URL), said in one line. */
export class BusUnreachableError extends Error {
  override readonly name = 'BusUnreachableError';
}

/**
 * The bus's stream belongs to another deployment, or was set up with another partition count: the
 * operator's to fix (a `--queue-prefix` of this deployment's own, or the same count everywhere).
 */
export class BusClaimedError extends Error {
  override readonly name = 'BusClaimedError';
}

/** Who declares the stream (a gateway process; tests without one skip the check). */
export interface BusOwner {
  /** The deployment's id, drawn once per store schema (PostgresStore.busDeployment). */
  deployment: string;
  /** Where that deployment's store is, `database/schema`, for the operator's message. */
  where: string;
}

/**
 * What the stream's description says of its deployment: `smsguard deployment=<id> partitions=<n>
 * prefix=<prefix> store=<database/schema>`; null for a stream declared before it said anything.
 */
export function parseStreamOwner(description: string | undefined): { deployment: string; partitions: number; prefix: string; where: string } | null {
  const m = /^smsguard deployment=(\S+) partitions=(\d+) prefix=(\S+) store=(\S*)$/.exec(description ?? '');
  return m ? { deployment: m[1]!, partitions: Number(m[2]), prefix: m[3]!, where: m[4]! } : null;
}

function streamOwnerText(owner: BusOwner, partitions: number, prefix: string): string {
  return `smsguard deployment=${owner.deployment} partitions=${partitions} prefix=${prefix} store=${owner.where}`;
}

/**
 * Refuses a stream another deployment declared (its egress processes would take this one's
 * messages, find no row of theirs and ack them away, and the two would share link stops), one
 * declared under a prefix differing only in case (the stream's name is upper case: same stream,
 * other subjects, consumers filtering the first prefix's), and one set up with another partition
 * count (numbers routed to partitions no egress process consumes).
 */
function checkStreamOwner(url: string, o: BusOptions, owner: BusOwner, description: string | undefined): void {
  const was = parseStreamOwner(description);
  if (!was) return;
  const where = `the bus's stream ${o.names.stream} at ${withoutPassword(url)} (--queue-prefix ${o.names.prefix})`;
  if (was.deployment !== owner.deployment) {
    throw new BusClaimedError(`${where} belongs to another deployment (store ${was.where || '?'}, deployment ${was.deployment}; this one is ${owner.where}, deployment ${owner.deployment}): `
      + `each would take the other's messages. Give every deployment its own --queue-prefix (SMSGUARD_QUEUE_PREFIX); if that deployment is gone for good, delete its streams ${o.names.stream} and ${o.names.linkStream} first (docs/SCALING.md "Running it")`);
  }
  if (was.prefix !== o.names.prefix) {
    throw new BusClaimedError(`${where} was declared by this deployment under --queue-prefix ${was.prefix}; stream names ignore case, subjects do not: start every process with --queue-prefix ${was.prefix}`);
  }
  if (was.partitions !== o.partitions) {
    throw new BusClaimedError(`${where}: this deployment routes numbers over ${was.partitions} partitions, this process was given ${o.partitions} (SMSGUARD_QUEUE_PARTITIONS): every process of a deployment needs the same count, or messages wait on partitions no egress process reads`);
  }
}

/** `nats://host:port` (or a comma-separated list) → server list for the client. */
export function natsServers(url: string): string[] {
  return url.split(',').map((s) => s.trim().replace(/^nats:\/\//, '')).filter(Boolean);
}

export interface BusOptions {
  url: string;
  names: QueueNames;
  partitions: number;
  /** How long a delivered, unacknowledged message waits before JetStream redelivers it. */
  ackWaitMs: number;
  name?: string;
  /** The deployment declaring the stream: checked against the one that declared it (checkStreamOwner), and written on it. */
  owner?: BusOwner;
}

export async function openBus(o: BusOptions): Promise<Bus> {
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: natsServers(o.url), name: o.name ?? 'smsguard', maxReconnectAttempts: -1, reconnectTimeWait: 500 });
  } catch (e) {
    throw new BusUnreachableError(`cannot reach NATS at ${withoutPassword(o.url)} (--queue): ${(e as Error).message}; is it running, and is --queue right? ${NATS_START_HINT}`);
  }
  const jsm = await jetstreamManager(nc);
  const subjects = mtSubjects(o.names);
  let declared = null;
  try {
    declared = await jsm.streams.info(o.names.stream);
  } catch {
    declared = null;
  }
  const description = o.owner ? streamOwnerText(o.owner, o.partitions, o.names.prefix) : undefined;
  if (!declared) {
    try {
      await jsm.streams.add({ name: o.names.stream, subjects, retention: RetentionPolicy.Workqueue, storage: StorageType.File, duplicate_window: 120_000_000_000, ...(description ? { description } : {}) });
    } catch (e) {
      // Another process declared it first: checked as any stream found.
      if (!/already in use|exists/i.test((e as Error).message)) throw e;
      declared = await jsm.streams.info(o.names.stream);
    }
  }
  if (declared) {
    try {
      if (o.owner) checkStreamOwner(o.url, o, o.owner, declared.config.description);
    } catch (e) {
      await nc.close().catch(() => undefined);
      throw e;
    }
    // declared by a version before the lanes' subjects: add them (the stream keeps what it holds);
    // declared before streams named their deployment: this one's from now on
    const have = declared.config.subjects ?? [];
    const claim = description !== undefined && !parseStreamOwner(declared.config.description);
    if (claim || subjects.some((s) => !have.includes(s))) {
      await jsm.streams.update(o.names.stream, { ...declared.config, subjects: [...new Set([...have, ...subjects])], ...(claim ? { description } : {}) });
    }
  }
  const ackWait = o.ackWaitMs * 1_000_000;
  // each partition's consumer of each lane (subjects.ts), in the order of lanes: codes' first
  for (let part = 0; part < o.partitions; part++) for (const { subject, durable } of laneChannels(o.names, part)) {
    let info;
    try {
      info = await jsm.consumers.info(o.names.stream, durable);
    } catch {
      info = null;
    }
    if (info) {
      // Declared by an earlier start with another ack wait: the configuration in force wins.
      if (info.config.ack_wait !== ackWait) await jsm.consumers.update(o.names.stream, durable, { ack_wait: ackWait });
      continue;
    }
    try {
      await jsm.consumers.add(o.names.stream, {
        durable_name: durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All,
        ack_wait: ackWait, filter_subject: subject, max_ack_pending: 20_000, max_deliver: -1,
      });
    } catch (e) {
      if (!/already in use|exists/i.test((e as Error).message)) throw e;
    }
  }
  const js = jetstream(nc);
  return {
    nc, js, jsm, names: o.names, partitions: o.partitions,
    async close() {
      await nc.drain().catch(() => undefined);
    },
  };
}

/** Removes the stream (tests clean up after themselves). */
export async function deleteStream(bus: Bus): Promise<void> {
  await bus.jsm.streams.delete(bus.names.stream).catch(() => undefined);
  // and the stops in force of the carrier links (link-control.ts), kept under the same prefix
  await bus.jsm.streams.delete(bus.names.linkStream).catch(() => undefined);
}
