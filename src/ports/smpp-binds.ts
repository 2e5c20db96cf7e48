/**
 * Live SMPP binds of every gateway process sharing one store, so that a credential's `maxBinds` and
 * `throughput` hold for the deployment, not per process (docs/SMPP.md "Binds and throughput across
 * processes", docs/SCALING.md). Only a store shared by several processes has one (the PostgreSQL
 * store); on SQLite one process serves, and its own binds are all there are.
 *
 * A bind's row carries a short lease renewed by its process's heartbeat: a process killed with -9
 * stops renewing and its binds lapse; a clean unbind removes its row at once. Times are wall-clock
 * epoch ms (shared between machines), never the simulated app clock.
 */

/** One bind to register (`claim`). */
export interface SmppBindClaim {
  /** The process holding it (unique per process). */
  member: string;
  /** Unique per bind (the process's member and a counter). */
  bindId: string;
  credentialId: string;
}

/** What the store knows of one credential's live binds held by processes other than the asking one. */
export interface SmppBindsElsewhere {
  /** Live binds of the credential held by other processes. */
  binds: number;
  /** Other processes holding at least one live bind of it. */
  processes: number;
}

/** A bind a process holds, as its heartbeat reports it. */
export interface HeldBind {
  bindId: string;
  credentialId: string;
}

export type SmppBindClaimResult =
  | { ok: true; elsewhere: SmppBindsElsewhere }
  | { ok: false; elsewhere: SmppBindsElsewhere };

export interface SmppBindRegistry {
  /**
   * Registers a bind, live until `now + leaseMs`, unless the credential already has `maxBinds` live
   * binds in all processes (this one's included): then nothing is written and `ok` is false. Atomic
   * for the credential: two processes claiming its last slot at once get one `ok`. `maxBinds` null:
   * no limit, always registered.
   */
  claim(c: SmppBindClaim, maxBinds: number | null, now: number, leaseMs: number): Promise<SmppBindClaimResult>;
  /** Removes one bind's row (its connection closed: unbind, or the socket dropped). */
  release(bindId: string): Promise<void>;
  /**
   * One heartbeat of `member`: marks each of `held` (all the binds it holds now) live until
   * `now + leaseMs`, writing the row again if it is missing (a bind accepted while the store could
   * not be reached), and returns, for each credential of `held`, what other processes hold live at
   * `now` (absent: nothing). Rows of binds no longer held are left to lapse.
   */
  beat(member: string, held: readonly HeldBind[], now: number, leaseMs: number): Promise<Map<string, SmppBindsElsewhere>>;
  /** Removes every bind row of `member` (graceful stop). */
  leave(member: string): Promise<void>;
}
