import type { Store } from '../../src/ports/store.js';

/**
 * Holds each store's first Idempotency-Key lookup until every store has looked: all of them then
 * decide as if none had seen the key, as when processes (or connections) take the same key at once.
 * Wraps `idempotency.find` in place; `lookups` counts every lookup made since.
 */
export function bothLookFirst(stores: readonly Pick<Store, 'idempotency'>[]): { lookups: () => number } {
  let n = 0;
  let looked = 0;
  let open!: () => void;
  const barrier = new Promise<void>((r) => (open = r));
  for (const s of stores) {
    const real = s.idempotency.find.bind(s.idempotency);
    let first = true;
    s.idempotency.find = async (...args) => {
      n++;
      if (first) {
        first = false;
        if (++looked === stores.length) open();
        await barrier;
      }
      return real(...args);
    };
  }
  return { lookups: () => n };
}
