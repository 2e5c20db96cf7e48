/**
 * Diagnostic, not a figure: the HTTP batch path of `http_batch_msgs_per_s` (the same set-up,
 * bench/batch-rig.ts: a gateway started as `smsguard start`, the simulator SMSC in its own process,
 * the batch load client in a third) with CPU per message for every thread of the gateway and the
 * simulator and for the load client, each also in the kernel, from /proc (Linux); the whole machine's
 * busy CPU (kernel threads included) and the bytes the gateway wrote, per message. On a shared 2-core
 * machine the rate moves with the neighbours; CPU per message per thread moves much less, so
 * compare that.
 * Also whether delivery kept up: what was still queued when the load ended, and how long until
 * nothing was (the figure counts acceptance; delivery runs beside it on the same event loop).
 * Usage: node --import tsx bench/http-batch-cpu.ts [MESSAGES]   (default 150,000; env GATEWAY_FLAGS:
 * extra node flags for the gateway, e.g. `--trace-gc-nvp`; INFLIGHT: batches in flight, default 4
 * as the figure)
 */
import { childrenCpuMs, machineBusyMs, peakRssMb, threadStats, writtenBytes } from './proc.js';
import { runBatchClient, startBatchRig } from './batch-rig.js';

const total = Number(process.argv[2] ?? 150_000);
type Cpu = ReturnType<typeof threadStats>;

const rig = await startBatchRig({ gatewayFlags: (process.env.GATEWAY_FLAGS ?? '').split(/\s+/).filter(Boolean) });
try {
  await runBatchClient(rig, 20_000);
  const gw = rig.gateway.pid!, sim = rig.simulator.pid!;
  const g0 = threadStats(gw), s0 = threadStats(sim), c0 = childrenCpuMs(), m0 = machineBusyMs(), b0 = writtenBytes(gw);
  const r = await runBatchClient(rig, total, { offset: 1_000_000, inFlight: Number(process.env.INFLIGHT ?? 4) });
  const g1 = threadStats(gw), s1 = threadStats(sim), c1 = childrenCpuMs(), m1 = machineBusyMs(), b1 = writtenBytes(gw);
  if (r.errors || r.rejected) throw new Error(`load had ${r.errors} errors and ${r.rejected} rejections`);
  // Whether delivery kept up: what was still queued when the load ended, and how long until none was.
  const metric = async (name: string): Promise<number> => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(await (await fetch(`${rig.base}/metrics`)).text())?.[1] ?? NaN);
  const pendingAtEnd = await metric('smsguard_outbox_pending');
  const t0 = Date.now();
  while ((await metric('smsguard_outbox_pending')) > 0 && Date.now() - t0 < 30_000) await new Promise((res) => setTimeout(res, 20));
  const drainMs = Date.now() - t0;
  const us = (ms: number) => Math.round((ms / total) * 10_000) / 10;
  // Every thread that used at least 0.1 µs per message: [name/tid, µs per message, of it in the kernel,
  // minor page faults per message].
  const per = (a: Cpu, b: Cpu) => [...b].map(([tid, t]) => [`${t.comm}/${tid}`, us(t.cpuMs - (a.get(tid)?.cpuMs ?? 0)), us(t.sysMs - (a.get(tid)?.sysMs ?? 0)), +((t.minflt - (a.get(tid)?.minflt ?? 0)) / total).toFixed(2)] as const).filter(([, v]) => v >= 0.1);
  process.stdout.write(`${JSON.stringify({
    msgsPerS: Math.round(r.accepted / r.seconds),
    // the gateway's first thread is its event loop
    gatewayThreadsUsPerMsg: per(g0, g1),
    simulatorThreadsUsPerMsg: per(s0, s1),
    // its whole life: start-up and building the request bodies included (they are built before its clock)
    loadClientUsPerMsg: [us(c1.cpuMs - c0.cpuMs), us(c1.sysMs - c0.sysMs)],
    // of which while its clock ran (sending and reading the batches)
    loadClientTimedUsPerMsg: us(r.cpuMs),
    // every process on the machine and the kernel's own threads (writeback, journal) while the load ran
    machineUsPerMsg: us(m1 - m0),
    // the same less the load client's start-up and body building (what the figure's clock saw, nearly)
    machineTimedUsPerMsg: us(m1 - m0 - (c1.cpuMs - c0.cpuMs - r.cpuMs)),
    // what the gateway handed to write calls (WAL frames, checkpoints, sockets), per message
    gatewayWrittenBytesPerMsg: Math.round((b1 - b0) / total),
    // the gateway's peak resident memory (VmHWM)
    gatewayPeakRssMb: peakRssMb(gw),
    // accepted messages not yet submitted upstream when the load ended, and ms until none were
    outboxPendingAtEnd: pendingAtEnd,
    drainMs,
  })}\n`);
} finally {
  await rig.stop();
}
