/**
 * The web pages' sign-ins (src/app/web-sessions.ts): one row per signed-in browser, named by a
 * SHA-256 digest of the random session id its cookie holds (never the id itself, never the person's
 * token), with the token it was opened with (so every request re-checks that token is still live),
 * when it was opened and when it was last seen. Shared by every gateway process on one store: a
 * sign-in made through one process is honoured by the others, and a sign-out through any ends it for
 * all. Times are wall-clock epoch ms.
 */

/** A stored sign-in. */
export interface WebSessionRow {
  /** The id of the token (`tok_…`) the person signed in with. */
  tokenId: string;
  createdAt: number;
  /** Last time a page was served on it (at most a minute off: the caller touches it that often). */
  seenAt: number;
}

/** A sign-in the purge deleted: its stored digest and row. */
export interface PurgedWebSession extends WebSessionRow {
  idHash: string;
}

export interface WebSessionStore {
  /** Stores a new sign-in under `idHash`, created and seen at `at`. Fails on an `idHash` already stored. */
  create(idHash: string, tokenId: string, at: number): Promise<void>;
  /** The sign-in stored under `idHash`, expired or not (the caller judges); null when there is none. */
  find(idHash: string): Promise<WebSessionRow | null>;
  /** Marks the sign-in seen at `at` (never back in time); nothing when it is gone. */
  touch(idHash: string, at: number): Promise<void>;
  /** Deletes the sign-in (sign-out, or found expired); true when there was one. */
  delete(idHash: string): Promise<boolean>;
  /**
   * Housekeeping: deletes up to `limit` sign-ins last seen before `seenBefore` or created before
   * `createdBefore` (idle or too old, which no request would honour); returns the rows it deleted (each
   * by exactly one caller, however many purge at once), so their ends can be recorded once.
   */
  purge(seenBefore: number, createdBefore: number, limit: number): Promise<PurgedWebSession[]>;
}
