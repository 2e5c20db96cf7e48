/** The answer a request was given, to give again byte for byte. */
export interface StoredAnswer {
  /** HTTP status code. */
  status: number;
  /** The JSON body as sent. */
  body: string;
}

/** A kept key (IdempotencyStore.find). */
export interface StoredIdempotency extends StoredAnswer {
  requestHash: string;
  createdAt: number;
  /** The ids of the messages the request recorded, in order. */
  messageIds: string[];
}

/** The kept `Idempotency-Key`s: written only by MessageStore.decideAndRecord; read and pruned here. */
export interface IdempotencyStore {
  /** The key of this provider created after `createdAfter`, or null (none, or only an expired one). */
  find(contentProviderId: string, key: string, createdAfter: number): Promise<StoredIdempotency | null>;
  /** Housekeeping: deletes up to `limit` keys created before `before`; returns how many. */
  prune(before: number, limit: number): Promise<number>;
}
