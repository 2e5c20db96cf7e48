/**
 * PostgreSQL usage counters under contention (docs/SCALING.md "Usage counters under contention",
 * migration 102). A transaction of a provider that has added to its counters and not yet committed
 * must not hold up another connection's decision for the same provider and day: before migration
 * 102 both upserted one row per (provider, day, key), and the second waited on the first's row lock
 * until it committed (measured with scripts/usage-lock-waits.ts: 82 % of two writers' running time).
 * Each connection now adds to a shard of its own; reads sum the shards, and housekeeping folds the
 * shards of past days into one row, the figures unchanged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestPgStore } from '../../helpers/pg.js';
import { decision, item, msisdn, seedProvider, T0, DAY } from '../../contract/fixtures.js';
import { UsageTally } from '../../../src/store/usage-tally.js';
import { PgUsage } from '../../../src/store/postgres/usage.js';
import { shanghaiDay } from '../../../src/domain/usage.js';
import { App } from '../../../src/app/app.js';
import { SimulatedClock } from '../../../src/simulator/clock.js';
import { resolveProfile } from '../../../src/profiles/index.js';
import { pruneOperational } from '../../../src/app/housekeeping.js';

test('a decision does not wait for another connection\'s uncommitted counters of the same provider and day; the figures add up; compact folds the shards', { timeout: 60_000 }, async () => {
  const h = await openTestPgStore();
  try {
    const { cp, service } = await seedProvider(h.store);
    const day = shanghaiDay(T0);
    // Another connection's transaction (another process's decision, say) has added to the provider's
    // `submitted` and `accepted` of the day and is still open: it holds those rows until it ends.
    const open = await h.store.pool.connect();
    try {
      await open.query('BEGIN');
      const t = new UsageTally();
      t.add(cp.id, T0, 'submitted', 5);
      t.add(cp.id, T0, 'accepted', 5);
      await PgUsage.write(open, t);
      const openPid = (await open.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      // A decision for the same provider, day and keys on another connection.
      let settled = false;
      const decided = h.store.messages.decideAndRecord([item({ cp: cp.id, from: service, to: msisdn() })], () => decision(true)).finally(() => (settled = true));
      // Either it commits, or it is seen waiting for the open transaction (pg_blocking_pids): no time limit decides.
      let blocked = false;
      while (!settled && !blocked) {
        const r = await h.store.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [openPid]);
        blocked = r.rows[0].n > 0;
        if (!blocked) await new Promise((res) => setTimeout(res, 5));
      }
      assert.equal(blocked, false, 'the decision waited for the other transaction\'s counter rows');
      await decided;
      await open.query('COMMIT');
    } catch (e) {
      await open.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      open.release();
    }
    const figures = async () => Object.fromEntries((await h.store.usage.read({ contentProviderIds: [cp.id], from: day, to: day })).map((r) => [r.key, r.n]));
    assert.deepEqual(await figures(), { submitted: 6, accepted: 6, segments: 1 });
    const rows = async () => Number((await h.store.pool.query<{ n: string }>('SELECT count(*) AS n FROM usage_counts WHERE content_provider_id = $1', [cp.id])).rows[0].n);
    assert.equal(await rows(), 5, 'two shards of submitted and accepted, one of segments');
    // Today (T0's day) and yesterday are left as they are; the day before yesterday and earlier fold.
    assert.equal(await h.store.usage.compact(shanghaiDay(T0), 1000), 0);
    assert.equal(await rows(), 5);
    assert.equal(await h.store.usage.compact(shanghaiDay(T0 + DAY), 1), 1, 'one counter per call with a limit of 1');
    assert.equal(await h.store.usage.compact(shanghaiDay(T0 + DAY), 1000), 2, 'the other two (segments from its one shard to shard 0)');
    assert.equal(await h.store.usage.compact(shanghaiDay(T0 + DAY), 1000), 0, 'nothing left to fold');
    assert.equal(await rows(), 3);
    assert.deepEqual(await figures(), { submitted: 6, accepted: 6, segments: 1 }, 'the same figures after the fold');
    // a late addition to a folded day goes to a shard again and is summed with the folded row
    const late = new UsageTally();
    late.add(cp.id, T0, 'submitted', 2);
    const c = await h.store.pool.connect();
    try {
      await PgUsage.write(c, late);
    } finally {
      c.release();
    }
    assert.equal((await figures()).submitted, 8);
  } finally {
    await h.dispose();
  }
});

test('housekeeping folds the shards of a day before yesterday into one row per counter, the figures unchanged; yesterday\'s stay', { timeout: 60_000 }, async () => {
  const h = await openTestPgStore();
  try {
    const { cp } = await seedProvider(h.store);
    // two connections at once (two backends: two shards) add to T0's day and the next day's
    const [c1, c2] = [await h.store.pool.connect(), await h.store.pool.connect()];
    try {
      for (const [c, n] of [[c1, 2], [c2, 3]] as const) {
        const t = new UsageTally();
        t.add(cp.id, T0, 'submitted', n);
        t.add(cp.id, T0 + DAY, 'submitted', n);
        await PgUsage.write(c, t);
      }
    } finally {
      c1.release();
      c2.release();
    }
    const rowsOf = async (day: string) => Number((await h.store.pool.query<{ n: string }>('SELECT count(*) AS n FROM usage_counts WHERE content_provider_id = $1 AND day = $2', [cp.id, day])).rows[0].n);
    const [d0, d1] = [shanghaiDay(T0), shanghaiDay(T0 + DAY)];
    assert.deepEqual([await rowsOf(d0), await rowsOf(d1)], [2, 2]);
    // two days after T0's day: T0's day is before yesterday, the next day is yesterday
    const app = new App({ store: h.store, clock: new SimulatedClock(T0 + 2 * DAY), profile: resolveProfile('cn-2015') });
    await pruneOperational(app.ctx);
    assert.deepEqual([await rowsOf(d0), await rowsOf(d1)], [1, 2]);
    const read = await h.store.usage.read({ contentProviderIds: [cp.id], from: d0, to: d1 });
    assert.deepEqual(read.map((r) => [r.day, r.key, r.n]), [[d0, 'submitted', 5], [d1, 'submitted', 5]]);
  } finally {
    await h.dispose();
  }
});
