/**
 * Diagnostic (not a benchmark, docs/SCALING.md "Receipts on a shared carrier account"): how long
 * after its submit does a message's delivery receipt settle it, on PostgreSQL + NATS, with egress
 * processes on one carrier account (UpstreamOptions.sharedAccount) and the SMPP simulator sending
 * every receipt on the last bind (so with two processes about half the receipts reach the one that
 * did not submit their message)? Each message must end `delivered` (exit 1 otherwise): a latency
 * figure over receipts that never settled would mean nothing.
 *
 * `--processes 1|2` egress processes (in this process, each with its own store pool and SMPP
 * client), `--messages N`, `--shared false` to turn sharedAccount off. Prints one JSON line: the
 * submission → `delivered` latency per message (median, p90, max, ms), as the ingress hears the
 * status events.
 *
 *   npx tsx scripts/receipt-latency.ts --processes 1
 */
import { parseArgs } from 'node:util';
import { busScene, startFirstPiece, startPiece } from '../test/integration/nats/bus-fixture.js';
import { SimulatorSmsc } from '../src/simulator/simulator-smsc.js';
import { SimulatedClock } from '../src/simulator/clock.js';
import { SmppSimulatorServer } from '../src/smpp/simulator/index.js';
import { SmppUpstream, parseUpstreamUrl } from '../src/smpp/client/index.js';
import { NOON_SHANGHAI } from '../test/helpers/gateway.js';

const { values } = parseArgs({ options: { processes: { type: 'string', default: '1' }, messages: { type: 'string', default: '40' }, shared: { type: 'string', default: 'true' } } });
const P = Number(values.processes);
const N = Number(values.messages);
const cleanups: (() => Promise<void>)[] = [];
try {
  const { h, seeded, principal, prefix } = await busScene(cleanups, 'c4d5e6');
  const sim = new SimulatorSmsc(new SimulatedClock(NOON_SHANGHAI));
  const simServer = new SmppSimulatorServer({ sim });
  const simPort = await simServer.listen(0);
  cleanups.push(() => simServer.close());
  const ingress = await startFirstPiece(cleanups, { schema: h.schema, prefix, role: 'ingress', partitions: 4 });
  const pieces = [];
  for (let i = 0; i < P; i++) {
    const u = new SmppUpstream({ links: [parseUpstreamUrl(`smpp://smsguard:pw@127.0.0.1:${simPort}?name=l${i}&window=10`)], sharedAccount: values.shared === 'true' });
    u.start();
    cleanups.push(() => u.close());
    if (!(await u.waitUp(10_000))) throw new Error('link not up');
    const piece = await startPiece({ schema: h.schema, prefix, role: 'egress', egress: u, partitions: 4 });
    cleanups.push(() => piece.stop());
    pieces.push(piece);
  }
  const t0 = Date.now();
  while (pieces.reduce((n, p) => n + p.roles.worker!.owned().length, 0) !== 4 || pieces.some((p) => p.roles.worker!.owned().length !== 4 / P)) {
    if (Date.now() - t0 > 10_000) throw new Error('partitions not split');
    await new Promise((r) => setTimeout(r, 50));
  }
  const submitted = new Map<string, number>();
  const delivered = new Map<string, number>();
  ingress.app.events.on('messageStatus', (e) => {
    if (e.status === 'delivered' && !delivered.has(e.id)) delivered.set(e.id, Date.now());
  });
  // one at a time, a little apart: the latency of each, not of a queue
  for (let i = 0; i < N; i++) {
    const at = Date.now();
    const [o] = await ingress.app.submitMessages(principal, [{ from: seeded.service, to: `1391000${String(i).padStart(4, '0')}`, text: `${seeded.signature}您的订单${1000 + i}已发货`, type: 'notification' as const, registeredDelivery: true as const }], 'http');
    if (!o.ok) throw new Error(JSON.stringify(o));
    submitted.set(o.id, at);
    await new Promise((r) => setTimeout(r, 100));
  }
  const end = Date.now() + 30_000;
  while (delivered.size < N && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  const ms = [...submitted].map(([id, at]) => (delivered.has(id) ? delivered.get(id)! - at : Infinity)).sort((a, b) => a - b);
  const q = (f: number) => ms[Math.min(ms.length - 1, Math.floor(f * ms.length))];
  console.log(JSON.stringify({ processes: P, shared: values.shared, messages: N, delivered: delivered.size, medianMs: q(0.5), p90Ms: q(0.9), maxMs: ms[ms.length - 1] }));
  if (delivered.size < N) process.exitCode = 1;
} finally {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
}
