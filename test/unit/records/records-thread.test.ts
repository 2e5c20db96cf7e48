/**
 * The records thread (src/store/sqlite/records-thread.ts): a transaction's records are appended to
 * their month on a thread of their own while the transaction runs, and the month commits before the
 * main file, as the loop's own path does. It must write exactly what the loop's path writes (rows,
 * bytes, hashes), write nothing of a transaction that fails (at any point, a savepoint inside it
 * too), and leave the next transaction a right chain tip.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { RECORD_COLUMNS, type NewRecord } from '../../../src/store/sqlite/records-writer.js';
import { nativeForgePath } from '../../../src/store/sqlite/native-links.js';
import { verifyChains } from '../../../src/app/records-verify.js';
import Database from 'better-sqlite3';
import { until } from '../../helpers/wait.js';

const NOV = Date.parse('2026-11-02T00:00:00Z');
const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

/** A store in files, with the records thread on or off (the store's `recordsThread`). */
function fileStore(thread: boolean, recordsThreadTimeoutMs?: number): SqliteStore {
  const dir = mkdtempSync(join(tmpdir(), 'smsguard-records-thread-'));
  dirs.push(dir);
  const s = new SqliteStore(join(dir, 'gw.db'), { recordsThread: thread, ...(recordsThreadTimeoutMs ? { recordsThreadTimeoutMs } : {}) });
  s.db.transaction(() => s.records.writer.append(mt('first', NOV - 1000)))();
  return s;
}

const mt = (id: string, at: number): NewRecord => ({
  id, at, kind: 'mt', contentProviderId: 'cp_1', msisdn: `+86138${String(at % 100_000_000).padStart(8, '0')}`, ref: id,
  body: { from: '10690001', to: '+8613800138000', type: 'verification', decision: 'accepted', code: null, text: `【示例】验证码 ${id} 😀` },
});

const rows = (s: SqliteStore): unknown[] =>
  s.records.writer.on('2026-11').db.prepare(`SELECT ${RECORD_COLUMNS} FROM records_2026_11 ORDER BY seq`).all();

describe('the records thread', () => {
  const skip = (t: { skip(m: string): void }) => {
    if (nativeForgePath()) return false;
    if (process.env.CI === 'true') assert.fail('the native extension must be built in CI');
    t.skip('not built here');
    return true;
  };

  test('writes exactly the rows, bytes and hashes of the loop\'s own path, and is the one writing them', async (t) => {
    if (skip(t)) return;
    const stores = [fileStore(true), fileStore(false)];
    try {
      for (const s of stores) {
        let n = 0;
        // transactions of 600 (several chunks), 5 and 255 (below the start: the loop's path), 257 (the start and one)
        for (const size of [600, 5, 255, 257, 600]) s.db.transaction(() => { for (let i = 0; i < size; i++) s.records.writer.append(mt(`msg_${n++}`, NOV + n)); })();
      }
      assert.equal(stores[0].records.writer.threadBatches, 3);
      assert.equal(rows(stores[0]).length, 1 + 600 + 5 + 255 + 257 + 600);
      assert.equal(stores[1].records.writer.threadBatches, 0);
      assert.deepEqual(rows(stores[0]), rows(stores[1]));
      for (const s of stores) assert.equal((await verifyChains(s.records.archive)).ok, true);
    } finally {
      for (const s of stores) await s.close();
    }
  });

  test('a transaction that fails after chunks went to the thread writes none of its records, and the next one chains on', async (t) => {
    if (skip(t)) return;
    const s = fileStore(true);
    try {
      const before = rows(s).length;
      assert.throws(() => s.db.transaction(() => {
        for (let i = 0; i < 400; i++) s.records.writer.append(mt(`lost_${i}`, NOV + i));
        throw new Error('the decision failed');
      })(), /the decision failed/);
      assert.equal(rows(s).length, before);
      s.db.transaction(() => { for (let i = 0; i < 300; i++) s.records.writer.append(mt(`kept_${i}`, NOV + 1000 + i)); })();
      assert.equal(rows(s).length, before + 300);
      assert.equal(s.records.writer.threadBatches, 1);
      assert.equal((await verifyChains(s.records.archive)).ok, true);
    } finally {
      await s.close();
    }
  });

  test('a failing main commit after the thread committed leaves records above the mark, reported as uncommitted', async (t) => {
    if (skip(t)) return;
    const s = fileStore(true);
    try {
      // A deferred foreign key fails the main commit, after the month committed (commit order).
      s.db.exec('CREATE TABLE t_parent (id INTEGER PRIMARY KEY); CREATE TABLE t_child (p INTEGER REFERENCES t_parent (id) DEFERRABLE INITIALLY DEFERRED)');
      s.db.pragma('foreign_keys = ON');
      assert.throws(() => s.db.transaction(() => {
        for (let i = 0; i < 300; i++) s.records.writer.append(mt(`late_${i}`, NOV + i));
        s.db.prepare('INSERT INTO t_child (p) VALUES (42)').run();
      })(), /FOREIGN KEY/);
      assert.equal(s.records.writer.threadBatches, 1);
      const audit = (await s.records.queryRecords({ kind: 'audit', limit: 10 })).records.find((r) => r.body.action === 'records.uncommitted');
      assert.ok(audit, 'a records.uncommitted audit record');
      assert.equal(audit.body.count, 300);
      assert.equal((await verifyChains(s.records.archive)).ok, true);
    } finally {
      await s.close();
    }
  });

  test('a transaction with a record the extension refuses is written whole by the loop\'s JavaScript path, the same as without the thread', async (t) => {
    if (skip(t)) return;
    const stores = [fileStore(true), fileStore(false)];
    try {
      for (const s of stores) {
        s.db.transaction(() => {
          for (let i = 0; i < 300; i++) s.records.writer.append(mt(`a_${i}`, NOV + i));
          // a header the extension cannot render with certainty (forge.test.ts)
          s.records.writer.append({ ...mt('msg_"quoted"', NOV + 60), msisdn: 'a\\b\n' });
          for (let i = 0; i < 50; i++) s.records.writer.append(mt(`b_${i}`, NOV + 400 + i));
        })();
        s.db.transaction(() => { for (let i = 0; i < 300; i++) s.records.writer.append(mt(`c_${i}`, NOV + 1000 + i)); })();
      }
      assert.deepEqual(rows(stores[0]), rows(stores[1]));
      assert.equal(rows(stores[0]).length, 1 + 351 + 300);
      // the refused transaction rolled back there and went the loop's way; the next one the thread's
      assert.equal(stores[0].records.writer.threadBatches, 1);
      for (const s of stores) assert.equal((await verifyChains(s.records.archive)).ok, true);
    } finally {
      for (const s of stores) await s.close();
    }
  });

  test('a thread that does not answer: the transaction fails, nothing is written until it has stopped, then the loop writes and the chain holds', async (t) => {
    if (skip(t)) return;
    const s = fileStore(true, 500);
    // Another connection holds the month's write lock: the thread's month transaction waits for it
    // (SQLite's busy timeout, 5 s) past the loop's 500 ms.
    const path = s.records.writer.on('2026-11').db.name;
    const blocker = new Database(path);
    try {
      const count = rows(s).length;
      blocker.prepare('BEGIN IMMEDIATE').run();
      assert.throws(() => s.db.transaction(() => { for (let i = 0; i < 300; i++) s.records.writer.append(mt(`stuck_${i}`, NOV + i)); })(), /records thread did not answer/);
      assert.throws(() => s.db.transaction(() => s.records.writer.append(mt('meanwhile', NOV + 500)))(), /records are not written until it has stopped/);
      blocker.prepare('ROLLBACK').run();
      // the thread gives up its wait, is stopped, exits: then the next transaction writes through the loop
      await until(async () => {
        try {
          s.db.transaction(() => { for (let i = 0; i < 300; i++) s.records.writer.append(mt(`after_${i}`, NOV + 1000 + i)); })();
          return true;
        } catch (e) {
          if (!/until it has stopped/.test((e as Error).message)) throw e;
          return false;
        }
      }, 20_000);
      const ids = (rows(s) as { id: string }[]).slice(count).map((r) => r.id);
      assert.equal(ids.filter((id) => id.startsWith('after_')).length, 300);
      assert.ok(!ids.includes('meanwhile'), 'nothing written while the thread was being stopped');
      // Stopped before it committed (the usual case), it wrote nothing; had it committed first, its
      // records would be there and reported as taking no effect, never counted as decisions.
      const stuck = ids.filter((id) => id.startsWith('stuck_')).length;
      if (stuck > 0) {
        assert.equal(stuck, 300);
        const audit = (await s.records.queryRecords({ kind: 'audit', limit: 10 })).records.find((r) => r.body.action === 'records.uncommitted');
        assert.equal(audit?.body.count, 300);
      }
      assert.equal((await verifyChains(s.records.archive)).ok, true);
    } finally {
      if (blocker.inTransaction) blocker.prepare('ROLLBACK').run();
      blocker.close();
      await s.close();
    }
  });

  test('a savepoint rolled back inside the transaction drops only its own records', async (t) => {
    if (skip(t)) return;
    const s = fileStore(true);
    try {
      const before = rows(s).length;
      s.db.transaction(() => {
        for (let i = 0; i < 300; i++) s.records.writer.append(mt(`outer_${i}`, NOV + i));
        try {
          s.db.transaction(() => {
            for (let i = 0; i < 100; i++) s.records.writer.append(mt(`inner_${i}`, NOV + 400 + i));
            throw new Error('inner');
          })();
        } catch { /* the savepoint rolled back */ }
        for (let i = 0; i < 100; i++) s.records.writer.append(mt(`outer2_${i}`, NOV + 600 + i));
      })();
      const ids = (rows(s) as { id: string }[]).slice(before).map((r) => r.id);
      assert.equal(ids.length, 400);
      assert.ok(ids.every((id) => id.startsWith('outer')));
      assert.equal(s.records.writer.threadBatches, 1);
      assert.equal((await verifyChains(s.records.archive)).ok, true);
    } finally {
      await s.close();
    }
  });
});
