/**
 * Names on the bus. Accepted MT messages go to one subject per delivery lane (src/domain/priority.ts):
 * `<prefix>.mtv.<p>` (verification), `<prefix>.mtx.<p>` (notification, public welfare) or
 * `<prefix>.mt.<p>` (commercial), where p is the recipient number's partition, so every message to
 * one number is handled by the one egress process that owns that partition (one owner of the
 * number's state at a time; in order within each lane's subject). Status
 * changes and MO for content providers flow back on `<prefix>.evt.*` to whichever ingress holds the
 * provider's SMPP binds; refusals go the other way, to every egress worker (`<prefix>.evt.refusal`).
 * A cancel asks every egress worker for the message it names (`<prefix>.cmd.take-back`, request/reply),
 * and for one already written, the owner of its recipient's partition to ask the carrier
 * (`<prefix>.cmd.cancel-upstream`, request/reply). An operator's stop, start or listing of the carrier
 * links asks every egress process (`<prefix>.cmd.link-control`, `<prefix>.cmd.link-status`, one
 * request, many replies), and the stops in force are kept in a stream of their own (link-control.ts).
 * A revoked token or SMPP credential is told to every process (`<prefix>.evt.revoked`, roles.ts).
 */
import type { Priority } from '../domain/priority.js';

export interface QueueNames {
  prefix: string;
  /** JetStream stream holding MT hand-overs (work-queue retention: a message leaves when acked). */
  stream: string;
  mt(partition: number): string;
  /**
   * The express subject of one partition, `<prefix>.mtx.<p>`: the middle lane (notification, public
   * welfare). Its own consumer, processed beside the partition's other two, so a notice never waits
   * in the stream behind a commercial backlog of its partition.
   */
  mtExpress(partition: number): string;
  /**
   * The codes' subject of one partition, `<prefix>.mtv.<p>`: the first lane (verification). Its own
   * consumer too, so a code waits in the stream neither behind a commercial backlog nor behind a
   * bulk notification or public welfare send of its partition (before 2026-12-07 codes shared `mtx`).
   */
  mtCode(partition: number): string;
  /** Durable pull consumer of one partition. */
  consumer(partition: number): string;
  /** Durable pull consumer of one partition's express subject. */
  consumerExpress(partition: number): string;
  /** Durable pull consumer of one partition's codes' subject. */
  consumerCode(partition: number): string;
  status: string;
  mo: string;
  /** The app's `refusal` events, from every process to every egress worker (in-flight.ts). */
  refusal: string;
  /**
   * An egress worker recorded `submitted` statuses (a batch's upstream ids are on file): every other
   * egress worker's receipt book tries its waiting receipts again at once (egress-worker.ts).
   */
  submitted: string;
  /** The app's `secretRevoked` notices, from every process to every process (roles.ts). */
  revoked: string;
  /** A cancel's request to the egress worker holding the message to give it up unwritten (take-back.ts). */
  takeBack: string;
  /** A cancel's request to the owner of the recipient's partition to cancel it at the carrier (cancel-upstream.ts). */
  cancelUpstream: string;
  /** An operator's stop or start of a link, to every egress process (link-control.ts). */
  linkControl: string;
  /** The links' listing, to every egress process (link-control.ts). */
  linkStatus: string;
  /** JetStream stream keeping the stops in force, the last message of each link's subject (link-control.ts). */
  linkStream: string;
  /** That stream's subject of one link (any name: hex-encoded to one token). */
  linkStop(name: string): string;
}

export function queueNames(prefix = 'smsguard'): QueueNames {
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(prefix)) throw new Error(`invalid queue prefix ${JSON.stringify(prefix)}`);
  return {
    prefix,
    stream: `${prefix}_mt`.toUpperCase(),
    mt: (p) => `${prefix}.mt.${p}`,
    mtExpress: (p) => `${prefix}.mtx.${p}`,
    mtCode: (p) => `${prefix}.mtv.${p}`,
    consumer: (p) => `egress_${p}`,
    consumerExpress: (p) => `egress_x_${p}`,
    consumerCode: (p) => `egress_v_${p}`,
    status: `${prefix}.evt.status`,
    mo: `${prefix}.evt.mo`,
    refusal: `${prefix}.evt.refusal`,
    submitted: `${prefix}.evt.submitted`,
    revoked: `${prefix}.evt.revoked`,
    takeBack: `${prefix}.cmd.take-back`,
    cancelUpstream: `${prefix}.cmd.cancel-upstream`,
    linkControl: `${prefix}.cmd.link-control`,
    linkStatus: `${prefix}.cmd.link-status`,
    linkStream: `${prefix}_mt_links`.toUpperCase(),
    linkStop: (name) => `${prefix}.links.${Buffer.from(name, 'utf8').toString('hex') || '_'}`,
  };
}

/** One lane's subject and durable consumer in a partition. */
export interface LaneChannel {
  priority: Priority;
  subject: string;
  durable: string;
}

/** A partition's three lanes, first lane first: each its own subject and consumer. */
export function laneChannels(names: QueueNames, partition: number): LaneChannel[] {
  return [
    { priority: 0, subject: names.mtCode(partition), durable: names.consumerCode(partition) },
    { priority: 1, subject: names.mtExpress(partition), durable: names.consumerExpress(partition) },
    { priority: 2, subject: names.mt(partition), durable: names.consumer(partition) },
  ];
}

/** The subject a message of lane `priority` to partition p is handed over on (a lane not known: commercial's). */
export function laneSubject(names: QueueNames, priority: Priority | undefined, partition: number): string {
  return priority === 0 ? names.mtCode(partition) : priority === 1 ? names.mtExpress(partition) : names.mt(partition);
}

/** The wildcard subjects of the MT stream, one per lane. */
export function mtSubjects(names: QueueNames): string[] {
  return [`${names.prefix}.mt.*`, `${names.prefix}.mtx.*`, `${names.prefix}.mtv.*`];
}

/** FNV-1a (32-bit) of the canonical number, mod `partitions`: stable across processes and versions. */
export function partitionOf(msisdn: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < msisdn.length; i++) {
    h ^= msisdn.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % partitions;
}

/** What travels on a lane's subject (`<prefix>.mt.<p>`, `.mtx.`, `.mtv.`): only the id (PostgreSQL holds the message), plus the hand-over round. */
export interface MtHandOver {
  id: string;
  to: string;
  /** Attempts already made when handed over (the Nats-Msg-Id is `<id>.<attempts>.<round>`). */
  attempts: number;
}
