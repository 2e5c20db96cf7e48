/**
 * One racer process for race.test.ts: opens the PostgresStore on the given schema and, once the
 * start time comes, decides every number in `numbers` (in batches, in the order given) with a rule
 * that allows one verification message per minute. Prints {accepted, rejected} as JSON.
 */
import { PostgresStore } from '../../../src/store/postgres/index.js';
import { decision, item } from '../../contract/fixtures.js';

const { url, schema, cp, port, numbers, batch, startAt } = JSON.parse(process.argv[2]) as { url: string; schema: string; cp: string; port: string; numbers: string[]; batch: number; startAt: number };
const store = await PostgresStore.open({ url, schema, max: 4, migrate: false });
await new Promise((r) => setTimeout(r, Math.max(0, startAt - Date.now())));
let accepted = 0;
let rejected = 0;
const inflight: Promise<void>[] = [];
for (let i = 0; i < numbers.length; i += batch) {
  const chunk = numbers.slice(i, i + batch);
  // Several batches in flight per process as well: contention inside and across processes.
  inflight.push(
    store.messages.decideAndRecord(chunk.map((to) => item({ cp, from: port, to })), (_, f) => decision(f.verificationSends.minute < 1)).then((out) => {
      for (const o of out) (o.decision.accepted ? accepted++ : rejected++);
    }),
  );
  if (inflight.length >= 3) await inflight.shift();
}
await Promise.all(inflight);
await store.close();
process.stdout.write(`${JSON.stringify({ accepted, rejected })}\n`);
