/**
 * Per-provider digest chains: what lets the recipient of ONE content provider's inspection export
 * check that the provider's selection is complete (docs/RECORDS.md "Completeness of one provider's
 * export"), without the other providers' records. Computed off the message path, from the month's
 * hash chain (hash-chain.ts), over the provider's records of the month in seq order:
 *
 *   D_0 = SHA-256("smsguard-provider-chain\n" + month + "\n" + contentProviderId)
 *   D_k = SHA-256(D_{k-1} ‖ chainHash_k)        (chainHash_k: the record's 32-byte hash in its month's chain)
 *
 * A signed provider head `{month, contentProviderId, lastSeq, count, digest, signedAt}` commits to the
 * provider's whole sequence of records up to `lastSeq`: leave one out, add one, or reorder them and the
 * fold no longer reaches `digest` in `count` steps. Pure.
 */
import { createHash, hash as oneShotHash } from 'node:crypto';
import { canonicalJson } from './hash-chain.js';

/** D_0: distinct per month and provider, so a record moved to another month or provider fails. */
export function providerGenesis(month: string, contentProviderId: string): Buffer {
  return createHash('sha256').update(`smsguard-provider-chain\n${month}\n${contentProviderId}`).digest();
}

/** Where the two 32-byte halves of a step are laid out for a one-shot hash. */
const scratch = Buffer.alloc(64);

/**
 * D_k = SHA-256(D_{k-1} ‖ chainHash_k). Two 32-byte values go through Node's one-shot hash from one
 * reused buffer (about a third of createHash's cost: a first fold reads every record of a month);
 * anything else (a stored hash of the wrong size, in a damaged file) the general way.
 */
export function providerStep(prev: Uint8Array, recordHash: Uint8Array): Buffer {
  if (typeof oneShotHash === 'function' && prev.length === 32 && recordHash.length === 32) {
    scratch.set(prev, 0);
    scratch.set(recordHash, 32);
    return Buffer.from(oneShotHash('sha256', scratch, 'binary'), 'latin1');
  }
  return createHash('sha256').update(prev).update(recordHash).digest();
}

/** Where a provider's digest chain stands: after `count` records, the last of them at `lastSeq` (0 before any). */
export interface ProviderDigest {
  month: string;
  contentProviderId: string;
  lastSeq: number;
  count: number;
  /** D_count, 32 bytes. */
  digest: Buffer;
}

/**
 * Folds a month's records (seq order, each with its provider and chain hash) into the providers'
 * digests, advancing `state` in place (a provider met for the first time starts from its genesis).
 * Records without a provider are in no provider's chain. Returns the providers whose digest moved.
 */
export function foldProviders(month: string, state: Map<string, ProviderDigest>, records: Iterable<{ seq: number; contentProviderId: string | null; hash: Uint8Array }>): Set<string> {
  const moved = new Set<string>();
  for (const r of records) {
    if (r.contentProviderId === null) continue;
    let d = state.get(r.contentProviderId);
    if (!d) state.set(r.contentProviderId, (d = { month, contentProviderId: r.contentProviderId, lastSeq: 0, count: 0, digest: providerGenesis(month, r.contentProviderId) }));
    d.digest = providerStep(d.digest, r.hash);
    d.count++;
    d.lastSeq = r.seq;
    moved.add(r.contentProviderId);
  }
  return moved;
}

/** A provider's chain head: what is signed and published. */
export interface ProviderHead {
  /** `YYYY-MM` (Asia/Shanghai). */
  month: string;
  contentProviderId: string;
  /** Seq of the provider's last record covered (0 if none). */
  lastSeq: number;
  /** The provider's records of the month covered. */
  count: number;
  /** Hex D_count. */
  digest: string;
  signedAt: number;
}

/**
 * The exact bytes an Ed25519 provider-head signature covers. `head: "provider"` sets them apart from a
 * month chain head's (`headPayload`), signed with the same key, so neither can pass for the other.
 */
export function providerHeadPayload(h: ProviderHead): string {
  return canonicalJson({ v: 1, head: 'provider', month: h.month, contentProviderId: h.contentProviderId, lastSeq: h.lastSeq, count: h.count, digest: h.digest, signedAt: h.signedAt });
}

/**
 * The recipient's check of one month of an export (docs/RECORDS.md): from the digest and count just
 * before the first exported record, fold each record's hash in seq order (the exported ones and the
 * ones between them outside the range), then the tail after the range; the result must be the signed
 * head's digest and count. Returns what the fold reached.
 */
export function foldProof(before: { count: number; digest: string }, hashesInOrder: Iterable<string>): { count: number; digest: string } {
  let d: Uint8Array = Buffer.from(before.digest, 'hex');
  let n = before.count;
  for (const h of hashesInOrder) {
    d = providerStep(d, Buffer.from(h, 'hex'));
    n++;
  }
  return { count: n, digest: Buffer.from(d).toString('hex') };
}
