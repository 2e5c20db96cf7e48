/**
 * Diagnostic, not a figure: the SMPP end-to-end path of `smpp_e2e_msgs_per_s` (bench/smpp-e2e.ts)
 * with CPU accounting per process and for the gateway's event-loop thread, from /proc (Linux).
 * Prints one JSON line. On a shared 2-core machine the rate moves with the neighbours; CPU per
 * message moves much less, so compare that.
 * Usage: node --import tsx bench/smpp-cpu.ts [MESSAGES]   (SMSGUARD_UPSTREAM_THREAD=off: the SMPP
 * client on the event loop instead of its own thread, as `start --upstream-thread off`; PERF_OUT=FILE:
 * also `perf record -g` the gateway during the load, read with `perf report -i FILE`; STRACE_OUT=FILE:
 * `strace -f -y` of the gateway's write calls during the load, for bytes by file)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childrenCpuMs, procStat, SERVER_NODE_FLAGS, startProc, stopProc, threadStats, writtenBytes, machineBusyMs, peakRssMb } from './proc.js';
import { runLoad } from './smpp-e2e.js';

const total = Number(process.argv[2] ?? 30_000);
/** CPU seconds of a process, or of one of its threads. */
const cpu = (pid: number, tid?: number): number => procStat(pid, tid).cpuMs / 1000;
/** CPU seconds of this process's children that have exited and been waited for (the load generator's, once it has exited). */
const childrenCpuS = (): number => childrenCpuMs().cpuMs / 1000;
/** CPU seconds of each thread of a process, by thread id (with its name). */
const threads = (pid: number): Map<number, { comm: string; s: number; faults: number }> =>
  new Map([...threadStats(pid)].map(([tid, st]) => [tid, { comm: st.comm, s: st.cpuMs / 1000, faults: st.minflt }]));

const dir = mkdtempSync(join(tmpdir(), 'smsguard-smpp-cpu-'));
const sink = startProc(['bench/smpp-sink.ts', '0']);
let gw: ReturnType<typeof startProc> | null = null;
try {
  const sinkPort = Number((await sink.line(/READY (\d+)/, 30_000))[1]);
  gw = startProc(['bench/smpp-gateway.ts', join(dir, 'bench.db'), `smpp://smsguard:pw@127.0.0.1:${sinkPort}?name=sink&window=400`], { nodeFlags: SERVER_NODE_FLAGS });
  const [, port, systemId, password] = await gw.line(/READY (\d+) (\S+) (\S+)/, 60_000);
  await runLoad(Number(port), systemId, password, 10_000, 4, 200, 0);
  const pid = gw.p.pid!;
  const before = { loop: cpu(pid, pid), gw: cpu(pid), gwSys: procStat(pid).sysMs / 1000, written: writtenBytes(pid), machine: machineBusyMs(), sink: cpu(sink.p.pid!), threads: threads(pid), load: childrenCpuS() };
  // PERF_OUT=FILE: `perf record` of the gateway (every thread) while the load runs, for the native
  // side (SQLite, the kernel, V8's own work) that a V8 CPU profile shows only as its JavaScript callers.
  const perf = process.env.PERF_OUT ? spawn('perf', ['record', '-e', 'cpu-clock', '-F', '1999', '-g', '-p', String(pid), '-o', process.env.PERF_OUT], { stdio: 'ignore' }) : null;
  const strace = process.env.STRACE_OUT ? spawn('strace', ['-f', '-y', '-e', 'trace=pwrite64,write,writev', '-p', String(pid), '-o', process.env.STRACE_OUT], { stdio: 'ignore' }) : null;
  const r = await runLoad(Number(port), systemId, password, total, 4, 200, 1_000_000);
  for (const t of [perf, strace]) if (t) { t.kill('SIGINT'); await new Promise((res) => t.once('exit', res)); }
  const us = (a: number, b: number) => Math.round(((b - a) / total) * 1e6);
  process.stdout.write(`${JSON.stringify({
    client: process.env.SMSGUARD_UPSTREAM_THREAD === 'off' ? 'event loop' : 'own thread',
    msgsPerS: Math.round(r.ok / r.seconds),
    gatewayLoopUsPerMsg: us(before.loop, cpu(pid, pid)),
    gatewayProcessUsPerMsg: us(before.gw, cpu(pid)),
    // of which in the kernel (every thread); below, what it handed to write calls (WAL frames and
    // checkpoints above all, its sockets too)
    gatewaySystemUsPerMsg: us(before.gwSys, procStat(pid).sysMs / 1000),
    // the whole machine's busy CPU (every process and the kernel's own threads; steal left out)
    machineUsPerMsg: Math.round(((machineBusyMs() - before.machine) / total) * 1000),
    gatewayWrittenBytesPerMsg: Math.round((writtenBytes(pid) - before.written) / total),
    gatewayPeakRssMb: peakRssMb(pid),
    sinkUsPerMsg: us(before.sink, cpu(sink.p.pid!)),
    // The ESME load generator runs in this process.
    loadUsPerMsg: us(before.load, childrenCpuS()),
    // Every gateway thread that used at least 1 µs per message (names as the kernel has them), and
    // its minor page faults per message (each a few µs of kernel time on a PVM guest).
    gatewayThreadsUsPerMsg: [...threads(pid)].map(([tid, t]) => [`${t.comm}/${tid}`, us(before.threads.get(tid)?.s ?? 0, t.s), Number(((t.faults - (before.threads.get(tid)?.faults ?? 0)) / total).toFixed(2))] as const).filter(([, v]) => v > 0),
  })}\n`);
} finally {
  if (gw) await stopProc(gw.p);
  await stopProc(sink.p);
  rmSync(dir, { recursive: true, force: true });
}
