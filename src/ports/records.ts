import type { AuditAction } from '../domain/audit-actions.js';
import type { MoNotice } from '../domain/callback-payload.js';
import type { RecordArchive } from './record-archive.js';

export interface MoRecord {
  id: string;
  at: number;
  from: string;
  to: string;
  text: string;
  contentProviderId: string | null;
  action: string;
  /**
   * A reply the gateway acted on that its provider is told of (an opt-out, a re-subscription, a
   * consent answer): the store queues its `mo` callback with the record, as it does a `forwarded`
   * one's (src/store/callback-targets.ts `toldMo`). Not part of the record itself.
   */
  notice?: MoNotice;
}

export interface RecordQuery {
  msisdn?: string;
  contentProviderId?: string;
  /** Only these providers (a province-scoped regulator); an empty list matches nothing. */
  contentProviderIds?: string[];
  /** Sending port of an MT, or the port an MO reached. */
  port?: string;
  kind?: RecordRow['kind'];
  /** Message type of an MT, event of a subscription record, action of an audit record. */
  type?: string;
  decision?: 'accepted' | 'held' | 'rejected';
  /** Rule id of the failing verdict of a rejected MT. */
  rule?: string;
  from?: number;
  to?: number;
  limit: number;
  /** Opaque cursor from a previous page. */
  cursor?: string;
}

export interface RecordRow {
  seq: number;
  id: string;
  at: number;
  kind: 'mt' | 'mo' | 'status' | 'subscription' | 'audit';
  contentProviderId: string | null;
  msisdn: string | null;
  /**
   * The record's header columns (docs/RECORDS.md), derived from its body when it was appended and
   * matched by {@link RecordQuery}'s filters; read back from the columns a page already selects.
   * `ref`: the message (mt, status), MO (mo) or consent (subscription) the record is about.
   */
  ref: string | null;
  /** Sending port of an MT, the port an MO reached. */
  port: string | null;
  /** Message type of an MT, event of a subscription record, action of an audit record. */
  type: string | null;
  /** An MT's decision: `accepted`, `held` or `rejected`. */
  decision: string | null;
  /** Rule id of the failing verdict of a rejected MT. */
  rule: string | null;
  body: Record<string, unknown>;
  /** Set by adapters that keep hash chains: the record's chain hash (hex). */
  hash?: string;
}

/** The number and content provider an audit record is about (its record-level columns). */
export interface AuditSubject {
  msisdn?: string | null;
  contentProviderId?: string | null;
}

/** One part of a long MO as its SMSC sent it (UDH or SAR), kept until every part of its set is here. */
export interface MoPart {
  /** The set: number, port, reference and part count (receive-mo.ts). */
  setKey: string;
  /** 1-based. */
  seq: number;
  total: number;
  /** This part's text, decoded at the door. */
  text: string;
  at: number;
}

/** The append-only statutory record and MO intake. */
export interface RecordStore {
  recordMo(mo: MoRecord): Promise<void>;
  /**
   * Keeps one part of a long MO, durably (a repeat of a part already kept changes nothing), and
   * drops parts kept before `expireBefore` (sets the SMSC never finished). Returns the set's parts in
   * order once every one is here, else null. The parts stay until `dropMoParts`: a set whose MO could
   * not be recorded completes again when the SMSC resends the refused part.
   */
  addMoPart(p: MoPart, expireBefore: number): Promise<MoPart[] | null>;
  /** Forgets a set whose MO is recorded. */
  dropMoParts(setKey: string): Promise<void>;
  /** Housekeeping: drops up to `limit` parts kept before `before` (sets never finished); returns how many. */
  expireMoParts(before: number, limit: number): Promise<number>;
  /** Newest first, keyset-paginated. */
  queryRecords(q: RecordQuery): Promise<{ records: RecordRow[]; nextCursor: string | null }>;
  /**
   * Appends an audit record. `subject` fills the record-level number and provider columns for an action
   * about one number or provider, so `?msisdn=` / `?contentProviderId=` queries, legal holds and exports
   * (which all match on those columns, never inside the body) find it. Leave it out for staff reads
   * (`*.read`, `*.query`, holds): tagging those with a provider would show that provider who looked at it.
   * `action`: a name of the one list (src/domain/audit-actions.ts), which the records filters check `type` against.
   */
  appendAudit(at: number, actor: string, action: AuditAction, detail: Record<string, unknown>, subject?: AuditSubject): Promise<void>;
  /** Retention, tamper evidence and holds (issue 6). Optional so an adapter can land before it. */
  archive?: RecordArchive;
}
