/**
 * Names on the bus. Accepted MT messages go to `<prefix>.mt.<p>` (commercial) or `<prefix>.mtx.<p>`
 * (every other type: the express lanes), where p is the recipient number's partition, so every
 * message to one number is handled by the one egress process that owns that partition (one owner of
 * the number's state at a time; in order within each of the two subjects). Status
 * changes and MO for content providers flow back on `<prefix>.evt.*` to whichever ingress holds the
 * provider's SMPP binds; refusals go the other way, to every egress worker (`<prefix>.evt.refusal`).
 * A cancel asks every egress worker for the message it names (`<prefix>.cmd.take-back`, request/reply),
 * and for one already written, the owner of its recipient's partition to ask the carrier
 * (`<prefix>.cmd.cancel-upstream`, request/reply). An operator's stop, start or listing of the carrier
 * links asks every egress process (`<prefix>.cmd.link-control`, `<prefix>.cmd.link-status`, one
 * request, many replies), and the stops in force are kept in a stream of their own (link-control.ts).
 * A revoked token or SMPP credential is told to every process (`<prefix>.evt.revoked`, roles.ts).
 */
export interface QueueNames {
  prefix: string;
  /** JetStream stream holding MT hand-overs (work-queue retention: a message leaves when acked). */
  stream: string;
  mt(partition: number): string;
  /**
   * The express subject of one partition, `<prefix>.mtx.<p>`: messages of the delivery lanes above
   * the commercial one (src/domain/priority.ts: verification, notification, public welfare). Its own
   * consumer, processed beside the partition's `mt` one, so a code never waits in the stream behind
   * a commercial backlog of its partition.
   */
  mtExpress(partition: number): string;
  /** Durable pull consumer of one partition. */
  consumer(partition: number): string;
  /** Durable pull consumer of one partition's express subject. */
  consumerExpress(partition: number): string;
  status: string;
  mo: string;
  /** The app's `refusal` events, from every process to every egress worker (in-flight.ts). */
  refusal: string;
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
    consumer: (p) => `egress_${p}`,
    consumerExpress: (p) => `egress_x_${p}`,
    status: `${prefix}.evt.status`,
    mo: `${prefix}.evt.mo`,
    refusal: `${prefix}.evt.refusal`,
    revoked: `${prefix}.evt.revoked`,
    takeBack: `${prefix}.cmd.take-back`,
    cancelUpstream: `${prefix}.cmd.cancel-upstream`,
    linkControl: `${prefix}.cmd.link-control`,
    linkStatus: `${prefix}.cmd.link-status`,
    linkStream: `${prefix}_mt_links`.toUpperCase(),
    linkStop: (name) => `${prefix}.links.${Buffer.from(name, 'utf8').toString('hex') || '_'}`,
  };
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

/** What travels on `<prefix>.mt.<p>`: only the id (PostgreSQL holds the message), plus the hand-over round. */
export interface MtHandOver {
  id: string;
  to: string;
  /** Attempts already made when handed over (the Nats-Msg-Id is `<id>.<attempts>.<round>`). */
  attempts: number;
}
