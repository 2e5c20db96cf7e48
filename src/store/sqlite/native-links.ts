/**
 * The native fast paths of the hash chains: a SQLite extension (native/chain-links.c, built at install by
 * scripts/build-native.mjs) whose aggregate `smsguard_chain_links` proves a range of links inside
 * SQLite, no value crossing into JavaScript per row. It proves the same links as the JavaScript path
 * of records-links.ts (and never more: anything it cannot render with certainty ends its proven
 * prefix, and the exact verifier takes over from there), about twice as fast per row here. The same
 * extension appends the records writer's batches, forging their links (`smsguard_chain_append`, see chain-links.c).
 *
 * Optional: without a C compiler at install there is no extension, and the JavaScript path runs.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.js';

/**
 * Where the built extension is, or null when it is not built or `enabled` is false (the store's
 * `nativeVerify`, SMSGUARD_NATIVE_VERIFY=0). Resolved on the main thread: a verifier worker runs bundled code whose own URL says nothing
 * about the package, so the path travels in its job.
 */
export function nativeLinksPath(enabled = true): string | null {
  return enabled ? nativeLibraryPath() : null;
}

/** The native library scripts/build-native.mjs builds (this extension and the WAL-buffering VFS), or null when it is not built. */
export function nativeLibraryPath(): string | null {
  const p = fileURLToPath(new URL('../../../build/native/chain-links.so', import.meta.url));
  return existsSync(p) ? p : null;
}

/**
 * The extension for the records writer (its `smsguard_chain_append` appends a batch, forging each
 * link), or null when it is not built or `enabled` is false (the store's `nativeWrite`,
 * SMSGUARD_NATIVE_WRITE=0). Both
 * paths write the same bytes and hashes; the switch exists to compare them.
 */
export function nativeForgePath(enabled = true): string | null {
  return enabled ? nativeLibraryPath() : null;
}

/**
 * Whether an error is the extension refusing a batch (a record it cannot render with certainty): the
 * writer then writes the batch through its JavaScript path. An INSERT's own failure (a constraint)
 * comes with SQLite's message, not this prefix.
 */
export const isForgeRefusal = (e: unknown): boolean => e instanceof Error && e.message.startsWith('smsguard_chain_append:');

const loaded = new WeakMap<Db, boolean>();

/**
 * Loads the extension into a connection (once per connection). False when it cannot be loaded (a
 * file built for another platform, a Node.js without OpenSSL's symbols): the caller keeps the
 * JavaScript path.
 */
export function loadNativeLinks(db: Db, path: string | null): boolean {
  if (path === null) return false;
  let ok = loaded.get(db);
  if (ok === undefined) {
    try {
      // SQLite finds the entry point, sqlite3_chainlinks_init, from the file name (chain-links.so).
      db.loadExtension(path);
      ok = true;
    } catch {
      ok = false;
    }
    loaded.set(db, ok);
  }
  return ok;
}

/**
 * The statement proving rows `lo..hi` of a month table from `prev` (the stored hash before `lo`, or
 * the genesis). Its one value: 0 when every row is proven, else the first seq that is not; NULL when
 * the range holds no row.
 */
export function nativeLinksSql(table: string): string {
  return `SELECT smsguard_chain_links(?, ?, ?, seq, id, at, kind, content_provider_id, msisdn, ref, port, type, decision, rule, body, hash)
    FROM ${table} WHERE seq >= ? AND seq <= ?`;
}
