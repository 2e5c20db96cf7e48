import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

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
