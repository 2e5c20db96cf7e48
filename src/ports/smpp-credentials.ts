/**
 * SMPP credentials of content providers: the system_id/password an ESME binds with, stored hashed
 * (scrypt), with optional source-IP allowlist, bind limit, throughput (msgs/s across all binds,
 * past which submits get ESME_RTHROTTLED) and default consent category.
 */
export interface SmppCredentialRow {
  id: string;
  contentProviderId: string;
  /** SMPP system_id (≤ 15 octets), unique across smsguard. */
  systemId: string;
  passwordHash: string;
  /** Source addresses allowed to bind (exact IPs); null = any. */
  allowedIps: string[] | null;
  /** Simultaneous binds allowed; null = unlimited. */
  maxBinds: number | null;
  /** submit_sm per second across the provider's binds; null = unlimited. */
  throughput: number | null;
  /**
   * Consent category a commercial submit_sm of this credential's binds takes when it carries no TLV
   * 0x1401 (stock ESMEs cannot add TLVs); null = none. NFKC, trimmed, 1–64 characters (categoryField).
   */
  defaultCategory: string | null;
  createdAt: number;
  revokedAt: number | null;
}

export interface SmppCredentialStore {
  /**
   * Fails with SmsguardError `conflict` when the system_id exists. With `actor`, the creation is
   * recorded (audit `smpp_credential.create`: who, when, system_id and provider, never the password
   * nor its hash; src/store/registry-audit.ts) in its own transaction; without one (a seed), nothing.
   */
  addSmppCredential(row: SmppCredentialRow, actor?: string): Promise<void>;
  /** The live (not revoked) credential with this system_id. */
  findSmppCredential(systemId: string): Promise<SmppCredentialRow | null>;
  listSmppCredentials(contentProviderId: string): Promise<SmppCredentialRow[]>;
  /**
   * Revokes the provider's live credential with this system_id at `at`: findSmppCredential no longer
   * finds it, and the system_id is free to be created again. Idempotent: with no live one, the
   * provider's most recently revoked credential of that system_id is returned unchanged. Null when the
   * provider never had one (another provider's system_id included). With `actor`, a revocation (not a
   * repeat) is recorded (audit `smpp_credential.revoke`) in its own transaction.
   */
  revokeSmppCredential(contentProviderId: string, systemId: string, at: number, actor?: string): Promise<SmppCredentialRow | null>;
  /**
   * Of these credential ids, the ones still live: a revoked one, or one no longer stored, is left out.
   * One query whatever the number of ids: each SMPP server process asks it periodically for the
   * credentials of its live binds, so a credential revoked by another process sharing the store has
   * its binds here cut too (SmppServer's credential check, docs/SMPP.md).
   */
  liveSmppCredentialIds(ids: readonly string[]): Promise<Set<string>>;
}
