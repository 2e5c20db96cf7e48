/**
 * Spine figures: `pipeline_decisions_per_s` (the pure pipeline in process, one core) and
 * `http_batch_msgs_per_s` (POST /v1/messages/batch against a gateway in its own process, load from a
 * second process on loopback, counted only when accepted with records committed).
 */
import { decide } from '../src/pipeline/runner.js';
import { DEFAULT_STAGES } from '../src/pipeline/stages/index.js';
import { ruleBasedDetectors } from '../src/pipeline/ad-detector.js';
import { resolveProfile } from '../src/profiles/index.js';
import type { Candidate, Facts } from '../src/pipeline/types.js';
import { machine, note, type BenchOptions, type Figure } from './figure.js';
import { runBatchClient, startBatchRig } from './batch-rig.js';

const NOON = Date.parse('2026-11-30T04:00:00Z');

function pipelineFigure(quick: boolean): Figure {
  const profile = resolveProfile('cn-2015');
  const sender = { id: 'cp_1', status: 'active' as const, signatures: new Set(['【示例】']) };
  const facts: Facts[] = [
    { sender, port: { number: '10690001', ownerId: 'cp_1', kind: 'service' }, optedOut: false, dnd: false, consent: null, verificationSends: { minute: 0, hour: 1, day: 2 } },
    { sender, port: { number: '10690002', ownerId: 'cp_1', kind: 'commercial' }, optedOut: false, dnd: false, consent: { id: 'con_1', category: 'promo', grantedAt: NOON - 1e9, expiresAt: NOON + 1e9, frequency: { count: 10, per: 'month' }, usedInPeriod: 3, hasProof: true }, verificationSends: { minute: 0, hour: 0, day: 0 } },
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

async function httpBatchFigure(quick: boolean): Promise<Figure> {
  const rig = await startBatchRig();
  try {
    const total = quick ? 15_000 : 300_000;
    const batch = 1000;
    const conc = 4;
    note(`http batch: warm-up`);
    await runBatchClient(rig, quick ? 3000 : 20000, { batch, inFlight: conc });
    note(`http batch: ${total} messages, batches of ${batch}, ${conc} in flight`);
    const r = await runBatchClient(rig, total, { batch, inFlight: conc, offset: 1_000_000 });
    if (r.errors || r.rejected) throw new Error(`load had ${r.errors} errors and ${r.rejected} rejections`);
    return {
      figure: 'http_batch_msgs_per_s',
      value: Math.round(r.accepted / r.seconds),
      unit: 'msgs/s',
      conditions: { ...machine(), messages: total, batch, inFlight: conc, store: 'SQLite WAL synchronous=NORMAL', upstream: 'smsguard simulator SMSC in its own process over SMPP (delivery and receipts running)', load: 'second process on loopback (node:http keep-alive, bodies built before the clock, accepted results counted in the answers\' bytes)', loadClientUsPerMsg: Math.round((r.cpuMs / total) * 10_000) / 10, mix: 'notification 3 : verification 1', recipients: 'distinct, scrambled order (bench/load/recipient.ts)', contentGovernance: 'on (lexicon, classifier, early warning)' },
    };
  } finally {
    await rig.stop();
  }
}

export async function run(opts: BenchOptions): Promise<Figure[]> {
  const out: Figure[] = [];
  note('pipeline decisions');
  out.push(pipelineFigure(opts.quick));
  out.push(await httpBatchFigure(opts.quick));
  return out;
}
