/**
 * A database (SQLite file or PostgreSQL schema) that holds migrations this smsguard does not have: a
 * newer smsguard migrated it. Its tables and columns are not all known here, so writing to it (a
 * downgrade, an old binary left on one host of several) would go unnoticed until something broke.
 */
import { SmsguardError } from '../domain/errors.js';

export class SchemaTooNewError extends SmsguardError {
  constructor(readonly versions: string[]) {
    super('conflict', `this database was migrated by a newer smsguard (migration${versions.length > 1 ? 's' : ''} ${versions.join(', ')} unknown to this one): run that version, or upgrade this one`);
  }
}

/** The applied versions (`done`) that no migration file here (`files`, names ending .sql) knows, sorted. */
export function unknownMigrations(done: Iterable<string>, files: readonly string[]): string[] {
  const known = new Set(files.map((f) => f.replace(/\.sql$/, '')));
  return [...done].filter((v) => !known.has(v)).sort();
}
