/**
 * The web forms' once-tokens (src/web/form-once.ts): which rendering of a form that adds something
 * (the public complaint form, a credit-file entry, a case's action) has been posted, and what its
 * first post answered. Shared by every gateway process on one store, so a repeat that a load
 * balancer sends to another process than the first post (a browser's second submit goes over a new
 * connection) finds the first's claim instead of acting again.
 *
 * A claim is named by its form and token (the caller passes a digest, never the token itself) and
 * dated by when it was taken (wall-clock epoch ms); its result is an opaque string the caller chose
 * (form-once.ts seals it with a key only the token gives). A claim taken at or before the caller's
 * `expiredBefore` no longer holds: the next claim replaces it.
 */

/** What a claim found: taken by this call; taken by an earlier post that has not answered yet; or that post's answer. */
export type FormTokenClaim = 'claimed' | 'pending' | { result: string };

export interface FormTokenStore {
  /**
   * Takes `token` of `form` as claimed at `now` when no claim taken after `expiredBefore` holds it
   * ('claimed'); else the claim that holds it: its result once settled, 'pending' before. Of
   * concurrent claims of one token, from any process, exactly one gets 'claimed'.
   */
  claim(form: string, token: string, now: number, expiredBefore: number): Promise<FormTokenClaim>;
  /** Stores the result of the claim taken at `claimedAt` (a claim replaced since is left alone). */
  settle(form: string, token: string, claimedAt: number, result: string): Promise<void>;
  /** Drops the unsettled claim taken at `claimedAt` (its post was refused), so the token can be claimed again. */
  release(form: string, token: string, claimedAt: number): Promise<void>;
  /** Housekeeping: deletes up to `limit` claims taken before `before`, of any form; returns how many. */
  sweep(before: number, limit: number): Promise<number>;
}
