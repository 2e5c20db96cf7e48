/**
 * `npm run bench [-- --quick] [-- --only NAME,…]`: runs every registered benchmark and prints one
 * JSON line per figure on stdout, nothing else (progress goes to stderr). Speed targets live here,
 * never in timed tests.
 */
import type { Bench, Figure } from './figure.js';

/** Registered benchmarks: name → loader. Add yours here (one line). */
const BENCHES: Record<string, () => Promise<{ run: Bench }>> = {
  spine: () => import('./spine-bench.js'),
  content: () => import('./content-bench.js'),
  'smpp-fuzz': () => import('./smpp-fuzz.js'),
  smpp: () => import('./smpp-e2e.js'),
  'smpp-kannel': () => import('./smpp-kannel.js'),
  consent: () => import('./consent-bench.js'),
  complaints: () => import('./complaints-bench.js'),
  records: () => import('./records-bench.js'),
  // PostgreSQL + NATS JetStream (needs both running, as on CI machines).
  scale: () => import('./scale-smpp-pg-nats.js'),
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const onlyIdx = args.indexOf('--only');
  const only = onlyIdx >= 0 ? new Set(args[onlyIdx + 1].split(',')) : null;
  let failed = 0;
  for (const [name, load] of Object.entries(BENCHES)) {
    if (only && !only.has(name)) continue;
    process.stderr.write(`[bench] ${name}…\n`);
    const t0 = Date.now();
    try {
      const { run } = await load();
      const figures: Figure[] = await run({ quick });
      for (const f of figures) process.stdout.write(`${JSON.stringify(f)}\n`);
      process.stderr.write(`[bench] ${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    } catch (e) {
      failed++;
      process.stderr.write(`[bench] ${name} failed: ${(e as Error).stack ?? e}\n`);
    }
  }
  process.exit(failed ? 1 : 0);
}

void main();
