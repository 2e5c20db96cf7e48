/**
 * The provider half of `records verify`: recomputes each content provider's digest chain
 * (src/domain/provider-chain.ts) from the month's recomputed hash chain and checks every signed
 * provider head of the month against it, after the month chain itself verified (its stored hashes
 * are then the recomputed ones). A head whose count or digest differs from the recomputation at its
 * `lastSeq` is `provider_head_mismatch`: the provider heads given to inspectors no longer describe
 * the month (a digest signed over a selection that left a record out, or a month whose provider
 * columns were changed and every hash recomputed after the heads were signed).
 */
import { providerGenesis, providerStep } from '../domain/provider-chain.js';
import type { RecordArchive, StoredProviderHead } from '../ports/store.js';
import { verifyProviderHeadSignature } from './records-signing.js';
import type { ChainFailure } from './records-verify.js';

const BATCH = 20_000;

/**
 * Checks the month's provider heads; returns how many matched, or the first failure (seq order).
 * `trusted`: public keys by key id (null: each head's own key).
 */
export async function verifyProviderHeads(archive: RecordArchive, month: string, heads: StoredProviderHead[], trusted: Map<string, string> | null): Promise<{ checked: number; failure?: ChainFailure }> {
  if (!heads.length) return { checked: 0 };
  const when = (h: StoredProviderHead) => new Date(h.signedAt).toISOString();
  for (const h of heads) {
    const key = trusted ? trusted.get(h.keyId) : undefined;
    if ((trusted && key === undefined) || !verifyProviderHeadSignature(h, key)) {
      return { checked: 0, failure: { seq: h.lastSeq, reason: 'signature_invalid', detail: `the provider head of ${h.contentProviderId} signed at ${when(h)} (key ${h.keyId}) has an invalid signature or an untrusted key` } };
    }
  }
  // Each provider's heads in the order the fold meets them.
  const pending = new Map<string, StoredProviderHead[]>();
  for (const h of [...heads].sort((a, b) => b.lastSeq - a.lastSeq)) pending.set(h.contentProviderId, [...(pending.get(h.contentProviderId) ?? []), h]);
  const state = new Map<string, { digest: Uint8Array; count: number }>();
  const mismatch = (h: StoredProviderHead, s: { digest: Uint8Array; count: number } | undefined, why: string): { checked: number; failure: ChainFailure } => ({
    checked, failure: {
      seq: h.lastSeq, reason: 'provider_head_mismatch',
      detail: `the records of content provider ${h.contentProviderId} up to seq ${h.lastSeq} no longer match its provider head signed at ${when(h)} (${h.count} records, digest ${h.digest}): ${why}${s ? ` (recomputed: ${s.count} records, digest ${Buffer.from(s.digest).toString('hex')})` : ''}`,
    },
  });
  let checked = 0;
  let open = heads.length;
  for (let after = 0; open > 0;) {
    // Read no further than the last head needs: past it there is nothing to check.
    const links = await archive.chainLinks(month, after, BATCH);
    if (!links.length) break;
    after = links[links.length - 1].seq;
    for (const l of links) {
      const cp = l.contentProviderId;
      const hs = cp === null ? undefined : pending.get(cp);
      if (!hs?.length) continue;
      const s = state.get(cp!) ?? { digest: providerGenesis(month, cp!), count: 0 };
      // A head whose lastSeq the fold passed without meeting it names a record of the provider that is not there.
      const skipped = hs[hs.length - 1];
      if (skipped.lastSeq < l.seq) return mismatch(skipped, s, `seq ${skipped.lastSeq} is not one of its records`);
      s.digest = providerStep(s.digest, l.hash);
      s.count++;
      state.set(cp!, s);
      while (hs.length && hs[hs.length - 1].lastSeq === l.seq) {
        const h = hs.pop()!;
        if (h.count !== s.count || h.digest !== Buffer.from(s.digest).toString('hex')) return mismatch(h, s, 'a record of the provider was left out of what was signed, added, moved, or changed');
        checked++;
        open--;
      }
    }
  }
  for (const hs of pending.values()) {
    if (hs.length) return mismatch(hs[hs.length - 1], state.get(hs[0].contentProviderId), `the month's chain ends before seq ${hs[hs.length - 1].lastSeq}`);
  }
  return { checked };
}
