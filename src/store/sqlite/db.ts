/**
 * Opening the SQLite database: WAL, pragmas chosen for a durable gateway, and the append-only
 * migrations in ./migrations applied in order.
 */
import Database from 'better-sqlite3';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SQLITE_TUNING, MMAP_BYTES, PAGE_CACHE_KIB, syncPragma, type SqliteTuning } from './tuning.js';
import { useWalBuffer } from './wal-buffer.js';
import { foldCategory } from '../category-fold.js';
import { SchemaTooNewError, unknownMigrations } from '../schema-too-new.js';

export type Db = Database.Database;

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export { SchemaTooNewError };

/** Opens (creating and migrating) the main file with the given tuning (SqliteTuning: sync level, WAL buffer). */
export function openDatabase(path: string, tuning: SqliteTuning = DEFAULT_SQLITE_TUNING): Db {
  if (path !== ':memory:') {
    mkdirSync(dirname(path), { recursive: true });
    // before the first file is opened: every file connection after it uses the buffering VFS
    useWalBuffer(tuning.walBuffer);
  }
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode survives a process crash (kill -9) without losing committed transactions;
  // only an OS crash or power loss can lose the last ones. FULL costs an fsync per commit.
  db.pragma(syncPragma(tuning.sync));
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
  if (path !== ':memory:') db.pragma(`mmap_size = ${MMAP_BYTES}`);
  db.pragma('temp_store = MEMORY');
  // Checkpoints normally run on a worker thread (checkpointer.ts); this is only the backstop.
  if (path !== ':memory:') db.pragma('wal_autocheckpoint = 50000');
  try {
    migrate(db);
  } catch (e) {
    // refused (a newer smsguard's database) or failed: closed, not left open with its WAL beside it
    db.close();
    throw e;
  }
  return db;
}

/** Applies every migration file not yet applied, each in its own transaction. Returns the versions applied. */
export function migrate(db: Db): string[] {
  // SQLite has no Unicode normalisation: migration 100 folds stored categories with the same code
  // that reads new ones (category-fold.ts), registered on this connection for the migrations' SQL.
  db.function('smsguard_fold_category', { deterministic: true }, (v: unknown) => (typeof v === 'string' ? foldCategory(v) : v));
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const done = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: string }[]).map((r) => r.version));
  const files = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort();
  // A database a newer smsguard migrated holds tables and columns this one does not know: writing to
  // it (a downgrade, or an old binary left on a host) would go unnoticed until something broke.
  const newer = unknownMigrations(done, files);
  if (newer.length) throw new SchemaTooNewError(newer);
  const applied: string[] = [];
  for (const f of files) {
    const version = f.replace(/\.sql$/, '');
    if (done.has(version)) continue;
    const sql = readFileSync(join(MIGRATIONS_DIR, f), 'utf8');
    db.transaction(() => {
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(version, Date.now());
    })();
    applied.push(version);
  }
  return applied;
}
