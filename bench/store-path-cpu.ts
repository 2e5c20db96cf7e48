/**
 * Diagnostic, not a figure: CPU per message of the three store transactions every SMPP or HTTP message
 * goes through on SQLite (decide and record 1,000 notifications; their `submitted` statuses; their
 * receipts), in batches of 1,000 as the gateway makes them under load, on a file store in a temporary
 * directory. With STUB=1 the records writer's `append` does nothing, which shows what the statutory
 * records cost in each (a measurement only: nothing is recorded then). Prints one JSON line.
 * Usage: node --max-semi-space-size=128 --single-threaded-gc --import tsx bench/store-path-cpu.ts
 * (ROUNDS=N: rounds of 1,000 instead of 60, the first 10 not counted; fewer make a run under
 * `valgrind --tool=callgrind` bearable: instructions per message are the difference of two ROUNDS.
 * EARLY=1: each receipt goes with its `submitted` in one `recordStatuses`, as sendBatch records the
 * receipts that came before their batch was recorded; statusUs is then both, receiptUs 0.
 * TYPE=verification: the messages are verification codes, which also count against the per-number
 * limits: a read of the number's recent sends and a row in `sends` each. BATCH=N: decisions in
 * transactions of N instead of 1,000, as the HTTP single-message path groups them.)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../src/store/sqlite/index.js';
import { BENCH_SQLITE } from './store-tuning.js';
import { seedProvider, item, decision } from '../test/contract/fixtures.js';
import { recipient } from '../bench/load/recipient.js';
import { RandomIds } from '../src/app/ids.js';
const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'stb-')), 'b.db'), BENCH_SQLITE);
const { cp, service } = await seedProvider(store as never);
const writer = (store as unknown as { records: { writer: { append: (r: unknown) => void } } }).records.writer;
if (process.env.STUB) writer.append = () => undefined;
const T = Date.now();
// Message ids as the gateway makes them (time first: the id-keyed indexes append), not the fixtures' random ones.
const ids = new RandomIds();
// BATCH=N: decisions in transactions of N (the HTTP single path commits a few dozen at a time)
const B = Number(process.env.BATCH ?? 1000);
let k = 0;
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
let st = 0, rc = 0, dec = 0, n = 0;
for (let round = 0; round < Number(process.env.ROUNDS ?? 60); round++) {
  const items = Array.from({ length: 1000 }, () => item({ id: ids.next('msg'), cp: cp.id, from: service, to: `+86138${recipient(k++)}`, at: T + k, type: (process.env.TYPE ?? 'notification') as 'notification', text: '【示例】您的订单已发货，请注意查收。' }));
  let c0 = cpu();
  for (let i = 0; i < items.length; i += B) await store.messages.decideAndRecord(items.slice(i, i + B), () => decision(true, '【示例】您的订单已发货，请注意查收。'));
  const c1 = cpu();
  const claimed = await store.outbox.claim(T + k + 10, 1000, 60_000);
  const ups = claimed.map((m, i) => ({ id: m.id, status: 'submitted' as const, at: T + k, upstreamId: (round * 1000 + i).toString(16).toUpperCase().padStart(10, '0') }));
  const c2 = cpu();
  if (process.env.EARLY) await store.outbox.recordStatuses([...ups, ...ups.map((u) => ({ id: u.id, status: 'delivered' as const, at: T + k }))]);
  else await store.outbox.recordStatuses(ups);
  const c3 = cpu();
  if (!process.env.EARLY) await store.outbox.applyReceipts(ups.map((u) => ({ upstreamId: u.upstreamId!, status: 'delivered' as const, at: T + k })));
  const c4 = cpu();
  if (round >= 10) { dec += c1 - c0; st += c3 - c2; rc += c4 - c3; n += 1000; }
}
console.log(JSON.stringify({ stub: !!process.env.STUB, decideUs: +(dec * 1000 / n).toFixed(2), statusUs: +(st * 1000 / n).toFixed(2), receiptUs: +(rc * 1000 / n).toFixed(2) }));
await store.close();
