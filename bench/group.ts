/**
 * One benchmark group in a process of its own: `node [bundle | --import tsx bench/group.ts] NAME
 * [--quick]` prints the group's figures, one JSON line each, on stdout (bench/run.ts starts it per
 * group). The group's module is loaded from its bundle when `npm run bench` made one
 * (SMSGUARD_BENCH_BUNDLES, bench/bundle.ts), else as TypeScript through tsx.
 */
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { GROUPS } from './groups.js';
import { bundledPath } from './proc.js';
import type { Bench, Figure } from './figure.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const name = process.argv[2];
const file = Object.hasOwn(GROUPS, name) ? GROUPS[name] : undefined;
if (!file) {
  process.stderr.write(`[bench] unknown group ${name} (known: ${Object.keys(GROUPS).join(', ')})\n`);
  process.exit(2);
}
try {
  const { run } = (await import(pathToFileURL(bundledPath(file) ?? join(ROOT, file)).href)) as { run: Bench };
  const figures: Figure[] = await run({ quick: process.argv.includes('--quick') });
  for (const f of figures) process.stdout.write(`${JSON.stringify(f)}\n`);
} catch (e) {
  process.stderr.write(`[bench] ${name} failed: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
}
// Groups leave pools, timers and workers behind that would keep the process alive.
process.exit(0);
