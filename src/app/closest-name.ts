/**
 * The field a caller most likely meant by a key no body takes (`msisdn` for `msisdns`, `form` for
 * `from`, `signatur`), for the answer that refuses it: the misspelt key and the name to write. One
 * function for the HTTP error handler (schema refusals) and the use cases' own checks
 * (validateSubmitInput), so every door suggests alike.
 */

/**
 * Optimal string alignment distance (Levenshtein with a swap of two neighbours as one edit: `form` is
 * one edit from `from`), or `limit + 1` as soon as it must exceed `limit`.
 */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > limit) return limit + 1;
    prev2 = prev;
    prev = row;
  }
  return prev[b.length];
}

/**
 * The name among `candidates` that `key` is a likely misspelling of, or undefined: the nearest, case
 * aside, within 2 edits and within a third of the name's length (at least 1), so a short name is
 * suggested only for a near miss (`form` for `from`, never `x` for `to`); of equals, the first. The
 * caller passes the names the object still lacks, in its own order: a key sent beside its right
 * spelling is no misspelling of it. Deterministic, and cheap for any key (a long one is out at once).
 */
export function closestName(key: string, candidates: Iterable<string>): string | undefined {
  const k = key.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const limit = Math.min(2, Math.max(1, Math.floor(c.length / 3)));
    const d = distance(k, c.toLowerCase(), limit);
    if (d <= limit && d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}
