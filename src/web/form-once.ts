/**
 * A form sent twice (a double click, a reload of the POST, a second click while the first answer is
 * slow) acts once. Each rendering of a form that adds something (the public complaint form, a credit-file
 * entry) carries a random hidden token; the first post with it acts, and a repeat within
 * {@link FORM_ONCE_KEEP_MS} gets the first's result (waiting for it if it is still running) instead of
 * filing a second complaint, which would count twice in the provider's complaint rate, or a second
 * credit-file entry, which the regulator would then have to explain.
 *
 * Kept in this process's memory: the usual double click reaches one process over one connection. A
 * refused post forgets its token, so the corrected form can be sent again with it. A post without a
 * token of the expected shape (a hand-made one, an API client) simply acts.
 */
import { randomBytes } from 'node:crypto';

/** How long a form's token answers its repeats. */
export const FORM_ONCE_KEEP_MS = 10 * 60_000;
/** Tokens held at most; past it the oldest go first (a flood of posts must not grow it). */
const MAX_HELD = 10_000;
const SHAPE = /^[A-Za-z0-9_-]{22}$/;

/** A fresh token for a form's hidden `once` field. */
export function newFormToken(): string {
  return randomBytes(16).toString('base64url');
}

/** Runs a form's act once per token, answering repeats with the first's result. */
export class FormOnce<T> {
  private readonly held = new Map<string, { at: number; result: Promise<T> }>();

  /**
   * `act`'s result for the first post with `token`; the same result for a repeat within the keep time.
   * `now`: wall-clock milliseconds (the keep time is the browser's, not a simulated app clock's).
   */
  run(token: string, now: number, act: () => Promise<T>): Promise<T> {
    if (!SHAPE.test(token)) return act();
    this.sweep(now);
    const seen = this.held.get(token);
    if (seen) return seen.result;
    const result = act();
    this.held.set(token, { at: now, result });
    // refused: forgotten, so the form shown again with its reason can be sent again with the same token
    result.catch(() => this.held.delete(token));
    return result;
  }

  private sweep(now: number): void {
    for (const [k, v] of this.held) {
      if (now - v.at < FORM_ONCE_KEEP_MS && this.held.size < MAX_HELD) break;
      this.held.delete(k);
    }
  }
}
