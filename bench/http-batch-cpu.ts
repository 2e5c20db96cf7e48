/**
 * Diagnostic, not a figure: the HTTP batch path of `http_batch_msgs_per_s` (bench/spine-bench.ts: a
 * gateway started as `smsguard start`, the simulator SMSC in its own process, the batch load client
 * in a third) with CPU per message for every thread of the gateway and the simulator and for the
 * load client, each also in the kernel, from /proc (Linux). On a shared 2-core machine the rate
 * moves with the neighbours; CPU per message per thread moves much less, so compare that.
 * Usage: node --import tsx bench/http-batch-cpu.ts [MESSAGES]   (default 150,000; env GATEWAY_FLAGS:
 * extra node flags for the gateway, e.g. `--trace-gc-nvp`)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { entryArgv, procStat, SERVER_NODE_FLAGS, startProc, stopProc } from './proc.js';

const total = Number(process.argv[2] ?? 150_000);
const dir = mkdtempSync(join(tmpdir(), 'smsguard-http-batch-cpu-'));
const token = 'sga_bench_admin_token';
const port = 18_000 + Math.floor(Math.random() * 1000);
const extra = (process.env.GATEWAY_FLAGS ?? '').split(/\s+/).filter(Boolean);
type Cpu = Map<number, { comm: string; ms: number; sysMs: number }>;
const threads = (pid: number): Cpu =>
  new Map(readdirSync(`/proc/${pid}/task`).map((t) => { const st = procStat(pid, Number(t)); return [Number(t), { comm: st.comm, ms: st.cpuMs, sysMs: st.sysMs }]; }));
/** CPU of this process's children that have exited and been waited for (the load client, once it has exited): [all, kernel] in ms. */
const childrenCpuMs = (): [number, number] => {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return [(Number(f[13]) + Number(f[14])) * 10, Number(f[14]) * 10];
};
const load = (base: string, apiKey: string, n: number, offset: number): Promise<{ accepted: number; rejected: number; errors: number; seconds: number }> =>
  new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...entryArgv('bench/load/http-batch-client.ts'), base, apiKey, String(n), '1000', '4', String(offset)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load client exited ${code}`))));
  });

const sim = startProc(['bin/smsguard.js', 'simulator', '--smpp-port', String(port + 1000), '--capacity', '1000'], { nodeFlags: SERVER_NODE_FLAGS });
const gw = startProc(['bin/smsguard.js', 'start', '--db', join(dir, 'bench.db'), '--http-port', String(port), '--smpp-port', String(port + 2000), '--upstream', `smpp://bench:bench@127.0.0.1:${port + 1000}?window=1000`, '--log-level', 'error'], {
  nodeFlags: [...SERVER_NODE_FLAGS, ...extra], env: { SMSGUARD_ADMIN_TOKEN: token },
});
try {
  await sim.line(/listening on (\S+)/, 30_000);
  const base = (await gw.line(/HTTP API\s+(http:\/\/\S+)/, 60_000))[1];
  const api = async (path: string, body: unknown): Promise<Record<string, string>> => {
    const r = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    if (r.status >= 300) throw new Error(`POST ${path}: ${r.status} ${await r.text()}`);
    return (await r.json()) as Record<string, string>;
  };
  const { id, apiKey } = await api('/v1/content-providers', { name: '压测科技有限公司', creditCode: '91350100M000100Y43' });
  await api(`/v1/content-providers/${id}/signatures`, { signature: '【示例】' });
  await api('/v1/ports', { number: '10690001', contentProviderId: id, kind: 'service' });
  await load(base, apiKey, 20_000, 0);
  const g0 = threads(gw.p.pid!), s0 = threads(sim.p.pid!), c0 = childrenCpuMs();
  const r = await load(base, apiKey, total, 1_000_000);
  const g1 = threads(gw.p.pid!), s1 = threads(sim.p.pid!), c1 = childrenCpuMs();
  if (r.errors || r.rejected) throw new Error(`load had ${r.errors} errors and ${r.rejected} rejections`);
  const us = (ms: number) => Math.round((ms / total) * 10_000) / 10;
  // Every thread that used at least 0.1 µs per message: [name/tid, µs per message, of it in the kernel].
  const per = (a: Cpu, b: Cpu) => [...b].map(([tid, t]) => [`${t.comm}/${tid}`, us(t.ms - (a.get(tid)?.ms ?? 0)), us(t.sysMs - (a.get(tid)?.sysMs ?? 0))] as const).filter(([, v]) => v >= 0.1);
  process.stdout.write(`${JSON.stringify({
    msgsPerS: Math.round(r.accepted / r.seconds),
    // the gateway's first thread is its event loop
    gatewayThreadsUsPerMsg: per(g0, g1),
    simulatorThreadsUsPerMsg: per(s0, s1),
    loadClientUsPerMsg: [us(c1[0] - c0[0]), us(c1[1] - c0[1])],
  })}\n`);
} finally {
  // The figure is taken: a graceful stop would first drain what is still queued, for nothing.
  gw.p.kill('SIGKILL');
  await stopProc(sim.p);
  rmSync(dir, { recursive: true, force: true });
}
