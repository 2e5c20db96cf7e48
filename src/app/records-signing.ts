/**
 * The Ed25519 key that signs chain heads. One signature per head publication, never per record.
 * The key comes from config (`recordsSigningKey`: PKCS#8 PEM, base64 PKCS#8 DER, or `file:PATH`);
 * src/main.ts generates and stores one beside the database on first start when none is configured.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { headPayload, type ChainHead } from '../domain/hash-chain.js';
import { providerHeadPayload, type ProviderHead } from '../domain/provider-chain.js';
import type { StoredHead, StoredProviderHead } from '../ports/store.js';

/** A public key's id as heads carry it: the first 16 hex digits of SHA-256 over its SPKI DER. */
export function keyIdOf(spkiBase64: string): string {
  return createHash('sha256').update(Buffer.from(spkiBase64, 'base64')).digest('hex').slice(0, 16);
}

/**
 * Public keys (base64 SPKI) of retired signing keys, one per line (`#` comments and blank lines
 * allowed). Throws on a line that is not an Ed25519 public key, naming it.
 */
export function parseTrustedKeys(text: string, source: string): string[] {
  const out: string[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    let ok = false;
    try {
      ok = createPublicKey({ key: Buffer.from(line, 'base64'), format: 'der', type: 'spki' }).asymmetricKeyType === 'ed25519';
    } catch {
      ok = false;
    }
    if (!ok) throw new Error(`${source}, line ${i + 1}: not an Ed25519 public key (base64 SPKI)`);
    out.push(line);
  }
  return out;
}

export class RecordsSigner {
  readonly publicKey: string;
  readonly keyId: string;
  /**
   * Public keys of retired signing keys whose heads still verify (key rotation: heads already
   * published keep the signature they were published with). Set once at start-up.
   */
  retiredKeys: readonly string[] = [];
  private constructor(private readonly key: KeyObject) {
    const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
    this.publicKey = spki.toString('base64');
    this.keyId = keyIdOf(this.publicKey);
  }

  /** This key's public key, then the retired ones: what `records verify` trusts. */
  get trustedKeys(): string[] {
    return [this.publicKey, ...this.retiredKeys.filter((k) => k !== this.publicKey)];
  }

  /** From PEM or base64 PKCS#8 DER text. Throws when it is not an Ed25519 private key. */
  static fromText(text: string): RecordsSigner {
    const t = text.trim();
    const key = t.startsWith('-----BEGIN') ? createPrivateKey(t) : createPrivateKey({ key: Buffer.from(t, 'base64'), format: 'der', type: 'pkcs8' });
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`records signing key must be Ed25519, got ${key.asymmetricKeyType}`);
    return new RecordsSigner(key);
  }

  /** A new key; `pem` is what to store. */
  static generate(): { signer: RecordsSigner; pem: string } {
    const { privateKey } = generateKeyPairSync('ed25519');
    return { signer: new RecordsSigner(privateKey), pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
  }

  signHead(h: ChainHead): StoredHead {
    const signature = sign(null, Buffer.from(headPayload(h)), this.key).toString('base64');
    return { chain: h.chain, firstSeq: h.firstSeq, lastSeq: h.lastSeq, count: h.count, hash: h.hash, signedAt: h.signedAt, keyId: this.keyId, publicKey: this.publicKey, signature };
  }

  /** A provider head (domain/provider-chain.ts), signed as chain heads are, over its own payload. */
  signProviderHead(h: ProviderHead): StoredProviderHead {
    const signature = sign(null, Buffer.from(providerHeadPayload(h)), this.key).toString('base64');
    return { month: h.month, contentProviderId: h.contentProviderId, lastSeq: h.lastSeq, count: h.count, digest: h.digest, signedAt: h.signedAt, keyId: this.keyId, publicKey: this.publicKey, signature };
  }

  /** Signs arbitrary canonical bytes (an export manifest). */
  signText(text: string): string {
    return sign(null, Buffer.from(text), this.key).toString('base64');
  }
}

/** Checks a head's signature against the public key it names (or the one the caller trusts). */
export function verifyHeadSignature(h: StoredHead, trustedPublicKey?: string): boolean {
  try {
    const pub = createPublicKey({ key: Buffer.from(trustedPublicKey ?? h.publicKey, 'base64'), format: 'der', type: 'spki' });
    return verify(null, Buffer.from(headPayload(h)), pub, Buffer.from(h.signature, 'base64'));
  } catch {
    return false;
  }
}

/** Checks a provider head's signature against the public key it names (or the one the caller trusts). */
export function verifyProviderHeadSignature(h: StoredProviderHead, trustedPublicKey?: string): boolean {
  return verifyTextSignature(providerHeadPayload(h), h.signature, trustedPublicKey ?? h.publicKey);
}

export function verifyTextSignature(text: string, signature: string, publicKey: string): boolean {
  try {
    const pub = createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' });
    return verify(null, Buffer.from(text), pub, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
