/**
 * The provider digest chain's format as docs/RECORDS.md ("Completeness of one provider's export")
 * states it, computed here from the formula with node:crypto, against src/domain/provider-chain.ts;
 * and a provider head's signed bytes never those of a chain head.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { foldProof, foldProviders, providerGenesis, providerHeadPayload, type ProviderDigest } from '../../../src/domain/provider-chain.js';
import { headPayload } from '../../../src/domain/hash-chain.js';

const sha = (...parts: (string | Buffer)[]) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest();

test('D_0 = SHA-256("smsguard-provider-chain\\n" + month + "\\n" + provider), D_k = SHA-256(D_{k-1} ‖ chain hash): per provider, in seq order, records of no provider skipped', () => {
  const h = (i: number) => sha(`record ${i}`);
  const state = new Map<string, ProviderDigest>();
  const moved = foldProviders('2026-11', state, [
    { seq: 1, contentProviderId: 'cp_a', hash: h(1) },
    { seq: 2, contentProviderId: null, hash: h(2) },
    { seq: 3, contentProviderId: 'cp_b', hash: h(3) },
    { seq: 4, contentProviderId: 'cp_a', hash: h(4) },
  ]);
  assert.deepEqual([...moved].sort(), ['cp_a', 'cp_b']);
  const a0 = sha('smsguard-provider-chain\n2026-11\ncp_a');
  assert.deepEqual(providerGenesis('2026-11', 'cp_a'), a0);
  const a = state.get('cp_a')!;
  assert.deepEqual([a.count, a.lastSeq, a.digest.toString('hex')], [2, 4, sha(sha(a0, h(1)), h(4)).toString('hex')]);
  // folding on from where it stood gives what folding from scratch gives
  foldProviders('2026-11', state, [{ seq: 5, contentProviderId: 'cp_a', hash: h(5) }]);
  const scratch = new Map<string, ProviderDigest>();
  foldProviders('2026-11', scratch, [1, 4, 5].map((seq) => ({ seq, contentProviderId: 'cp_a', hash: h(seq) })));
  assert.deepEqual(state.get('cp_a'), scratch.get('cp_a'));
  // the recipient's fold from a mid-chain digest
  assert.deepEqual(foldProof({ count: 1, digest: sha(a0, h(1)).toString('hex') }, [h(4), h(5)].map((x) => x.toString('hex'))), { count: 3, digest: state.get('cp_a')!.digest.toString('hex') });
  // another month or provider starts elsewhere
  assert.notDeepEqual(providerGenesis('2026-12', 'cp_a'), a0);
  assert.notDeepEqual(providerGenesis('2026-11', 'cp_b'), a0);
});

test('a provider head\'s signed bytes say what they are, so a chain head\'s signature never verifies as one', () => {
  const p = providerHeadPayload({ month: '2026-11', contentProviderId: 'cp_a', lastSeq: 4, count: 2, digest: 'ab', signedAt: 7 });
  assert.equal(p, '{"contentProviderId":"cp_a","count":2,"digest":"ab","head":"provider","lastSeq":4,"month":"2026-11","signedAt":7,"v":1}');
  assert.notEqual(p, headPayload({ chain: '2026-11', firstSeq: 1, lastSeq: 4, count: 2, hash: 'ab', signedAt: 7 }));
});
