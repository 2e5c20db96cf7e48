/**
 * Spine figures: `pipeline_decisions_per_s` (the pure pipeline in process, one core) and
 * `http_batch_msgs_per_s` (POST /v1/messages/batch against a gateway in its own process, load from a
 * second process on loopback, counted only when accepted with records committed).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decide } from '../src/pipeline/runner.js';
import { DEFAULT_STAGES } from '../src/pipeline/stages/index.js';
import { ruleBasedDetectors } from '../src/pipeline/ad-detector.js';
import { resolveProfile } from '../src/profiles/index.js';
import type { Candidate, Facts } from '../src/pipeline/types.js';
import { machine, note, type BenchOptions, type Figure } from './figure.js';
import { entryArgv, GC_TRACE, PROFILE, SERVER_NODE_FLAGS, stopProc, traceGc } from './proc.js';

const NOON = Date.parse('2026-11-30T04:00:00Z');

function pipelineFigure(quick: boolean): Figure {
  const profile = resolveProfile('cn-2015');
  const sender = { id: 'cp_1', status: 'active' as const, signatures: new Set(['【示例】']) };
  const facts: Facts[] = [
    { sender, port: { number: '10690001', ownerId: 'cp_1', kind: 'service' }, optedOut: false, dnd: false, consent: null, verificationSends: { minute: 0, hour: 1, day: 2 } },
    { sender, port: { number: '10690002', ownerId: 'cp_1', kind: 'commercial' }, optedOut: false, dnd: false, consent: { id: 'con_1', category: 'promo', grantedAt: NOON - 1e9, expiresAt: NOON + 1e9, frequency: { count: 10, per: 'month' }, usedInPeriod: 3 }, verificationSends: { minute: 0, hour: 0, day: 0 } },
  ];
  const cands: Candidate[] = [
    { contentProviderId: 'cp_1', from: '10690001', toRaw: '13800138000', to: '+8613800138000', text: '【示例】您的验证码是123456，5分钟内有效，请勿泄露。', type: 'verification' },
    { contentProviderId: 'cp_1', from: '10690001', toRaw: '13800138000', to: '+8613800138000', text: '【示例】您的订单12345已发货，快递单号SF1234567890，请注意查收。', type: 'notification' },
    { contentProviderId: 'cp_1', from: '10690002', toRaw: '13800138000', to: '+8613800138000', text: '【示例】会员日全场满300减50，详情见App。', type: 'commercial', category: 'promo' },
  ];
  const pairs = [[cands[0], facts[0]], [cands[1], facts[0]], [cands[2], facts[1]]] as const;
  const n = quick ? 300_000 : 2_000_000;
  let accepted = 0;
  for (let i = 0; i < 50_000; i++) decide(DEFAULT_STAGES, pairs[i % 3][0], pairs[i % 3][1], profile, ruleBasedDetectors, NOON);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const [c, f] = pairs[i % 3];
    if (decide(DEFAULT_STAGES, c, f, profile, ruleBasedDetectors, NOON).accepted) accepted++;
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (accepted !== n) throw new Error(`expected every decision to accept, got ${accepted}/${n}`);
  return { figure: 'pipeline_decisions_per_s', value: Math.round(n / s), unit: 'decisions/s', conditions: { ...machine(), decisions: n, mix: 'verification/notification/commercial 1:1:1, all stages, one core, in process' } };
}

function waitForLine(p: ChildProcess, re: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const t = setTimeout(() => reject(new Error(`timeout waiting for ${re}: ${buf}`)), timeoutMs);
    p.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = re.exec(buf);
      if (m) { clearTimeout(t); resolve(m[1]); }
    });
    p.on('exit', (code) => { clearTimeout(t); reject(new Error(`gateway exited ${code}: ${buf}`)); });
  });
}

function runChild(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...PROFILE, ...entryArgv(args[0]), ...args.slice(1)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`load client exited ${code}`))));
  });
}

async function api(base: string, token: string, method: string, path: string, body: unknown): Promise<Record<string, string>> {
  const r = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as Record<string, string>;
}

async function httpBatchFigure(quick: boolean): Promise<Figure> {
  const dir = mkdtempSync(join(tmpdir(), 'smsguard-bench-'));
  const token = 'sga_bench_admin_token';
  const port = 18000 + Math.floor(Math.random() * 1000);
  const simPort = port + 1000;
  // The upstream SMSC runs in its own process, as a carrier's would.
  const sim = spawn(process.execPath, [...PROFILE, ...SERVER_NODE_FLAGS, 'bin/smsguard.js', 'simulator', '--smpp-port', String(simPort), '--capacity', '1000'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const simUp = waitForLine(sim, /listening on (\S+)/, 30_000);
  // Both start at once (each takes ~2 s to load): the gateway's link binds when the simulator listens.
  const gw = spawn(process.execPath, [...PROFILE, ...SERVER_NODE_FLAGS, ...GC_TRACE, 'bin/smsguard.js', 'start', '--db', join(dir, 'bench.db'), '--http-port', String(port), '--smpp-port', String(port + 2000), '--upstream', `smpp://bench:bench@127.0.0.1:${simPort}?window=1000`, '--log-level', 'error'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, SMSGUARD_ADMIN_TOKEN: token },
  });
  traceGc(gw);
  try {
    const [base] = await Promise.all([waitForLine(gw, /HTTP API\s+(http:\/\/\S+)/, 30_000), simUp]);
    const { id, apiKey } = await api(base, token, 'POST', '/v1/content-providers', { name: '压测科技有限公司', creditCode: '91350100M000100Y43' });
    await api(base, token, 'POST', `/v1/content-providers/${id}/signatures`, { signature: '【示例】' });
    await api(base, token, 'POST', '/v1/ports', { number: '10690001', contentProviderId: id, kind: 'service' });
    const total = quick ? 15_000 : 300_000;
    const batch = 1000;
    const conc = 4;
    note(`http batch: warm-up`);
    await runChild(['bench/load/http-batch-client.ts', base, apiKey, quick ? '3000' : '20000', String(batch), String(conc)]);
    note(`http batch: ${total} messages, batches of ${batch}, ${conc} in flight`);
    const r = JSON.parse(await runChild(['bench/load/http-batch-client.ts', base, apiKey, String(total), String(batch), String(conc), '1000000'])) as { accepted: number; rejected: number; errors: number; seconds: number };
    if (r.errors || r.rejected) throw new Error(`load had ${r.errors} errors and ${r.rejected} rejections`);
    return {
      figure: 'http_batch_msgs_per_s',
      value: Math.round(r.accepted / r.seconds),
      unit: 'msgs/s',
      conditions: { ...machine(), messages: total, batch, inFlight: conc, store: 'SQLite WAL synchronous=NORMAL', upstream: 'smsguard simulator SMSC in its own process over SMPP (delivery and receipts running)', load: 'second process on loopback', mix: 'notification 3 : verification 1', recipients: 'distinct, scrambled order (bench/load/recipient.ts)', contentGovernance: 'on (lexicon, classifier, early warning)' },
    };
  } finally {
    // The figure is taken and the database is thrown away: a graceful stop would first drain the
    // deliveries still queued (up to 5 s) for nothing, unless a CPU profile is wanted (written at exit).
    if (PROFILE.length) await stopProc(gw);
    else {
      gw.kill('SIGKILL');
      await new Promise((r) => gw.once('exit', r));
    }
    sim.kill('SIGTERM');
    await new Promise((r) => sim.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(opts: BenchOptions): Promise<Figure[]> {
  const out: Figure[] = [];
  note('pipeline decisions');
  out.push(pipelineFigure(opts.quick));
  out.push(await httpBatchFigure(opts.quick));
  return out;
}
