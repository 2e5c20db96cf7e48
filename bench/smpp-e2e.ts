/**
 * `smpp_e2e_msgs_per_s`: SMPP in → smsguard (pipeline decides, records committed to SQLite) → SMPP
 * out → SMSC sink, with every delivery receipt travelling back to the ESME. Three processes on
 * loopback: the ESME load generator (bench/smpp-load.ts), smsguard (bench/smpp-gateway.ts) and the
 * sink (bench/smpp-sink.ts). A message counts when its submit_sm_resp was ESME_ROK; the clock stops
 * when the last receipt has reached the ESME.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVER_NODE_FLAGS, startProc, stopProc } from './proc.js';
import { machine, note, type BenchOptions, type Figure } from './figure.js';



export interface LoadResult {
  ok: number;
  rejected: number;
  errors: number;
  receipts: number;
  seconds: number;
  submitSeconds: number;
}

/** Runs the load generator once against an SMPP server; resolves with its JSON result. */
export async function runLoad(port: number, systemId: string, password: string, total: number, binds: number, window: number, offset: number): Promise<LoadResult> {
  const l = startProc(['bench/smpp-load.ts', String(port), systemId, password, String(total), String(binds), String(window), String(offset)]);
  const m = await l.line(/(\{.*"ok".*\})\n/, 600_000);
  await new Promise((r) => l.p.once('exit', r));
  return JSON.parse(m[1]) as LoadResult;
}

export async function run(opts: BenchOptions): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'smsguard-smpp-bench-'));
  const sink = startProc(['bench/smpp-sink.ts', '0']);
  let gw: ReturnType<typeof startProc> | null = null;
  try {
    const sinkPort = Number((await sink.line(/READY (\d+)/, 30_000))[1]);
    const window = 200;
    gw = startProc(['bench/smpp-gateway.ts', join(dir, 'bench.db'), `smpp://smsguard:pw@127.0.0.1:${sinkPort}?name=sink&window=${window * 2}`], { nodeFlags: SERVER_NODE_FLAGS });
    const [, port, systemId, password] = await gw.line(/READY (\d+) (\S+) (\S+)/, 60_000);
    const total = opts.quick ? 10_000 : 150_000;
    const binds = 4;
    note(`smpp e2e: warm-up`);
    await runLoad(Number(port), systemId, password, opts.quick ? 3_000 : 10_000, binds, window, 0);
    note(`smpp e2e: ${total} messages, ${binds} binds × window ${window}`);
    const r = await runLoad(Number(port), systemId, password, total, binds, window, 1_000_000);
    if (r.errors || r.rejected || r.receipts < r.ok) throw new Error(`smpp load: ${JSON.stringify(r)}`);
    return [{
      figure: 'smpp_e2e_msgs_per_s',
      value: Math.round(r.ok / r.seconds),
      unit: 'msgs/s',
      conditions: {
        ...machine(), messages: total, binds, windowPerBind: window, upstreamWindow: window * 2,
        store: 'SQLite WAL synchronous=NORMAL, every decision recorded', text: 'UCS-2 Chinese, verification 1 : notification 3, distinct recipients in scrambled order (bench/load/recipient.ts)',
        path: 'ESME process → smsguard SMPP server → pipeline + record → delivery worker → SMPP client → sink process; receipts back to the ESME',
        submitOnlyMsgsPerS: Math.round(r.ok / r.submitSeconds),
      },
    }];
  } finally {
    if (gw) await stopProc(gw.p);
    await stopProc(sink.p);
    rmSync(dir, { recursive: true, force: true });
  }
}
