/**
 * A 53-bit hash of a string (its UTF-16 code units), exact in a JavaScript number: what rule
 * `content.duplicate` compares, so that the stores' memory of recent texts keeps a number per text
 * in a typed array instead of the text itself (src/store/recent-texts.ts: a kept string, and the
 * object holding it, lived through 30–60 s of garbage collections on the message path; a number in
 * a typed array costs the collector nothing).
 *
 * Two independent 32-bit hashes in one pass (FNV-1a, and a multiply-xorshift one), each finished by
 * MurmurHash3's fmix32, joined as 32 + 21 bits. Two different texts match by chance with probability
 * about 2⁻⁵³ (1.1 × 10⁻¹⁶) per comparison; a content provider crafting a pair that matches only
 * refuses its own message.
 */
export function textHash(s: string): number {
  let a = 0x811c9dc5 | 0;
  let b = 0x9747b28c | 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return fmix32(a ^ s.length) * 0x200000 + (fmix32(b) >>> 11);
}

/**
 * A 32-bit hash (FNV-1a finished by fmix32), half the work of {@link textHash}, of `s` or its last
 * `tail` code units: for what may match by
 * chance at no cost but a little less memory (a message id compared to let an entry go, or to leave
 * a replacement's own text out: a chance match lets a copy through, never refuses one).
 */
export function shortHash(s: string, tail = Infinity): number {
  let a = 0x811c9dc5 | 0;
  // `tail`: only the last so many code units (an id's random end), a chance match costing as above
  for (let i = Math.max(0, s.length - tail); i < s.length; i++) a = Math.imul(a ^ s.charCodeAt(i), 0x01000193);
  return fmix32(a ^ s.length);
}

/** MurmurHash3's finaliser: every input bit reaches every output bit. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
