/**
 * `npm run bench [-- --quick] [-- --only NAME,…]`: runs every registered benchmark and prints one
 * JSON line per figure on stdout, nothing else (progress goes to stderr). Speed targets live here,
 * never in timed tests.
 *
 * Each group runs in a process of its own (this file again, with `--group NAME`): a group that
 * measures CPU in process must not inherit the heap, threads and open stores of the groups before it.
 * Measured: `records_write_per_s` came out at 63,332 and 66,691 after the consent group in the same
 * process against 93,290 and 106,561 alone, alternating (2026-12-04 13:36–13:38 UTC).
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleEntries } from './bundle.js';
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

/** Runs one group in this process and prints its figures. */
async function runGroup(name: string, quick: boolean): Promise<void> {
  const load = BENCHES[name];
  if (!load) throw new Error(`unknown benchmark group ${name} (known: ${Object.keys(BENCHES).join(', ')})`);
  const { run } = await load();
  const figures: Figure[] = await run({ quick });
  for (const f of figures) process.stdout.write(`${JSON.stringify(f)}\n`);
}

/**
 * Runs one group in a child process, passing its figure lines through (each checked to be a figure,
 * so stdout stays JSON lines only). Resolves to whether the child succeeded.
 */
function spawnGroup(name: string, quick: boolean): Promise<boolean> {
  const args = [...process.execArgv, fileURLToPath(import.meta.url), '--group', name, ...(quick ? ['--quick'] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let buf = '';
  let bad = false;
  const emit = (line: string): void => {
    if (!line.trim()) return;
    try {
      const f = JSON.parse(line) as Partial<Figure>;
      if (typeof f.figure !== 'string' || typeof f.value !== 'number') throw new Error('not a figure');
      process.stdout.write(`${line}\n`);
    } catch {
      bad = true;
      process.stderr.write(`[bench] ${name}: not a figure line on stdout: ${line.slice(0, 200)}\n`);
    }
  };
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => {
    buf += d;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) { emit(buf.slice(0, i)); buf = buf.slice(i + 1); }
  });
  return new Promise((resolve) => {
    child.on('error', (e) => { process.stderr.write(`[bench] ${name}: ${e.message}\n`); resolve(false); });
    child.on('close', (code, signal) => {
      emit(buf);
      if (code !== 0) process.stderr.write(`[bench] ${name} failed (exit ${code ?? signal})\n`);
      resolve(code === 0 && !bad);
    });
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const groupIdx = args.indexOf('--group');
  if (groupIdx >= 0) {
    try {
      await runGroup(args[groupIdx + 1], quick);
    } catch (e) {
      process.stderr.write(`[bench] ${args[groupIdx + 1]} failed: ${(e as Error).stack ?? e}\n`);
      process.exit(1);
    }
    process.exit(0);
  }
  const onlyIdx = args.indexOf('--only');
  const only = onlyIdx >= 0 ? new Set(args[onlyIdx + 1].split(',')) : null;
  if (only) {
    const unknown = [...only].filter((n) => !(n in BENCHES));
    if (unknown.length) {
      process.stderr.write(`[bench] unknown group(s): ${unknown.join(', ')} (known: ${Object.keys(BENCHES).join(', ')})\n`);
      process.exit(2);
    }
  }
  // The groups' child processes start from bundles (bench/bundle.ts): seconds less per run, same figures.
  if (process.env.SMSGUARD_BENCH_BUNDLE !== 'off' && !process.env.SMSGUARD_BENCH_PROFILE) {
    // A folder per run, so that two runs at once never start each other's half-written bundles.
    const dir = await bundleEntries(join(fileURLToPath(new URL('../node_modules/.cache/smsguard-bench', import.meta.url)), String(process.pid)));
    if (dir) {
      process.env.SMSGUARD_BENCH_BUNDLES = dir;
      process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    }
  }
  let failed = 0;
  for (const name of Object.keys(BENCHES)) {
    if (only && !only.has(name)) continue;
    process.stderr.write(`[bench] ${name}…\n`);
    const t0 = Date.now();
    if (await spawnGroup(name, quick)) process.stderr.write(`[bench] ${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    else failed++;
  }
  process.exit(failed ? 1 : 0);
}

void main();
