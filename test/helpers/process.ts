import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let signingKey: string | undefined;
/**
 * `file:PATH` of one records head-signing key for every gateway process a test starts on one
 * PostgreSQL schema, as docs/SCALING.md has a deployment give them all one: a process started in
 * another directory without it refuses once heads were signed (src/main.ts).
 */
export function sharedSigningKey(): string {
  if (!signingKey) {
    const path = join(mkdtempSync(join(tmpdir(), 'smsguard-key-')), 'records-signing.key');
    writeFileSync(path, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    signingKey = `file:${path}`;
  }
  return signingKey;
}

/** Stops a spawned process: SIGTERM, up to 15 s for a graceful exit, then SIGKILL. */
export async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000).unref())]);
  if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
}

/** A running `smsguard start` of {@link spawnSmsguard}. */
export interface SpawnedSmsguard {
  proc: ChildProcess;
  /** The HTTP API's address from the start-up banner, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** The SMPP server's port from the banner (with `smpp: true`), else null. */
  smppPort: number | null;
  /** All it has printed so far, stdout and stderr. */
  output(): string;
}

const BIN = new URL('../../bin/smsguard.js', import.meta.url);

/**
 * `smsguard ARGS` (e.g. `['start', '--db', …]`) as its own process, resolved once its start-up banner
 * names the HTTP API (and, with `smpp`, the SMPP server's port). Rejects, with what it printed, if
 * it exits first or says nothing within `ms` (then it is killed).
 */
export function spawnSmsguard(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; ms?: number; smpp?: boolean } = {}): Promise<SpawnedSmsguard> {
  const proc = spawn(process.execPath, [fileURLToPath(BIN), ...args], { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const ms = opts.ms ?? 60_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`smsguard said no start-up banner within ${ms / 1000} s: ${out.slice(0, 2000)}`));
    }, ms);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`smsguard exited (${code}) before its banner: ${out.slice(0, 2000)}`));
    };
    const look = (d: Buffer) => {
      out += d.toString();
      const http = /HTTP API\s+(http:\/\/\S+)/.exec(out);
      const smpp = opts.smpp ? /SMPP server\s+\S+:(\d+)/.exec(out) : null;
      if (!http || (opts.smpp && !smpp)) return;
      clearTimeout(timer);
      proc.off('exit', onExit);
      resolve({ proc, url: http[1], smppPort: smpp ? Number(smpp[1]) : null, output: () => out });
    };
    proc.stdout!.on('data', look);
    proc.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
    proc.once('exit', onExit);
  });
}

/**
 * Runs a TypeScript child script (`node --import tsx CHILD JSON(args)`) to the end and resolves with
 * the JSON object on the last line it printed; rejects with its stderr when it exits non-zero (`what`
 * names it in the error). For tests that need a second process on one store.
 */
export function runJsonChild<T>(child: string, args: object, what = 'child process'): Promise<T> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as T) : reject(new Error(`${what} exited ${code}: ${err}`))));
  });
}
