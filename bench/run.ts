/**
 * `npm run bench [-- --quick] [-- --only NAME,…]`: runs every registered benchmark and prints one
 * JSON line per figure on stdout, nothing else (progress goes to stderr). Speed targets live here,
 * never in timed tests.
 *
 * Each group (bench/groups.ts) runs in a process of its own (bench/group.ts): a group that
 * measures CPU in process must not inherit the heap, threads and open stores of the groups before it.
 * Measured: `records_write_per_s` came out at 63,332 and 66,691 after the consent group in the same
 * process against 93,290 and 106,561 alone, alternating (2026-12-04 13:36–13:38 UTC).
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleEntries } from './bundle.js';
import type { Figure } from './figure.js';
import { GROUPS } from './groups.js';
import { entryArgv } from './proc.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Runs one group in a child process, passing its figure lines through (each checked to be a figure,
 * so stdout stays JSON lines only). Resolves to whether the child succeeded.
 */
function spawnGroup(name: string, quick: boolean): Promise<boolean> {
  const args = [...entryArgv('bench/group.ts'), name, ...(quick ? ['--quick'] : [])];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
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
  const onlyIdx = args.indexOf('--only');
  const only = onlyIdx >= 0 ? new Set(args[onlyIdx + 1].split(',')) : null;
  if (only) {
    const unknown = [...only].filter((n) => !Object.hasOwn(GROUPS, n));
    if (unknown.length) {
      process.stderr.write(`[bench] unknown group(s): ${unknown.join(', ')} (known: ${Object.keys(GROUPS).join(', ')})\n`);
      process.exit(2);
    }
  }
  // The groups' child processes start from bundles (bench/bundle.ts), as the smsguard command does.
  if (process.env.SMSGUARD_BENCH_BUNDLE !== 'off') {
    // A folder per run, so that two runs at once never start each other's half-written bundles.
    const dir = await bundleEntries(join(ROOT, 'node_modules/.cache/smsguard-bench', String(process.pid)));
    if (dir) {
      process.env.SMSGUARD_BENCH_BUNDLES = dir;
      process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    }
  }
  let failed = 0;
  for (const name of Object.keys(GROUPS)) {
    if (only && !only.has(name)) continue;
    process.stderr.write(`[bench] ${name}…\n`);
    const t0 = Date.now();
    if (await spawnGroup(name, quick)) process.stderr.write(`[bench] ${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    else failed++;
  }
  process.exit(failed ? 1 : 0);
}

void main();
