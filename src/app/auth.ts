/** Token → principal. Hashes are looked up once and cached; tokens are per person, never shared. */
import type { AppContext } from './context.js';
import type { Principal } from './types.js';
import { hashSecret, newSecret } from './secrets.js';
import type { Role } from '../ports/store.js';

export class Authenticator {
  private readonly cache = new Map<string, Principal | null>();
  constructor(private readonly ctx: AppContext) {}

  async principalFor(token: string | undefined): Promise<Principal> {
    if (!token) return { role: 'public', actorId: 'public' };
    const hash = hashSecret(token);
    let p = this.cache.get(hash);
    if (p === undefined) {
      const row = await this.ctx.store.directory.findTokenByHash(hash);
      p = null;
      if (row) {
        if (row.role === 'admin') p = { role: 'admin', actorId: row.id };
        else if (row.role === 'content-provider' && row.subject) p = { role: 'content-provider', contentProviderId: row.subject, actorId: row.id };
        else if (row.role === 'regulator') p = { role: 'regulator', actorId: row.id, province: row.scope.province as string | undefined, from: row.scope.from as number | undefined, to: row.scope.to as number | undefined };
        else if (row.role === 'report-centre') p = { role: 'report-centre', actorId: row.id };
      }
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(hash, p);
    }
    return p ?? { role: 'public', actorId: 'public' };
  }

  /** Creates a token for a person; returns the secret (shown once). */
  async createToken(role: Role, label: string, subject: string | null = null, scope: Record<string, unknown> = {}): Promise<{ id: string; token: string }> {
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
        await this.ctx.store.directory.addToken({ id: this.ctx.ids.next('tok'), role: 'admin', subject: null, label: 'SMSGUARD_ADMIN_TOKEN', scope: {}, createdAt: this.ctx.clock.now(), revokedAt: null }, hash);
      }
      return { token: fromEnv, source: 'env' };
    }
    if ((await this.ctx.store.directory.countTokens('admin')) > 0) return { token: null, source: 'stored' };
    const { token } = await this.createToken('admin', 'generated at first start');
    return { token, source: 'generated' };
  }
}
