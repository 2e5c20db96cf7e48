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
import { openTestPgStore, TEST_PG_URL } from '../../helpers/pg.js';
import { createPool, queries, type Client, type Pool } from '../../../src/store/postgres/db.js';
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

/**
 * Connection churn (a pool's idle connections closing after 5 minutes and new ones opening,
 * restarts, many processes): every backend that adds to a counter of the day leaves a row of its own,
 * and every read sums them all. Housekeeping folds today's and yesterday's rows of backends that are
 * gone into shard 0 (usage.sql `foldGone`); live backends' rows stay, and are not waited for.
 */
const pidOf = async (c: Client) => (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;

/** Until none of `pids` is a backend any more (a closed client's backend exits a moment after). */
async function untilGone(pool: Pool, pids: number[]): Promise<void> {
  for (;;) {
    const r = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ANY($1::int[])', [pids]);
    if (r.rows[0].n === 0) return;
    await new Promise((res) => setTimeout(res, 10));
  }
}

/** A backend of its own (a pool of one, as another process's or a reopened connection), ended after `fn`. */
async function onNewBackend(schema: string, fn: (c: Client) => Promise<void>): Promise<number> {
  const pool = createPool({ url: TEST_PG_URL, schema, max: 1 });
  try {
    const c = await pool.connect();
    try {
      await fn(c);
      return await pidOf(c);
    } finally {
      c.release();
    }
  } finally {
    await pool.end();
  }
}

test('housekeeping folds today\'s and yesterday\'s shards of backends that are gone into one row, the figures unchanged; live backends\' shards stay, an open transaction on one not waited for', { timeout: 60_000 }, async () => {
  const h = await openTestPgStore();
  try {
    const { cp } = await seedProvider(h.store);
    const [today, yesterday] = [shanghaiDay(T0), shanghaiDay(T0 - DAY)];
    const add = (c: Client, n: number) => {
      const t = new UsageTally();
      t.add(cp.id, T0 - DAY, 'submitted', n);
      t.add(cp.id, T0, 'accepted', n);
      t.add(cp.id, T0, 'submitted', n);
      return PgUsage.write(c, t);
    };
    // Four backends one after the other, each adding and closing (pool.end): four rows per counter.
    const gone: number[] = [];
    for (const n of [1, 2, 3, 4]) gone.push(await onNewBackend(h.schema, (c) => add(c, n)));
    // A fifth dies mid-transaction (terminated): its committed 10 count, its open 100 never do.
    {
      const pool = createPool({ url: TEST_PG_URL, schema: h.schema, max: 1 });
      const c = await pool.connect();
      c.on('error', () => undefined);
      await add(c, 10);
      const pid = await pidOf(c);
      await c.query('BEGIN');
      await add(c, 100);
      await h.store.pool.query('SELECT pg_terminate_backend($1, 10000)', [pid]);
      await assert.rejects(c.query('SELECT 1'));
      c.release(true);
      await pool.end();
      gone.push(pid);
    }
    // Two live backends of the store's pool: one has added 7; the other added 20, then opened a
    // transaction adding 1000 that holds its rows while housekeeping runs.
    const live = await h.store.pool.connect();
    const open = await h.store.pool.connect();
    try {
      await add(live, 7);
      await add(open, 20);
      const [livePid, openPid] = [await pidOf(live), await pidOf(open)];
      await open.query('BEGIN');
      await add(open, 1000);
      await untilGone(h.store.pool, gone);

      const rows = async () => (await h.store.pool.query<{ day: string; key: string; shard: number; n: number }>(
        'SELECT day, key, shard, n FROM usage_counts WHERE content_provider_id = $1 ORDER BY day, key, shard', [cp.id])).rows;
      const figures = async () => (await h.store.usage.read({ contentProviderIds: [cp.id], from: yesterday, to: today })).map((r) => [r.day, r.key, r.n]);
      const before = [[yesterday, 'submitted', 47], [today, 'accepted', 47], [today, 'submitted', 47]];
      assert.deepEqual(await figures(), before);
      assert.equal((await rows()).length, 3 * 7, 'a row per backend per counter: five gone, two live');

      // Housekeeping on T0's day (so T0's day is today and the day before is yesterday); it must
      // not wait for `open`'s transaction (live: its rows are left alone).
      const app = new App({ store: h.store, clock: new SimulatedClock(T0), profile: resolveProfile('cn-2015') });
      let settled = false;
      const done = pruneOperational(app.ctx).finally(() => (settled = true));
      let blocked = false;
      while (!settled && !blocked) {
        const r = await h.store.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [openPid]);
        blocked = r.rows[0].n > 0;
        if (!blocked) await new Promise((res) => setTimeout(res, 5));
      }
      assert.equal(blocked, false, 'housekeeping waited for a live backend\'s open transaction');
      await done;

      const shards = [0, livePid, openPid].sort((a, b) => a - b);
      const after = await rows();
      assert.deepEqual(after.map((r) => [r.day, r.key, r.shard]), before.flatMap(([day, key]) => shards.map((s) => [day, key, s])), 'per counter: the live backends\' rows and one folded row');
      assert.deepEqual(after.filter((r) => r.shard === 0).map((r) => r.n), [20, 20, 20], 'the gone backends\' committed figures, 1 + 2 + 3 + 4 + 10');
      assert.deepEqual(await figures(), before, 'the same figures after the fold');
      await open.query('COMMIT');
      assert.deepEqual(await figures(), before.map(([d, k, n]) => [d, k, (n as number) + 1000]));
      // Nothing left to fold: the live backends' rows stay as they are.
      assert.equal(await h.store.usage.compact(yesterday, 1000), 0);
    } catch (e) {
      await open.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      live.release();
      open.release();
    }
  } finally {
    await h.dispose();
  }
});

/**
 * The OS reuses pids: a new backend may be given a gone one's pid and add to its row while
 * housekeeping folds that row (the gone test above read pg_stat_activity before it connected). The
 * OS cannot be made to reuse a pid here, so another connection updates the gone backend's row as the
 * new backend's upsert would (same row, same lock); its addition must be counted once, whichever
 * of the two gets to the row first.
 */
test('a fold of a gone backend\'s row and an addition to that row by a backend given its pid again: each addition counted once, whichever comes first', { timeout: 60_000 }, async () => {
  const h = await openTestPgStore();
  try {
    const { cp } = await seedProvider(h.store);
    const day = shanghaiDay(T0);
    const t = new UsageTally();
    t.add(cp.id, T0, 'submitted', 5);
    const pid = await onNewBackend(h.schema, (c) => PgUsage.write(c, t));
    await untilGone(h.store.pool, [pid]);
    const submitted = async () => (await h.store.usage.read({ contentProviderIds: [cp.id], from: day, to: day }))[0].n;
    const shards = async () => (await h.store.pool.query<{ shard: number }>('SELECT shard FROM usage_counts WHERE content_provider_id = $1 ORDER BY shard', [cp.id])).rows.map((r) => r.shard);
    const addTo = (c: Client, shard: number, n: number) => c.query(
      `INSERT INTO usage_counts AS uc (content_provider_id, day, key, shard, n) VALUES ($1, $2, 'submitted', $3, $4)
       ON CONFLICT (content_provider_id, day, key, shard) DO UPDATE SET n = uc.n + excluded.n`, [cp.id, day, shard, n]);

    // The addition first: it holds the row until it commits; the fold waits for it and folds its figure.
    const writer = await h.store.pool.connect();
    try {
      await writer.query('BEGIN');
      await addTo(writer, pid, 3);
      const writerPid = await pidOf(writer);
      let settled = false;
      const folded = h.store.usage.compact(day, 1000).finally(() => (settled = true));
      let blocked = false;
      while (!settled && !blocked) {
        const r = await h.store.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [writerPid]);
        blocked = r.rows[0].n > 0;
        if (!blocked) await new Promise((res) => setTimeout(res, 5));
      }
      assert.equal(blocked, true, 'the fold took the gone backend\'s row while an addition to it was open');
      await writer.query('COMMIT');
      assert.equal(await folded, 1);
    } catch (e) {
      await writer.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      writer.release();
    }
    assert.deepEqual(await shards(), [0]);
    assert.equal(await submitted(), 8);

    // The fold first (held open in a transaction): the addition waits for it, finds the row gone and
    // makes a new one.
    const pid2 = await onNewBackend(h.schema, (c) => PgUsage.write(c, t));
    await untilGone(h.store.pool, [pid2]);
    const folder = await h.store.pool.connect();
    const adder = await h.store.pool.connect();
    try {
      await folder.query('BEGIN');
      assert.equal((await folder.query(queries('usage', ['foldGone']).foldGone, [day, 1000])).rowCount, 1);
      const added = addTo(adder, pid2, 4);
      const folderPid = await pidOf(folder);
      let waiting = false;
      while (!waiting) {
        const r = await h.store.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [folderPid]);
        waiting = r.rows[0].n > 0;
        if (!waiting) await new Promise((res) => setTimeout(res, 5));
      }
      await folder.query('COMMIT');
      await added;
    } catch (e) {
      await folder.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      folder.release();
      adder.release();
    }
    assert.deepEqual(await shards(), [0, pid2]);
    assert.equal(await submitted(), 8 + 5 + 4);
  } finally {
    await h.dispose();
  }
});
