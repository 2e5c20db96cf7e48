/**
 * A form sent twice (a double click, a reload of the POST, a second click while the first answer is
 * slow) acts once. Each rendering of a form that adds something (the public complaint form, a credit-file
 * entry, a case's action) carries a random hidden token; the first post with it acts, and a repeat within
 * {@link FORM_ONCE_KEEP_MS} gets the first's result (waiting for it if it is still running) instead of
 * filing a second complaint, which would count twice in the provider's complaint rate, or a second
 * credit-file entry, which the regulator would then have to explain.
 *
 * Held across processes: a browser's second submit while the first is pending goes over a new
 * connection, which a load balancer may send to another process (docs/SCALING.md). So the first post
 * claims its token in the store every process shares (ports/form-tokens.ts: one insert on its primary
 * key, which exactly one of concurrent posts wins), acts, and stores its result there; a repeat that
 * reaches another process finds the claim, waits for that result (polling, at most
 * {@link FORM_ONCE_WAIT_MS}) and answers with it. A repeat in the same process simply waits for the
 * first's promise. The store holds a digest of the token, not the token, and the result sealed with a
 * key only the token gives (a complaint's answer holds its access code, kept hashed everywhere else).
 *
 * A refused post releases its token, so the corrected form can be sent again with it. A first post that
 * never answers (its process died mid-act) leaves its claim: a repeat is then refused with
 * `form_already_sent` (409: the form was sent already, check before sending again), never acted on
 * again, until the claim is {@link FORM_ONCE_KEEP_MS} old. The store out of reach when a post claims:
 * this process's own guard alone (the act needs the store too). A post without a token of the
 * expected shape (a hand-made one, an API client) simply acts.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { SmsguardError } from '../domain/errors.js';
import type { FormTokenStore } from '../ports/form-tokens.js';

/** How long a form's token answers its repeats. */
export const FORM_ONCE_KEEP_MS = 10 * 60_000;
/** How long a repeat waits for the result of a first post running in another process. */
export const FORM_ONCE_WAIT_MS = 5_000;
/** Tokens held at most; past it the oldest go first (a flood of posts must not grow it). */
const MAX_HELD = 10_000;
/** Claims deleted from the store at most per sweep, and how often a FormOnce sweeps (a minute). */
const SWEEP_LIMIT = 1_000;
const SWEEP_EVERY_MS = 60_000;
const SHAPE = /^[A-Za-z0-9_-]{22}$/;

/** A fresh token for a form's hidden `once` field. */
export function newFormToken(): string {
  return randomBytes(16).toString('base64url');
}

/** The refusal of a repeat whose first post, elsewhere, has not answered within the wait. */
export function formAlreadySent(): SmsguardError {
  return new SmsguardError('conflict', 'this form was sent already and its first sending has not answered: check whether it was done before sending it again', {}, undefined, { id: 'form_already_sent' });
}

export interface FormOnceOptions {
  /** The store every process shares; without one, this process's memory only. */
  store?: FormTokenStore;
  /** Which form: a store keeps each form's tokens apart. */
  form?: string;
  /** How long a repeat waits for a first post in another process ({@link FORM_ONCE_WAIT_MS}). */
  waitMs?: number;
  /** Between two looks at the store while waiting. */
  pollMs?: number;
  /** The store failed (claim, settle, release, sweep); the post goes on. */
  onStoreError?: (e: Error) => void;
}

/** Runs a form's act once per token, answering repeats with the first's result. */
export class FormOnce<T> {
  private readonly held = new Map<string, { at: number; result: Promise<T> }>();
  private readonly form: string;
  private readonly waitMs: number;
  private readonly pollMs: number;
  private lastSweep = -Infinity;

  constructor(private readonly opts: FormOnceOptions = {}) {
    this.form = opts.form ?? 'form';
    this.waitMs = opts.waitMs ?? FORM_ONCE_WAIT_MS;
    this.pollMs = opts.pollMs ?? 100;
  }

  /**
   * `act`'s result for the first post with `token`; the same result for a repeat within the keep time.
   * `now`: wall-clock milliseconds (the keep time is the browser's, not a simulated app clock's).
   */
  run(token: string, now: number, act: () => Promise<T>): Promise<T> {
    if (!SHAPE.test(token)) return act();
    this.sweep(now);
    const seen = this.held.get(token);
    if (seen) return seen.result;
    const result = this.opts.store ? this.shared(this.opts.store, token, now, act) : act();
    this.held.set(token, { at: now, result });
    // refused: forgotten, so the form shown again with its reason can be sent again with the same token
    result.catch(() => this.held.delete(token));
    return result;
  }

  /** The act through the shared store's claim: acted here, or the result of the post that claimed first. */
  private async shared(store: FormTokenStore, token: string, now: number, act: () => Promise<T>): Promise<T> {
    const id = formTokenId(token);
    const until = Date.now() + this.waitMs;
    for (;;) {
      let found;
      try {
        found = await store.claim(this.form, id, now, now - FORM_ONCE_KEEP_MS);
      } catch (e) {
        this.failed(e);
        return act();
      }
      if (found === 'claimed') {
        let r: T;
        try {
          r = await act();
        } catch (e) {
          // released before the refusal is shown, so the corrected form, sent at once, is taken
          await store.release(this.form, id, now).catch((e2: unknown) => this.failed(e2));
          throw e;
        }
        await store.settle(this.form, id, now, seal(token, r)).catch((e2: unknown) => this.failed(e2));
        return r;
      }
      if (found !== 'pending') {
        const r = unseal<T>(token, found.result);
        if (r === undefined) throw formAlreadySent();
        return r.value;
      }
      // the first post is acting in another process (or died there): wait for its answer, a while
      if (Date.now() >= until) throw formAlreadySent();
      await sleep(Math.min(this.pollMs, Math.max(0, until - Date.now())));
    }
  }

  private failed(e: unknown): void {
    this.opts.onStoreError?.(e instanceof Error ? e : new Error(String(e)));
  }

  private sweep(now: number): void {
    for (const [k, v] of this.held) {
      if (now - v.at < FORM_ONCE_KEEP_MS && this.held.size < MAX_HELD) break;
      this.held.delete(k);
    }
    const store = this.opts.store;
    if (store && now - this.lastSweep >= SWEEP_EVERY_MS) {
      this.lastSweep = now;
      store.sweep(now - FORM_ONCE_KEEP_MS, SWEEP_LIMIT).catch((e: unknown) => this.failed(e));
    }
  }
}

/** How the store names a token's claim: a digest, so the store never holds the token that opens its result. */
export function formTokenId(token: string): string {
  return digest('id', token).toString('base64url');
}

const digest = (use: 'id' | 'key', token: string): Buffer => createHash('sha256').update(`smsguard form-once ${use}\0${token}`).digest();

/** `r` as JSON, sealed (AES-256-GCM) with a key drawn from the token: iv, tag, text, base64url. */
function seal(token: string, r: unknown): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', digest('key', token), iv);
  const text = Buffer.concat([c.update(JSON.stringify(r ?? null), 'utf8'), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), text]).toString('base64url');
}

/** The value {@link seal} sealed; undefined when it does not open with this token. */
function unseal<T>(token: string, sealed: string): { value: T } | undefined {
  try {
    const b = Buffer.from(sealed, 'base64url');
    // the tag's length fixed: a shortened stored value must not be checked against a shorter tag
    const d = createDecipheriv('aes-256-gcm', digest('key', token), b.subarray(0, 12), { authTagLength: 16 });
    d.setAuthTag(b.subarray(12, 28));
    return { value: JSON.parse(Buffer.concat([d.update(b.subarray(28)), d.final()]).toString('utf8')) as T };
  } catch {
    return undefined;
  }
}
