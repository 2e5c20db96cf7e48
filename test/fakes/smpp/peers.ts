/**
 * Helpers for interop tests against SMPP implementations nobody here wrote (shared/peers/kannel:
 * Debian's Kannel and Perl Net::SMPP). Every process is started by us, tracked by PID and stopped
 * by PID; everything listens on 127.0.0.1.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { resolve } from 'node:path';

/** Where the peer scripts live: $SMSGUARD_PEERS_DIR, ../shared/peers/kannel, or /work/shared/peers/kannel. */
export function peersDir(): string | null {
  const cands = [process.env.SMSGUARD_PEERS_DIR, resolve(process.cwd(), '../shared/peers/kannel'), '/work/shared/peers/kannel'].filter((x): x is string => !!x);
  return cands.find((d) => existsSync(resolve(d, 'smsc-sink.pl'))) ?? null;
}

/** A reason to skip, or false when Perl Net::SMPP and the peer scripts are available. */
export function netSmppMissing(): string | false {
  if (!peersDir()) return 'shared/peers/kannel not found (set SMSGUARD_PEERS_DIR)';
  const r = spawnSync('perl', ['-MNet::SMPP', '-e1'], { stdio: 'ignore' });
  return r.status === 0 ? false : 'Perl Net::SMPP missing: run `bash shared/peers/kannel/setup.sh` (CI does)';
}

export function kannelMissing(): string | false {
  const m = netSmppMissing();
  if (m) return m;
  return existsSync('/usr/sbin/bearerbox') && existsSync('/usr/sbin/smsbox') ? false : 'Kannel missing: run `bash shared/peers/kannel/setup.sh` (CI does)';
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
}

export async function waitListening(port: number, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((r) => {
      const c = connect({ host: '127.0.0.1', port });
      c.once('connect', () => {
        c.destroy();
        r(true);
      });
      c.once('error', () => r(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`nothing listening on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface Proc {
  child: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Starts a process we own; `stop` signals that PID only (TERM, then KILL after 5 s). */
export function start(cmd: string, args: string[], opts: { cwd?: string } = {}): Proc {
  const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let done = false;
  void exited.then(() => (done = true));
  return {
    child, exited, out: () => out,
    async stop() {
      if (done || child.pid === undefined) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => !done && child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Parses `RESULT k=v k=v` (smpp-client.pl) or a `k=v` stats line into a record. */
export function parseKv(line: string): Record<string, string> {
  const r: Record<string, string> = {};
  for (const m of line.matchAll(/(\w+)=(\S+)/g)) r[m[1]] = m[2];
  return r;
}
