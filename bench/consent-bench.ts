/**
 * Consent figures:
 * - `consent_bytes_per_million`: bytes on disk (the SQLite files, main and months of records, after WAL checkpoints) that 1,000,000
 *   consents take, each stored the way the API stores it: the consent row, its subscription record
 *   (with proof) and the subscription relationship row, with their indexes;
 * - `commercial_decisions_per_s_1m_consents`: commercial messages judged and recorded per second
 *   (submitMessages in process: validation, facts from the store incl. the consent and its use this
 *   period, every stage, the record, the send counter and the queue, committed) with 1,000,000
 *   consents stored; measured in the same run as the same path for verification messages
 *   (`verification_decisions_per_s_1m_consents`), the yardstick (target: within 20 %).
 * Quick mode stores 100,000 consents and scales the byte figure (conditions say so).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/store/sqlite/index.js';
import { BENCH_SQLITE } from './store-tuning.js';
import { App } from '../src/app/app.js';
import { SimulatedClock } from '../src/simulator/clock.js';
import { resolveProfile } from '../src/profiles/index.js';
import type { Principal } from '../src/app/types.js';
import type { ConsentRow } from '../src/ports/store.js';
import { machine, note, type BenchOptions, type Figure } from './figure.js';
import { checkpointAll, dbBytes } from './sqlite-files.js';

const NOON = Date.parse('2026-11-30T04:00:00Z');
const DAY = 86_400_000;
const PROVIDERS = 10;

/** The data's bytes: the main file and the month files of records (subscription records live there), WALs checkpointed. */
function storeBytes(store: SqliteStore, path: string): number {
  checkpointAll(store);
  return dbBytes(path);
}

/** The i-th test number: distinct, valid mainland mobile numbers. */
const msisdn = (i: number) => `+86139${String(i).padStart(8, '0')}`;

export async function run(opts: BenchOptions): Promise<Figure[]> {
  const consents = opts.quick ? 50_000 : 1_000_000;
  const messages = opts.quick ? 10_000 : 60_000;
  const dir = mkdtempSync(join(tmpdir(), 'smsguard-consent-bench-'));
  const path = join(dir, 'consent.db');
  const store = new SqliteStore(path, BENCH_SQLITE);
  try {
    const clock = new SimulatedClock(NOON);
    const app = new App({ store, clock, profile: resolveProfile('cn-2015') });
    const admin: Principal = { role: 'admin', actorId: 'bench' };
    const cps: string[] = [];
    for (let p = 0; p < PROVIDERS; p++) {
      const body = `91350100M${String(200000 + p).padStart(8, '0')}`.slice(0, 17);
      const { creditCodeCheckChar } = await import('../src/domain/credit-code.js');
      const { id } = await app.createContentProvider(admin, { name: `压测${p}科技有限公司`, creditCode: body + creditCodeCheckChar(body) });
      await app.addSignature(admin, id, { signature: `【示例${p}】` });
      await app.addPort(admin, { number: `1069${String(p).padStart(4, '0')}1`, contentProviderId: id, kind: 'service' });
      await app.addPort(admin, { number: `1069${String(p).padStart(4, '0')}2`, contentProviderId: id, kind: 'commercial' });
      cps.push(id);
    }
    const before = storeBytes(store, path);

    note(`consents: storing ${consents.toLocaleString()}`);
    const t0 = process.hrtime.bigint();
    const CHUNK = 10_000;
    for (let start = 0; start < consents; start += CHUNK) {
      // grantConsent's body is synchronous (better-sqlite3); an outer transaction turns 10,000 commits into one.
      store.db.transaction(() => {
        for (let i = start; i < Math.min(start + CHUNK, consents); i++) {
          const row: ConsentRow = {
            id: `con_${i.toString(36).padStart(8, '0')}bench`, contentProviderId: cps[i % PROVIDERS], msisdn: msisdn(i), category: 'promo',
            frequency: { count: 10, per: 'month' }, grantedAt: NOON - (i % 90) * DAY, expiresAt: NOON + 180 * DAY, channel: 'sms',
            proof: { channel: 'sms', reference: `creq_${i.toString(36)}/mo_${i.toString(36)}`, capturedAt: new Date(NOON - (i % 90) * DAY).toISOString() },
            withdrawnAt: null,
          };
          void store.consents.grantConsent(row);
        }
      })();
    }
    const insertS = Number(process.hrtime.bigint() - t0) / 1e9;
    const after = storeBytes(store, path);
    const bytesPerMillion = Math.round(((after - before) / consents) * 1_000_000);
    // Where the bytes go (tables and indexes touched by a consent), per consent.
    const breakdown: Record<string, number> = {};
    const w = store.records.writer;
    for (const db of [store.db, ...w.liveMonths().map((m) => w.on(m).db)]) {
      for (const r of db.prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC').all() as { name: string; bytes: number }[]) {
        if (r.bytes / consents >= 2) breakdown[r.name] = Math.round(r.bytes / consents);
      }
    }
    note(`consents: ${insertS.toFixed(1)} s, ${(bytesPerMillion / 2 ** 20).toFixed(0)} MiB per million`);

    // Decisions: the same use case, batches of 500, random numbers that hold a consent.
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const principals = cps.map((id): Principal => ({ role: 'content-provider', contentProviderId: id, actorId: id }));
    type Kind = 'commercial' | 'verification';
    // ns: wall time; cpuUs: this process's CPU time (user + system, so page reads count), steadier
    // than wall time when other processes take the cores.
    type Tally = { ns: bigint; cpuUs: number; n: number; accepted: number };
    const fresh = (): Record<Kind, Tally> => ({ commercial: { ns: 0n, cpuUs: 0, n: 0, accepted: 0 }, verification: { ns: 0n, cpuUs: 0, n: 0, accepted: 0 } });
    let tally = fresh();
    let round = fresh();
    // Every message goes to a number not messaged before in this run (a stride through provider p's
    // numbers, 7919 being prime to their count), so no verification is rejected by its per-number
    // limits and no commercial one by its consent's frequency: both rates count accepted decisions.
    const perProvider = consents / PROVIDERS;
    const next = new Array<number>(PROVIDERS).fill(0);
    async function batch(type: Kind): Promise<void> {
      const p = Math.floor(rnd() * PROVIDERS);
      const inputs = [];
      for (let k = 0; k < 500; k++) {
        // numbers of provider p: i ≡ p (mod PROVIDERS), each used once
        const i = ((next[p]++ * 7919) % perProvider) * PROVIDERS + p;
        const port = `1069${String(p).padStart(4, '0')}${type === 'commercial' ? 2 : 1}`;
        inputs.push(type === 'commercial'
          ? { from: port, to: msisdn(i), text: `【示例${p}】会员日全场满300减50，详情见App。`, type, category: 'promo' }
          : { from: port, to: msisdn(i), text: `【示例${p}】您的验证码是${100000 + k}，5分钟内有效，请勿泄露。`, type });
      }
      const t = process.hrtime.bigint();
      const cpu = process.cpuUsage();
      const out = await app.submitMessages(principals[p], inputs, 'http');
      const ns = process.hrtime.bigint() - t;
      const c = process.cpuUsage(cpu);
      for (const x of [tally[type], round[type]]) {
        x.ns += ns;
        x.cpuUs += c.user + c.system;
        x.n += inputs.length;
        for (const o of out) if (o.ok) x.accepted++;
      }
      clock.advance(1000);
    }
    // Batches alternate between the two types, so both see the same cache state and machine load
    // (the machine is shared): the ratio is the figure to trust, the absolute rates move with load.
    note('decisions: warm-up');
    for (let i = 0; i < 10; i++) await batch(i % 2 ? 'commercial' : 'verification');
    tally = fresh();
    // The ratio is also taken per round (four rounds of equal size), to show its spread within the run.
    const ROUNDS = 4;
    const ratioByRound: number[] = [];
    note(`decisions: ${messages.toLocaleString()} verification and ${messages.toLocaleString()} commercial, alternating batches of 500, ${ROUNDS} rounds`);
    for (let r = 0; r < ROUNDS; r++) {
      round = fresh();
      for (let i = 0; i < (2 * messages) / 500 / ROUNDS; i++) await batch(i % 2 ? 'commercial' : 'verification');
      ratioByRound.push(Number((Number(round.verification.ns) / round.verification.n / (Number(round.commercial.ns) / round.commercial.n)).toFixed(3)));
      note(`decisions: round ${r + 1} ratio ${ratioByRound[r]}`);
    }
    const rate = (k: Kind) => tally[k].n / (Number(tally[k].ns) / 1e9);
    const cpuRatio = tally.verification.cpuUs / tally.verification.n / (tally.commercial.cpuUs / tally.commercial.n);
    const com = { perS: rate('commercial'), accepted: tally.commercial.accepted };
    const ver = { perS: rate('verification'), accepted: tally.verification.accepted };
    for (const k of ['commercial', 'verification'] as const) {
      if (tally[k].accepted !== tally[k].n) throw new Error(`only ${tally[k].accepted}/${tally[k].n} ${k} messages accepted: the figure would measure rejections`);
    }
    if (Math.max(...next) > perProvider) throw new Error('ran out of distinct numbers');
    const conditions = { ...machine(), consentsStored: consents, providers: PROVIDERS, store: 'SQLite WAL synchronous=NORMAL, one file', batch: 500, messages, path: 'App.submitMessages in process (validation, facts, all stages, record, counters, queue, commit)' };
    note(`decisions: commercial ${Math.round(com.perS)}/s, verification ${Math.round(ver.perS)}/s`);
    return [
      { figure: 'commercial_decisions_per_s_1m_consents', value: Math.round(com.perS), unit: 'decisions/s', conditions: { ...conditions, accepted: com.accepted, ratioToVerification: Number((com.perS / ver.perS).toFixed(3)), ratioByRound, cpuTimeRatioToVerification: Number(cpuRatio.toFixed(3)), loadAverage1m: Number(loadavg()[0].toFixed(2)) } },
      { figure: 'verification_decisions_per_s_1m_consents', value: Math.round(ver.perS), unit: 'decisions/s', conditions: { ...conditions, accepted: ver.accepted } },
      { figure: 'consent_bytes_per_million', value: bytesPerMillion, unit: 'bytes', conditions: { ...machine(), consentsStored: consents, scaledFrom: opts.quick ? consents : undefined, stores: 'consent row + subscription record with proof + relationship row, with indexes', bytesPerConsentByObject: breakdown, insertSeconds: Number(insertS.toFixed(1)) } },
    ];
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
