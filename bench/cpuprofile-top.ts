/**
 * Diagnostic, not a figure: reads a V8 CPU profile (`.cpuprofile`, as `SMSGUARD_BENCH_PROFILE=DIR`
 * makes for every benchmark process and each of its worker threads) and prints where the samples
 * went: by function (self and inclusive), by file, the callers of one function, and how busy the
 * thread was second by second (to find the load's window, e.g. `--from 8 --to 17`).
 *
 * V8's profiler samples on wall-clock time: a thread taken off its core by another process keeps
 * being sampled in whatever it was running, so long native calls (SQLite, a socket write that
 * wakes the peer) read larger here than in `perf record -e cpu-clock` on a busy two-core machine
 * (docs/PERFORMANCE.md, eleventh session: a response's `writev` 26 % here, 12 % on-CPU).
 *
 * Usage: node --import tsx bench/cpuprofile-top.ts FILE [--top N] [--from S] [--to S] [--files]
 *        [--inclusive] [--callers NAME [--depth N]] [--timeline]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

/** The parts of a `.cpuprofile` read here. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface TopOptions {
  /** Seconds from the profile's start; samples outside [from, to) are left out. */
  from?: number;
  to?: number;
  /** Group by file instead of by function. */
  files?: boolean;
  /** Also count callers (the `depth` frames above each sample's innermost frame named `callers`). */
  callers?: string;
  depth?: number;
}

export interface Top {
  /** Samples counted (idle and outside the window left out). */
  total: number;
  self: Map<string, number>;
  inclusive: Map<string, number>;
  callers: Map<string, number>;
  /** Per whole second from the start: [busy samples, idle samples]. */
  timeline: [number, number][];
}

const IDLE = '(idle)';

/** Sample counts of a profile: self and inclusive by function (or file), callers of one, busy per second. */
export function summarize(p: CpuProfile, o: TopOptions = {}): Top {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (id: number): string => {
    const f = byId.get(id)!.callFrame;
    const file = f.url.split('/').slice(o.files ? -2 : -1).join('/');
    if (o.files) return file || f.functionName;
    return `${f.functionName || '(anonymous)'}${file ? ` ${file}:${f.lineNumber + 1}` : ''}`;
  };
  const from = (o.from ?? 0) * 1e6, to = (o.to ?? Infinity) * 1e6;
  const out: Top = { total: 0, self: new Map(), inclusive: new Map(), callers: new Map(), timeline: [] };
  const bump = (m: Map<string, number>, k: string): void => void m.set(k, (m.get(k) ?? 0) + 1);
  let t = 0;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i];
    const idle = byId.get(p.samples[i])?.callFrame.functionName === IDLE;
    const sec = Math.floor(t / 1e6);
    while (out.timeline.length <= sec) out.timeline.push([0, 0]);
    out.timeline[sec][idle ? 1 : 0]++;
    if (idle || t < from || t >= to) continue;
    out.total++;
    const chain: string[] = [];
    for (let id: number | undefined = p.samples[i]; id !== undefined; id = parent.get(id)) chain.push(name(id));
    bump(out.self, chain[0]);
    // a recursive function counts once per sample
    for (const k of new Set(chain)) bump(out.inclusive, k);
    if (o.callers) {
      const j = chain.findIndex((c) => c.includes(o.callers!));
      if (j >= 0) bump(out.callers, chain.slice(j + 1, j + 1 + (o.depth ?? 3)).join(' < ') || '(top)');
    }
  }
  return out;
}

/** The `n` largest entries as lines `percent name`. */
export function table(m: Map<string, number>, total: number, n: number): string[] {
  return [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${((100 * v) / Math.max(total, 1)).toFixed(1).padStart(5)} ${k}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      top: { type: 'string', default: '40' }, from: { type: 'string' }, to: { type: 'string' }, files: { type: 'boolean' },
      inclusive: { type: 'boolean' }, callers: { type: 'string' }, depth: { type: 'string' }, timeline: { type: 'boolean' },
    },
  });
  if (positionals.length !== 1) {
    process.stderr.write('usage: node --import tsx bench/cpuprofile-top.ts FILE [--top N] [--from S] [--to S] [--files] [--inclusive] [--callers NAME [--depth N]] [--timeline]\n');
    process.exit(2);
  }
  const p = JSON.parse(readFileSync(positionals[0], 'utf8')) as CpuProfile;
  const num = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s));
  const r = summarize(p, { from: num(values.from), to: num(values.to), files: values.files, callers: values.callers, depth: num(values.depth) });
  const n = Number(values.top);
  const lines: string[] = [];
  if (values.timeline) lines.push('== busy / idle samples per second', ...r.timeline.map(([b, i], s) => `${String(s).padStart(4)} ${b}/${i}`));
  lines.push(`== self (${r.total} samples)`, ...table(r.self, r.total, n));
  if (values.inclusive) lines.push('== inclusive', ...table(r.inclusive, r.total, n));
  if (values.callers) lines.push(`== callers of ${values.callers}`, ...table(r.callers, r.total, n));
  process.stdout.write(lines.join('\n') + '\n');
}
