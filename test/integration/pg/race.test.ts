/**
 * Real concurrency against PostgreSQL: two gateway processes (separate Node processes, separate
 * pools) race for the last allowance of the same numbers — each number may take one verification
 * message a minute, both processes submit it at the same moment, in overlapping multi-number
 * batches in opposite orders (deadlock bait). Exactly one of the two may win each number, and the
 * queue and the records must say the same.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openTestPgStore, TEST_PG_URL } from '../../helpers/pg.js';
import { seedProvider, msisdn } from '../../contract/fixtures.js';

const CHILD = fileURLToPath(new URL('./race-child.ts', import.meta.url));

function runChild(args: object): Promise<{ accepted: number; rejected: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`racer exited ${code}: ${err}`))));
  });
}

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
