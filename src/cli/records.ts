/**
 * `smsguard records purge|verify|heads|rotate-key` and `smsguard inspect export`, plus what `start` runs for the
 * records (signing key, hourly head publication, the daily purge). Thin: the work is in src/app.
 */
import { appendFileSync, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmdirSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import type { Config } from '../config/schema.js';
import { ConfigError, loadConfig } from '../config/schema.js';
import { sqliteTuning } from '../config/sqlite-tuning.js';
import { useWorkerBundles } from '../runtime/worker-script.js';
import { resolveProfile, type ParamOverrides, type ProfileId } from '../profiles/index.js';
import { openStore, requireExistingInstall } from '../store/open.js';
import { MonthFileError } from '../store/sqlite/month-files.js';
import { SmsguardError } from '../domain/errors.js';
import type { Store } from '../ports/store.js';
import { App } from '../app/app.js';
import { SimulatedClock, SystemClock } from '../simulator/clock.js';
import { parseTrustedKeys, RecordsSigner } from '../app/records-signing.js';
import { configureRecords, type RecordsService } from '../app/records-service.js';
import { purgeRecords, formatPurgeReport, RetentionJob, PurgeRefusedError, damagedLines, type PurgeReport } from '../app/retention.js';
import { pruneOperational } from '../app/housekeeping.js';
import { ChainDamagedError, manifestText, runExport, type ExportFormat, type ExportManifest } from '../app/inspect-export.js';
import { isMonth } from '../domain/hash-chain.js';
import { parseRegulatorScope } from '../app/records-scope.js';
import { purgedMonth } from '../app/records-verify-month.js';
import { shanghaiDayOrTime } from '../app/validate.js';

/**
 * The head-signing key: config (`recordsSigningKey`: PEM, base64 DER or `file:PATH`), else
 * `records-signing.key` beside the database, generated (mode 0600) on first use. `note` says which.
 */
export function resolveRecordsSigner(config: Config): { signer: RecordsSigner; note: string } {
  let r: { signer: RecordsSigner; note: string };
  try {
    r = resolveSigningKey(config);
    r.signer.retiredKeys = resolveTrustedKeys(config);
  } catch (e) {
    // A key file that is missing or not a key is the operator's to fix: reported as configuration, without a stack.
    throw new ConfigError([`records keys (SMSGUARD_RECORDS_SIGNING_KEY / SMSGUARD_RECORDS_TRUSTED_KEYS): ${(e as Error).message}`]);
  }
  const n = r.signer.retiredKeys.length;
  return n ? { signer: r.signer, note: `${r.note}; ${n} retired key${n > 1 ? 's' : ''} trusted for heads signed before a rotation` } : r;
}

/**
 * The public keys the records' key files hold now: the signing key's (a file, the default beside the
 * database or `file:PATH`) and the trusted ones. A running gateway trusts them as well as those it
 * started with, so heads signed after a rotation (`records rotate-key` beside it) still verify in it;
 * the same files are what it would read at a restart. A file unreadable mid-rotation adds nothing.
 */
export function keysOnDisk(config: Config): string[] {
  const out: string[] = [];
  try {
    const path = recordsKeyFiles(config).signingKey;
    if (path && existsSync(path)) out.push(RecordsSigner.fromText(readFileSync(path, 'utf8')).publicKey);
  } catch { /* mid-rotation or not a key: nothing more to trust */ }
  try {
    out.push(...resolveTrustedKeys(config));
  } catch { /* as above */ }
  return out;
}

/** Retired keys' public keys: config (`recordsTrustedKeys`), else the file `rotate-key` keeps beside the default key. */
function resolveTrustedKeys(config: Config): string[] {
  const t = config.recordsTrustedKeys;
  if (t && !t.startsWith('file:')) return parseTrustedKeys(t.split(/[\s,]+/).join('\n'), 'recordsTrustedKeys');
  const path = recordsKeyFiles(config).trustedKeys;
  // A file config names must be there; the default one exists only after a rotation.
  if (path === null || (!t && !existsSync(path))) return [];
  return parseTrustedKeys(readFileSync(path, 'utf8'), path);
}

/**
 * The files the records' keys are read from for this config (what `smsguard backup` copies): a
 * `file:PATH` config names, or the defaults beside the database when config gives no signing key.
 * Null for a key given inline in config, and for an in-memory database.
 */
export function recordsKeyFiles(config: Config): { signingKey: string | null; trustedKeys: string | null } {
  const byDefault = !config.recordsSigningKey && config.db !== ':memory:';
  const file = (v: string | undefined, fallback: (db: string) => string): string | null =>
    v !== undefined ? (v.startsWith('file:') ? v.slice(5) : null) : byDefault ? fallback(config.db) : null;
  return { signingKey: file(config.recordsSigningKey, defaultSigningKeyPath), trustedKeys: file(config.recordsTrustedKeys, defaultTrustedKeysPath) };
}

function resolveSigningKey(config: Config): { signer: RecordsSigner; note: string } {
  const k = config.recordsSigningKey;
  if (k) {
    const text = k.startsWith('file:') ? readFileSync(k.slice(5), 'utf8') : k;
    const signer = RecordsSigner.fromText(text);
    return { signer, note: `from config${k.startsWith('file:') ? ` (${k.slice(5)})` : ''}, key id ${signer.keyId}` };
  }
  if (config.db === ':memory:') {
    const { signer } = RecordsSigner.generate();
    return { signer, note: `ephemeral (in-memory database), key id ${signer.keyId}` };
  }
  const path = defaultSigningKeyPath(config.db);
  if (existsSync(path)) {
    const signer = RecordsSigner.fromText(readFileSync(path, 'utf8'));
    return { signer, note: `${path}, key id ${signer.keyId}` };
  }
  const { signer, pem } = RecordsSigner.generate();
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, pem, { mode: 0o600, flag: 'wx' });
  return { signer, note: `GENERATED now at ${path} (key id ${signer.keyId}); keep a copy: heads it signed verify only with its public key\n                public key (SPKI, base64) ${signer.publicKey}` };
}

/** Where the head-signing key is kept when config gives none: beside a SQLite file; for a database URL (postgres://…) in ./var, never a folder named after the URL. */
export function defaultSigningKeyPath(db: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(db) ? resolve('var', 'records-signing.key') : join(dirname(resolve(db)), 'records-signing.key');
}

/** Beside the default signing key: the public keys of the keys it replaced (`records rotate-key`). */
export function defaultTrustedKeysPath(db: string): string {
  return join(dirname(defaultSigningKeyPath(db)), 'records-trusted-keys');
}

/**
 * `records rotate-key`: a new default signing key; the old one's public key goes into the trusted
 * file first (so a crash between the two steps leaves the old key in place and trusted: harmless),
 * then the new key replaces the old file in one rename. Heads already published keep their
 * signatures and still verify; the gateway signs with the new key from its next start.
 */
export function rotateDefaultKey(config: Config): { oldKeyId: string; newKeyId: string; keyPath: string; trustedPath: string } {
  if (config.recordsSigningKey) throw new SmsguardError('conflict', 'the signing key comes from config (recordsSigningKey): replace it there, and list the old public key in recordsTrustedKeys (SMSGUARD_RECORDS_TRUSTED_KEYS) so heads it signed still verify');
  if (config.recordsTrustedKeys) throw new SmsguardError('conflict', 'trusted keys come from config (recordsTrustedKeys): rotate-key keeps its own file, so list the old public key there yourself');
  if (config.db === ':memory:') throw new SmsguardError('invalid_request', 'an in-memory database has no signing key file to rotate');
  const keyPath = defaultSigningKeyPath(config.db);
  if (!existsSync(keyPath)) throw new SmsguardError('not_found', `no signing key at ${keyPath} yet (start the gateway once, or give one in config)`);
  const old = RecordsSigner.fromText(readFileSync(keyPath, 'utf8'));
  const trustedPath = defaultTrustedKeysPath(config.db);
  const known = existsSync(trustedPath) ? parseTrustedKeys(readFileSync(trustedPath, 'utf8'), trustedPath) : [];
  if (!known.includes(old.publicKey)) {
    appendFileSync(trustedPath, `${existsSync(trustedPath) ? '' : '# Public keys of retired records head-signing keys (smsguard records rotate-key): heads they signed still verify.\n'}# key ${old.keyId}, retired ${new Date().toISOString()}\n${old.publicKey}\n`);
  }
  const { signer, pem } = RecordsSigner.generate();
  const tmp = `${keyPath}.${process.pid}.new`;
  writeFileSync(tmp, pem, { mode: 0o600, flag: 'wx' });
  renameSync(tmp, keyPath);
  return { oldKeyId: old.keyId, newKeyId: signer.keyId, keyPath, trustedPath };
}

/**
 * What `start` runs for the records; returns a line for the banner, the daily retention job (tests run
 * it by hand) and a stop function. Under a simulated clock the daily job removes nothing and says so
 * once (src/app/retention.ts, RetentionJobOptions.simulatedClock).
 */
export function startRecords(app: App, config: Config, log: { info(o: object, m: string): void; error(o: object, m: string): void; warn(o: object, m: string): void }): { line: string; retention: RetentionJob | null; stop(): void } {
  if (!app.ctx.store.records.archive) {
    return { line: '  records       this store keeps no record archive yet: no hash chains, heads or retention purge', retention: null, stop() {} };
  }
  const { signer, note } = resolveRecordsSigner(config);
  const svc = configureRecords(app.ctx, signer);
  // A rotation while this process runs: heads the next key signs verify here too, without a restart.
  svc.extraTrustedKeys = () => keysOnDisk(config);
  const simulatedClock = app.ctx.clock instanceof SimulatedClock;
  const job = new RetentionJob(app.ctx, (r) => log.info({ purge: summarise(r) }, formatPurgeReport(r).join('\n')), (e) => log.error({ err: e.message }, 'records purge failed'), {
    simulatedClock,
    onSkip: (why) => log.warn({ purge: 'skipped', clock: 'simulated' }, why),
  });
  job.start();
  // A publication or linking run still out when the records are stopped (a start refused after this,
  // a shutdown) fails on the closed store: that is the stop, not a fault, and logs nothing.
  let stopped = false;
  const publish = () => void svc.publishHeads().catch((e: Error) => {
    if (!stopped) log.error({ err: e.message }, 'records head publication failed');
  });
  const timer = setInterval(publish, 3_600_000);
  timer.unref();
  publish();
  // A store that links records into their chains after commit (PostgreSQL) links every few seconds,
  // so that the work on demand (heads, verify, purge) stays small. One process at a time links; the
  // others skip their turn while it does.
  const archive = app.ctx.store.records.archive;
  let linking = false;
  const linker = archive.link ? setInterval(() => {
    if (linking) return;
    linking = true;
    archive.link!({ wait: false }).catch((e: Error) => {
      if (!stopped) log.error({ err: e.message }, 'records chain linking failed');
    }).finally(() => { linking = false; });
  }, 5_000) : null;
  linker?.unref();
  return {
    line: `  records       signing key ${note}\n                ${simulatedClock ? 'daily purge off (simulated clock; smsguard records purge runs on the real clock)' : `daily purge past ${app.profile.params.retentionMonths.value} months`}; heads: GET /v1/records/heads${linker ? '; chains linked every 5 s' : ''}`,
    retention: job,
    stop() {
      stopped = true;
      job.stop();
      clearInterval(timer);
      if (linker) clearInterval(linker);
    },
  };
}

function summarise(r: PurgeReport) {
  return { dryRun: r.dryRun, months: r.months.map((m) => ({ month: m.chain, removed: m.removed, kept: m.kept })) };
}

async function openApp(opts: Record<string, unknown>): Promise<{ app: App; store: Store; svc: RecordsService; config: Config }> {
  const config = loadConfig({ db: opts.db, profile: opts.profile, dbSchema: opts.dbSchema });
  // process-wide: how `records verify`'s worker threads boot (SMSGUARD_WORKER_BUNDLE)
  useWorkerBundles(config.workerBundle === 'on');
  // A SQLite file or a PostgreSQL URL (--db, SMSGUARD_DB or DATABASE_URL), as `start` opens it; one
  // that must exist already, checked before anything (the signing key below) is written beside it.
  const { store } = await openStore(config.db, { sqlite: sqliteTuning(config), schema: config.dbSchema, existing: true });
  const app = new App({ store, clock: new SystemClock(), profile: resolveProfile(config.profile as ProfileId, JSON.parse(config.profileOverrides) as ParamOverrides) });
  try {
    await requireGatewayKey(config, store);
  } catch (e) {
    await store.close();
    throw e;
  }
  const svc = configureRecords(app.ctx, resolveRecordsSigner(config).signer);
  return { app, store, svc, config };
}

/**
 * A records or inspect command finds the key the gateway signs with, or says where to find it. The
 * default key lives beside a SQLite database, but for a PostgreSQL URL in ./var of the working
 * directory: run elsewhere, a command generated a new key there, and `records verify` then reported
 * every head the gateway had signed as `signature_invalid` (exit 2, a tamper alarm over intact
 * records). A database whose heads name no key yet lets the command make one, as before. `start` on
 * PostgreSQL asks the same (main.ts): another gateway process of the deployment, started in another
 * directory without the deployment's key, made a key of its own and signed heads with it, and every
 * `records verify` then failed and every export was refused as over a damaged chain.
 */
export async function requireGatewayKey(config: Config, store: Store): Promise<void> {
  if (config.recordsSigningKey || config.db === ':memory:') return;
  const path = defaultSigningKeyPath(config.db);
  if (existsSync(path)) return;
  const heads = (await store.records.archive?.heads()) ?? [];
  if (!heads.length) return;
  const keys = [...new Set(heads.map((h) => h.keyId))];
  throw new ConfigError([
    `records keys (SMSGUARD_RECORDS_SIGNING_KEY): no signing key at ${path}, and the heads in this database were signed with key${keys.length > 1 ? 's' : ''} ${keys.join(', ')}: `
    + `run the command where the gateway keeps its key (${/^[a-z][a-z0-9+.-]*:\/\//i.test(config.db) ? 'for PostgreSQL, ./var of the directory the gateway runs in' : 'beside the database'}), or give it with SMSGUARD_RECORDS_SIGNING_KEY=file:PATH`,
  ]);
}

/** The last line of `records verify`: how many records and months were checked, and the verdict. */
export function verifySummary(r: { ok: boolean; chains: { chain: string; ok: boolean; checked: number }[] }, month?: string): string {
  // The retained chain (records kept past their month's purge) is no month: named apart, not counted as one.
  const retained = r.chains.some((c) => c.chain === 'retained');
  const months = r.chains.length - (retained ? 1 : 0);
  const records = r.chains.reduce((a, c) => a + c.checked, 0);
  const scope = `${records} record${records === 1 ? '' : 's'} in ${months} month${months === 1 ? '' : 's'}${retained ? ' and the retained chain' : ''}`;
  if (r.chains.length === 0) return month ? `verified 0 records: no records for ${month}` : 'verified 0 records in 0 months: the database holds no records yet';
  if (r.ok) return `verified ${scope}: all ok`;
  const failed = r.chains.filter((c) => !c.ok && c.chain !== 'retained').length;
  const parts = [...(failed ? [`${failed} month${failed === 1 ? '' : 's'}`] : []), ...(r.chains.some((c) => !c.ok && c.chain === 'retained') ? ['the retained chain'] : [])];
  return `verified ${scope}: ${parts.join(' and ')} FAILED`;
}

function parseTime(v: string, name: string): number {
  const t = shanghaiDayOrTime(v);
  if (!Number.isFinite(t)) throw new SmsguardError('invalid_request', `--${name}: not a date (YYYY-MM-DD, Asia/Shanghai) or ISO-8601 date-time: ${v}`, {}, name);
  return t;
}

/** The files of an export package (`inspect export`) already in `dir`; none when it is new or holds other files only. */
export function exportPackageFiles(dir: string): string[] {
  return ['manifest.json', 'records.jsonl', 'records.csv'].filter((f) => existsSync(join(dir, f)));
}

/** Scope flags for `token create --role regulator`. */
export function addScopeOptions(cmd: Command): Command {
  return cmd
    .option('--province <code>', 'regulator: limit to one province (GB/T 2260 code such as 35, or a name such as 福建)')
    .option('--from <date>', 'regulator: records from this date (YYYY-MM-DD Asia/Shanghai, or ISO-8601)')
    .option('--to <date>', 'regulator: records before this date');
}

export function scopeFromOptions(role: string, opts: { province?: string; from?: string; to?: string }): Record<string, unknown> {
  if (!opts.province && !opts.from && !opts.to) return {};
  if (role !== 'regulator') throw new SmsguardError('invalid_request', '--province, --from and --to apply to regulator tokens only', {}, 'role');
  return { ...parseRegulatorScope(opts) };
}

export function registerRecordsCommands(program: Command, common: (c: Command) => Command): void {
  const records = program.command('records').description('statutory records: retention purge, tamper verification, signed heads');
  common(records.command('purge').description('remove what the profile no longer requires (whole months), keeping held records and live relationships'))
    .option('--dry-run', 'say what would go, remove nothing')
    .option('--allow-damaged', 'purge even if a chain it removes or re-chains no longer verifies; the records.purge audit record then lists the damage')
    .action(async (opts) => {
      const { app, store } = await openApp(opts);
      try {
        let r: PurgeReport;
        try {
          r = await purgeRecords(app.ctx, { dryRun: !!opts.dryRun, actor: 'cli', allowDamaged: !!opts.allowDamaged });
        } catch (e) {
          if (!(e instanceof PurgeRefusedError)) throw e;
          // Damage found: said as `records verify` says it, with its exit code, and nothing removed.
          process.stdout.write(`${damagedLines(e.damaged).join('\n')}\npurge refused: removing or re-chaining these would destroy the evidence of the damage or re-sign changed records; nothing was removed. Restore the month from a backup and purge again, or pass --allow-damaged to purge anyway (the records.purge audit record then lists the damage)\n`);
          process.exitCode = 2;
          return;
        }
        if (!opts.dryRun) r.operational = await pruneOperational(app.ctx);
        process.stdout.write(`${formatPurgeReport(r).join('\n')}\n`);
        // A dry run over a damaged chain says so with verify's exit code: the real run would be refused.
        if (opts.dryRun && r.damaged.length && !opts.allowDamaged) process.exitCode = 2;
      } finally {
        await store.close();
      }
    });
  common(records.command('verify').description('recompute the hash chains and report the first record that no longer matches'))
    .option('--month <YYYY-MM>', 'one month only')
    .action(async (opts) => {
      if (opts.month && !isMonth(opts.month)) throw new SmsguardError('invalid_request', `--month: not a month (YYYY-MM): ${opts.month}`, {}, 'month');
      let opened: Awaited<ReturnType<typeof openApp>>;
      try {
        opened = await openApp(opts);
      } catch (e) {
        if (!(e instanceof MonthFileError)) throw e;
        // A month's file gone or not its records is what verify exists to find: said as a failed month, exit 2.
        process.stdout.write(`${e.month}: FAILED: ${e.message}\nverify refused: the store does not open while a registered month's file is missing or damaged, so no month was checked\n`);
        process.exitCode = 2;
        return;
      }
      const { store, svc } = opened;
      try {
        const chains = await svc.archive.chains();
        const total = chains.filter((c) => !opts.month || c.chain === opts.month).reduce((a, c) => a + c.count, 0);
        const bar = total > 200_000 && process.stderr.isTTY ? new cliProgress.SingleBar({ format: 'verify [{bar}] {percentage}% {value}/{total} records', stream: process.stderr }, cliProgress.Presets.shades_classic) : null;
        bar?.start(total, 0);
        let done = 0;
        const r = await svc.verify({ month: opts.month, progress: (n) => bar?.update((done += n)) });
        bar?.stop();
        for (const c of r.chains) {
          process.stdout.write(c.ok ? `${c.chain}: ok, ${c.checked} records (seq ${c.firstSeq}–${c.lastSeq}), ${c.headsChecked} signed heads matched${c.providerHeadsChecked ? `, ${c.providerHeadsChecked} provider heads matched` : ''}\n` : `${damagedLines([c])[0]}\n`);
          if (c.pending) process.stdout.write(`${c.chain}: ${c.pending} records written during the run are not linked into the chain yet (not checked)\n`);
        }
        // A month asked for that has no chain: purged past retention (its signed heads are kept), or never written.
        // Before 2026-12-08 both read `no records for 2026-05`, as if the month had never had any.
        const purged = opts.month && !r.chains.length ? await purgedMonth(opened.app.ctx, opts.month) : null;
        if (purged) {
          process.stdout.write(`${opts.month}: purged: its records are gone (past retention, smsguard records purge); ${purged.heads} signed head${purged.heads === 1 ? '' : 's'} kept, the last covering seq ${purged.firstSeq}–${purged.lastSeq} (${purged.count} records); records kept past retention (legal holds, live relationships) are in the retained chain, which verify without --month checks\n`);
        }
        // Always a last line, so a clean run (even of a database with no records yet) says so rather than nothing.
        process.stdout.write(`${purged ? `verified 0 records: ${opts.month} was purged` : verifySummary(r, opts.month)}\n`);
        if (!r.ok) process.exitCode = 2;
      } finally {
        await store.close();
      }
    });
  common(records.command('rotate-key').description('replace the default head-signing key; heads the old key signed stay verifiable (its public key is kept as trusted)'))
    .option('--actor <who>', 'who is rotating (recorded)', 'cli')
    .action(async (opts) => {
      const config = loadConfig({ db: opts.db, profile: opts.profile, dbSchema: opts.dbSchema });
      await requireExistingInstall(config.db, config.dbSchema);
      const r = rotateDefaultKey(config);
      // Recorded like other operator actions on the records; new heads are signed with the new key now.
      const { store, svc } = await openApp(opts);
      try {
        await store.records.appendAudit(Date.now(), `cli:${opts.actor}`, 'records.rotate-key', { oldKeyId: r.oldKeyId, newKeyId: r.newKeyId });
        const heads = await svc.publishHeads();
        process.stdout.write([
          `signing key ${r.oldKeyId} retired: its public key is in ${r.trustedPath}, so the heads it signed still verify`,
          `new signing key ${r.newKeyId} in ${r.keyPath}; ${heads.length} head(s) signed with it now`,
          'restart the gateway to sign with the new key (until then it signs with the retired one, which stays trusted); keep a copy of both files (smsguard backup copies them)',
        ].join('\n') + '\n');
      } finally {
        await store.close();
      }
    });
  common(records.command('heads').description('sign heads for chains that grew and print every head (JSON)')).action(async (opts) => {
    const { store, svc } = await openApp(opts);
    try {
      process.stdout.write(`${JSON.stringify({ keyId: svc.signer.keyId, publicKey: svc.signer.publicKey, heads: await svc.publishHeads() }, null, 2)}\n`);
    } finally {
      await store.close();
    }
  });

  const inspect = program.commands.find((c) => c.name() === 'inspect') ?? program.command('inspect').description('inspections by the telecom administration');
  common(inspect.command('export').description("write one content provider's records, consents and decisions with a signed manifest"))
    .requiredOption('--content-provider <id>', 'content provider id')
    .requiredOption('--from <date>', 'from (YYYY-MM-DD Asia/Shanghai, or ISO-8601), inclusive')
    .requiredOption('--to <date>', 'to, exclusive')
    .addOption(new Option('--format <format>', 'file format').choices(['jsonl', 'csv']).default('jsonl'))
    .option('--out <dir>', 'output directory, new or without an earlier export (never overwritten)', './inspection')
    .option('--actor <who>', 'who is exporting (recorded)', 'cli')
    .option('--allow-damaged', 'export even if a hash chain of the range no longer verifies; the signed manifest then states the damage')
    .action(async (opts) => {
      const from = parseTime(opts.from, 'from');
      const to = parseTime(opts.to, 'to');
      if (from >= to) throw new SmsguardError('invalid_request', '--from must be before --to', {}, 'from');
      // One package a folder: an export into a folder that holds one would replace its manifest (and
      // leave a records file of another format beside it, which the new manifest does not describe),
      // and a package already handed to an inspector would no longer match the copy kept here.
      const earlier = exportPackageFiles(opts.out);
      if (earlier.length) throw new SmsguardError('conflict', `--out: ${resolve(opts.out)} already holds an export (${earlier.join(', ')}): give a new or empty folder; an export never replaces another`, {}, 'out');
      const { app, store } = await openApp(opts);
      try {
        if (!(await app.ctx.store.directory.getContentProvider(opts.contentProvider))) throw new SmsguardError('not_found', `no content provider ${opts.contentProvider}`, {}, 'content-provider');
        // A folder made here and left empty by a refusal is removed: nothing of a refused export stays behind.
        const made = !existsSync(opts.out);
        mkdirSync(opts.out, { recursive: true });
        const format = opts.format as ExportFormat;
        const name = `records.${format}`;
        // Opened on the first write: an export refused for a damaged chain leaves no file behind.
        let out: ReturnType<typeof createWriteStream> | null = null;
        let bar: cliProgress.SingleBar | null = null;
        const io = {
          async write(s: string) {
            out ??= createWriteStream(join(opts.out, name));
            if (!out.write(s)) await once(out, 'drain');
          },
          progress(done: number, total: number) {
            if (!bar && total >= 10_000) {
              bar = new cliProgress.SingleBar({ format: 'export [{bar}] {percentage}% {value}/{total} records', stream: process.stderr }, cliProgress.Presets.shades_classic);
              bar.start(total, 0);
            }
            bar?.update(done);
          },
        };
        let manifest: ExportManifest;
        try {
          manifest = await runExport(app.ctx, `cli:${opts.actor}`, { contentProviderId: opts.contentProvider, from, to }, format, name, io, { allowDamaged: !!opts.allowDamaged });
        } catch (e) {
          if (made && !out) rmdirSync(opts.out);
          if (!(e instanceof ChainDamagedError)) throw e;
          // Damage found: said as `records verify` says it, with its exit code, and nothing written.
          for (const line of damagedLines(e.report.chains.filter((x) => !x.ok))) process.stdout.write(`${line}\n`);
          process.stdout.write('export refused: a hash chain the export draws on is damaged, and a signed manifest would certify it; run `smsguard records verify`, or pass --allow-damaged to export with the damage stated in the manifest\n');
          process.exitCode = 2;
          return;
        }
        (bar as cliProgress.SingleBar | null)?.stop();
        const file: ReturnType<typeof createWriteStream> = out ?? createWriteStream(join(opts.out, name));
        file.end();
        await once(file, 'finish');
        // 'wx': should another export have written its package here since the check above, this one fails rather than replace it
        writeFileSync(join(opts.out, 'manifest.json'), manifestText(manifest), { flag: 'wx' });
        for (const c of manifest.verification.chains.filter((x) => !x.ok)) {
          process.stderr.write(`WARNING: ${c.chain} FAILED at seq ${c.failure!.seq}${c.failure!.id ? ` (id ${c.failure!.id})` : ''}: ${c.failure!.reason}: exported anyway (--allow-damaged); the manifest states it under "verification"\n`);
        }
        process.stdout.write(`exported ${manifest.counts.total} records (${Object.entries(manifest.counts.byKind).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}) to ${resolve(opts.out, name)}\nmanifest ${resolve(opts.out, 'manifest.json')} (sha256 ${manifest.file.sha256}, signed by key ${manifest.keyId})\n`);
      } finally {
        await store.close();
      }
    });
}
