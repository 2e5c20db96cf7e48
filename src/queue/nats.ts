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
  if (declared) {
    // declared by a version before the lanes' subjects: add them (the stream keeps what it holds)
    const have = declared.config.subjects ?? [];
    if (subjects.some((s) => !have.includes(s))) await jsm.streams.update(o.names.stream, { ...declared.config, subjects: [...new Set([...have, ...subjects])] });
  } else {
    try {
      await jsm.streams.add({ name: o.names.stream, subjects, retention: RetentionPolicy.Workqueue, storage: StorageType.File, duplicate_window: 120_000_000_000 });
    } catch (e) {
      // Another process declared it first.
      if (!/already in use|exists/i.test((e as Error).message)) throw e;
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
