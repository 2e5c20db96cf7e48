/**
 * What the core needs from durable storage, split per aggregate. Adapters (SQLite, PostgreSQL) own
 * their connections and transactions; no connection or transaction type crosses this boundary. The
 * same contract suite (test/contract/) runs against every adapter.
 *
 * Each part is declared in a file of its own named for it (directory.ts, messages.ts, outbox.ts,
 * consents.ts, records.ts…); this file composes them into `Store` and re-exports their types, so an
 * importer may take them from here or from the part's file.
 */
import type { MessageType, PortKind } from '../domain/message-type.js';
import type { DirectoryStore } from './directory.js';
import type { MessageStore } from './messages.js';
import type { IdempotencyStore } from './idempotency.js';
import type { OutboxStore } from './outbox.js';
import type { ConsentStore } from './consents.js';
import type { RecordStore } from './records.js';
import type { SettingsStore } from './settings.js';
import type { CallbackStore } from './callbacks.js';
import type { UsageStore } from './usage.js';

export type * from './directory.js';
export type * from './messages.js';
export type * from './idempotency.js';
export type * from './outbox.js';
export type * from './consents.js';
export type * from './charged-services.js';
export type * from './records.js';
export type * from './record-archive.js';
export type * from './settings.js';
export type * from './callbacks.js';
export type * from './usage.js';

/** Everything together; adapters implement this. */
export interface Store {
  directory: DirectoryStore;
  messages: MessageStore;
  outbox: OutboxStore;
  consents: ConsentStore;
  records: RecordStore;
  settings: SettingsStore;
  cases: import('./cases.js').ComplaintsStore;
  /** HTTP callbacks: providers' URLs and the queue of events to push (src/app/callback-worker.ts). */
  callbacks: CallbackStore;
  /** Usage figures per provider and day (README "Usage"). */
  usage: UsageStore;
  /** Kept `Idempotency-Key`s of the HTTP submit routes (README "Retrying safely"). */
  idempotency: IdempotencyStore;
  /**
   * The public doors' per-address limits (src/app/address-window.ts): PostgreSQL counts them for the
   * deployment, SQLite (one process) in memory.
   */
  addressLimits: import('./address-limits.js').AddressLimitStore;
  /**
   * The web forms' once-tokens (src/web/form-once.ts): a form posted twice acts once, whichever
   * process each post reaches (both adapters keep them in a table).
   */
  formTokens: import('./form-tokens.js').FormTokenStore;
  /**
   * The web pages' sign-ins (src/app/web-sessions.ts): the cookie holds a random session id, the store
   * its digest, so a sign-out ends it for every process and a copied cookie with it.
   */
  webSessions: import('./web-sessions.js').WebSessionStore;
  /**
   * Resolves once the store answers a trivial query through its own connections (PostgreSQL: the
   * pool, no connection of its own), rejects when it cannot be reached: the readiness probe's store
   * check (app/readiness.ts). The caller bounds the wait.
   */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type { PortKind, MessageType };
