/**
 * `smsguard backup --to DIR`: a consistent copy of a SQLite store (main file, every live month of
 * records, the head-signing key beside them) while the gateway runs. Thin: the work is in
 * src/store/sqlite/backup.ts.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config/schema.js';
import { sqliteTuning } from '../config/sqlite-tuning.js';
import { openStore } from '../store/open.js';
import { SmsguardError } from '../domain/errors.js';
import { SqliteStore } from '../store/sqlite/index.js';
import { isPostgresUrl } from '../store/postgres/index.js';
import { backupSqlite } from '../store/sqlite/backup.js';
import { recordsKeyFiles } from './records.js';

const mib = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MiB`;

export function registerBackupCommand(program: Command, common: (c: Command) => Command): void {
  common(program.command('backup').description('copy the database (main file, every month of records, signing key and trusted keys) while the gateway runs'))
    .requiredOption('--to <dir>', 'folder for the copy (must not hold a copy already)')
    .action(async (opts) => {
      const config = loadConfig({ db: opts.db, profile: opts.profile, dbSchema: opts.dbSchema });
      if (isPostgresUrl(config.db)) throw new SmsguardError('invalid_request', 'backup copies a SQLite store; back up PostgreSQL with its own tools (pg_dump, or a base backup with WAL archiving)');
      // The source must exist: backing up a mistyped path would copy a new, empty database.
      const { store } = await openStore(config.db, { sqlite: sqliteTuning(config), schema: config.dbSchema, existing: true });
      try {
        if (!(store instanceof SqliteStore)) throw new SmsguardError('invalid_request', `backup: ${config.db} is not a SQLite store`);
        // The key files the gateway reads (a key given inline in config is the operator's to keep).
        const keys = recordsKeyFiles(config);
        const r = await backupSqlite(store.db, opts.to, { signingKey: keys.signingKey, trustedKeys: keys.trustedKeys, progress: (what) => process.stderr.write(`backup: copying ${what}\n`) });
        const lines = [
          `backup of ${resolve(config.db)} in ${r.dir} (${r.seconds.toFixed(1)} s)`,
          ...r.files.map((f) => `  ${f.what.padEnd(12)} ${f.path} (${mib(f.bytes)})`),
          // Said when no key went with the copy: the heads in it verify only against the key that signed them.
          ...(r.files.some((f) => f.what === 'signing key') ? [] : [`  ${'signing key'.padEnd(12)} not copied: ${keys.signingKey ? `no key at ${keys.signingKey}` : 'it is given in config (recordsSigningKey)'}; keep the key that signed the heads with this copy, or they cannot be verified`]),
          `months of records: ${r.months.length ? r.months.join(', ') : 'none yet'}`,
          `restore: stop the gateway, then start it with --db ${r.main}; or copy these files into place once the database's own are gone (its -wal and -shm too, and every month file with theirs: SQLite would apply a -wal left there over the copy)`,
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      } finally {
        await store.close();
      }
    });
}
