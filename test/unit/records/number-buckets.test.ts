/**
 * Number buckets (month-files.ts `NumberIndex`): the month being written keeps its numbers in a table
 * by (seq bucket, msisdn), filled a chunk of 4,096 records at a time, so appends with recipients in
 * random order stay cheap; the newest chunk is read by seq. Once a later month is written, the earlier
 * one is sealed (flat `(msisdn)` index built, number table dropped) on a thread of its own. Months made
 * before the number table (the `(seq >> 16, msisdn)` index) are read and sealed as before. What must
 * hold: every page by number answers exactly the rows a plain filter would, across chunk and bucket
 * boundaries and cursors, before and after sealing; the number table holds exactly the records below
 * the newest chunk after every commit; the number look-ups of the archive (holds, subscription
 * records) see every bucket; a file-backed month seals off the calling thread, and a process that
 * exits mid-sealing leaves the month whole, for the next writer to seal.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { NUMBER_BUCKET_BITS, NUMBER_CHUNK_BITS, numberChunkStart, numberIndexOf, openMonth } from '../../../src/store/sqlite/month-files.js';
import type { NewRecord } from '../../../src/store/sqlite/records-writer.js';
import type { RecordQuery } from '../../../src/ports/store.js';
import { verifyChains } from '../../../src/app/records-verify.js';

const NOV = Date.parse('2026-11-02T00:00:00Z');
const DEC = Date.parse('2026-12-02T00:00:00Z');
const B = 2 ** NUMBER_BUCKET_BITS;
const N = 2 * B + 5_000; // three number buckets

/** Numbers in scrambled order; `+8613900000001` only in the first bucket, `+8613900000002` only in the last. */
const numberOf = (i: number): string => (i === 7 ? '+8613900000001' : i === N - 2 ? '+8613900000002' : `+86138${String((i * 7_919_993) % 997).padStart(8, '0')}`);

function record(i: number, at = NOV + i * 1000): NewRecord {
  return { id: `msg_${i}`, at, kind: i % 97 === 0 ? 'subscription' : 'mt', contentProviderId: `cp_${i % 3}`, msisdn: numberOf(i), ref: `msg_${i}`, body: { i } };
}

function walk(store: SqliteStore, q: Omit<RecordQuery, 'limit' | 'cursor'>, limit: number): number[] {
  const seqs: number[] = [];
  let cursor: string | undefined;
  for (let pages = 0; ; pages++) {
    assert.ok(pages < 10_000, 'pages end');
    const p = store.records.writer.query({ ...q, limit, cursor });
    seqs.push(...p.records.map((r) => r.seq));
    if (!p.nextCursor) return seqs;
    cursor = p.nextCursor;
  }
}

/** What a plain filter over every record answers, newest first. */
const expected = (pred: (i: number) => boolean, n = N): number[] => Array.from({ length: n }, (_, i) => i).filter(pred).map((i) => i + 1).reverse();

describe('number buckets in memory', () => {
  let store: SqliteStore;
  before(() => {
    store = new SqliteStore(':memory:');
    store.db.transaction(() => { for (let i = 0; i < N; i++) store.records.writer.append(record(i)); })();
  });
  after(() => store.close());

  const checks: [string, Omit<RecordQuery, 'limit' | 'cursor'>, (i: number) => boolean][] = [
    ['a common number', { msisdn: numberOf(11) }, (i) => numberOf(i) === numberOf(11)],
    ['a number of the first bucket only', { msisdn: '+8613900000001' }, (i) => i === 7],
    ['a number of the last bucket only', { msisdn: '+8613900000002' }, (i) => i === N - 2],
    ['a number never seen', { msisdn: '+8613900000009' }, () => false],
    ['a number and a provider', { msisdn: numberOf(11), contentProviderId: 'cp_1' }, (i) => numberOf(i) === numberOf(11) && i % 3 === 1],
    ['a number in a time window across a bucket boundary', { msisdn: numberOf(11), from: NOV + (B - 3_000) * 1000, to: NOV + (B + 3_000) * 1000 }, (i) => numberOf(i) === numberOf(11) && i >= B - 3_000 && i < B + 3_000],
  ];

  test('while written: batched, and pages answer what a plain filter would', () => {
    assert.equal(numberIndexOf(store.records.writer.on('2026-11').db, 'records_2026_11'), 'batched');
    for (const [name, q, pred] of checks) for (const limit of [7, 100]) assert.deepEqual(walk(store, q, limit), expected(pred), `${name}, pages of ${limit}`);
  });

  test('the archive finds a number in every bucket (holds; subscription records)', async () => {
    const archive = store.records.archive!;
    const held = await archive.heldSeqs('2026-11', [{ id: 'h1', msisdn: '+8613900000002', contentProviderId: null, reason: 't', createdAt: 0, createdBy: 'x', releasedAt: null, releasedBy: null }]);
    assert.deepEqual(held.map((h) => h.seq), [N - 1]);
    const subs = store.records.writer.byMsisdn(numberOf(97), 'subscription').map((r) => r.seq);
    assert.deepEqual(subs, expected((i) => i % 97 === 0 && numberOf(i) === numberOf(97)).reverse());
  });

  test("one provider's subscription records (and the platform's) through the subscription index: the same as by number, filtered", () => {
    const w = store.records.writer;
    const n = numberOf(97);
    store.db.transaction(() => w.append({ id: 'dnd_1', at: NOV + N * 1000, kind: 'subscription', contentProviderId: null, msisdn: n, ref: null, body: { dnd: true } }))();
    let providers = 0;
    for (const cp of ['cp_0', 'cp_1', 'cp_2', 'cp_none']) {
      const want = w.byMsisdn(n, 'subscription').filter((r) => r.contentProviderId === cp || r.contentProviderId === null).map((r) => r.seq);
      assert.ok(want.length >= 1, "the platform's record at least");
      if (want.length > 1) providers++;
      assert.deepEqual(w.subscriptionRecords(n, cp).map((r) => r.seq), want, cp);
    }
    assert.ok(providers >= 1, "some provider's own records too");
    // A transaction's own appends are seen before they are written.
    store.db.transaction(() => {
      w.append({ id: 'sub_x', at: NOV + N * 1000 + 1, kind: 'subscription', contentProviderId: 'cp_1', msisdn: n, ref: null, body: {} });
      assert.equal(w.subscriptionRecords(n, 'cp_1').at(-1)!.id, 'sub_x');
      assert.notEqual(w.subscriptionRecords(n, 'cp_2').at(-1)!.id, 'sub_x');
    })();
  });

  test('a record of a later month seals the earlier one: flat index, same answers', async () => {
    store.db.transaction(() => store.records.writer.append(record(N, DEC)))();
    await store.records.writer.sealed();
    const db = store.records.writer.on('2026-11').db;
    assert.equal(numberIndexOf(db, 'records_2026_11'), 'flat');
    assert.equal(numberIndexOf(store.records.writer.on('2026-12').db, 'records_2026_12'), 'batched');
    assert.equal(db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'records_2026_11_numbers'").get(), undefined, 'the number table is dropped');
    const p = store.records.writer.pageSql('2026-11', { limit: 10, msisdn: numberOf(11) }, null)!;
    assert.equal(p.buckets, undefined);
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${p.sql}`).all(...p.args, 11) as { detail: string }[]).map((r) => r.detail).join(' | ');
    assert.match(plan, /USING (COVERING )?INDEX records_2026_11_msisdn \(msisdn=\?\)/);
    for (const [name, q, pred] of checks) assert.deepEqual(walk(store, q, 50).filter((s) => s <= N), expected(pred), name);
  });
});

describe('the number table of a written month', () => {
  const C = 2 ** NUMBER_CHUNK_BITS;
  /** Seqs the number table lists, and the seqs with a number below the newest chunk: always the same. */
  const agree = (store: SqliteStore, month = '2026-11'): void => {
    const { db, table } = store.records.writer.on(month);
    const max = db.prepare(`SELECT max(seq) FROM ${table}`).pluck().get() as number;
    const listed = db.prepare(`SELECT seq FROM ${table}_numbers ORDER BY seq`).pluck().all();
    const want = db.prepare(`SELECT seq FROM ${table} WHERE msisdn IS NOT NULL AND seq < ? ORDER BY seq`).pluck().all(numberChunkStart(max));
    assert.deepEqual(listed, want, `after seq ${max}`);
    // Every listed entry is its record's bucket and number.
    assert.equal(db.prepare(`SELECT count(*) FROM ${table}_numbers n JOIN ${table} r ON r.seq = n.seq WHERE n.bucket = r.seq >> ${NUMBER_BUCKET_BITS} AND n.msisdn = r.msisdn`).pluck().get(), listed.length);
  };

  test('after every commit it lists exactly the records below the newest chunk, whatever the transaction sizes', () => {
    const store = new SqliteStore(':memory:');
    // Sizes that end short of, exactly at, just past and far past chunk ends; some records without a number.
    const sizes = [1, C - 2, 1, 1, 1, C, 3 * C + 17, 5, C - 22, 2_000, 1, 7_000];
    let i = 0;
    for (const k of sizes) {
      store.db.transaction(() => {
        for (let j = 0; j < k; j++, i++) store.records.writer.append(i % 11 === 0 ? { ...record(i), msisdn: null } : record(i));
      })();
      agree(store);
    }
    const n = i;
    for (const num of [numberOf(11), '+8613900000001', numberOf(3)]) {
      const want = expected((x) => x % 11 !== 0 && numberOf(x) === num, n);
      for (const limit of [5, 333]) assert.deepEqual(walk(store, { msisdn: num }, limit), want, `${num}, pages of ${limit}`);
      // The tail alone, a bucket alone, and a window across the tail's start.
      const tail = numberChunkStart(n);
      const at = (seq: number): number => NOV + (seq - 1) * 1000;
      for (const [lo, hi] of [[tail, n + 1], [1, C], [tail - 100, tail + 100]]) {
        const got = walk(store, { msisdn: num, from: at(lo), to: at(hi) }, 7);
        assert.deepEqual(got, want.filter((s) => s >= lo && s < hi), `${num} in seqs ${lo}..${hi}`);
      }
      // Windows that end or begin exactly at a record of the number, below the tail and in it.
      for (const s of [want.find((x) => x < tail && x > C), want.find((x) => x < C), want[0]].filter((x) => x !== undefined) as number[]) {
        assert.equal(walk(store, { msisdn: num, to: at(s) + 1 }, 3)[0], s, `${num} up to seq ${s}`);
        assert.equal(walk(store, { msisdn: num, from: at(s) }, 1_000).at(-1), s, `${num} from seq ${s}`);
      }
      assert.deepEqual(store.records.writer.byNumber('2026-11', 'seq', '', num).map((r) => r[0] as number).sort((a, b) => b - a), want, `byNumber ${num}`);
    }
    void store.close();
  });

  test('a read in one snapshot keeps the number table a sealing drops meanwhile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smsguard-numbers-snap-'));
    try {
      const path = join(dir, 's.db');
      const store = new SqliteStore(path);
      store.db.transaction(() => { for (let i = 0; i < 2 * C + 10; i++) store.records.writer.append(record(i)); })();
      const w = store.records.writer;
      const { db } = w.on('2026-11');
      const want = expected((x) => numberOf(x) === numberOf(11), 2 * C + 10);
      const got = w.consistently(db, () => {
        assert.equal(numberIndexOf(db, 'records_2026_11'), 'batched');
        // Another connection seals the month (as a sealing thread would) while this one reads.
        const other = openMonth(path, '2026-11', false);
        other.db.exec('BEGIN IMMEDIATE; DROP TABLE records_2026_11_numbers; CREATE INDEX records_2026_11_msisdn ON records_2026_11 (msisdn) WHERE msisdn IS NOT NULL; COMMIT;');
        other.db.close();
        // Still the schema of the snapshot: without one this reads 'flat', and a read that checked the
        // schema before the drop and ran its statements after would find no number table.
        assert.equal(numberIndexOf(db, 'records_2026_11'), 'batched', 'the snapshot still has the number table');
        return walk(store, { msisdn: numberOf(11) }, 50);
      });
      assert.deepEqual(got, want, 'the snapshot read through the number table');
      assert.equal(numberIndexOf(db, 'records_2026_11'), 'flat');
      assert.deepEqual(walk(store, { msisdn: numberOf(11) }, 50), want, 'and afterwards through the flat index');
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a month made with the bucketed index keeps it while written, answers the same, and seals', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smsguard-numbers-old-'));
    try {
      const path = join(dir, 'o.db');
      let store = new SqliteStore(path);
      store.db.transaction(() => { for (let i = 0; i < 3_000; i++) store.records.writer.append(record(i)); })();
      await store.close();
      // The layout of months made 2026-12-04 to 12-05: no number table, the (seq bucket, msisdn) index.
      const m = openMonth(path, '2026-11', false);
      m.db.exec(`DROP TABLE records_2026_11_numbers; CREATE INDEX records_2026_11_msisdnb ON records_2026_11 (seq >> ${NUMBER_BUCKET_BITS}, msisdn) WHERE msisdn IS NOT NULL;`);
      m.db.close();
      store = new SqliteStore(path);
      store.db.transaction(() => { for (let i = 3_000; i < 3_000 + 2 * C; i++) store.records.writer.append(record(i)); })();
      const { db } = store.records.writer.on('2026-11');
      assert.equal(numberIndexOf(db, 'records_2026_11'), 'bucketed');
      assert.equal(db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'records_2026_11_numbers'").get(), undefined, 'no number table made for it');
      const n = 3_000 + 2 * C;
      for (const num of [numberOf(11), '+8613900000001']) assert.deepEqual(walk(store, { msisdn: num }, 9), expected((x) => numberOf(x) === num, n), num);
      store.db.transaction(() => store.records.writer.append(record(n, DEC)))();
      await store.records.writer.sealed();
      assert.equal(numberIndexOf(store.records.writer.on('2026-11').db, 'records_2026_11'), 'flat');
      assert.deepEqual(walk(store, { msisdn: numberOf(11) }, 50).filter((x) => x <= n), expected((x) => numberOf(x) === numberOf(11), n));
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('number buckets on disk', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'smsguard-numbers-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a month seals on a thread of its own once a later month is written', async () => {
    const path = join(dir, 'a.db');
    const store = new SqliteStore(path);
    store.db.transaction(() => { for (let i = 0; i < 5_000; i++) store.records.writer.append(record(i)); })();
    store.db.transaction(() => store.records.writer.append(record(5_000, DEC)))();
    await store.records.writer.sealed();
    assert.equal(store.records.writer.lastSealError, null);
    assert.equal(numberIndexOf(store.records.writer.on('2026-11').db, 'records_2026_11'), 'flat');
    assert.deepEqual(walk(store, { msisdn: '+8613900000001' }, 10), [8]);
    await store.close();
  });

  test('a process that exits while a month seals leaves it whole; the next writer seals it', async () => {
    const path = join(dir, 'b.db');
    // A child fills November, writes one December record (which starts sealing November on a
    // worker thread) and exits at once, mid-sort if the sort is still running.
    const child = `
      import { SqliteStore } from ${JSON.stringify(new URL('../../../src/store/sqlite/index.ts', import.meta.url).href)};
      const rec = (i, at) => ({ id: 'msg_' + i, at, kind: 'mt', contentProviderId: 'cp_' + (i % 3), msisdn: '+86138' + String((i * 7919993) % 99991).padStart(8, '0'), ref: 'msg_' + i, body: { i } });
      const store = new SqliteStore(${JSON.stringify(path)});
      store.db.transaction(() => { for (let i = 0; i < 200000; i++) store.records.writer.append(rec(i, ${NOV} + i)); })();
      store.db.transaction(() => store.records.writer.append(rec(200000, ${DEC})))();
      process.exit(0);
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', child], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    const m = openMonth(path, '2026-11', false);
    assert.ok(['batched', 'flat'].includes(numberIndexOf(m.db, m.table)!), 'one number index or the other, never none');
    assert.equal(m.db.prepare('SELECT count(*) FROM records_2026_11').pluck().get(), 200_000);
    m.db.close();
    const store = new SqliteStore(path);
    assert.ok((await verifyChains(store.records.archive!, { month: '2026-11' })).ok, 'the chain is intact');
    store.db.transaction(() => store.records.writer.append(record(200_001, DEC + 1000)))();
    await store.records.writer.sealed();
    assert.equal(numberIndexOf(store.records.writer.on('2026-11').db, 'records_2026_11'), 'flat');
    // +8613800000000 is record 0's number, and every 99,991st record's after it (the child's numbering).
    assert.deepEqual(store.records.writer.byNumber('2026-11', 'seq', 'ORDER BY seq', '+8613800000000').map((x) => x[0]), [1, 99_992, 199_983]);
    await store.close();
  });
});
