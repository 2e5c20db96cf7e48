/**
 * `smsguard records verify`: recomputes each month's hash chain from its genesis and reports the
 * first record that no longer matches: a changed byte (its hash differs), a deleted record (a gap in
 * seq, or the next record's link breaks), two records swapped (both links break; the first is
 * reported), a rewritten tail (the recomputed hash at a signed head differs from the signed one), or
 * records cut off the end (a signed head names a seq that is no longer there). Where a chain's seqs
 * may skip (PostgreSQL), a deleted record is a gap in the links' chain positions instead, and a record
 * stored in a month but not linked into its chain is reported as `unchained`.
 */
import { createHash } from 'node:crypto';
import { canonicalRecord, canonicalRetained, chainHash, genesisHash, monthEnd, monthStart } from '../domain/hash-chain.js';
import type { RecordArchive, RecordChainInfo, StoredHead } from '../ports/store.js';
import { keyIdOf, verifyHeadSignature } from './records-signing.js';
import { verifyProviderHeads } from './records-verify-providers.js';

export type ChainFailureReason = 'hash_mismatch' | 'missing' | 'head_mismatch' | 'truncated' | 'signature_invalid' | 'unchained' | 'provider_head_mismatch';

export interface ChainFailure {
  seq: number;
  id?: string;
  reason: ChainFailureReason;
  detail: string;
}

export interface ChainVerdict {
  chain: string;
  ok: boolean;
  checked: number;
  firstSeq: number;
  lastSeq: number;
  /** Signed heads of this chain that were checked against the recomputed chain. */
  headsChecked: number;
  /** Signed provider heads of this month checked against the providers' digests recomputed from it. */
  providerHeadsChecked?: number;
  /** Records committed after the chain's tip and not linked into it yet (stores that link after commit). */
  pending?: number;
  failure?: ChainFailure;
}

export interface VerifyReport {
  ok: boolean;
  checked: number;
  chains: ChainVerdict[];
}

const BATCH = 20_000;

/**
 * Optional on an archive (the SQLite one has it): proves a stretch of a month's links itself, much
 * faster than row by row here. Proven means every record of `chain` from `fromSeq` to `toSeq` is
 * present, in seq order, and hashes, with the *stored* hash of the record before it (the genesis for
 * `firstSeq`), to its own stored hash; by induction the recomputed chain then equals the stored one
 * over that stretch, so the stored hashes stand in for the recomputed ones (heads, the next link).
 * Returns the first seq it could not prove (checked here the exact way from there), or null.
 */
export interface LinkProver {
  checkLinks(chain: string, firstSeq: number, fromSeq: number, toSeq: number, progress?: (n: number) => void): Promise<number | null>;
}

const proverOf = (a: RecordArchive): LinkProver | null => (typeof (a as Partial<LinkProver>).checkLinks === 'function' ? (a as unknown as LinkProver) : null);

interface Row { seq: number; hash: Uint8Array; canonical?: Uint8Array; pos?: number }

/** Up to BATCH rows of a chain after `after`, seq order, with a way to hash each (fast path when the store builds the bytes). */
async function rowsAfter(archive: RecordArchive, chain: string, after: number): Promise<Row[]> {
  const fast = chain !== 'retained' && archive.scanCanonical;
  return fast ? archive.scanCanonical!(chain, after, BATCH) : archive.scan(chain, after, BATCH);
}

/** Whether a stored hash is these bytes (an edited file may hold text or NULL there: a mismatch, not a crash). */
const matches = (h: Buffer, stored: unknown): boolean => stored instanceof Uint8Array && h.equals(stored);

/** The hash of one record the slow, exact way (its columns through `canonicalRecord`), and its id. */
async function slowHash(archive: RecordArchive, chain: string, prev: Uint8Array, seq: number): Promise<{ hash: Buffer; id: string } | null> {
  const [r] = await archive.scan(chain, seq - 1, 1);
  if (!r || r.seq !== seq) return null;
  const hash = chain === 'retained'
    ? chainHash(prev, canonicalRetained(r, r.month ?? '', Buffer.from(r.origHash ?? []).toString('hex')))
    : chainHash(prev, canonicalRecord(r));
  return { hash, id: r.id };
}

async function verifyOne(archive: RecordArchive, chain: string, firstSeq: number, lastSeq: number, heads: StoredHead[], trusted: Map<string, string> | null, progress?: (n: number) => void, seqGaps = false, tip = 0): Promise<ChainVerdict> {
  const retained = chain === 'retained';
  const v: ChainVerdict = { chain, ok: true, checked: 0, firstSeq, lastSeq, headsChecked: 0 };
  const fail = (f: ChainFailure): ChainVerdict => ({ ...v, ok: false, failure: f });
  for (const h of heads) {
    const key = trusted ? trusted.get(h.keyId) : undefined;
    if (trusted && key === undefined) return fail({ seq: h.lastSeq, reason: 'signature_invalid', detail: `head signed at ${new Date(h.signedAt).toISOString()} with key ${h.keyId}, which is neither the signing key nor a trusted retired key (docs/RECORDS.md, key rotation)` });
    if (!verifyHeadSignature(h, key)) return fail({ seq: h.lastSeq, reason: 'signature_invalid', detail: `head signed at ${new Date(h.signedAt).toISOString()} (key ${h.keyId}) has an invalid signature` });
  }
  // A month's first seq never moves: a signed head starting before the first record left means the
  // records from its start were removed (and what is left re-chained from the genesis, or new records
  // appended to a month emptied by hand).
  const early = retained || seqGaps ? undefined : heads.filter((h) => h.firstSeq < firstSeq).sort((a, b) => a.firstSeq - b.firstSeq)[0];
  if (early) return fail({ seq: early.firstSeq, reason: 'missing', detail: `a head signed at ${new Date(early.signedAt).toISOString()} covers seq ${early.firstSeq}–${early.lastSeq}, but the month's records now start at seq ${firstSeq}: the records before it were removed` });
  const byLast = new Map<number, StoredHead[]>();
  for (const h of heads) byLast.set(h.lastSeq, [...(byLast.get(h.lastSeq) ?? []), h]);
  let prev: Uint8Array = genesisHash(chain);
  let expected = retained || seqGaps ? null : firstSeq;
  let expectedPos = 1;
  let lastSeen = 0;
  const prover = retained || seqGaps ? null : proverOf(archive);
  const storedHash = async (seq: number): Promise<Uint8Array> => (await archive.scan(chain, seq - 1, 1))[0].hash;
  for (let after = 0; ;) {
    if (prover && expected !== null && expected <= lastSeq) {
      // Prove what the store can; rows from the first it cannot are checked below, exactly, one batch.
      const from = expected;
      const bad = await prover.checkLinks(chain, firstSeq, from, lastSeq, progress);
      const end = bad === null ? lastSeq : bad - 1;
      if (end >= from) {
        for (const seq of [...byLast.keys()].filter((s) => s >= from && s <= end).sort((a, b) => a - b)) {
          const h = Buffer.from(await storedHash(seq)).toString('hex');
          for (const s of byLast.get(seq)!) {
            v.headsChecked++;
            if (s.hash !== h) return fail({ seq, reason: 'head_mismatch', detail: `the chain at seq ${seq} no longer matches the head signed at ${new Date(s.signedAt).toISOString()}: records up to it were rewritten` });
          }
        }
        v.checked += end - from + 1;
        prev = await storedHash(end);
        lastSeen = end;
        expected = end + 1;
        after = end;
      }
    }
    const rows = await rowsAfter(archive, chain, after);
    if (!rows.length) break;
    after = rows[rows.length - 1].seq;
    for (const r of rows) {
      if (expected !== null && r.seq !== expected) {
        const next = await archive.scan(chain, r.seq - 1, 1);
        return fail({ seq: expected, reason: 'missing', detail: `record seq ${expected} is missing (the next record present is seq ${r.seq}, id ${next[0]?.id ?? '?'})` });
      }
      if (r.hash.length === 0) {
        const [x] = await archive.scan(chain, r.seq - 1, 1);
        return fail({ seq: r.seq, id: x?.id, reason: 'unchained', detail: `record seq ${r.seq} (id ${x?.id ?? '?'}) is stored in the month but not linked into its chain: it was written behind the chain's tip, or its link was removed` });
      }
      if (r.pos !== undefined) {
        if (r.pos !== expectedPos) {
          const [x] = await archive.scan(chain, r.seq - 1, 1);
          return fail({ seq: r.seq, reason: 'missing', detail: `the record at chain position ${expectedPos} is missing (the next record present is seq ${r.seq}, id ${x?.id ?? '?'}, at position ${r.pos})` });
        }
        expectedPos++;
      }
      let h = r.canonical ? createHash('sha256').update(prev).update(r.canonical).digest() : (await slowHash(archive, chain, prev, r.seq))!.hash;
      if (!matches(h, r.hash)) {
        // The store's bytes and ours can differ only in JSON escaping of exotic characters: ask the exact way before failing.
        const exact = await slowHash(archive, chain, prev, r.seq);
        if (!exact || !matches(exact.hash, r.hash)) {
          return fail({ seq: r.seq, id: exact?.id, reason: 'hash_mismatch', detail: `record seq ${r.seq} (id ${exact?.id ?? '?'}) does not match its hash: its bytes changed, or the record before it was removed or moved` });
        }
        h = exact.hash;
      }
      const signed = byLast.get(r.seq);
      if (signed) {
        for (const s of signed) {
          v.headsChecked++;
          if (s.hash !== h.toString('hex')) return fail({ seq: r.seq, reason: 'head_mismatch', detail: `the chain at seq ${r.seq} no longer matches the head signed at ${new Date(s.signedAt).toISOString()}: records up to it were rewritten` });
        }
      }
      prev = h;
      lastSeen = r.seq;
      if (expected !== null) expected++;
      v.checked++;
    }
    progress?.(rows.length);
  }
  const beyond = heads.filter((h) => h.lastSeq > lastSeen).sort((a, b) => a.lastSeq - b.lastSeq)[0];
  // The store's own record of the tip (PostgreSQL keeps one apart from the records, SQLite its commit mark) catches a cut end before any head is signed.
  const end = Math.max(lastSeq, tip);
  if (v.checked === 0 && (beyond || end > 0)) {
    const cover = Math.max(beyond?.lastSeq ?? 0, end);
    return fail({ seq: firstSeq, reason: 'truncated', detail: `the month holds none of its records any more: ${beyond ? `a head signed at ${new Date(beyond.signedAt).toISOString()} covers` : 'its chain\'s tip is'} up to seq ${cover}: every record was removed` });
  }
  if (beyond) return fail({ seq: lastSeen + 1, reason: 'truncated', detail: `a head signed at ${new Date(beyond.signedAt).toISOString()} covers up to seq ${beyond.lastSeq}, but the chain ends at seq ${lastSeen}: records were removed from its end` });
  if (lastSeen < end) return fail({ seq: lastSeen + 1, reason: 'truncated', detail: `the chain's tip is seq ${end}, but its records end at seq ${lastSeen}: records were removed from its end` });
  return v;
}

/**
 * Verifies every live chain (or one month, or the chains `only` picks: an export's months), against
 * every signed head of it.
 */
export async function verifyChains(archive: RecordArchive, opts: { month?: string; only?: (c: RecordChainInfo) => boolean; trustedPublicKeys?: readonly string[]; progress?: (n: number) => void } = {}): Promise<VerifyReport> {
  // Trusted keys by id (a head names the key that signed it); without any, each head's own key.
  const trusted = opts.trustedPublicKeys ? new Map(opts.trustedPublicKeys.map((k) => [keyIdOf(k), k])) : null;
  // Read before the chains: a tip read first is never ahead of the records the scan will find.
  const tips = (await archive.recordedTips?.()) ?? new Map<string, number>();
  const chains = await archive.chains();
  const heads = await archive.heads();
  // A month the store says holds records but whose chain has none left (every record deleted) is not
  // absent: it is checked as an empty chain, which fails `truncated`. One purged meanwhile is skipped.
  const listed = new Set(chains.map((c) => c.chain));
  const emptied = [...tips].filter(([m]) => !listed.has(m));
  const stillLive = emptied.length && archive.recordedTips ? await archive.recordedTips() : tips;
  for (const [month, tip] of emptied) {
    if (!stillLive.has(month)) continue;
    const first = Math.min(tip, ...heads.filter((h) => h.chain === month).map((h) => h.firstSeq));
    chains.push({ chain: month, firstSeq: first, lastSeq: tip, count: 0, minAt: monthStart(month), maxAt: monthEnd(month) - 1, hash: new Uint8Array(0), kinds: null, emptied: true });
  }
  chains.sort((a, b) => (a.chain === b.chain ? 0 : a.chain === 'retained' ? -1 : b.chain === 'retained' ? 1 : a.chain < b.chain ? -1 : 1));
  const out: VerifyReport = { ok: true, checked: 0, chains: [] };
  for (const c of chains) {
    if (opts.month && c.chain !== opts.month) continue;
    if (opts.only && !opts.only(c)) continue;
    // Retained is rebuilt at each purge: only its latest head must match.
    let hs = heads.filter((h) => h.chain === c.chain);
    if (c.chain === 'retained' && hs.length) hs = [hs.reduce((a, b) => (b.signedAt > a.signedAt ? b : a))];
    let v = await verifyOne(archive, c.chain, c.firstSeq, c.lastSeq, hs, trusted, opts.progress, c.seqGaps, tips.get(c.chain));
    if (v.ok && c.chain !== 'retained') {
      // The chain holds, so its stored hashes are the recomputed ones: the providers' digests fold from them.
      const p = await verifyProviderHeads(archive, c.chain, await archive.providerHeads({ month: c.chain }), trusted);
      v = { ...v, providerHeadsChecked: p.checked, ...(p.failure ? { ok: false, failure: p.failure } : {}) };
    }
    if (c.pending) v.pending = c.pending;
    out.chains.push(v);
    out.checked += v.checked;
    if (!v.ok) out.ok = false;
  }
  return out;
}
