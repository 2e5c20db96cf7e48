/**
 * Diagnostic, not a figure: CPU per message of the ingest path the HTTP batch figure drives, in
 * process and without HTTP or delivery: `App.submitMessages` with batches of 1,000 as
 * bench/load/http-batch-client.ts makes them (notification 3 : verification 1, distinct numbers in
 * no order), content governance installed as `smsguard start` installs it, the group commit, a
 * SQLite file store in a temporary directory. Prints one JSON line (µs of CPU per message, rounds
 * after the first 10). ROUNDS=N rounds of 1,000 (default 60): under `valgrind --tool=callgrind`,
 * instructions per message are the difference of two ROUNDS (as bench/store-path-cpu.ts).
 * Usage: node --max-semi-space-size=128 --single-threaded-gc --import tsx bench/ingest-cpu.ts
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/store/sqlite/index.js';
import { BENCH_SQLITE } from './store-tuning.js';
import { SqliteContentStore } from '../src/store/sqlite/content.js';
import { App } from '../src/app/app.js';
import { installContentGovernance } from '../src/app/content-install.js';
import { SystemClock } from '../src/simulator/clock.js';
import { resolveProfile } from '../src/profiles/index.js';
import type { Principal } from '../src/app/types.js';
import { recipient } from './load/recipient.js';
import { normalizeMsisdn } from '../src/domain/msisdn.js';

const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'ingest-cpu-')), 'b.db'), BENCH_SQLITE);
const app = new App({ store, clock: new SystemClock(), profile: resolveProfile('cn-2015') });
await installContentGovernance(app, new SqliteContentStore(store.db));
const admin: Principal = { role: 'admin', actorId: 'bench' };
const cp = await app.createContentProvider(admin, { name: '压测科技有限公司', creditCode: '91350100M000100Y43' });
await app.addSignature(admin, cp.id, { signature: '【示例】' });
await app.addPort(admin, { number: '10690001', contentProviderId: cp.id, kind: 'service' });
const principal: Principal = { role: 'content-provider', contentProviderId: cp.id, actorId: cp.id };

// The number check is memoised by 7-digit prefix (src/domain/msisdn.ts): a long run has seen every
// 138xxxx prefix, a short one would mostly measure first sightings.
for (let p = 0; p < 10_000; p++) normalizeMsisdn(`138${String(p).padStart(4, '0')}0000`);

const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
let k = 0, spent = 0, n = 0;
for (let round = 0; round < Number(process.env.ROUNDS ?? 60); round++) {
  // Parsed from JSON as the HTTP route receives them (fresh objects and strings, no shared ones).
  const inputs = JSON.parse(JSON.stringify(Array.from({ length: 1000 }, () => {
    const i = k++;
    const to = `138${recipient(i)}`;
    return i % 4 === 0
      ? { from: '10690001', to, text: `【示例】您的验证码是${String(100000 + (i % 900000))}，5分钟内有效。`, type: 'verification' }
      : { from: '10690001', to, text: `【示例】您的订单${i}已发货，快递单号SF${i}，请注意查收。`, type: 'notification' };
  }))) as unknown[];
  const c0 = cpu();
  const out = await app.submitMessages(principal, inputs, 'http', 'messages');
  const c1 = cpu();
  if (out.some((o) => !o.ok)) throw new Error(`rejected: ${JSON.stringify(out.find((o) => !o.ok))}`);
  if (round >= 10) { spent += c1 - c0; n += 1000; }
}
console.log(JSON.stringify({ ingestUs: +(spent * 1000 / n).toFixed(2), messages: n }));
await store.close();
