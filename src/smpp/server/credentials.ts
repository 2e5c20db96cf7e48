/**
 * SMPP credentials use cases: create (`POST /v1/content-providers/{id}/smpp-credentials`), revoke
 * (`DELETE …/smpp-credentials/{systemId}`) and authenticate a bind. Passwords are stored as scrypt hashes; a verified (system_id, password) pair
 * is cached by SHA-256 so an ESME that rebinds often does not cost a scrypt each time.
 */
import { createHash } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { normaliseIp, parseIpRange } from '../../runtime/ip-range.js';
import { SmsguardError } from '../../domain/errors.js';
import { requireOwnerOrAdmin, requireRole } from '../../app/access.js';
import { hashPassword, verifyPassword } from '../../app/secrets.js';
import { categoryField } from '../../app/validate.js';
import type { Principal } from '../../app/types.js';
import type { SmppCredentialRow, SmppCredentialStore } from '../../ports/smpp-credentials.js';
import { CommandStatus } from '../pdu/constants.js';

export interface SmppCredentialsDeps {
  store: SmppCredentialStore;
  contentProviderExists(id: string): Promise<boolean>;
  now(): number;
  newId(): string;
}

/** What a bind is allowed, once authenticated. */
export interface SmppAccount {
  credentialId: string;
  contentProviderId: string;
  systemId: string;
  maxBinds: number | null;
  throughput: number | null;
  /** Category a commercial submit without TLV 0x1401 takes; null = none (docs/SMPP.md). */
  defaultCategory: string | null;
}

export type AuthResult = { ok: true; account: SmppAccount } | { ok: false; status: number; reason: string };

/** The public view of a credential (never the hash). */
export interface SmppCredentialView {
  id: string;
  contentProviderId: string;
  systemId: string;
  allowedIps: string[] | null;
  maxBinds: number | null;
  throughput: number | null;
  defaultCategory: string | null;
  createdAt: number;
  /** When it was revoked; null = live. */
  revokedAt: number | null;
}

function view(r: SmppCredentialRow): SmppCredentialView {
  return { id: r.id, contentProviderId: r.contentProviderId, systemId: r.systemId, allowedIps: r.allowedIps, maxBinds: r.maxBinds, throughput: r.throughput, defaultCategory: r.defaultCategory, createdAt: r.createdAt, revokedAt: r.revokedAt };
}

/**
 * A credential's system_id and password lengths, in printable ASCII characters (SMPP 3.4: system_id
 * 16 octets, password 9, each with its NUL): one table for create() and the HTTP schema's descriptions
 * (src/http/routes/smpp-credentials.ts; said, not schema bounds: the owner check's 403 comes first).
 */
export const SMPP_CREDENTIAL_LIMITS = {
  systemId: { min: 1, max: 15 },
  password: { min: 1, max: 8 },
} as const;
const SYSTEM_ID = new RegExp(`^[\\x21-\\x7e]{${SMPP_CREDENTIAL_LIMITS.systemId.min},${SMPP_CREDENTIAL_LIMITS.systemId.max}}$`);
const PASSWORD = new RegExp(`^[\\x20-\\x7e]{${SMPP_CREDENTIAL_LIMITS.password.min},${SMPP_CREDENTIAL_LIMITS.password.max}}$`);

function invalid(field: string, message: string): never {
  throw new SmsguardError('invalid_request', message, {}, field);
}

export class SmppCredentials {
  private readonly verified = new Map<string, string>();
  constructor(private readonly deps: SmppCredentialsDeps) {}

  /** Creates a credential for a content provider (admin or the provider itself), recorded as audit `smpp_credential.create`. */
  async create(p: Principal, contentProviderId: string, body: unknown): Promise<SmppCredentialView> {
    requireOwnerOrAdmin(p, contentProviderId);
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (typeof b.systemId !== 'string' || !SYSTEM_ID.test(b.systemId)) invalid('systemId', `systemId: ${SMPP_CREDENTIAL_LIMITS.systemId.min}–${SMPP_CREDENTIAL_LIMITS.systemId.max} printable ASCII characters (SMPP system_id)`);
    // SMPP 3.4 carries at most 8 password octets.
    if (typeof b.password !== 'string' || !PASSWORD.test(b.password)) invalid('password', `password: ${SMPP_CREDENTIAL_LIMITS.password.min}–${SMPP_CREDENTIAL_LIMITS.password.max} printable ASCII characters (SMPP 3.4 limit)`);
    let allowedIps: string[] | null = null;
    if (b.allowedIps !== undefined && b.allowedIps !== null) {
      if (!Array.isArray(b.allowedIps) || !b.allowedIps.every((x) => typeof x === 'string' && parseIpRange(x) !== null)) {
        invalid('allowedIps', 'allowedIps: array of IP addresses or CIDR blocks (203.0.113.7, 10.0.0.0/8, 2001:db8::/32)');
      }
      allowedIps = b.allowedIps as string[];
    }
    const posInt = (v: unknown, field: string): number | null => {
      if (v === undefined || v === null) return null;
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) invalid(field, `${field}: a positive number`);
      return v;
    };
    const maxBinds = posInt(b.maxBinds, 'maxBinds');
    const throughput = posInt(b.throughput, 'throughput');
    // Validated as every category is (a submission's, a consent's), so the default matches consents
    // recorded for it exactly as a TLV 0x1401 would.
    const defaultCategory = b.defaultCategory === undefined || b.defaultCategory === null ? null : categoryField(b.defaultCategory, 'defaultCategory');
    if (!(await this.deps.contentProviderExists(contentProviderId))) throw new SmsguardError('not_found', 'no such content provider');
    const row: SmppCredentialRow = {
      id: this.deps.newId(), contentProviderId, systemId: b.systemId, passwordHash: hashPassword(b.password), allowedIps,
      maxBinds: maxBinds === null ? null : Math.floor(maxBinds), throughput, defaultCategory, createdAt: this.deps.now(), revokedAt: null,
    };
    // recorded (smpp_credential.create) by the store in the creation's transaction
    await this.deps.store.addSmppCredential(row, p.actorId);
    return view(row);
  }

  async list(p: Principal, contentProviderId: string): Promise<SmppCredentialView[]> {
    requireOwnerOrAdmin(p, contentProviderId);
    return (await this.deps.store.listSmppCredentials(contentProviderId)).map(view);
  }

  private readonly revokedListeners: ((credentialId: string) => void)[] = [];

  /** Called with a credential's id once it is revoked (the SMPP server unbinds its live binds). */
  onRevoked(fn: (credentialId: string) => void): void {
    this.revokedListeners.push(fn);
  }

  /**
   * Revokes a provider's credential (admin): binds with it are refused from now on, as for a
   * system_id never created (so a refusal says nothing about what existed), and its live binds in
   * this process are unbound at once (onRevoked); those of other processes sharing the store at once
   * too when they are on the bus (the app's `secretRevoked` notice over NATS, src/smpp/compose.ts),
   * else (or the notice lost) within their server's credential check period (`liveAmong`,
   * CREDENTIAL_CHECK_MS). Idempotent;
   * `not_found` when the provider has no such system_id. The first revocation goes to the audit trail.
   */
  async revoke(p: Principal, contentProviderId: string, systemId: string): Promise<void> {
    requireRole(p, 'admin');
    const at = this.deps.now();
    // the first revocation is recorded (smpp_credential.revoke) by the store in its transaction
    const row = await this.deps.store.revokeSmppCredential(contentProviderId, systemId, at, p.actorId);
    if (!row) throw new SmsguardError('not_found', `no SMPP credential ${systemId} of content provider ${contentProviderId}`);
    this.verified.delete(row.id);
    this.lists.delete(row.id);
    for (const fn of this.revokedListeners) fn(row.id);
  }

  /**
   * Of these credential ids (those of an SMPP server's live binds), the ones still live in the store:
   * one query, so a server can ask it every few seconds for all its binds at once and cut the binds of
   * a credential another process revoked (SmppServer's credential check).
   */
  liveAmong(credentialIds: readonly string[]): Promise<Set<string>> {
    return this.deps.store.liveSmppCredentialIds(credentialIds);
  }

  /** Checks a bind's system_id, password and source address. */
  async authenticate(systemId: string, password: string, remoteIp: string): Promise<AuthResult> {
    const row = await this.deps.store.findSmppCredential(systemId);
    if (!row) return { ok: false, status: CommandStatus.ESME_RINVSYSID, reason: 'unknown system_id' };
    // The address first: from an address not allowed, a bind learns nothing about the password and
    // costs no scrypt (a password oracle and a CPU sink for anyone who can reach the port otherwise).
    if (row.allowedIps && !this.allows(row.id, row.allowedIps, remoteIp)) return { ok: false, status: CommandStatus.ESME_RBINDFAIL, reason: `address ${remoteIp} not allowed` };
    const key = createHash('sha256').update(`${row.id}\0${password}`).digest('hex');
    if (this.verified.get(row.id) !== key) {
      if (!verifyPassword(password, row.passwordHash)) return { ok: false, status: CommandStatus.ESME_RINVPASWD, reason: 'wrong password' };
      this.verified.set(row.id, key);
    }
    return { ok: true, account: { credentialId: row.id, contentProviderId: row.contentProviderId, systemId: row.systemId, maxBinds: row.maxBinds, throughput: row.throughput, defaultCategory: row.defaultCategory } };
  }

  /** Allow-lists compiled once per credential (keyed by its entries, so an edited list recompiles). */
  private readonly lists = new Map<string, { key: string; list: BlockList }>();

  private allows(credentialId: string, entries: readonly string[], remoteIp: string): boolean {
    const key = entries.join(',');
    let c = this.lists.get(credentialId);
    if (!c || c.key !== key) {
      const list = new BlockList();
      for (const e of entries) {
        const a = parseIpRange(e);
        // Rows written before entries were validated may hold anything: such an entry matches nothing.
        if (!a) continue;
        if (a.prefix === null) list.addAddress(a.address, a.family);
        else list.addSubnet(a.address, a.prefix, a.family);
      }
      this.lists.set(credentialId, (c = { key, list }));
    }
    const ip = normaliseIp(remoteIp);
    const v = isIP(ip);
    return v !== 0 && c.list.check(ip, v === 6 ? 'ipv6' : 'ipv4');
  }
}
