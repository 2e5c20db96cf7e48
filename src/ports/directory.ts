import type { PortFacts } from '../pipeline/types.js';

export interface ContentProviderRow {
  id: string;
  name: string;
  creditCode: string;
  licenseNumber: string | null;
  status: 'active' | 'suspended';
  createdAt: number;
  /**
   * Agreed HTTP throughput, messages a second (a batch counts its messages), 1–100000; null: no
   * limit. Enforced at the HTTP door, each process holding the provider to its share among the
   * processes serving HTTP (src/app/http-throughput.ts, src/app/http-processes.ts).
   */
  httpThroughput: number | null;
}

export interface SignatureRow {
  id: string;
  contentProviderId: string;
  signature: string;
  /**
   * The review state; `revoked` once an operator took the signature back (revokeSignature), whatever
   * it was before: it never passes the pipeline again.
   */
  status: 'pending' | 'approved' | 'rejected' | 'revoked';
  createdAt: number;
  /** When it was revoked (epoch ms); null or absent while it stands. */
  revokedAt?: number | null;
  /** Why it was revoked (brand lost, complaint, regulator order…). */
  revokedReason?: string | null;
}

export interface PortRow extends PortFacts {
  createdAt: number;
  /** Why it was retired (allocation withdrawn, customer left…); null or absent while in use. */
  retiredReason?: string | null;
}

export type Role = 'admin' | 'content-provider' | 'regulator' | 'report-centre';

export interface TokenRow {
  id: string;
  role: Role;
  /** For content-provider tokens: the provider id. */
  subject: string | null;
  label: string;
  /** Role-specific limits, e.g. a regulator's province or date range. */
  scope: Record<string, unknown>;
  createdAt: number;
  revokedAt: number | null;
}

/** Providers, their signatures and ports, and access tokens. */
export interface DirectoryStore {
  /**
   * Creates a provider with its API key. Fails with `conflict` when the credit code is taken. With
   * `actor`, the creation is recorded (audit `content_provider.create`: who, when, name and credit
   * code; src/store/registry-audit.ts) in its own transaction; without one (a seed), nothing.
   */
  createContentProvider(row: ContentProviderRow, apiKey: { id: string; hash: string }, actor?: string): Promise<void>;
  getContentProvider(id: string): Promise<ContentProviderRow | null>;
  listContentProviders(): Promise<ContentProviderRow[]>;
  /** Sets status and records the change (who, why). Returns false when no such provider. */
  setContentProviderStatus(id: string, status: ContentProviderRow['status'], at: number, actor: string, reason?: string): Promise<boolean>;
  /** Sets the HTTP throughput (null: no limit) and records the change (who). Returns false when no such provider. */
  setContentProviderHttpThroughput(id: string, perSecond: number | null, at: number, actor: string): Promise<boolean>;
  /**
   * Registers a signature. Fails with `conflict` when its text stands registered (not revoked), to
   * this or another provider. A revoked text may be registered again, to the same or another
   * provider: the new registration is a new row and the revoked ones stay as they are (listed,
   * still stopping what their holder queued before the revocation). Returns the latest revoked
   * registration of the text, otherwise null. With `actor`, the registration is recorded (audit
   * `signature.register`, or `signature.submit` for a pending application) and so is the earlier
   * tenure (`signature.reassign`, src/store/registry-audit.ts), in the registration's own transaction.
   */
  addSignature(row: SignatureRow, actor?: string): Promise<SignatureRow | null>;
  /**
   * Changes a signature's review state (only approved signatures pass the pipeline). False when no
   * such signature, or when it was revoked: a revoked signature is never reviewed back to life.
   */
  setSignatureStatus(id: string, status: Exclude<SignatureRow['status'], 'revoked'>, at: number): Promise<boolean>;
  /** One signature by id, whatever its state; null when there is none. */
  getSignature(id: string): Promise<SignatureRow | null>;
  listSignatures(contentProviderId: string): Promise<SignatureRow[]>;
  /**
   * Every signature text that stands (pending or approved, not revoked, not rejected), whoever holds
   * it: what a new registration is compared with for lookalikes (src/app/signature-lookalike.ts).
   */
  standingSignatures(): Promise<Array<{ contentProviderId: string; signature: string }>>;
  /**
   * Revokes a signature of this provider at `at` and records it (audit `signature.revoke`, who, why)
   * in the same transaction. Idempotent: one already revoked keeps its first revokedAt and reason and
   * records nothing. Returns the row as it now stands, null when the provider has no such signature.
   */
  revokeSignature(contentProviderId: string, id: string, at: number, actor: string, reason: string): Promise<SignatureRow | null>;
  /**
   * Registers a port. Fails with `conflict` when the number is in use (not retired). A retired number
   * is taken over (new holder, kind and createdAt; retiredAt cleared) and the retired row it replaced
   * is returned, otherwise null. With `actor`, the registration is recorded (audit `port.register`)
   * and so is the earlier tenure (`port.reassign`, src/store/registry-audit.ts), in its own transaction.
   */
  addPort(row: PortRow, actor?: string): Promise<PortRow | null>;
  /**
   * Retires a port at `at` and records it (audit `port.retire`, who, why) in the same transaction.
   * Idempotent like revokeSignature. Returns the row as it now stands, null when no such port.
   */
  retirePort(number: string, at: number, actor: string, reason: string): Promise<PortRow | null>;
  getPort(number: string): Promise<PortRow | null>;
  listPorts(contentProviderId?: string): Promise<PortRow[]>;
  /** Fails with `conflict` when a token, live or revoked, has this hash or id: a revoked secret is never live again. */
  addToken(row: TokenRow, hash: string): Promise<void>;
  /** The live (not revoked) token with this hash. */
  findTokenByHash(hash: string): Promise<TokenRow | null>;
  /** Live tokens of a role. */
  countTokens(role: Role): Promise<number>;
  /** One token by id, live or revoked; null when there is none. Never the hash. */
  getToken(id: string): Promise<TokenRow | null>;
  /**
   * Tokens, live and revoked, oldest first (then by id), never their hashes. `role` and `subject`
   * (a content provider's id, for its API keys) narrow the list.
   */
  listTokens(filter?: { role?: Role; subject?: string }): Promise<TokenRow[]>;
  /**
   * Revokes a token at `at`: from then on findTokenByHash no longer finds it. Idempotent: a token
   * already revoked keeps its first revokedAt. Returns the row as it now stands, null when no token
   * has this id.
   */
  revokeToken(id: string, at: number): Promise<TokenRow | null>;
}
