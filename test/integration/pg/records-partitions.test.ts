/**
 * PostgreSQL records layout: one partition per Asia/Shanghai month (a record at 23:30 UTC on the
 * 31st belongs to the next month), rows are append-only, and the statutory purge of a month is a
 * DETACH + DROP of its partition that leaves every other month intact.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestPgStore, TEST_PG_URL } from '../../helpers/pg.js';
import { PostgresStore } from '../../../src/store/postgres/index.js';
import { monthKey } from '../../../src/store/postgres/records-writer.js';
import type { AuditAction } from '../../../src/domain/audit-actions.js';

test('month partitions follow the Shanghai calendar; purge drops one month and nothing else; no UPDATE or DELETE', async () => {
  const h = await openTestPgStore();
  try {
    const w = h.store.writer;
    const sep = Date.parse('2026-09-10T00:00:00Z');
    const lateOct = Date.parse('2026-10-31T17:00:00Z'); // 01:00 on 1 November in Shanghai
    assert.equal(monthKey(lateOct), '202611');
    for (const [i, at] of [sep, sep + 1, lateOct].entries()) {
      await h.store.records.appendAudit(at, 'tester', 'probe' as AuditAction, { i });
    }
    const months = await w.partitionMonths();
    assert.ok(months.includes('202609') && months.includes('202611'), months.join(','));
    const { rows } = await h.store.pool.query("SELECT tableoid::regclass::text AS part, count(*)::int AS n FROM records GROUP BY 1 ORDER BY 1");
    assert.deepEqual(rows, [{ part: 'records_202609', n: 2 }, { part: 'records_202611', n: 1 }]);
    await assert.rejects(h.store.pool.query("UPDATE records SET body = '{}'"), /append-only/);
    await assert.rejects(h.store.pool.query('DELETE FROM records'), /append-only/);
    assert.equal(await w.dropMonth('202609'), true);
    assert.equal(await w.dropMonth('202609'), false);
    const left = (await h.store.records.queryRecords({ limit: 10 })).records;
    assert.deepEqual(left.map((r) => r.at), [lateOct]);
    // A late record for the purged month gets a fresh partition rather than failing.
    await h.store.records.appendAudit(sep + 2, 'tester', 'late' as AuditAction, {});
    assert.equal((await h.store.records.queryRecords({ limit: 10 })).records.length, 2);
    // Another process purges a month this one has cached: the next write there recreates it.
    const other = await PostgresStore.open({ url: TEST_PG_URL, schema: h.schema, max: 2 });
    try {
      assert.equal(await other.writer.dropMonth('202611'), true);
    } finally {
      await other.close();
    }
    await h.store.records.appendAudit(lateOct + 1, 'tester', 'after purge elsewhere' as AuditAction, {});
    assert.deepEqual((await h.store.records.queryRecords({ limit: 10 })).records.map((r) => r.body.action), ['after purge elsewhere', 'late']);
  } finally {
    await h.dispose();
  }
});
