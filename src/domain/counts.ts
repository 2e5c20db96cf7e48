/** Per-kind counts (records removed and kept by a purge, …). */

/** `a - b` per key, keeping only the keys whose difference is not zero. */
export function subtractCounts<K extends string>(a: Partial<Record<K, number>>, b: Partial<Record<K, number>>): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {};
  for (const [k, v] of Object.entries(a) as [K, number][]) {
    const n = v - (b[k] ?? 0);
    if (n) out[k] = n;
  }
  return out;
}
