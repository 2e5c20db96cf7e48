/**
 * Side by side with Kannel, in one run, with the same SMSC sink (Net::SMPP `smsc-sink.pl`), the same
 * load tool and concurrency (shared/peers/kannel):
 * - `kannel_http_mt_msgs_per_s`: Kannel's `mt` mode (ab → sendsms → bearerbox → SMPP → sink), via
 *   run-bench.sh, messages reaching the sink per second;
 * - `http_mt_msgs_per_s`: ab → smsguard POST /v1/messages (one message per request, decided and
 *   recorded) → delivery worker → SMPP client → sink, messages reaching the sink per second;
 * - `smpp_mt_netsmpp_msgs_per_s`: smpp-client.pl (Net::SMPP ESME) → smsguard SMPP server → … → sink.
 * The first two run twice each, Kannel, smsguard, smsguard, Kannel, and report the means (drift of the
 * machine's speed during the group falls on both alike); each is timed from ab's start to the sink's
 * stamp of its last submit (bench/sink-stats.ts).
 * Skipped (no figures, a note on stderr) when Kannel or Net::SMPP is not installed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { entryArgv, PROFILE, SERVER_NODE_FLAGS, stopProc } from './proc.js';
import { machine, note, type BenchOptions, type Figure } from './figure.js';
import { readSinkStats, waitSinkSubmits } from './sink-stats.js';

function peers(): string | null {
  const c = [process.env.SMSGUARD_PEERS_DIR, resolve(process.cwd(), '../shared/peers/kannel'), '/work/shared/peers/kannel'].filter((x): x is string => !!x);
  return c.find((d) => existsSync(join(d, 'run-bench.sh'))) ?? null;
}

async function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
}

function proc(cmd: string, args: string[], env: Record<string, string> = {}) {
  const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  p.stdout!.on('data', (d) => (out += d));
  p.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => p.once('exit', (c) => r(c)));
  return {
    p, exited, out: () => out,
    async waitFor(re: RegExp, ms: number): Promise<RegExpExecArray> {
      const end = Date.now() + ms;
      for (;;) {
        const m = re.exec(out);
        if (m) return m;
        if (Date.now() > end || p.exitCode !== null) throw new Error(`${cmd}: no ${re} in: ${out.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}


/** Starts smsc-sink.pl and a smsguard gateway process bound to it; runs `drive`, stops both. */
async function withSmsguard<T>(dir: string, peerDir: string, drive: (g: { http: number; apiKey: string; smpp: number; stats: string }) => Promise<T>): Promise<T> {
  const sinkPort = await freePort();
  const stats = join(dir, `sink-${sinkPort}.stats`);
  const sink = proc('perl', [join(peerDir, 'smsc-sink.pl'), '--port', String(sinkPort), '--stats', stats, '--max-seconds', '900', '--quiet']);
  let gw: ReturnType<typeof proc> | null = null;
  try {
    await new Promise((r) => setTimeout(r, 500));
    gw = proc(process.execPath, [...PROFILE, ...SERVER_NODE_FLAGS, ...entryArgv('bench/smpp-gateway.ts'), join(dir, `gw-${sinkPort}.db`), `smpp://smsguard:pw@127.0.0.1:${sinkPort}?name=sink&window=100`], { HTTP_PORT: '0', SMSGUARD_BENCH_SAME_TEXT: '1' });
    const h = await gw.waitFor(/HTTP (\d+) (\S+)/, 60_000);
    const r = await gw.waitFor(/READY (\d+)/, 60_000);
    return await drive({ http: Number(h[1]), apiKey: h[2], smpp: Number(r[1]), stats });
  } finally {
    if (gw) await stopProc(gw.p, 20_000);
    await stopProc(sink.p, 20_000);
  }
}

export async function run(opts: BenchOptions): Promise<Figure[]> {
  const peerDir = peers();
  const missing = !peerDir ? 'shared/peers/kannel not found' : spawnSync('perl', ['-MNet::SMPP', '-e1']).status !== 0 ? 'Perl Net::SMPP missing' : !existsSync('/usr/sbin/bearerbox') ? 'Kannel missing' : spawnSync('ab', ['-V']).status !== 0 ? 'ab missing' : null;
  if (missing) {
    note(`kannel side-by-side skipped: ${missing} (run shared/peers/kannel/setup.sh as root)`);
    return [];
  }
  const n = opts.quick ? 5_000 : 100_000;
  const conc = 50;
  const dir = mkdtempSync(join(tmpdir(), 'smsguard-kannel-bench-'));
  const out: Figure[] = [];
  try {
    // 1. Kannel's mt mode and smsguard's HTTP path, each twice, in the order Kannel, smsguard,
    // smsguard, Kannel: on a shared machine whose speed drifts within minutes (Kannel's own rate fell by
    // a third across three consecutive groups, docs/PERFORMANCE.md), one run of each in a fixed order
    // lets the drift fall on one side; this way it weighs on both alike. Each figure is the mean of
    // its two runs, both runs in its conditions.
    const kannelRun = (i: number) => {
      note(`kannel mt (run ${i} of 2): ${n} messages, ab -c ${conc}`);
      const k = spawnSync('bash', [join(peerDir!, 'run-bench.sh'), '-m', 'mt', '-r', '1', '-c', String(conc), '-o', join(dir, `kannel-${i}`), String(n)], { encoding: 'utf8', timeout: 600_000 });
      const tsv = readFileSync(join(dir, `kannel-${i}`, 'results.tsv'), 'utf8').trim().split('\n');
      const head = tsv[0].split('\t');
      const row = tsv[1].split('\t');
      const col = (name: string) => row[head.indexOf(name)];
      if (k.status !== 0) note(`run-bench.sh exited ${k.status}: ${k.stderr.slice(-500)}`);
      return { deliveredPerS: Math.round(Number(col('rate2'))), acceptedPerS: Math.round(Number(col('rate1'))) };
    };
    // smsguard: HTTP single-message submits → SMPP → the same sink, same ab and concurrency
    const body = join(dir, 'body.json');
    writeFileSync(body, JSON.stringify({ from: '10690001', to: '13800138000', text: '【示例】您的订单已发货，请注意查收。', type: 'notification' }));
    const smsguardHttpRun = (i: number) => withSmsguard(dir, peerDir!, async (g) => {
      spawnSync('ab', ['-q', '-k', '-n', '500', '-c', String(conc), '-p', body, '-T', 'application/json', '-H', `Authorization: Bearer ${g.apiKey}`, `http://127.0.0.1:${g.http}/v1/messages`]);
      await waitSinkSubmits(g.stats, 500, 30_000);
      const base = readSinkStats(g.stats).submits;
      note(`smsguard http mt (run ${i} of 2): ${n} messages, ab -c ${conc}`);
      const t0 = Date.now();
      const ab = spawnSync('ab', ['-q', '-k', '-r', '-n', String(n), '-c', String(conc), '-p', body, '-T', 'application/json', '-H', `Authorization: Bearer ${g.apiKey}`, `http://127.0.0.1:${g.http}/v1/messages`], { encoding: 'utf8', timeout: 900_000 });
      const non2xx = Number(/Non-2xx responses:\s+(\d+)/.exec(ab.stdout)?.[1] ?? 0);
      const failed = Number(/Failed requests:\s+(\d+)/.exec(ab.stdout)?.[1] ?? 0);
      const taken = Number(/Time taken for tests:\s+([\d.]+)/.exec(ab.stdout)?.[1] ?? NaN);
      // Timed as run-bench.sh times Kannel: to the sink's stamp of the last submit (sink-stats.ts).
      const end = await waitSinkSubmits(g.stats, base + n - non2xx - failed, 300_000);
      const delivered = end.submits - base;
      return { deliveredPerS: Math.round(delivered / ((end.lastSubmitMs - t0) / 1000)), acceptedPerS: Math.round((n - non2xx) / taken), delivered, non2xx, failed };
    });
    const k1 = kannelRun(1);
    const s1 = await smsguardHttpRun(1);
    const s2 = await smsguardHttpRun(2);
    const k2 = kannelRun(2);
    const mean = (a: number, b: number) => Math.round((a + b) / 2);
    const order = 'Kannel, smsguard, smsguard, Kannel (each figure the mean of its two runs)';
    out.push({
      figure: 'kannel_http_mt_msgs_per_s', value: mean(k1.deliveredPerS, k2.deliveredPerS), unit: 'msgs/s',
      conditions: { ...machine(), messages: n, abConcurrency: conc, runs: [k1, k2], order, measured: 'messages reaching smsc-sink.pl per second (run-bench.sh delivered_per_s)', acceptedPerS: mean(k1.acceptedPerS, k2.acceptedPerS), kannel: 'Debian 1.4.5, max-pending-submits 100, no store, no compliance' },
    });
    out.push({
      figure: 'http_mt_msgs_per_s', value: mean(s1.deliveredPerS, s2.deliveredPerS), unit: 'msgs/s',
      conditions: { ...machine(), messages: n, abConcurrency: conc, runs: [s1, s2], order, acceptedPerS: mean(s1.acceptedPerS, s2.acceptedPerS), measured: 'messages reaching smsc-sink.pl per second, from ab\'s start to the sink\'s last_submit stamp (as run-bench.sh times Kannel); each decided by the pipeline and recorded (SQLite WAL)', upstreamWindow: 100, rulesOff: 'content.duplicate (ab sends one body: the same text to one number each time; SMSGUARD_BENCH_SAME_TEXT=1)' },
    });

    // 3. smsguard, SMPP submits from smpp-client.pl → SMPP → the same sink
    const smppFig = await withSmsguard(dir, peerDir!, async (g) => {
      note(`smsguard smpp mt (smpp-client.pl): ${n} messages, window ${conc}`);
      const t0 = Date.now();
      const c = spawnSync('perl', [join(peerDir!, 'smpp-client.pl'), '--host', '127.0.0.1', '--port', String(g.smpp), '--system-id', 'bench', '--password', 'benchpw', '--count', String(n), '--window', String(conc),
        '--source', '10690001', '--dest', '13800138000', '--ucs2', '--text', '【示例】您的订单已发货，请注意查收。', '--max-seconds', '600'], { encoding: 'utf8', timeout: 900_000 });
      const line = c.stdout.split('\n').find((l) => l.startsWith('RESULT')) ?? '';
      const ok = Number(/resp_ok=(\d+)/.exec(line)?.[1] ?? 0);
      const end = await waitSinkSubmits(g.stats, ok, 300_000);
      const delivered = end.submits;
      return {
        figure: 'smpp_mt_netsmpp_msgs_per_s', value: Math.round(delivered / ((end.lastSubmitMs - t0) / 1000)), unit: 'msgs/s',
        conditions: { ...machine(), messages: n, window: conc, delivered, clientResult: line.slice(0, 300), measured: 'smpp-client.pl → smsguard SMPP server → pipeline + record → SMPP client → smsc-sink.pl; messages reaching the sink per second, to its last_submit stamp', rulesOff: 'content.duplicate (the same gateway as http_mt; its texts are distinct anyway)' },
      } satisfies Figure;
    });
    out.push(smppFig);
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
