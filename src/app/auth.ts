/**
 * Token → principal. Hashes are looked up, then cached for a short while (TOKEN_CACHE_MS); tokens are
 * per person, never shared. Revoking through this object drops the token from the cache at once.
 */
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import { hashSecret, newSecret } from './secrets.js';
import type { Role, TokenRow } from '../ports/store.js';
import { SmsguardError } from '../domain/errors.js';
import { str } from './validate.js';

/**
 * How long a looked-up token (found or not) is believed without asking the store again. A revocation
 * in this process drops the entry at once, and with NATS in every process on the bus at once (the
 * `secretRevoked` notice, src/queue/roles.ts, also published by `smsguard token revoke` given the
 * bus); a process that misses the notice (a lost message, a `token revoke` given no bus or unable to
 * reach it) sees it when its entry expires, so
 * this is the bound (README "Revoking keys") on how long a revoked key can still work elsewhere.
 * 10 s keeps a burst of requests to one lookup while leaving a leaked key at most that long.
 */
export const TOKEN_CACHE_MS = 10_000;

/** Entries held at most; past it the cache starts over (a flood of unknown tokens must not grow it). */
const TOKEN_CACHE_MAX = 10_000;

export class Authenticator {
  private readonly cache = new Map<string, { p: Principal | null; until: number }>();
  /** Revocations heard so far: a lookup that overlapped one is not cached (it may have read the row before). */
  private revocations = 0;
  /** `now`: wall-clock milliseconds for the cache's life, never the (possibly simulated) app clock. */
  constructor(private readonly ctx: AppContext, private readonly now: () => number = Date.now) {
    // A token revoked here, or in another process on the bus (the notice re-emitted): forgotten at once.
    ctx.events.on('secretRevoked', (ev) => {
      if (ev.kind !== 'token') return;
      this.revocations++;
      this.forget(ev.id);
    });
  }

  async principalFor(token: string | undefined): Promise<Principal> {
    if (!token) return { role: 'public', actorId: 'public' };
    const hash = hashSecret(token);
    return this.cached(hash, async () => {
      const row = await this.ctx.store.directory.findTokenByHash(hash);
      return row ? principalOf(row) : null;
    });
  }

  /**
   * The principal of the live token with this id (a web sign-in's, src/app/web-sessions.ts): public
   * when it is revoked or unknown. Cached and forgotten on revocation as {@link principalFor} is.
   */
  async principalForTokenId(id: string): Promise<Principal> {
    return this.cached(`id:${id}`, async () => {
      const row = await this.ctx.store.directory.getToken(id);
      return row && row.revokedAt === null ? principalOf(row) : null;
    });
  }

  /** The principal cached under `key` (a token's hash, or `id:` and its id), else `read` and cached. */
  private async cached(key: string, read: () => Promise<Principal | null>): Promise<Principal> {
    const at = this.now();
    const hit = this.cache.get(key);
    let p: Principal | null;
    if (hit && hit.until > at) p = hit.p;
    else {
      const seen = this.revocations;
      p = await read();
      if (this.cache.size >= TOKEN_CACHE_MAX) this.cache.clear();
      // a revocation heard while the store answered may concern this row, read just before it: the
      // answer serves this request only, and the next one asks again
      if (seen === this.revocations) this.cache.set(key, { p, until: at + TOKEN_CACHE_MS });
    }
    return p ?? { role: 'public', actorId: 'public' };
  }

  /**
   * Revokes a token (any role) and forgets it here at once; idempotent. Null when there is no such
   * token. The revocation is recorded in the audit trail (who, which token, whose) the first time.
   * Then `secretRevoked` is emitted (every time: a repeat may reach a process that missed the first),
   * which the bus roles carry to the other processes.
   */
  async revokeToken(id: string, actor: string): Promise<TokenRow | null> {
    const before = await this.ctx.store.directory.getToken(id);
    if (!before) return null;
    const at = this.ctx.clock.now();
    const row = await this.ctx.store.directory.revokeToken(id, at);
    this.forget(id);
    if (row) this.ctx.events.emit('secretRevoked', { kind: 'token', id });
    // recorded once: a repeat (already revoked before this call) changes nothing, so says nothing
    if (row && before.revokedAt === null) {
      await this.ctx.store.records.appendAudit(at, actor, 'token.revoke', { tokenId: id, role: row.role, label: row.label }, { contentProviderId: row.role === 'content-provider' ? row.subject : null });
    }
    return row;
  }

  /** Drops every cached entry of this token (the cache is keyed by hash or `id:` id, so by its principal's actorId, and the id's own). */
  private forget(tokenId: string): void {
    this.cache.delete(`id:${tokenId}`);
    for (const [hash, e] of this.cache) if (e.p?.actorId === tokenId) this.cache.delete(hash);
  }

  /** Creates a token for a person; returns the secret (shown once). */
  async createToken(role: Role, label: string, subject: string | null = null, scope: Record<string, unknown> = {}): Promise<{ id: string; token: string }> {
    // `token create --label` is a door too: the label is shown in every list of tokens, one line as an
    // API key's is, and a NUL in it failed the insert on PostgreSQL
    str(label, 'label', { min: 1, max: 200, shape: 'line' });
    const token = newSecret(role === 'admin' ? 'sga' : 'sgt');
    const id = this.ctx.ids.next('tok');
    await this.ctx.store.directory.addToken({ id, role, subject, label, scope, createdAt: this.ctx.clock.now(), revokedAt: null }, hashSecret(token));
    return { id, token };
  }

  /**
   * The admin token at start: `SMSGUARD_ADMIN_TOKEN` if set (registered if new), else one generated
   * on first start and stored hashed. Returns the token only when it is new, so it is printed once.
   */
  async ensureAdminToken(fromEnv: string | undefined): Promise<{ token: string | null; source: 'env' | 'generated' | 'stored' }> {
    if (fromEnv) {
      const hash = hashSecret(fromEnv);
      if (!(await this.ctx.store.directory.findTokenByHash(hash))) {
        try {
          await this.ctx.store.directory.addToken({ id: this.ctx.ids.next('tok'), role: 'admin', subject: null, label: 'SMSGUARD_ADMIN_TOKEN', scope: {}, createdAt: this.ctx.clock.now(), revokedAt: null }, hash);
        } catch (e) {
          if (!(e instanceof SmsguardError && e.code === 'conflict')) throw e;
          // Stored meanwhile: several processes started at once with the same new secret, and
          // another one's insert won. Live now, it is the same token: not a revocation.
          if (await this.ctx.store.directory.findTokenByHash(hash)) return { token: fromEnv, source: 'env' };
          // not live yet stored: it was revoked, and setting it again must not take the revocation back
          throw new SmsguardError('conflict', 'SMSGUARD_ADMIN_TOKEN was revoked; set a new secret, or unset it and create an admin token with `smsguard token create --role admin`');
        }
      }
      return { token: fromEnv, source: 'env' };
    }
    if ((await this.ctx.store.directory.countTokens('admin')) > 0) return { token: null, source: 'stored' };
    const { token } = await this.createToken('admin', 'generated at first start');
    return { token, source: 'generated' };
  }
}

/** The principal a live token stands for; null when its row names no usable role (a provider key without its provider). */
function principalOf(row: TokenRow): Principal | null {
  if (row.role === 'admin') return { role: 'admin', actorId: row.id };
  if (row.role === 'content-provider' && row.subject) return { role: 'content-provider', contentProviderId: row.subject, actorId: row.id };
  if (row.role === 'regulator') return { role: 'regulator', actorId: row.id, province: row.scope.province as string | undefined, from: row.scope.from as number | undefined, to: row.scope.to as number | undefined };
  if (row.role === 'report-centre') return { role: 'report-centre', actorId: row.id };
  return null;
}
