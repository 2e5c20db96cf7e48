/** Polling for tests: a value that appears, or a condition that comes true, within a bound. */

/** Resolves with the first value `get` returns that is not undefined; rejects after `ms`. */
export async function waitFor<T>(get: () => T | undefined | Promise<T | undefined>, ms = 8000, what = 'a value'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Resolves once `cond` is true; rejects after `ms`, naming `what`. */
export async function until(cond: () => boolean | Promise<boolean>, ms = 8000, what = 'a condition'): Promise<void> {
  await waitFor(async () => ((await cond()) ? true : undefined), ms, what);
}

/**
 * Whether `cond` comes true within `ms` (never rejects): for a test that asserts on the answer itself
 * or that only waits for something that may rightly never happen.
 */
export async function within(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}
