/**
 * `smsguard token list` and `smsguard token revoke <id>`, beside `token create` (src/main.ts): an
 * operator sees every token (never a secret or hash) and takes one back — a person's token that
 * leaked, a provider's API key. Thin: revocation is the Authenticator's (src/app/auth.ts), so it is
 * recorded in the audit trail as over HTTP. This process is not on the bus, so no notice goes out (a
 * revocation over HTTP tells every process on NATS at once, src/queue/roles.ts): a running gateway
 * stops honouring the token within TOKEN_CACHE_MS (its token cache).
 */
import { Command, Option } from 'commander';
import { loadConfig } from '../config/schema.js';
import { resolveProfile, type ProfileId } from '../profiles/index.js';
import { openStore } from '../store/open.js';
import { SmsguardError } from '../domain/errors.js';
import { App } from '../app/app.js';
import { SystemClock } from '../simulator/clock.js';
import type { Role } from '../ports/store.js';

/** The store of an install that exists (never a new one: a mistyped --db must not look empty) and an App on it. */
async function openApp(opts: Record<string, unknown>): Promise<{ app: App; close(): Promise<void> }> {
  const config = loadConfig({ db: opts.db, dbSchema: opts.dbSchema, profile: opts.profile });
  const { store } = await openStore(config.db, { schema: config.dbSchema, existing: true });
  return { app: new App({ store, clock: new SystemClock(), profile: resolveProfile(config.profile as ProfileId) }), close: () => store.close() };
}

/** Adds `list` and `revoke` to the `token` command. */
export function registerTokenCommands(token: Command, common: (c: Command) => Command): void {
  common(token.command('list').description('list tokens and API keys, live and revoked (one JSON object a line; never a secret)'))
    .addOption(new Option('--role <role>', 'only this role').choices(['admin', 'content-provider', 'regulator', 'report-centre']))
    .option('--content-provider <id>', 'only this content provider\'s API keys')
    .action(async (opts) => {
      const { app, close } = await openApp(opts);
      try {
        const rows = await app.ctx.store.directory.listTokens({ role: opts.role as Role | undefined, subject: opts.contentProvider as string | undefined });
        for (const r of rows) {
          process.stdout.write(`${JSON.stringify({ id: r.id, role: r.role, ...(r.subject ? { contentProviderId: r.subject } : {}), label: r.label, ...(Object.keys(r.scope).length ? { scope: r.scope } : {}), createdAt: new Date(r.createdAt).toISOString(), revokedAt: r.revokedAt === null ? null : new Date(r.revokedAt).toISOString() })}\n`);
        }
      } finally {
        await close();
      }
    });
  common(token.command('revoke').description('revoke a token or API key by id (see token list); a running gateway refuses it within 10 s').argument('<id>', 'the token\'s id (tok_…)'))
    .option('--actor <who>', 'who revokes, for the audit trail', 'cli')
    .action(async (id: string, opts) => {
      const { app, close } = await openApp(opts);
      try {
        const r = await app.auth.revokeToken(id, opts.actor as string);
        if (!r) throw new SmsguardError('not_found', `no token ${id} (see smsguard token list)`);
        process.stdout.write(`${JSON.stringify({ id: r.id, role: r.role, revokedAt: new Date(r.revokedAt!).toISOString() })}\n`);
      } finally {
        await close();
      }
    });
}
