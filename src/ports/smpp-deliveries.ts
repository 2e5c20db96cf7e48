/**
 * deliver_sm waiting for a content provider's ESME: delivery receipts and forwarded MO that the SMPP
 * server could not hand over (no receiver/transceiver bound, or the ESME did not take it). Kept
 * durably so a gateway restart loses none, delivered oldest first once the provider binds, deleted
 * once the ESME answered `ESME_ROK`, dropped after an age like an SMSC's validity period.
 *
 * Several gateway processes share one store: a row is leased to one process (`owner`) at a time, so
 * two processes with binds of the same provider never send the same row at once. The PDU travels as
 * opaque bytes: the store keeps and returns them, it never reads them.
 */

/** What a waiting deliver_sm carries, for counts and masked logs. */
export type SmppDeliveryKind = 'receipt' | 'mo';

/** A deliver_sm to keep until the provider's ESME takes it. */
export interface NewSmppDelivery {
  contentProviderId: string;
  kind: SmppDeliveryKind;
  /**
   * Identity within the provider (`receipt:<message id>:<stat>`, `mo:<mo id>:<part>`): adding a key
   * the provider already has waiting is a no-op, so processes that each heard the same event keep
   * one row.
   */
  key: string;
  /** The encoded deliver_sm; its sequence_number is reassigned when sent. */
  pdu: Uint8Array;
  /** The mobile user's number (receipt: recipient; MO: sender), for logs that mask it. */
  msisdn: string;
  /** When the event happened (epoch ms): expiry counts from here. */
  createdAt: number;
  /** Not to be tried before (epoch ms). */
  dueAt: number;
  /** Failed attempts so far (the retry backoff grows with it). */
  attempts: number;
}

/** A kept deliver_sm; `id` grows with insertion, so ordering by it is oldest first. */
export interface SmppDelivery extends NewSmppDelivery {
  id: number;
}

/** What an expiry dropped (no PDU: the bytes hold the text, which logs must not carry). */
export interface ExpiredSmppDelivery {
  id: number;
  contentProviderId: string;
  kind: SmppDeliveryKind;
  msisdn: string;
  createdAt: number;
  attempts: number;
}

/**
 * One part of a content provider's long message (UDH or SAR) that the SMPP server acknowledged
 * before its set was whole: kept until the set is decided, so a restart between the parts loses none.
 */
export interface ProviderPart {
  /** The set: provider, sender, recipient, reference kind and value, part count (server.ts). */
  setKey: string;
  /** 1-based. */
  seq: number;
  total: number;
  /** The part's payload as received (decoded only once the set is whole: a character may span two parts). */
  octets: Uint8Array;
  dataCoding: number;
  /** The message id its submit_sm_resp gave (the part's receipt goes under it). */
  partId: string;
  /** The part's registered_delivery byte. */
  registeredDelivery: number;
  /** When it arrived (epoch ms): the set expires counting from its first part. */
  at: number;
  /**
   * The smsguard vendor TLVs the part gave (0x1400 message type as written, 0x1401 consent category,
   * 0x1403 charged service as given, `""` included); absent (null in the store) when it gave none.
   * The set takes a value given on any part; parts giving different values refuse it (server.ts
   * completeSet). Kept parts from before SQLite 131 / PostgreSQL 125 have none.
   */
  messageType?: string;
  category?: string;
  chargedServiceId?: string;
}

export interface SmppDeliveryClaim {
  contentProviderId: string;
  /** Who takes the rows (one id per gateway process). */
  owner: string;
  now: number;
  /** The rows are this owner's until `now + leaseMs`; after that anyone may take them again. */
  leaseMs: number;
  limit: number;
}

export interface SmppDeliveryStore {
  /** Keeps deliveries; returns how many were new (a key already waiting is skipped). */
  add(rows: readonly NewSmppDelivery[]): Promise<number>;
  /** Of `contentProviderIds`, the providers with at least one row due at `now` and not leased. */
  due(contentProviderIds: readonly string[], now: number): Promise<string[]>;
  /**
   * Leases up to `limit` of the provider's rows that are due at `now` and not leased to another
   * owner (or whose lease ran out), oldest first. Concurrent claims never return the same row.
   */
  claim(q: SmppDeliveryClaim): Promise<SmppDelivery[]>;
  /** The ESME took them: deletes the rows (whoever holds them). */
  remove(ids: readonly number[]): Promise<void>;
  /**
   * Not taken (refused for now, unanswered, connection lost): the row goes back, due at `dueAt`,
   * with `attempts`, unleased. Only while `owner` still holds it; false otherwise.
   */
  retry(id: number, owner: string, dueAt: number, attempts: number): Promise<boolean>;
  /** Drops every lease `owner` holds (clean shutdown), so other processes may send at once. */
  release(owner: string): Promise<number>;
  /** Deletes up to `limit` rows created before `before`, oldest first, and says which. */
  expire(before: number, limit: number): Promise<ExpiredSmppDelivery[]>;
  /** Rows waiting (for one provider, or all). */
  count(contentProviderId?: string): Promise<number>;
  /**
   * Says which providers have a receiver/transceiver bound on `owner`, valid until `until`;
   * replaces what `owner` said before (an empty list withdraws it; what ran out before `now` goes). Lets a process that hears an
   * event every process hears (the NATS bus fans receipts out) leave it to the one with the bind.
   */
  announceReceivers(q: { owner: string; contentProviderIds: readonly string[]; now: number; until: number }): Promise<void>;
  /** Providers with a receiver announced by an owner other than `owner` and still valid at `now`. */
  receiversElsewhere(owner: string, now: number): Promise<string[]>;
  /** Keeps acknowledged parts of unfinished long messages, in one transaction; a repeat of (setKey, seq) changes nothing. */
  keepParts(parts: readonly ProviderPart[]): Promise<void>;
  /**
   * Forgets sets (decided, refused or expired), in one transaction, and says which of their parts
   * were still kept: none of a set that another gateway process sharing the store already completed
   * or expired.
   */
  dropParts(setKeys: readonly string[]): Promise<{ setKey: string; seq: number }[]>;
  /**
   * If all `total` parts of a set are kept (by any gateway process sharing the store), removes and
   * returns them in seq order, atomically: of processes asking at once, one gets them. Else null,
   * and nothing is removed. How a set whose parts reached different processes is completed.
   */
  takeWholeSet(setKey: string, total: number): Promise<ProviderPart[] | null>;
  /** Every kept part, oldest first (the SMPP server reopens their sets at start). */
  openParts(): Promise<ProviderPart[]>;
}
