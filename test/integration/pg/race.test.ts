/**
 * Real concurrency against PostgreSQL: two gateway processes (separate Node processes, separate
 * pools) race for the last allowance of the same numbers — each number may take one verification
 * message a minute, both processes submit it at the same moment, in overlapping multi-number
 * batches in opposite orders (deadlock bait). Exactly one of the two may win each number, and the
 * queue and the records must say the same.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { openTestPgStore, TEST_PG_URL } from '../../helpers/pg.js';
import { seedProvider, msisdn } from '../../contract/fixtures.js';
import { runJsonChild } from '../../helpers/process.js';

const CHILD = fileURLToPath(new URL('./race-child.ts', import.meta.url));

const runChild = (args: object) => runJsonChild<{ accepted: number; rejected: number }>(CHILD, args, 'racer');

test('two processes racing for the last allowance never both win', { timeout: 120_000 }, async () => {
  const h = await openTestPgStore();
  try {
    const { cp, service } = await seedProvider(h.store);
    const numbers = Array.from({ length: 200 }, () => msisdn());
    const startAt = Date.now() + 2500; // both children connected and waiting by then
    const common = { url: TEST_PG_URL, schema: h.schema, cp: cp.id, port: service, batch: 7, startAt };
    const [a, b] = await Promise.all([
      runChild({ ...common, numbers }),
      runChild({ ...common, numbers: [...numbers].reverse() }),
    ]);
    assert.equal(a.accepted + a.rejected, numbers.length);
    assert.equal(b.accepted + b.rejected, numbers.length);
    assert.equal(a.accepted + b.accepted, numbers.length, `each number exactly once: ${JSON.stringify({ a, b })}`);
    assert.equal(await h.store.outbox.pendingCount(), numbers.length);
    // The statutory records agree: per number one accepted and one rejected submission.
    for (const to of numbers.slice(0, 40)) {
      const recs = (await h.store.records.queryRecords({ msisdn: to, limit: 10 })).records.filter((r) => r.kind === 'mt');
      assert.deepEqual(recs.map((r) => r.body.decision).sort(), ['accepted', 'rejected']);
    }
  } finally {
    await h.dispose();
  }
});
