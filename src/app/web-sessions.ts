/**
 * The web pages' sign-ins (docs/COMPLAINTS.md, "Web pages"). Signing in at /web/login checks the
 * person's token as the API does and opens a sign-in: a random 256-bit id, sent to the browser in the
 * `sg_session` cookie and stored only as its SHA-256 (ports/web-sessions.ts), with the id of the token
 * it was opened with. The cookie therefore holds no bearer token for the API, and signing out deletes
 * the row, so a copy of the cookie (a proxy's log, a backup of the browser profile) stops working too.
 *
 * Every page re-checks the token behind the sign-in (Authenticator.principalForTokenId, cached as a
 * token is): a revoked token ends its sign-ins at once in this process (and on the bus, or within
 * TOKEN_CACHE_MS, in the others), and the principal is the token's own, roles and scope as before.
 * A sign-in ends after `idleMs` without a page (default 8 h) and `maxMs` after it was opened (default
 * 7 days) whatever its use; both are configuration (`--web-session-idle-hours`,
 * `--web-session-max-hours`). "Seen" is written at most once a minute (TOUCH_EVERY_MS) per sign-in,
 * so pages do not each write; expired rows are purged in the background (PURGE_EVERY_MS, PURGE_LIMIT a
 * time), never on a request's path, each purged one's end recorded as a page finding it would.
 *
 * Times are wall-clock (the browser's cookie lives in real time), never the possibly simulated app
 * clock; `now` is injectable for tests.
 */
import { randomBytes } from 'node:crypto';
import type { WebSessionStore } from '../ports/web-sessions.js';
import type { RecordStore } from '../ports/records.js';
import type { Principal } from './types.js';
import type { Authenticator } from './auth.js';
import { hashSecret } from './secrets.js';

export const DEFAULT_WEB_SESSION_IDLE_MS = 8 * 3_600_000;
export const DEFAULT_WEB_SESSION_MAX_MS = 7 * 24 * 3_600_000;
/** A sign-in's "seen" is written when it is older than this, not on every page. */
export const TOUCH_EVERY_MS = 60_000;
/** Expired sign-ins are deleted at most this often per process, PURGE_LIMIT at a time. */
export const PURGE_EVERY_MS = 10 * 60_000;
const PURGE_LIMIT = 1_000;
/**
 * Refused sign-ins (an unknown, revoked or expired token) make at most one audit record per this
 * interval per process; the ones in between are counted and told by the next record (`count`).
 */
export const REFUSED_AUDIT_EVERY_MS = 60_000;
/** How much of a sign-in's stored digest its audit records name: enough to tell sign-ins apart, not the digest. */
const SESSION_REF_CHARS = 12;

export interface WebSessionOptions {
  idleMs?: number;
  maxMs?: number;
  /** Wall-clock epoch ms (tests inject their own). */
  now?: () => number;
  /** A store failure of the background writes (touch, purge, delete of an expired one): reported, not thrown. */
  onStoreError?: (e: Error) => void;
  /**
   * Where sign-ins, sign-outs and refused sign-ins are audited (`web.sign_in`, `web.sign_out`,
   * `web.sign_in_refused`; docs/RECORDS.md) and the clock their records are dated by (the app's).
   */
  audit?: { records: Pick<RecordStore, 'appendAudit'>; now: () => number };
  /**
   * Runs `fn` after `ms` (wall clock) and returns how to cancel it: the write of refused sign-ins still
   * pending when their minute is up. The default is an unref'd setTimeout (it keeps no process alive);
   * tests inject their own.
   */
  schedule?: (fn: () => void, ms: number) => () => void;
}

const unrefTimer = (fn: () => void, ms: number): (() => void) => {
  const t = setTimeout(fn, ms);
  t.unref();
  return () => clearTimeout(t);
};

/** The digest a session id is stored under (never the id itself). */
export const webSessionHash = (id: string): string => hashSecret(id);

/** What an audit record names a sign-in by: the start of its stored digest, never the id (the cookie) itself. */
export const webSessionRef = (id: string): string => webSessionHash(id).slice(0, SESSION_REF_CHARS);

const PUBLIC: Principal = { role: 'public', actorId: 'public' };

export class WebSessions {
  readonly idleMs: number;
  readonly maxMs: number;
  private readonly now: () => number;
  private lastPurge = 0;
  /** Refused sign-ins not yet told by an audit record, and when the last record was written (wall clock). */
  private refused = { count: 0, since: 0, auditedAt: -Infinity };
  /** Cancels the pending refusals' timer, when one is set. */
  private cancelRefusedTimer: (() => void) | null = null;
  /** The refusals' record being written (close waits for it). */
  private refusedWrite: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly store: WebSessionStore, private readonly auth: Authenticator, private readonly opts: WebSessionOptions = {}) {
    this.idleMs = opts.idleMs ?? DEFAULT_WEB_SESSION_IDLE_MS;
    this.maxMs = opts.maxMs ?? DEFAULT_WEB_SESSION_MAX_MS;
    this.now = opts.now ?? Date.now;
  }

  /**
   * Signs in with a token: its principal (public for an unknown or revoked token, and then no sign-in
   * is opened) and, for a live one, the new session id for the cookie.
   */
  async signIn(token: string): Promise<{ principal: Principal; sessionId: string | null }> {
    const principal = await this.auth.principalFor(token);
    if (principal.role === 'public') {
      await this.auditRefused();
      return { principal, sessionId: null };
    }
    const sessionId = randomBytes(32).toString('base64url');
    await this.store.create(webSessionHash(sessionId), principal.actorId, this.now());
    const a = this.opts.audit;
    // the actor is the token's id. Filed under no provider, a provider's own sign-in too: under it, it
    // would join the provider's statutory records (its inspection export and proofs) as a staff read would
    if (a) await a.records.appendAudit(a.now(), principal.actorId, 'web.sign_in', { role: principal.role, session: webSessionRef(sessionId) });
    this.purgeSoon();
    return { principal, sessionId };
  }

  /**
   * A refused sign-in: audited with no actor (`public`) and nothing of what was typed (neither the
   * text, its length nor a digest of it, which could confirm a guess offline) nor the address it came
   * from (no audit record keeps one). The first one is written at once, then at most one record per
   * REFUSED_AUDIT_EVERY_MS in this process, with how many there were since the last (`count`) and when
   * the first of them came (`since`), so a flood of bad tokens grows the records by time, not by the
   * flood. Ones counted within the minute are written when it is up, by a timer (unref'd) if no
   * refusal comes to write them, and at the stop (`close`), so a burst followed by silence is told too.
   */
  private async auditRefused(): Promise<void> {
    if (!this.opts.audit) return;
    const at = this.now();
    const r = this.refused;
    if (r.count === 0) r.since = at;
    r.count++;
    if (at - r.auditedAt < REFUSED_AUDIT_EVERY_MS) {
      if (!this.cancelRefusedTimer) this.scheduleRefused(at);
      return;
    }
    await this.writeRefused();
  }

  /** Sets the timer that writes the pending refusals when their minute is up (again, if it fired early by this clock). */
  private scheduleRefused(at: number): void {
    if (this.closed) return;
    const schedule = this.opts.schedule ?? unrefTimer;
    this.cancelRefusedTimer = schedule(() => {
      this.cancelRefusedTimer = null;
      const now = this.now();
      if (now - this.refused.auditedAt < REFUSED_AUDIT_EVERY_MS) this.scheduleRefused(now);
      else this.background(this.writeRefused());
    }, Math.max(0, this.refused.auditedAt + REFUSED_AUDIT_EVERY_MS - at));
  }

  /** Writes the refusals counted since the last record, if any (the count is taken before the write, so none is told twice). */
  private writeRefused(): Promise<void> {
    const a = this.opts.audit;
    const { count, since } = this.refused;
    if (!a || count === 0) return this.refusedWrite;
    this.cancelRefusedTimer?.();
    this.cancelRefusedTimer = null;
    this.refused = { count: 0, since: 0, auditedAt: this.now() };
    const write = a.records.appendAudit(a.now(), 'public', 'web.sign_in_refused', { count, since: new Date(since).toISOString() }).then(() => undefined);
    this.refusedWrite = write.catch(() => undefined);
    return write;
  }

  /**
   * At the stop, after the pages are closed and before the store is: writes the refused sign-ins not
   * yet told (whatever the time since the last record: one more record in a process's life) and waits
   * for a write in flight. A store failure is reported, not thrown.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.cancelRefusedTimer?.();
    this.cancelRefusedTimer = null;
    await this.writeRefused().catch((e: unknown) => this.opts.onStoreError?.(e instanceof Error ? e : new Error(String(e))));
    await this.refusedWrite;
  }

  /**
   * The principal a cookie's session id signs in: public when there is no such sign-in, it has been
   * idle or open too long (then deleted), or its token no longer signs in (revoked; then deleted too).
   */
  async principalFor(sessionId: string | undefined): Promise<Principal> {
    if (!sessionId) return PUBLIC;
    const hash = webSessionHash(sessionId);
    const row = await this.store.find(hash);
    if (!row) return PUBLIC;
    const at = this.now();
    if (at - row.seenAt >= this.idleMs || at - row.createdAt >= this.maxMs) {
      this.background(this.endExpired(sessionId, row));
      return PUBLIC;
    }
    const p = await this.auth.principalForTokenId(row.tokenId);
    if (p.role === 'public') {
      this.background(this.store.delete(hash));
      return PUBLIC;
    }
    if (at - row.seenAt >= TOUCH_EVERY_MS) this.background(this.store.touch(hash, at));
    this.purgeSoon();
    return p;
  }

  /**
   * Signs out: the sign-in is deleted for every process (a copy of the cookie no longer works). One
   * that was still live is audited (`web.sign_out`, the token's id as actor; `reason` `signed_out`, or
   * `signed_in_again` when the browser signed in anew over it); a lapsed or unknown one ends nothing.
   */
  async signOut(sessionId: string | undefined, reason: 'signed_out' | 'signed_in_again' = 'signed_out'): Promise<void> {
    if (!sessionId) return;
    const hash = webSessionHash(sessionId);
    const a = this.opts.audit;
    const row = a ? await this.store.find(hash) : null;
    const deleted = await this.store.delete(hash);
    if (!a || !row || !deleted) return;
    const at = this.now();
    if (at - row.seenAt >= this.idleMs || at - row.createdAt >= this.maxMs) return this.auditExpired(hash, row);
    const p = await this.auth.principalForTokenId(row.tokenId);
    await a.records.appendAudit(a.now(), row.tokenId, 'web.sign_out', { ...(p.role === 'public' ? {} : { role: p.role }), session: webSessionRef(sessionId), reason });
  }

  /**
   * A sign-in found expired (idle or open too long) by a page or a sign-out: deleted, and its end
   * recorded once, by the process whose delete removed the row (`web.sign_out`, `reason` `expired`,
   * `expiredAt` the moment it lapsed: its last seen, written at most once a minute, plus `idleMs`, or
   * its opening plus `maxMs`, whichever came first). Nothing is written per page: only when the
   * expiry is found, once. The background purge records the rows it deletes the same way (purgeSoon).
   */
  private async endExpired(sessionId: string, row: { tokenId: string; createdAt: number; seenAt: number }): Promise<void> {
    if (await this.store.delete(webSessionHash(sessionId))) await this.auditExpired(webSessionHash(sessionId), row);
  }

  /** Records an expired sign-in's end; `idHash` is its stored digest, whose start names it (webSessionRef). */
  private async auditExpired(idHash: string, row: { tokenId: string; createdAt: number; seenAt: number }): Promise<void> {
    const a = this.opts.audit;
    if (!a) return;
    const expiredAt = Math.min(row.seenAt + this.idleMs, row.createdAt + this.maxMs);
    const p = await this.auth.principalForTokenId(row.tokenId);
    await a.records.appendAudit(a.now(), row.tokenId, 'web.sign_out', { ...(p.role === 'public' ? {} : { role: p.role }), session: idHash.slice(0, SESSION_REF_CHARS), reason: 'expired', expiredAt: new Date(expiredAt).toISOString() });
  }

  /**
   * Deletes expired sign-ins in the background, at most once per PURGE_EVERY_MS in this process, and
   * records each one's end as a page finding it would (`web.sign_out`, `reason` `expired`): the store
   * returns only the rows this purge deleted, so a sign-in purged by two processes at once, or found
   * by a page meanwhile, is recorded once. Before 2026-12-08 the purge recorded nothing, so a sign-in
   * no page came back to had a `web.sign_in` and no end.
   */
  private purgeSoon(): void {
    const at = this.now();
    if (at - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = at;
    this.background(this.store.purge(at - this.idleMs, at - this.maxMs, PURGE_LIMIT).then(async (rows) => {
      for (const row of rows) await this.auditExpired(row.idHash, row);
    }));
  }

  private background(p: Promise<unknown>): void {
    p.catch((e: unknown) => this.opts.onStoreError?.(e instanceof Error ? e : new Error(String(e))));
  }
}
