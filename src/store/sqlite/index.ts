/** The SQLite store: the embedded default (one file in ./var, WAL). */
import { openDatabase, type Db } from './db.js';
import { DEFAULT_SQLITE_TUNING, type SqliteTuning } from './tuning.js';
import { Checkpointer } from './checkpointer.js';
import { RecordsWriter } from './records-writer.js';
import { SqliteDirectory } from './directory.js';
import { SqliteMessages } from './messages.js';
import { SqliteOutbox } from './outbox.js';
import { HandedMessages } from './handed-messages.js';
import { SqliteConsents } from './consents.js';
import { SqliteRecords } from './records.js';
import { SqliteCases } from './cases.js';
import { SqliteSmppDeliveries } from './smpp-deliveries.js';
import { SqliteCallbacks } from './callbacks.js';
import { SqliteUsage } from './usage.js';
import { SqliteIdempotency } from './idempotency.js';
import { MemoryAddressLimits } from '../../runtime/address-counts.js';
import { SqliteFormTokens } from './form-tokens.js';
import { SqliteWebSessions } from './web-sessions.js';
import type { SettingsStore, Store } from '../../ports/store.js';

export class SqliteStore implements Store {
  readonly db: Db;
  readonly directory: SqliteDirectory;
  readonly messages: SqliteMessages;
  readonly outbox: SqliteOutbox;
  readonly consents: SqliteConsents;
  readonly records: SqliteRecords;
  readonly settings: SettingsStore;
  readonly cases: SqliteCases;
  readonly callbacks: SqliteCallbacks;
  readonly usage: SqliteUsage;
  readonly idempotency: SqliteIdempotency;
  /** The public doors' per-address counts: in memory, one process serves a SQLite database. */
  readonly addressLimits = new MemoryAddressLimits();
  /** The web forms' once-tokens (migration 130). */
  readonly formTokens: SqliteFormTokens;
  /** The web pages' sign-ins (migration 132). */
  readonly webSessions: SqliteWebSessions;
  /** deliver_sm waiting for a provider's ESME (not part of `Store`; the SMPP server takes the port directly). */
  readonly smppDeliveries: SqliteSmppDeliveries;

  private readonly checkpointer: Checkpointer | null;

  /**
   * Opens (creating and migrating) the database at `path`. `tuning`: the tuning and benchmark
   * switches (SqliteTuning), each defaulting as DEFAULT_SQLITE_TUNING; the configuration gives them
   * (src/config/sqlite-tuning.ts), the store reads no environment.
   */
  constructor(path: string, tuning: Partial<SqliteTuning> = {}) {
    const t: SqliteTuning = { ...DEFAULT_SQLITE_TUNING, ...tuning };
    this.db = openDatabase(path, t);
    this.checkpointer = path === ':memory:' ? null : new Checkpointer(path);
    const writer = new RecordsWriter(this.db, t);
    this.directory = new SqliteDirectory(this.db, writer);
    // Messages a decision committed go to the next claim without being read back (handed-messages.ts).
    const handed = new HandedMessages();
    // the usage counters are written inside the decision and status transactions (usage.ts)
    this.usage = new SqliteUsage(this.db);
    // callback rows are queued inside the status, review and MO transactions (callback-targets.ts)
    this.callbacks = new SqliteCallbacks(this.db);
    // a keyed request's Idempotency-Key is kept inside its decision transaction (idempotency.ts)
    this.idempotency = new SqliteIdempotency(this.db);
    this.messages = new SqliteMessages(this.db, this.directory, writer, this.usage, this.callbacks, this.idempotency, handed);
    this.outbox = new SqliteOutbox(this.db, writer, this.usage, this.callbacks, handed);
    // a replacement checks and drops the batches' leases, which live in the outbox's memory
    this.messages.leases = this.outbox;
    // a cancel takes its message's text out of the decisions' recent texts (content.duplicate)
    this.outbox.recentTexts = this.messages.recentTexts;
    this.consents = new SqliteConsents(this.db, writer, this.callbacks);
    this.records = new SqliteRecords(writer, this.callbacks);
    // `records verify`: its threads and whether links are proven natively
    this.records.archive.linkOptions = { ...(t.verifyThreads !== undefined ? { threads: t.verifyThreads } : {}), ...(t.nativeVerify ? {} : { native: false }) };
    this.cases = new SqliteCases(this.db, writer);
    this.smppDeliveries = new SqliteSmppDeliveries(this.db);
    this.formTokens = new SqliteFormTokens(this.db);
    this.webSessions = new SqliteWebSessions(this.db);
    const db = this.db;
    this.settings = {
      async getSetting(key) {
        const r = db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
        return r?.value ?? null;
      },
      async putSetting(key, value) {
        db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT DO UPDATE SET value = excluded.value').run(key, value);
      },
    };
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    await this.records.writer.close();
    await this.checkpointer?.stop();
    if (this.db.open) this.db.close();
  }
}
