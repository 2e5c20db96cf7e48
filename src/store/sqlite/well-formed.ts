/**
 * A string with each lone surrogate replaced by U+FFFD (ES2024's String#toWellFormed, in Node 20),
 * for text bound into SQLite. Bound as it is, a lone surrogate is stored as its three bytes
 * (`'a\ud800b'` → `61 ED A0 80 62`) and read back as three U+FFFD: a different string, one that
 * neither a hash chain nor a segment count made earlier would match. PostgreSQL (node-postgres)
 * keeps one U+FFFD, which is what this gives.
 */
export function wellFormed(s: string): string;
export function wellFormed(s: string | null): string | null;
export function wellFormed(s: string | null): string | null {
  return s === null ? null : (s as unknown as { toWellFormed(): string }).toWellFormed();
}
