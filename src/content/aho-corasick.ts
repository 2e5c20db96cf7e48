/**
 * Aho–Corasick automaton over UTF-16 code units.
 *
 * Why: the prohibited-content lexicon is operator data that may grow to tens of thousands of terms,
 * and the content stage sits in the message path. Aho–Corasick scans a message once, in time linear in
 * the message length plus the number of matches, whatever the number of patterns; a loop of
 * `includes`/regex tests would grow with the lexicon.
 *
 * Layout, chosen for speed on Chinese text (a 20,000+ symbol alphabet, so no dense per-state tables):
 * - the root has a dense 64 Ki transition table, because most characters of a message leave or stay
 *   at the root;
 * - every other edge lives in one open-addressing hash table keyed by (state, code unit);
 * - outputs are chained through dictionary-suffix links so a state without output costs nothing.
 */

/** One match: the pattern's index (as given to the constructor) and the exclusive end offset. */
export type MatchCallback = (pattern: number, end: number) => void;

export class AhoCorasick {
  /** Number of patterns the automaton was built from. */
  readonly patternCount: number;
  /** Length (in code units) of every pattern, by pattern index. */
  readonly patternLength: Int32Array;
  private readonly rootNext: Int32Array;
  private readonly hState: Int32Array;
  private readonly hChar: Int32Array;
  private readonly hNext: Int32Array;
  private readonly hMask: number;
  private readonly fail: Int32Array;
  private readonly dict: Int32Array;
  private readonly outHead: Int32Array;
  private readonly outNext: Int32Array;

  constructor(patterns: ReadonlyArray<ArrayLike<number>>) {
    this.patternCount = patterns.length;
    this.patternLength = new Int32Array(patterns.length);
    // 1. trie with Map edges (build time only)
    const edges: Array<Map<number, number>> = [new Map()];
    const depth: number[] = [0];
    const outFirst: number[] = [-1];
    const outNext = new Int32Array(patterns.length).fill(-1);
    for (let p = 0; p < patterns.length; p++) {
      const pat = patterns[p];
      this.patternLength[p] = pat.length;
      if (pat.length === 0) throw new Error(`pattern ${p} is empty`);
      let s = 0;
      for (let i = 0; i < pat.length; i++) {
        const c = pat[i];
        let t = edges[s].get(c);
        if (t === undefined) {
          t = edges.length;
          edges.push(new Map());
          depth.push(depth[s] + 1);
          outFirst.push(-1);
          edges[s].set(c, t);
        }
        s = t;
      }
      outNext[p] = outFirst[s];
      outFirst[s] = p;
    }
    const n = edges.length;
    // 2. flatten edges into the root table and the hash table
    this.rootNext = new Int32Array(65536);
    let edgeCount = 0;
    for (let s = 1; s < n; s++) edgeCount += edges[s].size;
    let cap = 16;
    while (cap < edgeCount * 2) cap <<= 1;
    this.hMask = cap - 1;
    this.hState = new Int32Array(cap).fill(-1);
    this.hChar = new Int32Array(cap);
    this.hNext = new Int32Array(cap);
    for (const [c, t] of edges[0]) this.rootNext[c] = t;
    for (let s = 1; s < n; s++) for (const [c, t] of edges[s]) this.put(s, c, t);
    // 3. failure and dictionary links, breadth first
    this.fail = new Int32Array(n);
    this.dict = new Int32Array(n);
    this.outHead = Int32Array.from(outFirst);
    this.outNext = outNext;
    const queue: number[] = [];
    for (const [, t] of edges[0]) {
      this.fail[t] = 0;
      this.dict[t] = 0;
      queue.push(t);
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi];
      for (const [c, t] of edges[s]) {
        let f = this.fail[s];
        let ft = this.step(f, c);
        this.fail[t] = ft === t ? 0 : ft;
        f = this.fail[t];
        this.dict[t] = this.outHead[f] >= 0 ? f : this.dict[f];
        queue.push(t);
      }
    }
  }

  private put(s: number, c: number, t: number): void {
    let h = (Math.imul(s, 0x9e3779b1) ^ Math.imul(c, 0x85ebca6b)) & this.hMask;
    while (this.hState[h] !== -1) h = (h + 1) & this.hMask;
    this.hState[h] = s;
    this.hChar[h] = c;
    this.hNext[h] = t;
  }

  private get(s: number, c: number): number {
    let h = (Math.imul(s, 0x9e3779b1) ^ Math.imul(c, 0x85ebca6b)) & this.hMask;
    for (;;) {
      const hs = this.hState[h];
      if (hs === -1) return -1;
      if (hs === s && this.hChar[h] === c) return this.hNext[h];
      h = (h + 1) & this.hMask;
    }
  }

  /** Goto with failure fallback: the state after reading `c` in state `s`. */
  private step(s: number, c: number): number {
    for (;;) {
      if (s === 0) return this.rootNext[c];
      const t = this.get(s, c);
      if (t >= 0) return t;
      s = this.fail[s];
    }
  }

  /**
   * Report every occurrence of every pattern in `codes[0..length)`, overlapping ones included,
   * in order of end offset.
   */
  scan(codes: ArrayLike<number>, length: number, onMatch: MatchCallback): void {
    const outHead = this.outHead;
    const outNext = this.outNext;
    const dict = this.dict;
    let s = 0;
    for (let i = 0; i < length; i++) {
      s = this.step(s, codes[i]);
      let o = outHead[s] >= 0 ? s : dict[s];
      while (o > 0) {
        for (let p = outHead[o]; p >= 0; p = outNext[p]) onMatch(p, i + 1);
        o = dict[o];
      }
    }
  }

  /** Convenience for tests: every match in a string as `[pattern, start, end]`. */
  findAll(text: string): Array<[number, number, number]> {
    const codes = new Uint16Array(text.length);
    for (let i = 0; i < text.length; i++) codes[i] = text.charCodeAt(i);
    const out: Array<[number, number, number]> = [];
    this.scan(codes, codes.length, (p, end) => out.push([p, end - this.patternLength[p], end]));
    return out;
  }
}
