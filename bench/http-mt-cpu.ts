/**
 * Diagnostic, not a figure: the HTTP → SMPP path of `http_mt_msgs_per_s` (bench/smpp-kannel.ts:
 * `ab -k -c 50` single-message submits → smsguard → `smsc-sink.pl`) in steady state, with CPU per
 * message for each process and for each thread of the gateway, from /proc (Linux). Needs ab and the
 * Kannel peers' `smsc-sink.pl` (shared/peers/kannel/setup.sh). Prints two lines.
 * Usage: node --import tsx bench/http-mt-cpu.ts [MESSAGES]
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { procStat, schedStat, SERVER_NODE_FLAGS, startProc, stopProc, threadStats, writtenBytes } from './proc.js';
import { readSinkStats, waitSinkSubmits } from './sink-stats.js';

const n = Number(process.argv[2] ?? 30_000);
const peer = [process.env.SMSGUARD_PEERS_DIR, resolve('../shared/peers/kannel'), '/work/shared/peers/kannel'].find((d) => d && existsSync(join(d, 'smsc-sink.pl')));
if (!peer) throw new Error('smsc-sink.pl not found (shared/peers/kannel)');
const dir = mkdtempSync(join(tmpdir(), 'smsguard-http-mt-cpu-'));
const sinkPort = 20_000 + Math.floor(Math.random() * 20_000);
const stats = join(dir, 'sink.stats');
const sink = spawn('perl', [join(peer, 'smsc-sink.pl'), '--port', String(sinkPort), '--stats', stats, '--max-seconds', '900', '--quiet'], { stdio: 'ignore' });
try {
  await new Promise((r) => setTimeout(r, 500));
  const gw = startProc(['bench/smpp-gateway.ts', join(dir, 'gw.db'), `smpp://smsguard:pw@127.0.0.1:${sinkPort}?name=sink&window=100`], { env: { HTTP_PORT: '0', SMSGUARD_BENCH_SAME_TEXT: '1' }, nodeFlags: SERVER_NODE_FLAGS });
  try {
    const h = await gw.line(/HTTP (\d+) (\S+)/, 60_000);
    await gw.line(/READY/, 60_000);
    const body = join(dir, 'body.json');
    writeFileSync(body, JSON.stringify({ from: '10690001', to: '13800138000', text: '【示例】您的订单已发货，请注意查收。', type: 'notification' }));
    const ab = (k: number) => ['-q', '-k', '-r', '-n', String(k), '-c', '50', '-p', body, '-T', 'application/json', '-H', `Authorization: Bearer ${h[2]}`, `http://127.0.0.1:${h[1]}/v1/messages`];
    // Bounded: a message that never reaches the sink (a non-2xx answer, a lost submit) must not hang the script.
    const waitSink = async (k: number) => {
      const st = await waitSinkSubmits(stats, k, 300_000);
      if (st.submits < k) throw new Error(`sink saw ${st.submits} of ${k} submits after 300 s`);
      return st;
    };
    // Warm-up: statements prepared, month table created, JIT settled.
    spawnSync('ab', ab(2_000));
    await waitSink(2_000);
    const threads = (): Map<string, number> => new Map([...threadStats(gw.p.pid!)].map(([t, s]) => [`${s.comm}:${t}`, s.cpuMs] as const));
    const base = readSinkStats(stats).submits;
    const q0 = schedStat(gw.p.pid!, gw.p.pid!), g0 = procStat(gw.p.pid!).cpuMs, s0 = procStat(sink.pid!).cpuMs, t0 = threads(), w0 = Date.now(), b0 = writtenBytes(gw.p.pid!);
    const load = spawn('ab', ab(n), { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    load.stdout!.on('data', (d) => (out += d));
    // ab's own CPU: read while it runs (it is gone, and its /proc entry with it, once it exits).
    let abMs = 0;
    const poll = setInterval(() => { try { abMs = procStat(load.pid!).cpuMs; } catch { /* exited */ } }, 100);
    await new Promise((r) => load.once('exit', r));
    clearInterval(poll);
    // to the sink's stamp of the last submit, as bench/smpp-kannel.ts and run-bench.sh time a run
    const secs = ((await waitSink(base + n)).lastSubmitMs - w0) / 1000;
    const us = (ms: number): number => Math.round((ms * 1000) / n);
    const t1 = threads();
    const q1 = schedStat(gw.p.pid!, gw.p.pid!);
    const perThread = Object.fromEntries([...t1].map(([k, v]) => [k, us(v - (t0.get(k) ?? 0))] as const).filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]));
    const taken = Number(/Time taken for tests:\s+([\d.]+)/.exec(out)?.[1]);
    process.stdout.write(`${JSON.stringify({ messages: n, msgsPerS: Math.round(n / secs), acceptedPerS: Math.round(n / taken), gatewayUsPerMsg: us(procStat(gw.p.pid!).cpuMs - g0), sinkUsPerMsg: us(procStat(sink.pid!).cpuMs - s0), abUsPerMsgAtLeast: us(abMs), gatewayWrittenBytesPerMsg: Math.round((writtenBytes(gw.p.pid!) - b0) / n) })}\n`);
    // the event loop: µs per message on a CPU, and runnable but waiting for one (the machine's other work)
    process.stdout.write(`${JSON.stringify({ gatewayThreadsUsPerMsg: perThread, loopRunUsPerMsg: Math.round((q1.runNs - q0.runNs) / n / 1000), loopRunQueueWaitUsPerMsg: Math.round((q1.waitNs - q0.waitNs) / n / 1000), seconds: Math.round(secs * 10) / 10 })}\n`);
  } finally {
    await stopProc(gw.p);
  }
} finally {
  sink.kill();
  rmSync(dir, { recursive: true, force: true });
}
