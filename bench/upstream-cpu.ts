/**
 * Diagnostic, not a figure: the SMPP client (SmppUpstream, what the gateway runs on its upstream
 * thread) alone against the bench's SMSC sink, in this process: CPU per message, then what it
 * allocates per message by function (V8's sampling heap profiler, objects the collectors freed
 * included). The gateway's own thread adds the crossing to the main thread (structured clone) and
 * its batching; this leaves those out, so a change to the client's own path shows on its own. Here
 * each submit goes out as an answer frees its slot, not in the delivery worker's batches, so the
 * socket writes are smaller and more of them than on the gateway's thread: compare runs of this
 * script with each other, not with the gateway.
 * Prints a few lines (not JSON: read by people).
 * Usage: node --import tsx bench/upstream-cpu.ts [MESSAGES]   (WARM=N warm-up messages, 10,000;
 * NOHEAP=1: CPU only, as under `valgrind --tool=callgrind`, where two message counts' instruction
 * totals differ by the per-message cost, whatever else the machine is doing)
 */
import { Session } from 'node:inspector/promises';
import { startProc, stopProc } from './proc.js';
import { SmppUpstream } from '../src/smpp/client/upstream.js';
import { parseUpstreamUrl } from '../src/smpp/client/config.js';
import type { OutboundMessage } from '../src/ports/store.js';
import { recipient } from './load/recipient.js';

const total = Number(process.argv[2] ?? 50_000);
const warm = Number(process.env.WARM ?? 10_000);
/** Submits in flight at once (the gateway's delivery batches keep about this many out). */
const IN_FLIGHT = 800;

const sink = startProc(['bench/smpp-sink.ts', '0']);
const port = Number((await sink.line(/READY (\d+)/, 30_000))[1]);
const up = new SmppUpstream({ links: [parseUpstreamUrl(`smpp://smsguard:pw@127.0.0.1:${port}?name=sink&window=400`)] });
let receipts = 0;
// Recorded a turn later, as the gateway's main thread answers its upstream thread.
up.onReceipt(() => {
  receipts++;
  return new Promise<void>((r) => setImmediate(r));
});
up.start();
if (!(await up.waitUp(10_000))) throw new Error('the sink did not bind');

const message = (i: number): OutboundMessage => ({
  id: `msg_${i.toString(16).padStart(12, '0')}`, contentProviderId: 'cp_1', from: '10690001', to: `+86138${recipient(i)}`,
  text: '【示例】您的订单已发货，请注意查收。', registeredDelivery: true, attempts: 1, submittedAt: Date.now(),
});

/** Submits messages `from`… (`n` of them) with IN_FLIGHT out at once; resolves once every receipt came. */
async function run(from: number, n: number): Promise<void> {
  let next = from;
  const end = from + n;
  const want = receipts + n;
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < end) {
      const r = await up.submit(message(next++));
      if (!r.ok) throw new Error(`submit failed: ${r.reason}`);
    }
  }));
  while (receipts < want) await new Promise((r) => setTimeout(r, 5));
}

/** A node of V8's sampling heap profile: bytes allocated in this function (self) under its callers. */
interface Node { callFrame: { functionName: string; url: string; lineNumber: number }; selfSize: number; children: Node[] }

const usPerMsg = (c: NodeJS.CpuUsage): string => `${((c.user + c.system) / total).toFixed(1)} µs/msg (user ${(c.user / total).toFixed(1)})`;
try {
  await run(0, warm);
  const c0 = process.cpuUsage();
  await run(warm, total);
  console.log(`${total} messages: CPU ${usPerMsg(process.cpuUsage(c0))}`);
  if (!process.env.NOHEAP) {
    const s = new Session();
    s.connect();
    await s.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never);
    const c1 = process.cpuUsage();
    await run(warm + total, total);
    const used = process.cpuUsage(c1);
    const { profile } = (await s.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: Node } };
    const bytes = new Map<string, number>();
    let all = 0;
    const walk = (n: Node): void => {
      const f = n.callFrame;
      const k = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
      bytes.set(k, (bytes.get(k) ?? 0) + n.selfSize);
      all += n.selfSize;
      for (const c of n.children) walk(c);
    };
    walk(profile.head);
    console.log(`${total} more, sampling allocations: CPU ${usPerMsg(used)}, ${Math.round(all / total)} bytes allocated per message; by function (bytes per message):`);
    for (const [k, v] of [...bytes].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${String(Math.round(v / total)).padStart(7)}  ${k}`);
  }
} finally {
  await up.close();
  await stopProc(sink.p);
}
process.exit(0);
