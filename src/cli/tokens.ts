/**
 * `smsguard token list` and `smsguard token revoke <id>`, beside `token create` (src/main.ts): an
 * operator sees every token (never a secret or hash) and takes one back — a person's token that
 * leaked, a provider's API key. Thin: revocation is the Authenticator's (src/app/auth.ts), so it is
 * recorded in the audit trail as over HTTP. With a bus configured as for `smsguard start` (--queue /
 * SMSGUARD_QUEUE, --queue-prefix / SMSGUARD_QUEUE_PREFIX), once the revocation is committed the
 * command publishes the same notice the bus roles publish (`<prefix>.evt.revoked`,
 * src/queue/revoked-notice.ts), so every running gateway refuses the token at once. NATS not
 * reachable within 2 s: the revocation stands (exit 0) and a warning says running gateways refuse
 * the token within TOKEN_CACHE_MS (their token cache), as they do when a notice is lost.
 */
import { Command, Option } from 'commander';
import { withoutPassword } from '../runtime/without-password.js';
import { loadConfig } from '../config/schema.js';
import { sqliteTuning } from '../config/sqlite-tuning.js';
import { resolveProfile, type ProfileId } from '../profiles/index.js';
import { openStore } from '../store/open.js';
import { SmsguardError } from '../domain/errors.js';
import { App } from '../app/app.js';
import { SystemClock } from '../simulator/clock.js';
import type { Role } from '../ports/store.js';
import type { SecretRevoked } from '../app/context.js';
import { TOKEN_CACHE_MS } from '../app/auth.js';
import { ANNOUNCE_TIMEOUT_MS, announceRevoked } from '../queue/revoked-notice.js';
import { mustExist } from '../app/known-provider.js';

/** The store of an install that exists (never a new one: a mistyped --db must not look empty) and an App on it. */
async function openApp(opts: Record<string, unknown>): Promise<{ app: App; bus: { url: string; prefix: string } | null; close(): Promise<void> }> {
  const config = loadConfig({ db: opts.db, dbSchema: opts.dbSchema, profile: opts.profile, queue: opts.queue, queuePrefix: opts.queuePrefix });
  const { store } = await openStore(config.db, { sqlite: sqliteTuning(config), schema: config.dbSchema, existing: true });
  const bus = config.queue ? { url: config.queue, prefix: config.queuePrefix } : null;
  return { app: new App({ store, clock: new SystemClock(), profile: resolveProfile(config.profile as ProfileId) }), bus, close: () => store.close() };
}

/**
 * Tells the running gateways on the bus of revocations just committed (the bus roles' notice); on
 * failure only a warning: the revocation stands, and they see it when their cache entries expire.
 */
async function announce(bus: { url: string; prefix: string }, events: SecretRevoked[]): Promise<void> {
  if (!events.length) return;
  try {
    await announceRevoked(bus.url, bus.prefix, events, ANNOUNCE_TIMEOUT_MS);
  } catch (e) {
    process.stderr.write(`smsguard: warning: revoked, but the notice could not be sent on NATS at ${withoutPassword(bus.url)} (${(e as Error).message}): running gateways refuse the token within ${TOKEN_CACHE_MS / 1000} s\n`);
  }
}

/** Adds `list` and `revoke` to the `token` command. */
export function registerTokenCommands(token: Command, common: (c: Command) => Command): void {
  common(token.command('list').description('list tokens and API keys, live and revoked (one JSON object a line; never a secret)'))
    .addOption(new Option('--role <role>', 'only this role').choices(['admin', 'content-provider', 'regulator', 'report-centre']))
    .option('--content-provider <id>', 'only this content provider\'s API keys')
    .action(async (opts) => {
      const { app, close } = await openApp(opts);
      try {
        // a misspelt id would list nothing, as if the provider had no keys
        if (opts.contentProvider !== undefined) await mustExist(app.ctx, opts.contentProvider as string);
        const rows = await app.ctx.store.directory.listTokens({ role: opts.role as Role | undefined, subject: opts.contentProvider as string | undefined });
        for (const r of rows) {
          process.stdout.write(`${JSON.stringify({ id: r.id, role: r.role, ...(r.subject ? { contentProviderId: r.subject } : {}), label: r.label, ...(Object.keys(r.scope).length ? { scope: r.scope } : {}), createdAt: new Date(r.createdAt).toISOString(), revokedAt: r.revokedAt === null ? null : new Date(r.revokedAt).toISOString() })}\n`);
        }
      } finally {
        await close();
      }
    });
  common(token.command('revoke').description('revoke a token or API key by id (see token list); with --queue running gateways refuse it at once, else within 10 s').argument('<id>', 'the token\'s id (tok_…)'))
    .option('--actor <who>', 'who revokes, for the audit trail', 'cli')
    .option('--queue <url>', 'nats://host:port of the gateways\' bus (as for start; also SMSGUARD_QUEUE): tell them at once')
    .option('--queue-prefix <prefix>', 'the bus\'s subject prefix (as for start; also SMSGUARD_QUEUE_PREFIX; default smsguard)')
    .action(async (id: string, opts) => {
      const { app, bus, close } = await openApp(opts);
      // what the revocation tells this process (auth.ts), for the processes on the bus
      const revoked: SecretRevoked[] = [];
      const unlisten = app.events.on('secretRevoked', (ev) => void revoked.push(ev));
      try {
        const r = await app.auth.revokeToken(id, opts.actor as string);
        if (!r) throw new SmsguardError('not_found', `no token ${id} (see smsguard token list)`);
        if (bus) await announce(bus, revoked);
        process.stdout.write(`${JSON.stringify({ id: r.id, role: r.role, revokedAt: new Date(r.revokedAt!).toISOString() })}\n`);
      } finally {
        unlisten();
        await close();
      }
    });
}
