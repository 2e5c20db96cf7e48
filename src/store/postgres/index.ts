/**
 * The PostgreSQL store: for several gateway processes on several machines sharing state. Same
 * contract as the SQLite store (test/contract runs one suite against both). Open with
 * `PostgresStore.open({url, schema?})`, which applies pending migrations first.
 */
import { randomBytes } from 'node:crypto';
import { createPool, migrate, queries, refuseNewerSchema, type PgOptions, type Pool } from './db.js';
import { PgRecordsWriter } from './records-writer.js';
import { PgDirectory } from './directory.js';
import { PgMessages } from './messages.js';
import { PgOutbox } from './outbox.js';
import { PgConsents } from './consents.js';
import { PgRecords } from './records.js';
import { PgRecordArchive } from './records-archive.js';
import { PgRecordsLinker } from './records-linker.js';
import { PgCases } from './cases.js';
import { PgPartitionLeases } from './partitions.js';
import { PgHttpProcesses } from './http-processes.js';
import { PgSmppCredentials } from './smpp-credentials.js';
import { PgSmppDeliveries } from './smpp-deliveries.js';
import { PgSmppBinds } from './smpp-binds.js';
import { PgMonitorShare } from './monitor-share.js';
import { PgCallbacks } from './callbacks.js';
import { PgUsage } from './usage.js';
import { PgIdempotency } from './idempotency.js';
import { PgAddressLimits } from './address-limits.js';
import { PgFormTokens } from './form-tokens.js';
import { PgWebSessions } from './web-sessions.js';
import type { SettingsStore, Store } from '../../ports/store.js';

export type { PgOptions } from './db.js';

/** The `settings` key of the deployment's id on the bus (PostgresStore.busDeployment). */
export const BUS_DEPLOYMENT_SETTING = 'bus_deployment';

export class PostgresStore implements Store {
  readonly directory: PgDirectory;
  readonly messages: PgMessages;
  readonly outbox: PgOutbox;
  readonly consents: PgConsents;
  readonly records: PgRecords;
  readonly settings: SettingsStore;
  readonly cases: PgCases;
  readonly callbacks: PgCallbacks;
  readonly usage: PgUsage;
  readonly idempotency: PgIdempotency;
  /** The public doors' per-address counts, shared by every process on the schema (migration 110). */
  readonly addressLimits: PgAddressLimits;
  /** The web forms' once-tokens, shared by every process on the schema (migration 124). */
  readonly formTokens: PgFormTokens;
  /** The web pages' sign-ins, shared by every process on the schema (migration 126). */
  readonly webSessions: PgWebSessions;
  /** Egress partition leases for the NATS pipeline (src/queue). */
  readonly partitions: PgPartitionLeases;
  /** Processes serving HTTP message requests, which split each provider's HTTP throughput (src/app/http-processes.ts). */
  readonly httpProcesses: PgHttpProcesses;
  /** SMPP credentials (not part of `Store`; the SMPP server takes the port directly). */
  readonly smppCredentials: PgSmppCredentials;
  /** deliver_sm waiting for a provider's ESME, leased to one process at a time (not part of `Store`). */
  readonly smppDeliveries: PgSmppDeliveries;
  /** Live SMPP binds of every process, so a credential's maxBinds and throughput hold for the deployment (not part of `Store`). */
  readonly smppBinds: PgSmppBinds;
  /** The early-warning monitor's counts shared between processes (src/app/monitor-share.ts; not part of `Store`). */
  readonly monitorShare: PgMonitorShare;
  readonly writer: PgRecordsWriter;
  /** Links committed records into their months' hash chains (records-linker.ts). */
  readonly linker: PgRecordsLinker;
  private closed = false;

  private constructor(readonly pool: Pool) {
    this.writer = new PgRecordsWriter(pool);
    this.directory = new PgDirectory(pool, this.writer);
    // callback rows are queued inside the status, review and MO transactions (callback-targets.ts)
    this.callbacks = new PgCallbacks(pool);
    this.messages = new PgMessages(pool, this.writer, this.callbacks);
    this.outbox = new PgOutbox(pool, this.writer, this.callbacks);
    // a cancel takes its message's text out of this process's recent texts (content.duplicate)
    this.outbox.recentTexts = this.messages.recentTexts;
    this.consents = new PgConsents(pool, this.writer, this.callbacks);
    this.linker = new PgRecordsLinker(pool);
    this.records = new PgRecords(this.writer, new PgRecordArchive(pool, this.linker, this.writer), pool, this.callbacks);
    this.cases = new PgCases(pool, this.writer);
    this.partitions = new PgPartitionLeases(pool);
    this.httpProcesses = new PgHttpProcesses(pool);
    this.smppCredentials = new PgSmppCredentials(pool, this.writer);
    this.smppDeliveries = new PgSmppDeliveries(pool);
    this.smppBinds = new PgSmppBinds(pool);
    this.monitorShare = new PgMonitorShare(pool);
    this.usage = new PgUsage(pool);
    this.idempotency = new PgIdempotency(pool);
    this.addressLimits = new PgAddressLimits(pool);
    this.formTokens = new PgFormTokens(pool);
    this.webSessions = new PgWebSessions(pool);
    const Q = queries('settings', ['get', 'put'] as const);
    this.settings = {
      async getSetting(key) {
        return (await pool.query<{ value: string }>(Q.get, [key])).rows[0]?.value ?? null;
      },
      async putSetting(key, value) {
        await pool.query(Q.put, [key, value]);
      },
    };
  }

  /**
   * Connects, creates the schema if given, applies pending migrations, and returns the store. With
   * `migrate: false` it only checks that no newer smsguard migrated the schema (`SchemaTooNewError`).
   */
  static async open(o: PgOptions & { migrate?: boolean }): Promise<PostgresStore> {
    const pool = createPool(o);
    try {
      // Not migrating is no licence to run on a schema a newer version migrated: refused all the same.
      if (o.migrate !== false) await migrate(pool, o.schema);
      else await refuseNewerSchema(pool);
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw e;
    }
    const store = new PostgresStore(pool);
    // who wants callbacks, before the first status transaction asks
    try {
      await store.callbacks.listSettings();
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw e;
    }
    // This month's and next month's record partitions up front, so the first writes of a month
    // rarely have to create one (creation briefly locks the parent table).
    await store.writer.ensurePartitions([Date.now(), Date.now() + 31 * 86_400_000]);
    return store;
  }

  /**
   * This deployment's identity on the NATS bus (`--queue`): an id drawn once per schema and kept in
   * `settings` (the first process to ask draws it, every later one reads it), and where it lives
   * (database/schema) for the operator. The bus's stream carries it, so a second deployment given
   * the same `--queue-prefix` is refused at start instead of consuming this one's messages
   * (src/queue/nats.ts, docs/SCALING.md "Running it").
   */
  async busDeployment(): Promise<{ deployment: string; where: string }> {
    const Q = queries('settings', ['get', 'claim', 'where'] as const);
    await this.pool.query(Q.claim, [BUS_DEPLOYMENT_SETTING, randomBytes(8).toString('hex')]);
    const id = (await this.pool.query<{ value: string }>(Q.get, [BUS_DEPLOYMENT_SETTING])).rows[0]!.value;
    const w = (await this.pool.query<{ database: string; schema: string | null }>(Q.where)).rows[0]!;
    return { deployment: id, where: `${w.database}/${w.schema ?? 'public'}` };
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

/** True for a `--db` value that names a PostgreSQL database rather than a SQLite file. */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}
