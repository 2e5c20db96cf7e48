import type { ChainHead, ChainedFields } from '../domain/hash-chain.js';
import type { ProviderDigest, ProviderHead } from '../domain/provider-chain.js';
import type { RecordRow } from './records.js';

/** One stored record with every chained column, as the verifier and exporter read it (seq order). */
export interface RecordChainRow extends ChainedFields {
  kind: RecordRow['kind'];
  hash: Uint8Array;
  /** For the `retained` chain: the month the record came from and its hash in that month's chain. */
  month?: string;
  origHash?: Uint8Array;
  /**
   * The record's 1-based position in its chain, from adapters whose seqs within a chain may skip
   * (PostgreSQL): a gap in positions is a removed record. Absent on a record not linked into its
   * chain (its `hash` is then empty).
   */
  pos?: number;
}

/** A chain as stored now: a live month, or `retained` (records kept past their month's purge). */
export interface RecordChainInfo {
  chain: string;
  firstSeq: number;
  lastSeq: number;
  count: number;
  minAt: number;
  maxAt: number;
  /** Hash of the last record. */
  hash: Uint8Array;
  /** Record counts per kind, once the month has been sealed (after it ended). */
  kinds: Partial<Record<RecordRow['kind'], number>> | null;
  /**
   * Seqs within the chain need not be consecutive (PostgreSQL: one sequence serves every concurrent
   * writer and a rolled-back insert still drew its seq); chain order is still seq order, and
   * `count` is the number of links.
   */
  seqGaps?: boolean;
  /** Records of the month committed after the chain's tip, not linked yet (adapters that link after commit). */
  pending?: number;
  /** Set by the verifier alone: the store recorded a tip for the month and none of its records is left (`recordedTips`). */
  emptied?: true;
}

/** A signed chain head as published: the head (domain/hash-chain.ts) and its signature. */
export interface StoredHead extends ChainHead {
  keyId: string;
  /** Base64 SPKI DER of the Ed25519 public key. */
  publicKey: string;
  /** Base64 Ed25519 signature over `headPayload(head)`. */
  signature: string;
}

/** A signed provider head as published: the head (domain/provider-chain.ts) and its signature. */
export interface StoredProviderHead extends ProviderHead {
  keyId: string;
  /** Base64 SPKI DER of the Ed25519 public key. */
  publicKey: string;
  /** Base64 Ed25519 signature over `providerHeadPayload(head)`. */
  signature: string;
}

/** One record of a month's chain as the provider digests see it: its seq, time, provider and chain hash. */
export interface ProviderChainLink {
  seq: number;
  at: number;
  contentProviderId: string | null;
  hash: Uint8Array;
}

export interface LegalHold {
  id: string;
  msisdn: string | null;
  contentProviderId: string | null;
  reason: string;
  createdAt: number;
  createdBy: string;
  releasedAt: number | null;
  releasedBy: string | null;
}

export type KindCounts = Partial<Record<RecordRow['kind'], number>>;

/** What dropping one month did. */
export interface MonthPurge {
  chain: string;
  removed: KindCounts;
  kept: KindCounts;
}

/**
 * The records' month layout, hash chains, heads, legal holds and purge. Policy (what the profile
 * requires, which relationships ended) lives in the app; this is mechanism.
 */
export interface RecordArchive {
  /**
   * Every chain, oldest first (`retained` first when it exists, since it holds the oldest records).
   * An adapter that links records into chains after commit (`link`) links what has committed first,
   * so heads, verification and purge see every record committed before the call.
   */
  chains(): Promise<RecordChainInfo[]>;
  /**
   * Optional: each live month's tip as the store records it apart from the month's records (SQLite:
   * the commit mark in the main file), for months that have had records. The verifier reads it before
   * the chains, so a tip is never ahead of records committed before it was read: a month whose records
   * end below it, or that has none left at all, was cut. Adapters whose `chains()` already report the
   * tip from a registry (PostgreSQL) need not implement it.
   */
  recordedTips?(): Promise<Map<string, number>>;
  /**
   * Adapters that chain after commit rather than at insert (PostgreSQL, where several processes
   * insert at once): links committed records into their months' chains, one process at a time.
   * `start` runs it every few seconds with `wait` false (skip while another process links); on
   * demand it waits for that run. Returns how many records it linked.
   */
  link?(opts?: { wait?: boolean }): Promise<number>;
  /** Up to `limit` records of one chain with seq > afterSeq, in seq order. */
  scan(chain: string, afterSeq: number, limit: number): Promise<RecordChainRow[]>;
  /**
   * The verifier's fast path (optional): each record's canonical bytes (`recordHeader` + body) built
   * by the database, with its stored hash. A row whose bytes differ from what `canonicalRecord` gives
   * is re-checked through `scan`.
   */
  scanCanonical?(chain: string, afterSeq: number, limit: number): Promise<{ seq: number; canonical: Uint8Array; hash: Uint8Array; pos?: number }[]>;
  /** Records of one content provider with `from <= at < to`, seq order, after `afterSeq`. */
  scanProvider(contentProviderId: string, from: number, to: number, afterSeq: number, limit: number): Promise<RecordChainRow[]>;
  heads(): Promise<StoredHead[]>;
  /**
   * The ordered rule ids of a pipeline that compact verdicts in `mt` records name (`pl_…`,
   * src/store/verdict-codec.ts: one letter per stage, in this order); null when the id is unknown.
   */
  pipelineRules(id: string): Promise<readonly string[] | null>;
  addHead(h: StoredHead): Promise<void>;
  /** Counts records per kind in ended months that have no counts yet (once per month). */
  seal(months: string[]): Promise<void>;
  addHold(h: LegalHold): Promise<void>;
  releaseHold(id: string, at: number, actor: string): Promise<LegalHold | null>;
  holds(activeOnly: boolean): Promise<LegalHold[]>;
  /** Subscription records in a chain: who they are about. */
  subscriptionParties(chain: string): Promise<{ seq: number; contentProviderId: string | null; msisdn: string }[]>;
  /**
   * When the relationship between a provider and a number ended: the later of its last consent's
   * withdrawal or expiry, its last opt-out, and its last message to the number; null while a consent
   * is live (not withdrawn, not expired at `now`). `contentProviderId` null means the platform (DND).
   */
  relationshipEnd(contentProviderId: string | null, msisdn: string, now: number): Promise<number | null>;
  /** Seqs in a chain that match any of the holds. */
  heldSeqs(chain: string, holds: LegalHold[]): Promise<{ seq: number; holdId: string }[]>;
  /** Moves `keepSeqs` of a month to the retained chain and drops the month. */
  purgeMonth(month: string, keepSeqs: number[], at: number): Promise<MonthPurge>;
  /** Removes every retained record not in `keepSeqs` and rebuilds the retained chain. */
  pruneRetained(keepSeqs: number[]): Promise<MonthPurge>;
  /** Records per kind in a chain, or among `seqs` of it. */
  countKinds(chain: string, seqs?: number[]): Promise<KindCounts>;
  /** How many records `scanProvider` would return (for progress). */
  countProvider(contentProviderId: string, from: number, to: number): Promise<number>;
  /**
   * Folds the month's records after the last one already folded into each provider's digest
   * (domain/provider-chain.ts) and keeps the result: off the message path, when heads are signed.
   * Only records linked into the month's chain count (PostgreSQL: what the linker has linked).
   * Returns every provider's digest of the month as it now stands; none for a month not live.
   */
  advanceProviderDigests(month: string): Promise<ProviderDigest[]>;
  /**
   * Links of a month's chain after `afterSeq` (seq order, up to `limit`): every record's when
   * `contentProviderId` is undefined, else only that provider's; only records linked into the chain.
   */
  chainLinks(month: string, afterSeq: number, limit: number, contentProviderId?: string): Promise<ProviderChainLink[]>;
  /**
   * Signed provider heads, oldest first; `latest`: only the newest of each month and provider, the one
   * covering the most (highest `lastSeq`; of those, the last signed, as after a key rotation). Not the
   * last signed alone: processes sharing a store sign concurrently, and one whose digests were read
   * before another signed may sign a head covering less after it.
   */
  providerHeads(q: { month?: string; contentProviderId?: string; latest?: boolean }): Promise<StoredProviderHead[]>;
  addProviderHead(h: StoredProviderHead): Promise<void>;
}
