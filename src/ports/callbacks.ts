import type { KeysetPosition } from '../domain/page-cursor.js';

/**
 * Where a content provider wants its HTTP callbacks (webhooks, src/app/callbacks.ts) and the secret
 * they are signed with. The secret is kept as given, not hashed: the gateway needs it to compute
 * each callback's HMAC.
 */
export interface CallbackSettings {
  contentProviderId: string;
  /** Absolute http(s) URL that gets `message.status` events; null: none sent. */
  statusUrl: string | null;
  /** Absolute http(s) URL that gets `mo` events; null: none sent. */
  moUrl: string | null;
  /** HMAC-SHA256 key of the `X-Smsguard-Signature` header; null until a URL was first set. */
  secret: string | null;
  updatedAt: number;
}

/** Which URL a queued callback goes to. */
export type CallbackKind = 'status' | 'mo';

/** An event to push to a provider, as queued (src/app/callback-worker.ts). */
export interface NewCallbackEvent {
  /**
   * Stable identity of the event (`<messageId>:<status>`, `mo:<moId>`), sent as X-Smsguard-Event-Id:
   * queueing an id already queued (or sent, while its row is kept) changes nothing, so processes
   * that each heard the same event keep one row.
   */
  eventId: string;
  contentProviderId: string;
  kind: CallbackKind;
  /** The JSON body exactly as it will be POSTed (the signature is over these bytes). */
  body: string;
  /** When it was queued (epoch ms, app clock): the 24 h give-up counts from here. */
  createdAt: number;
}

/** A queued callback as a claim returns it. */
export interface CallbackEvent extends NewCallbackEvent {
  /** Not to be tried before (epoch ms, app clock). */
  dueAt: number;
  /** Failed attempts so far (the backoff grows with them). */
  attempts: number;
}

/** A queued callback given up (kept for inspection until pruned). */
export interface FailedCallback extends CallbackEvent {
  failedAt: number;
  /** What the last attempt got: `HTTP 500`, `timeout`, a connection error… */
  lastError: string;
}

/**
 * HTTP callbacks of content providers: their URLs and secret, and the durable queue of events to
 * POST (at least once). A queued row is leased to one process at a time, so gateway processes
 * sharing a PostgreSQL store never send one event at once.
 *
 * The store queues callbacks itself, in the transaction that records what they tell (README "HTTP
 * callbacks"): a status change (OutboxStore.recordStatuses, applyReceipts, cancel) of a provider
 * with a statusUrl queues `<messageId>:<status>`; a held message's rejection (MessageStore.resolveHeld)
 * `<messageId>:rejected` with code `held_for_review`; an MO recorded `forwarded` (RecordStore.recordMo)
 * of a provider with a moUrl `mo:<moId>`. Which providers have a URL, it keeps in memory: read when
 * it opens, changed by `putSettings`, replaced by every `listSettings`; a URL another process set is
 * seen at the next `listSettings` (the callback worker's reload), and until then this store's
 * transactions queue nothing of that provider.
 */
export interface CallbackStore {
  /** The provider's settings, or null when it never set any. */
  getSettings(contentProviderId: string): Promise<CallbackSettings | null>;
  /** Creates or replaces the provider's settings; this store's transactions queue by them from now on. */
  putSettings(s: CallbackSettings): Promise<void>;
  /**
   * Every provider's settings with at least one URL (the in-memory map is loaded from these). Also
   * refreshes which providers this store's transactions queue callbacks for (what other processes set).
   */
  listSettings(): Promise<CallbackSettings[]>;
  /**
   * Queues events, due at once; returns how many were new (an eventId already queued is ignored, so
   * an event the store queued in its transaction and queued again here keeps its first row).
   */
  enqueue(events: readonly NewCallbackEvent[]): Promise<number>;
  /**
   * Leases up to `limit` events due at `now`, not given up and not leased to another owner (or whose
   * lease ran out), oldest due first, to `owner` until `now + leaseMs`. Concurrent claims never
   * return the same row.
   */
  claim(q: { owner: string; now: number; leaseMs: number; limit: number }): Promise<CallbackEvent[]>;
  /** Sent (the receiver answered 2xx): deletes the row, while `owner` holds its lease; false otherwise. */
  done(eventId: string, owner: string): Promise<boolean>;
  /** Not taken: the row goes back unleased, due at `dueAt` with `attempts`, while `owner` holds it; false otherwise. */
  retry(eventId: string, owner: string, dueAt: number, attempts: number, lastError: string): Promise<boolean>;
  /** Given up: the row stays, never claimed again, with when and why, while `owner` holds it; false otherwise. */
  giveUp(eventId: string, owner: string, at: number, attempts: number, lastError: string): Promise<boolean>;
  /**
   * Given-up rows of a provider (or all), oldest first (by `failedAt`, then event id), for inspection.
   * With `after` (a page's last row's `failedAt` and event id), only those past it.
   */
  listFailed(contentProviderId?: string, limit?: number, after?: KeysetPosition): Promise<FailedCallback[]>;
  /**
   * Sends given-up rows of `contentProviderId` again (its receiver fixed): each goes back to the
   * queue due at `now`, unleased, with no failed attempts and `createdAt = now`, so it gets the whole
   * backoff and a fresh 24 h before it is given up again. Only the named `eventIds` when given (ids
   * that are not this provider's, or not given up, are passed over); returns how many went back. A
   * row of another provider is never touched.
   */
  requeueFailed(contentProviderId: string, now: number, eventIds?: readonly string[]): Promise<number>;
  /** Deletes up to `limit` given-up rows that failed before `before`; returns how many. */
  pruneFailed(before: number, limit: number): Promise<number>;
  /** Rows still to send (not given up), of one provider or all. */
  pendingCount(contentProviderId?: string): Promise<number>;
}
