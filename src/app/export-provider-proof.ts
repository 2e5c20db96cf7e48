/**
 * The completeness proof an inspection export carries for its provider (docs/RECORDS.md "Completeness
 * of one provider's export"): per live month of the range, the provider's digest and count just
 * before the first record the file must hold, the hashes of the provider's records between the
 * file's records that lie outside the range (with their seqs), the hashes of its records after the
 * last one up to a signed provider head, and that head. Folding the digest with the file's records
 * and those hashes in seq order must give the head's digest and count, so the file cannot leave out
 * a record of the provider without the fold failing. Hashes only, never content.
 *
 * Which records the file must hold is derived from the month's chain, not from what the export read:
 * every record of the provider in the range, by its time, among those linked before the export
 * started reading (`settled`, the chain's last seq when its chains were verified); of those written
 * while it ran, the ones it read. So a read that skipped a record cannot hide it in the proof.
 */
import { addMonths, isMonth, monthStart } from '../domain/hash-chain.js';
import { providerGenesis, providerStep } from '../domain/provider-chain.js';
import type { RecordArchive, StoredProviderHead } from '../ports/store.js';

/** One month's proof, as the manifest's `providerProofs` carries it. */
export interface ProviderProof {
  month: string;
  /** The provider's records of the month before the first one in the file: how many, and D after them (hex). */
  before: { count: number; digest: string };
  /** The provider's records whose seq lies between the file's records of the month but whose time is outside the range. */
  between: { seq: number; hash: string }[];
  /** Hex chain hashes of the provider's records after the file's last one of the month, up to `head.lastSeq`, in seq order. */
  tail: string[];
  /** The signed provider head the fold must reach. */
  head: StoredProviderHead;
}

/** A month of the file with no proof, and why. */
export interface UnprovenMonth {
  month: string;
  /** `purged`: the month's chain is gone and its records come from `retained`; `no_provider_head`: no head covers the provider's records there yet. */
  reason: 'purged' | 'no_provider_head';
}

const BATCH = 20_000;
const hex = (h: Uint8Array) => Buffer.from(h).toString('hex');

/**
 * The proofs for an export of `contentProviderId` over [from, to). `exported`: the seqs the file holds
 * per live month (ascending); `fileMonths`: every month of the file's lines (a purged month's come from `retained`); `settled`: per month, the chain's last seq before the export read anything;
 * `live`: the months whose chain is live; `keyId`: the key the manifest is signed with (a head signed
 * with it is picked, so one public key checks the whole file).
 */
export async function providerProofs(a: RecordArchive, q: { contentProviderId: string; from: number; to: number; exported: Map<string, number[]>; fileMonths: Set<string>; settled: Map<string, number>; live: Set<string>; keyId: string }): Promise<{ proofs: ProviderProof[]; unproven: UnprovenMonth[] }> {
  const proofs: ProviderProof[] = [];
  const unproven: UnprovenMonth[] = [];
  const heads = (await a.providerHeads({ contentProviderId: q.contentProviderId })).filter((h) => h.keyId === q.keyId);
  // Only the months a proof or a refusal can concern (live, or holding a line of the file), in order:
  // not every calendar month of the range, which for year 1 to 9999 is 120,000 of them, and whose
  // first, from monthOf of year 1, is no month ("1-01").
  const months = [...new Set([...q.live, ...q.fileMonths])].filter((m) => isMonth(m) && monthStart(m) < q.to && monthStart(addMonths(m, 1)) > q.from).sort();
  for (const m of months) {
    const exp = q.exported.get(m) ?? [];
    if (!q.live.has(m)) {
      if (q.fileMonths.has(m)) unproven.push({ month: m, reason: 'purged' });
      continue;
    }
    const settled = q.settled.get(m) ?? 0;
    const inFile = new Set(exp);
    // The newest head, covering the most (another process may have signed one covering less after it):
    // the tail then shows every record of the provider written after the range so far.
    const head = heads.filter((h) => h.month === m).sort((x, y) => x.lastSeq - y.lastSeq || x.signedAt - y.signedAt).pop();
    if (!head) {
      if (exp.length) unproven.push({ month: m, reason: 'no_provider_head' });
      continue;
    }
    const links: { seq: number; hash: Uint8Array; due: boolean; at: number }[] = [];
    for (let after = 0; after < head.lastSeq;) {
      const page = (await a.chainLinks(m, after, BATCH, q.contentProviderId)).filter((l) => l.seq <= head.lastSeq);
      if (!page.length) break;
      for (const l of page) links.push({ seq: l.seq, hash: l.hash, at: l.at, due: l.seq <= settled ? l.at >= q.from && l.at < q.to : inFile.has(l.seq) });
      after = page[page.length - 1].seq;
    }
    let first = links.findIndex((l) => l.due);
    let lastDue = links.length - 1;
    while (lastDue >= 0 && !links[lastDue].due) lastDue--;
    // No record of the month is due: the cut falls where the range starts.
    if (first < 0) {
      first = links.findIndex((l) => l.at >= q.from);
      if (first < 0) first = links.length;
      lastDue = first - 1;
    }
    let digest: Uint8Array = providerGenesis(m, q.contentProviderId);
    for (let i = 0; i < first; i++) digest = providerStep(digest, links[i].hash);
    const between: { seq: number; hash: string }[] = [];
    for (let i = first; i <= lastDue; i++) if (!links[i].due) between.push({ seq: links[i].seq, hash: hex(links[i].hash) });
    proofs.push({ month: m, before: { count: first, digest: hex(digest) }, between, tail: links.slice(lastDue + 1).map((l) => hex(l.hash)), head });
  }
  return { proofs, unproven };
}
