/** Child processes for benchmarks: start a bench entry point (bundled, or under tsx), wait for a line, stop it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface Proc {
  p: ChildProcess;
  /** Resolves with the first match of `re` in the process's stdout (so far or later). */
  line(re: RegExp, ms: number): Promise<RegExpExecArray>;
  out(): string;
}

/**
 * SMSGUARD_BENCH_PROFILE=DIR: every benchmark child writes a V8 CPU profile into DIR when it exits
 * (node refuses --cpu-prof in NODE_OPTIONS). For finding where the time goes, not for figures.
 */
export const PROFILE: readonly string[] = process.env.SMSGUARD_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.SMSGUARD_BENCH_PROFILE}`] : [];

/**
 * The node flags smsguard's own servers run with: those on the first line of bin/smsguard.js (which
 * `npm start` repeats), so a gateway, simulator or SMPP bench gateway runs as `smsguard start` does.
 * Load generators and peers run without them.
 */
export const SERVER_NODE_FLAGS: readonly string[] = (() => {
  const m = /^#!\/usr\/bin\/env -S node(.*)$/m.exec(readFileSync(new URL('../bin/smsguard.js', import.meta.url), 'utf8').split('\n')[0]);
  if (!m) throw new Error('bin/smsguard.js: expected a first line "#!/usr/bin/env -S node [flags]"');
  return m[1].trim().split(/\s+/).filter(Boolean);
})();

/** The bundle `npm run bench` made of a bench module (SMSGUARD_BENCH_BUNDLES, bench/bundle.ts), if any. */
export function bundledPath(entry: string): string | null {
  const dir = process.env.SMSGUARD_BENCH_BUNDLES;
  const f = dir ? join(dir, entry.replace(/\.ts$/, '.mjs')) : null;
  return f && existsSync(f) ? f : null;
}

/** The node arguments that run a bench entry point (`bench/….ts`): its bundle, else the TypeScript under tsx (a `.js` file, such as `bin/smsguard.js`, as it is). */
export function entryArgv(entry: string): string[] {
  if (!entry.endsWith('.ts')) return [entry];
  const f = bundledPath(entry);
  return f ? [f] : ['--import', 'tsx', entry];
}

/**
 * SMSGUARD_BENCH_GC_TRACE=FILE: the gateway children (`bench/…gateway…` through startProc, and the
 * HTTP batch figure's `smsguard start`) also run with `--trace-gc-nvp`, their stdout appended to
 * FILE: one line per collection and per isolate (the `[pid:0x…]` prefix tells the event loop from
 * the SMPP client's thread), how long the scavenges take and what survives them. For finding where
 * the time goes, not for figures.
 */
export const GC_TRACE: readonly string[] = process.env.SMSGUARD_BENCH_GC_TRACE ? ['--trace-gc-nvp'] : [];

/** Appends a gateway child's stdout to SMSGUARD_BENCH_GC_TRACE's file, when set (GC_TRACE). */
export function traceGc(p: ChildProcess): void {
  const file = process.env.SMSGUARD_BENCH_GC_TRACE;
  if (file) p.stdout!.on('data', (d: Buffer) => appendFileSync(file, d));
}

/** Starts a benchmark child (a gateway one with GC_TRACE: `bench/…gateway…`, or `gateway: true`). */
export function startProc(args: string[], o: { env?: Record<string, string>; nodeFlags?: readonly string[]; gateway?: boolean } = {}): Proc {
  const gateway = o.gateway ?? args[0].includes('gateway');
  const p = spawn(process.execPath, [...PROFILE, ...(o.nodeFlags ?? []), ...(gateway ? GC_TRACE : []), ...entryArgv(args[0]), ...args.slice(1)], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...o.env } });
  let buf = '';
  p.stdout!.on('data', (d: Buffer) => (buf += d.toString()));
  if (gateway) traceGc(p);
  return {
    p,
    out: () => buf,
    line: (re, ms) => new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timeout waiting for ${re} from ${args[0]}: ${buf}`)), ms);
      const check = () => {
        const m = re.exec(buf);
        if (m) {
          clearTimeout(t);
          p.stdout!.off('data', check);
          resolve(m);
        }
      };
      p.stdout!.on('data', check);
      p.once('exit', (code) => reject(new Error(`${args[0]} exited ${code}: ${buf}`)));
      check();
    }),
  };
}

/** SIGTERM, then SIGKILL after `killAfterMs` if it has not exited. */
export async function stopProc(p: ChildProcess, killAfterMs = 15_000): Promise<void> {
  if (p.exitCode !== null || p.pid === undefined) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  const t = setTimeout(() => p.kill('SIGKILL'), killAfterMs);
  await exited;
  clearTimeout(t);
}

/**
 * A `/proc/<pid>/stat` (or `/proc/<pid>/task/<tid>/stat`) line read apart (Linux): the command name
 * and the CPU it used so far in ms (utime + stime, fields 14 and 15, at CLK_TCK = 100), of it the
 * time in the kernel (stime), and its minor page faults (field 10: fresh memory and mapped file pages
 * touched for the first time, each paid in the kernel), and its nice value (field 19; per thread on
 * Linux, src/runtime/thread-priority.ts).
 */
export function procStat(pid: number | string, tid?: number): { comm: string; cpuMs: number; sysMs: number; minflt: number; nice: number } {
  const st = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
  const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
  return { comm: st.slice(st.indexOf('(') + 1, st.lastIndexOf(')')), cpuMs: (Number(f[11]) + Number(f[12])) * 10, sysMs: Number(f[12]) * 10, minflt: Number(f[7]), nice: Number(f[16]) };
}

/**
 * A thread's scheduler accounting from /proc/PID/task/TID/schedstat (Linux, in ns): time on a CPU and
 * time spent runnable but waiting for one. The second says whether a busy thread was held up by the
 * other processes on a shared machine rather than by its own work.
 */
export function schedStat(pid: number, tid: number): { runNs: number; waitNs: number } {
  const [run, wait] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').trim().split(' ').map(Number);
  return { runNs: run, waitNs: wait };
}

/** `procStat` of every thread of a process, by thread id (Linux). */
export function threadStats(pid: number): Map<number, ReturnType<typeof procStat>> {
  return new Map(readdirSync(`/proc/${pid}/task`).map((t) => [Number(t), procStat(pid, Number(t))] as const));
}

/**
 * CPU of this process's children that have exited and been waited for (a load generator, once it
 * has exited: its own /proc entry is gone by then), in ms: all and in the kernel (cutime + cstime).
 */
export function childrenCpuMs(): { cpuMs: number; sysMs: number } {
  const st = readFileSync('/proc/self/stat', 'utf8');
  const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
  return { cpuMs: (Number(f[13]) + Number(f[14])) * 10, sysMs: Number(f[14]) * 10 };
}

/**
 * CPU time the whole machine spent busy (every process and the kernel's own threads: the flushing
 * and journalling a workload causes counts here, not in its processes), in ms, from /proc/stat.
 */
export function machineBusyMs(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: busy is user, nice, system, irq and softirq (guest
  // time is inside user). Not steal: that is the hypervisor running someone else, not this machine's work.
  const busy = f[0] + f[1] + f[2] + f[5] + f[6];
  return (busy * 1000) / 100;
}

/** Bytes a process has handed to write calls (`wchar` of /proc/PID/io: files, sockets and pipes alike), Linux. */
export function writtenBytes(pid: number): number {
  return Number(/^wchar: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0);
}

/** A process's peak resident memory so far, in MB (VmHWM, Linux). */
export function peakRssMb(pid: number): number {
  return Math.round(Number(/^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
}
