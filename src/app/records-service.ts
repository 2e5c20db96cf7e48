/**
 * The records' tamper-evidence service: publishes signed chain heads, verifies chains. One per App,
 * configured by the composition root with the signing key (`configureRecords`); tests and in-memory
 * gateways get an ephemeral key (`recordsFor` creates one on first use).
 */
import { SmsguardError } from '../domain/errors.js';
import type { RecordArchive, RecordChainInfo, StoredHead, StoredProviderHead } from '../ports/store.js';
import type { AppContext } from './context.js';
import { RecordsSigner } from './records-signing.js';
import { verifyChains, type VerifyReport } from './records-verify.js';

export class RecordsService {
  /**
   * Public keys to trust as well when verifying, read anew each time (the composition root sets it:
   * the key files the gateway was started with, as they are now). A key rotated while the gateway runs
   * (`records rotate-key`, or a records command given the next key) signs heads the gateway did not
   * know at start; without this, every month it had signed failed `signature_invalid` in this process
   * (`GET /v1/records/verify`, every export 409) until a restart.
   */
  extraTrustedKeys: (() => readonly string[]) | null = null;

  constructor(private readonly ctx: AppContext, readonly signer: RecordsSigner) {}

  /** What verification trusts: the signing key, the retired keys given at start, and the key files' keys now. */
  trustedKeys(): string[] {
    const extra = this.extraTrustedKeys?.() ?? [];
    return [...new Set([...this.signer.trustedKeys, ...extra])];
  }

  get archive(): RecordArchive {
    const a = this.ctx.store.records.archive;
    if (!a) throw new SmsguardError('internal_error', 'this store keeps no record archive (hash chains, retention)');
    return a;
  }

  /**
   * Signs a new head for every chain whose tip moved since its last signed head, and returns the
   * latest head of every live chain. One signature per chain per publication, never per record.
   */
  async publishHeads(opts: { minIntervalMs?: number } = {}): Promise<StoredHead[]> {
    const a = this.archive;
    const [chains, heads] = [await a.chains(), await a.heads()];
    this.refuseForeignKey(heads);
    const latest = new Map<string, StoredHead>();
    for (const h of heads) {
      const cur = latest.get(h.chain);
      if (!cur || newerHead(h, cur)) latest.set(h.chain, h);
    }
    const now = this.ctx.clock.now();
    const out: StoredHead[] = [];
    for (const c of chains) {
      const hash = Buffer.from(c.hash).toString('hex');
      const cur = latest.get(c.chain);
      const same = cur && cur.lastSeq === c.lastSeq && cur.hash === hash && cur.firstSeq === c.firstSeq && cur.count === c.count && cur.keyId === this.signer.keyId;
      // A client polling the heads must not grow the table by a row per request.
      const recent = cur && opts.minIntervalMs && now - cur.signedAt < opts.minIntervalMs && cur.keyId === this.signer.keyId;
      // Read before another process (sharing the store) linked more and signed a head covering it:
      // that head is the newest, and signing this older tip after it would add nothing.
      const behind = cur && c.chain !== RETAINED && c.lastSeq < cur.lastSeq;
      if (cur && (same || recent || behind)) {
        out.push(cur);
        continue;
      }
      const h = this.signer.signHead({ chain: c.chain, firstSeq: c.firstSeq, lastSeq: c.lastSeq, count: c.count, hash, signedAt: Math.max(now, (cur?.signedAt ?? 0) + 1) });
      await a.addHead(h);
      out.push(h);
    }
    for (const c of chains) {
      // A month whose chain did not move since every provider head of it was signed here has nothing new to fold.
      if (c.chain === 'retained' || this.providersSignedAt.get(c.chain) === c.lastSeq) continue;
      if (await this.publishProviderHeads(c.chain, now, opts)) this.providersSignedAt.set(c.chain, c.lastSeq);
    }
    return out;
  }

  /**
   * Another process of the deployment (sharing the store) signs with a key this one neither holds
   * nor trusts, and this one's key has signed nothing here: two processes started together on a
   * fresh store, each generating a key in its own directory (docs/SCALING.md). Signing too would
   * make every `records verify` fail on the heads of one key or the other; so it refuses, naming
   * both, and the first key's heads stay the only ones. A key that has signed here keeps signing (a
   * gateway still running with the key a rotation retired, docs/RECORDS.md).
   */
  private refuseForeignKey(heads: readonly StoredHead[]): void {
    if (!heads.length || heads.some((h) => h.keyId === this.signer.keyId)) return;
    const trusted = new Set(this.signer.trustedKeys);
    const foreign = [...new Set(heads.filter((h) => !trusted.has(h.publicKey)).map((h) => h.keyId))];
    if (!foreign.length) return;
    throw new SmsguardError('internal_error', `records heads not signed: the heads in this store are signed with key${foreign.length > 1 ? 's' : ''} ${foreign.join(', ')}, which this process neither holds nor trusts, and its own key ${this.signer.keyId} has signed none: give every process the deployment's key (SMSGUARD_RECORDS_SIGNING_KEY=file:PATH, docs/RECORDS.md) and restart this one`);
  }

  /** Per month, the chain's last seq when its provider heads were last all signed by this process. */
  private readonly providersSignedAt = new Map<string, number>();

  /**
   * Advances the month's provider digests over the records linked since the last time (reading only
   * those) and signs a provider head for every provider whose digest moved: the same key and rules as
   * chain heads (`minIntervalMs` spares a polled route a signature per request). Part of every
   * publication, so wherever chain heads are signed, provider heads are too. Returns false when a
   * moved provider was left for a later publication (signed too recently).
   */
  private async publishProviderHeads(month: string, now: number, opts: { minIntervalMs?: number }): Promise<boolean> {
    const a = this.archive;
    const digests = await a.advanceProviderDigests(month);
    let all = true;
    const latest = new Map((await a.providerHeads({ month, latest: true })).map((h) => [h.contentProviderId, h]));
    for (const d of digests) {
      const digest = d.digest.toString('hex');
      const cur = latest.get(d.contentProviderId);
      const same = cur && cur.lastSeq === d.lastSeq && cur.count === d.count && cur.digest === digest && cur.keyId === this.signer.keyId;
      const recent = cur && opts.minIntervalMs && now - cur.signedAt < opts.minIntervalMs && cur.keyId === this.signer.keyId;
      // Read before another process (sharing the store) signed a head covering more: nothing to add.
      if (cur && (same || d.lastSeq < cur.lastSeq)) continue;
      if (cur && recent) {
        all = false;
        continue;
      }
      await a.addProviderHead(this.signer.signProviderHead({ month, contentProviderId: d.contentProviderId, lastSeq: d.lastSeq, count: d.count, digest, signedAt: Math.max(now, (cur?.signedAt ?? 0) + 1) }));
    }
    return all;
  }

  /** The newest signed provider head of each month for one provider (what `GET /v1/records/heads?contentProviderId=` adds). */
  providerHeads(contentProviderId: string): Promise<StoredProviderHead[]> {
    return this.archive.providerHeads({ contentProviderId, latest: true });
  }

  /** Recomputes chains (all, one month, or those `only` picks) against the heads signed with this service's key or a retired one it trusts. */
  verify(opts: { month?: string; only?: (c: RecordChainInfo) => boolean; progress?: (n: number) => void } = {}): Promise<VerifyReport> {
    return verifyChains(this.archive, { ...opts, trustedPublicKeys: this.trustedKeys() });
  }
}

const RETAINED = 'retained';

/**
 * Whether head `h` is newer than `cur` (both of one chain). A month's chain only grows, so the newest
 * head is the one covering the most: the highest `lastSeq`, of those the last signed (a key rotation
 * re-signs at the same seq). Not the last signed alone: processes sharing a store sign concurrently,
 * and one that read the tip before another signed more may sign a head covering less after it (with
 * a later `signedAt`, its clock or its turn later), as provider heads could
 * (`RecordArchive.providerHeads`). The retained chain is rebuilt at each purge, its tip may fall as
 * held records are let go, and only its last signed head matches it (as `records verify` reads it).
 */
export function newerHead(h: StoredHead, cur: StoredHead): boolean {
  if (h.chain === RETAINED) return h.signedAt > cur.signedAt || (h.signedAt === cur.signedAt && h.lastSeq > cur.lastSeq);
  return h.lastSeq > cur.lastSeq || (h.lastSeq === cur.lastSeq && h.signedAt > cur.signedAt);
}

const services = new WeakMap<AppContext, RecordsService>();

/** Composition root: sets the signing key for an app's records (call before serving). */
export function configureRecords(ctx: AppContext, signer: RecordsSigner): RecordsService {
  const s = new RecordsService(ctx, signer);
  services.set(ctx, s);
  return s;
}

/** The app's records service; an ephemeral key when the composition root configured none (tests). */
export function recordsFor(ctx: AppContext): RecordsService {
  return services.get(ctx) ?? configureRecords(ctx, RecordsSigner.generate().signer);
}
