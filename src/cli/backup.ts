/**
 * `smsguard backup --to DIR`: a consistent copy of a SQLite store (main file, every live month of
 * records, the head-signing key beside them) while the gateway runs. Thin: the work is in
 * src/store/sqlite/backup.ts.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config/schema.js';
import { openStore } from '../store/open.js';
import { SqliteStore } from '../store/sqlite/index.js';
import { isPostgresUrl } from '../store/postgres/index.js';
import { backupSqlite } from '../store/sqlite/backup.js';
import { defaultSigningKeyPath, defaultTrustedKeysPath } from './records.js';

const mib = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MiB`;

export function registerBackupCommand(program: Command, common: (c: Command) => Command): void {
  common(program.command('backup').description('copy the database (main file, every month of records, signing key and trusted keys) while the gateway runs'))
    .requiredOption('--to <dir>', 'folder for the copy (must not hold a copy already)')
    .action(async (opts) => {
      const config = loadConfig({ db: opts.db, profile: opts.profile, dbSchema: opts.dbSchema });
      if (isPostgresUrl(config.db)) throw new Error('backup copies a SQLite store; back up PostgreSQL with its own tools (pg_dump, or a base backup with WAL archiving)');
      const { store } = await openStore(config.db, { schema: config.dbSchema });
      try {
        if (!(store instanceof SqliteStore)) throw new Error(`backup: ${config.db} is not a SQLite store`);
        // The signing key, where resolveRecordsSigner keeps it by default (a key given in config is the operator's to keep).
        const key = config.recordsSigningKey?.startsWith('file:') ? config.recordsSigningKey.slice(5)
          : config.recordsSigningKey ? null : defaultSigningKeyPath(config.db);
        // The retired keys' public keys, where rotate-key keeps them (or the file config names).
        const trusted = config.recordsTrustedKeys?.startsWith('file:') ? config.recordsTrustedKeys.slice(5)
          : config.recordsTrustedKeys || config.recordsSigningKey ? null : defaultTrustedKeysPath(config.db);
        const r = await backupSqlite(store.db, opts.to, { signingKey: key, trustedKeys: trusted, progress: (what) => process.stderr.write(`backup: copying ${what}\n`) });
        const lines = [
          `backup of ${resolve(config.db)} in ${r.dir} (${r.seconds.toFixed(1)} s)`,
          ...r.files.map((f) => `  ${f.what.padEnd(12)} ${f.path} (${mib(f.bytes)})`),
          `months of records: ${r.months.length ? r.months.join(', ') : 'none yet'}`,
          `restore: stop the gateway, then start it with --db ${r.main} (or copy these files back beside the database)`,
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      } finally {
        await store.close();
      }
    });
}
