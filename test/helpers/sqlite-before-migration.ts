/**
 * A SQLite database as it was before one migration, for a test of what the migration does to rows an
 * earlier version stored: in memory, migrated to today, then the migration's schema change undone and
 * the migration unrecorded. The test seeds its rows, migrates again (only that migration runs), and
 * checks; the database is closed whatever happens.
 */
import Database from 'better-sqlite3';
import { migrate } from '../../src/store/sqlite/db.js';
import type { Db } from '../../src/store/sqlite/db.js';

/** `undo`: SQL reversing the migration's schema change (its DROP, ALTER, CREATE INDEX), run after today's schema is made. */
export function withSqliteBefore(version: string, undo: string, fn: (db: Db) => void): void {
  const db: Db = new Database(':memory:');
  try {
    migrate(db);
    db.exec(undo);
    db.prepare('DELETE FROM schema_migrations WHERE version = ?').run(version);
    fn(db);
  } finally {
    db.close();
  }
}
