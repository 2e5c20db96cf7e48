/**
 * What the bus pipeline needs from the store beyond the OutboxStore port: a shared queue (leases
 * visible to every process) and partition leases. The PostgreSQL store provides both; the SQLite
 * store serves one process and has no use for a bus.
 */
import type { OutboundMessage, OutboxStore } from '../ports/store.js';

export interface QueueOutbox extends OutboxStore {
  /** Queued, due, unleased messages not handed to the bus within `graceMs`; marks them handed over at `now`. */
  relay(now: number, limit: number, graceMs: number): Promise<OutboundMessage[]>;
  /** Leases these messages if still queued, due (within `skewMs`) and unleased; the rest are someone else's or done. */
  claimIds(ids: readonly string[], now: number, leaseMs: number, skewMs?: number): Promise<OutboundMessage[]>;
}

export interface PartitionLeases {
  balance(member: string, partitions: number, now: number, ttlMs: number, release: (ps: number[]) => Promise<void>): Promise<number[]>;
  leave(member: string): Promise<void>;
  /**
   * The fewest lanes' subjects a live egress member consumes (subjects.ts): below one per lane while
   * a member of an earlier version is live (a rolling upgrade), whose partitions' lanes subjects
   * nobody would read.
   */
  fleetLanes(now: number): Promise<number>;
}

export interface QueueTimings {
  /** How long an egress worker holds a claimed message before another may take it. */
  leaseMs: number;
  /** How long after a hand-over the relay assumes the bus or worker lost it and hands it over again. */
  graceMs: number;
  /** JetStream ack wait: redelivery of a delivered but unacknowledged message. */
  ackWaitMs: number;
  /** Partition lease time (wall clock). */
  partitionTtlMs: number;
  /** How often the relay sweeps for lost hand-overs and due retries. */
  sweepMs: number;
  /**
   * How far ahead of an egress machine's clock an ingress machine's may run: a message accepted
   * there is due "in the future" here by that much. Retries are handed over only when due anyway.
   */
  clockSkewMs: number;
  /**
   * At shutdown, how long an egress worker waits for the batch in hand of each partition (a submit
   * waiting for a link that is down would otherwise hold the shutdown for its whole budget).
   */
  stopWaitMs: number;
  /**
   * How often an egress worker's receipt book tries again the receipts whose message it could not
   * find yet (ReceiptBook.start): the fallback of the `submitted` wake (QueueNames.submitted), which
   * a lost core-NATS message or an older process does not send.
   */
  receiptRetryMs: number;
}

export const DEFAULT_TIMINGS: QueueTimings = { leaseMs: 60_000, graceMs: 30_000, ackWaitMs: 30_000, partitionTtlMs: 10_000, sweepMs: 1000, clockSkewMs: 5000, stopWaitMs: 10_000, receiptRetryMs: 250 };
