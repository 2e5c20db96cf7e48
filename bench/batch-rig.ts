/**
 * The HTTP batch figure's set-up, for the figure (bench/spine-bench.ts) and its diagnostic
 * (bench/http-batch-cpu.ts) alike, so that the two always measure the same thing: a gateway started
 * as `smsguard start` (the server flags, SQLite in a temporary directory, its SMPP upstream the
 * simulator with window 1,000), the simulator SMSC in its own process, a content provider with a
 * signature and a service port, and the batch load client in a process of its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { entryArgv, PROFILE, SERVER_NODE_FLAGS, startProc, stopProc } from './proc.js';

export interface BatchRig {
  /** The gateway's HTTP API, e.g. `http://127.0.0.1:18123`. */
  base: string;
  /** The content provider's API key. */
  apiKey: string;
  gateway: ChildProcess;
  simulator: ChildProcess;
  /** Ends both processes and removes the database. */
  stop(): Promise<void>;
}

/** What the load client prints: one JSON line. */
export interface BatchLoadResult { sent: number; accepted: number; rejected: number; errors: number; seconds: number; /** the client's CPU while its clock ran (ms) */ cpuMs: number }

/** Starts the simulator and the gateway (extra node flags for the gateway: `gatewayFlags`) and sets up the provider. */
export async function startBatchRig(o: { gatewayFlags?: readonly string[] } = {}): Promise<BatchRig> {
  const dir = mkdtempSync(join(tmpdir(), 'smsguard-bench-'));
  const token = 'sga_bench_admin_token';
  const port = 18000 + Math.floor(Math.random() * 1000);
  const simPort = port + 1000;
  // The upstream SMSC runs in its own process, as a carrier's would.
  const sim = startProc(['bin/smsguard.js', 'simulator', '--smpp-port', String(simPort), '--capacity', '1000'], { nodeFlags: SERVER_NODE_FLAGS });
  const simulator = sim.p;
  // Both start at once (each takes ~2 s to load): the gateway's link binds when the simulator listens.
  const gw = startProc(['bin/smsguard.js', 'start', '--db', join(dir, 'bench.db'), '--http-port', String(port), '--smpp-port', String(port + 2000), '--upstream', `smpp://bench:bench@127.0.0.1:${simPort}?window=1000`, '--log-level', 'error'], {
    nodeFlags: [...SERVER_NODE_FLAGS, ...(o.gatewayFlags ?? [])], env: { SMSGUARD_ADMIN_TOKEN: token }, gateway: true,
  });
  const gateway = gw.p;
  const stop = async (): Promise<void> => {
    // The figure is taken and the database is thrown away: a graceful stop would first drain the
    // deliveries still queued (up to 5 s) for nothing, unless a CPU profile is wanted (written at exit).
    if (gateway.exitCode === null) {
      if (PROFILE.length) await stopProc(gateway);
      else {
        gateway.kill('SIGKILL');
        await new Promise((r) => gateway.once('exit', r));
      }
    }
    if (simulator.exitCode === null) {
      simulator.kill('SIGTERM');
      await new Promise((r) => simulator.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const [[, base]] = await Promise.all([gw.line(/HTTP API\s+(http:\/\/\S+)/, 30_000), sim.line(/listening on (\S+)/, 30_000)]);
    const api = async (path: string, body: unknown): Promise<Record<string, string>> => {
      const r = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
      if (r.status >= 300) throw new Error(`POST ${path}: ${r.status} ${await r.text()}`);
      return (await r.json()) as Record<string, string>;
    };
    const { id, apiKey } = await api('/v1/content-providers', { name: '压测科技有限公司', creditCode: '91350100M000100Y43' });
    await api(`/v1/content-providers/${id}/signatures`, { signature: '【示例】' });
    await api('/v1/ports', { number: '10690001', contentProviderId: id, kind: 'service' });
    return { base, apiKey, gateway, simulator, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * Runs bench/load/http-batch-client.ts to its end: `total` messages in batches of `batch`, `inFlight`
 * requests at once, recipients numbered from `offset`.
 */
export function runBatchClient(rig: Pick<BatchRig, 'base' | 'apiKey'>, total: number, o: { batch?: number; inFlight?: number; offset?: number } = {}): Promise<BatchLoadResult> {
  const args = [rig.base, rig.apiKey, String(total), String(o.batch ?? 1000), String(o.inFlight ?? 4), String(o.offset ?? 0)];
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...PROFILE, ...entryArgv('bench/load/http-batch-client.ts'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as BatchLoadResult) : reject(new Error(`load client exited ${code}`))));
  });
}
