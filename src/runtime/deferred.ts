/**
 * A promise with its resolve and reject at hand, for an outcome decided later by someone other than
 * its creator (a receipt parked until its submit is known is answered when it settles).
 */
export interface Deferred {
  promise: Promise<unknown>;
  resolve(v?: unknown): void;
  reject(e: unknown): void;
}

export function deferred(): Deferred {
  let resolve!: (v?: unknown) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<unknown>((a, b) => {
    resolve = a;
    reject = b;
  });
  return { promise, resolve, reject };
}

/** Settles `d` as `p` does (at once when there is nothing to wait for). */
export function follow(d: Deferred, p: Promise<unknown> | undefined): void {
  if (p) p.then(d.resolve, d.reject);
  else d.resolve();
}
