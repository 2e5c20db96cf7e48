/**
 * Each month of records is a file beside the main database. What that must guarantee: a purge
 * removes the month's file (and nothing the retained chain still needs); records commit before the
 * main file, so a failed main commit can leave records of a decision that took no effect but never a
 * decision without records; databases written with month tables in the main file are moved out on
 * open; a file left behind by a crash is removed (purged month) or adopted (unregistered month).
 */
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { monthSchema } from '../../../src/store/sqlite/month-files.js';
import type { NewRecord } from '../../../src/store/sqlite/records-writer.js';
import { assertChainsHold, uncommittedAudits } from '../../helpers/records.js';

const OCT = Date.parse('2026-10-10T00:00:00Z');
const NOV = Date.parse('2026-11-10T00:00:00Z');
const rec = (id: string, at: number, msisdn: string | null = null): NewRecord => ({ id, at, kind: 'mt', contentProviderId: 'cp_1', msisdn, ref: id, body: { text: id } });

let dir: string;
let path: string;
const fileOf = (month: string): string => join(dir, `g.records-${month}.db`);

/** Writes `n` records `${prefix}0…` from `at` on in one transaction of a store opened and closed here. */
async function writeRecords(prefix: string, n: number, at: number): Promise<void> {
  const s = new SqliteStore(path);
  s.db.transaction(() => { for (let i = 0; i < n; i++) s.records.writer.append(rec(`${prefix}${i}`, at + i)); })();
  await s.close();
}

/** Changes the main file behind the store's back (what a crash or an older version left). */
function editMain(sql: string): void {
  const main = new Database(path);
  main.exec(sql);
  main.close();
}

/** Appends inside a transaction whose main commit then fails (a deferred foreign key), after the records were written. */
function failMainCommit(s: SqliteStore, append: () => void): void {
  s.db.exec('CREATE TABLE IF NOT EXISTS parent (id TEXT PRIMARY KEY); CREATE TABLE IF NOT EXISTS child (p TEXT REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)');
  assert.throws(() => s.db.transaction(() => {
    s.db.prepare("INSERT INTO child (p) VALUES ('nobody')").run();
    append();
  })(), /FOREIGN KEY/);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'smsguard-months-'));
  path = join(dir, 'g.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('a month purged is a file removed; the records kept move to the retained chain', async () => {
  const s = new SqliteStore(path);
  const w = s.records.writer;
  s.db.transaction(() => {
    for (let i = 0; i < 50; i++) w.append(rec(`o${i}`, OCT + i, `+86138000000${String(i % 10).padStart(2, '0')}`));
  })();
  w.append(rec('n0', NOV));
  assert.ok(existsSync(fileOf('2026-10')) && existsSync(fileOf('2026-11')));
  const oct = (await s.records.archive.chains()).find((c) => c.chain === '2026-10')!;
  const held = await s.records.archive.heldSeqs('2026-10', [{ id: 'h1', msisdn: '+8613800000003', contentProviderId: null, reason: 'case', createdAt: 0, createdBy: 'x', releasedAt: null, releasedBy: null }]);
  assert.equal(held.length, 5);
  const r = await s.records.archive.purgeMonth('2026-10', held.map((h) => h.seq), NOV + 1);
  assert.deepEqual(r.kept, { mt: 5 });
  assert.deepEqual(r.removed, { mt: 45 });
  for (const x of ['', '-wal', '-shm']) assert.equal(existsSync(fileOf('2026-10') + x), false, `g.records-2026-10.db${x} removed`);
  assert.deepEqual(w.liveMonths(), ['2026-11']);
  assert.equal((await s.records.archive.scan('retained', 0, 100)).length, 5);
  // seq stays one global cursor after the month is gone.
  w.append(rec('n1', NOV + 1));
  const seqs = (await s.records.queryRecords({ limit: 10 })).records.map((x) => x.seq);
  assert.deepEqual(seqs.slice(0, 2), [oct.lastSeq + 2, oct.lastSeq + 1]);
  await assertChainsHold(s.records.archive);
  await s.close();
});

test('records commit before the main file: a main commit that fails leaves the records, never the reverse', async () => {
  const s = new SqliteStore(path);
  const w = s.records.writer;
  w.append(rec('first', NOV));
  failMainCommit(s, () => w.append(rec('decided', NOV + 1)));
  assert.equal(s.db.prepare('SELECT count(*) FROM child').pluck().get(), 0, 'the main transaction rolled back');
  const other = new Database(fileOf('2026-11'), { readonly: true });
  assert.deepEqual(other.prepare('SELECT id FROM records_2026_11 ORDER BY seq').pluck().all(), ['first', 'decided']);
  other.close();
  // Said at once: 'decided' (seq 2) is above November's commit mark, its decision took no effect.
  assert.deepEqual((await uncommittedAudits(s.records)).map((x) => [x.month, x.fromSeq, x.toSeq, x.count]), [['2026-11', 2, 2, 1]]);
  // The chain goes on from the record that was committed (and the audit record).
  w.append(rec('next', NOV + 2));
  await assertChainsHold(s.records.archive, 4);
  await s.close();
  // Nothing is said twice: the next open finds every record under its month's mark.
  const again = new SqliteStore(path);
  assert.equal((await uncommittedAudits(again.records)).length, 1);
  await again.close();
});

test('records above the commit mark at open (the process died between the two commits) are said to have taken no effect', async () => {
  await writeRecords('ok', 5, NOV);
  await writeRecords('lost', 3, NOV + 10);
  // As if the process died after the second transaction's month commit and before its main commit.
  editMain("UPDATE records_months SET committed_seq = 5 WHERE month = '2026-11'");
  const b = new SqliteStore(path);
  const [a] = await uncommittedAudits(b.records);
  assert.deepEqual({ month: a.month, fromSeq: a.fromSeq, toSeq: a.toSeq, count: a.count }, { month: '2026-11', fromSeq: 6, toSeq: 8, count: 3 });
  // The message API answers as the sender was told: never accepted.
  assert.equal(await b.messages.getMessage('lost1'), null);
  assert.notEqual(await b.messages.getMessage('ok4'), null);
  // and so does the message list's read of a page (one statement for the page's seqs)
  assert.deepEqual((await b.messages.getMessages(['lost1', 'ok4', 'lost2', 'ok0'])).map((v) => v?.id ?? null), [null, 'ok4', null, 'ok0']);
  await assertChainsHold(b.records.archive, 9);
  await b.close();
  const c = new SqliteStore(path);
  assert.equal((await uncommittedAudits(c.records)).length, 1, 'said once');
  await c.close();
});

test('a month opened by a transaction whose main commit fails: its records are adopted and said to have taken no effect', async () => {
  const s = new SqliteStore(path);
  failMainCommit(s, () => s.records.writer.append(rec('first-of-month', NOV)));
  assert.ok(s.records.writer.liveMonths().includes('2026-11'), 'the month file is adopted');
  assert.deepEqual((await uncommittedAudits(s.records)).map((x) => [x.month, x.fromSeq, x.toSeq]), [['2026-11', 1, 1]]);
  assert.equal(await s.messages.getMessage('first-of-month'), null);
  s.records.writer.append(rec('later', NOV + 1));
  await assertChainsHold(s.records.archive);
  await s.close();
});

test('a reconcile that fails after a failed commit is owed: the next transaction runs it before writing', async () => {
  const s = new SqliteStore(path);
  s.records.writer.append(rec('first', NOV));
  // The reconcile right after the failed commit cannot record its range (table gone): it is owed.
  s.db.exec('ALTER TABLE records_uncommitted RENAME TO kept_aside');
  failMainCommit(s, () => s.records.writer.append(rec('decided', NOV + 1)));
  assert.deepEqual(await uncommittedAudits(s.records), []);
  s.db.exec('ALTER TABLE kept_aside RENAME TO records_uncommitted');
  // The next write says it first, so its own commit mark cannot cover 'decided' unsaid.
  s.records.writer.append(rec('next', NOV + 2));
  assert.deepEqual((await uncommittedAudits(s.records)).map((x) => [x.fromSeq, x.toSeq]), [[2, 2]]);
  assert.equal(await s.messages.getMessage('decided'), null);
  await assertChainsHold(s.records.archive, 4);
  await s.close();
});

test('a month written before commit marks is taken as it is', async () => {
  await writeRecords('m', 3, NOV);
  editMain('UPDATE records_months SET committed_seq = -1');
  const b = new SqliteStore(path);
  assert.deepEqual(await uncommittedAudits(b.records), []);
  assert.equal(b.db.prepare("SELECT committed_seq FROM records_months WHERE month = '2026-11'").pluck().get(), 3);
  await b.close();
});

test('a caller that mutates a record body after appending does not change what is chained', async () => {
  const s = new SqliteStore(path);
  const body: Record<string, unknown> = { text: 'as decided' };
  s.db.transaction(() => {
    s.records.writer.append({ ...rec('m', NOV), body });
    body.text = 'changed later';
  })();
  assert.deepEqual((await s.records.queryRecords({ limit: 1 })).records[0].body, { text: 'as decided' });
  await s.close();
});

test('month tables of the main file (before month files) move to their own files on open', async () => {
  // Build November the current way, then put it back into the main file as older versions kept it.
  await writeRecords('m', 20, NOV);
  const main = new Database(path);
  // (Those versions indexed numbers flat: no number table.)
  main.exec(monthSchema('records_2026_11', '', 'flat'));
  main.prepare('ATTACH ? AS f').run(fileOf('2026-11'));
  main.exec('INSERT INTO main.records_2026_11 SELECT * FROM f.records_2026_11; DETACH f; CREATE VIEW records AS SELECT * FROM records_2026_11');
  main.close();
  rmSync(fileOf('2026-11'));

  const b = new SqliteStore(path);
  assert.ok(existsSync(fileOf('2026-11')));
  assert.equal(b.db.prepare("SELECT count(*) FROM sqlite_master WHERE name IN ('records_2026_11', 'records')").pluck().get(), 0, 'table and view gone from the main file');
  assert.equal(b.db.prepare("SELECT count(*) FROM sqlite_master WHERE name GLOB 'records_2026_11*'").pluck().get(), 0, 'nothing of the month left in the main file');
  await assertChainsHold(b.records.archive, 20);
  b.records.writer.append(rec('after', NOV + 100));
  assert.equal((await b.records.queryRecords({ limit: 1 })).records[0].seq, 21);
  await b.close();
  assert.equal(pageSize(fileOf('2026-11')), 16_384, 'the moved month has 16 KiB pages like every new month');
});

const pageSize = (file: string): number => {
  const d = new Database(file, { readonly: true });
  try {
    return d.pragma('page_size', { simple: true }) as number;
  } finally {
    d.close();
  }
};

test('new month files have 16 KiB pages; a month file made with 4 KiB pages is read and written as it is', async () => {
  const a = new SqliteStore(path);
  a.db.transaction(() => { for (let i = 0; i < 30; i++) a.records.writer.append(rec(`m${i}`, NOV + i)); })();
  await a.close();
  assert.equal(pageSize(fileOf('2026-11')), 16_384);
  // What a month file made before this change looks like: the same content in 4 KiB pages.
  const f = new Database(fileOf('2026-11'));
  f.pragma('journal_mode = DELETE');
  f.pragma('page_size = 4096');
  f.exec('VACUUM');
  f.pragma('journal_mode = WAL');
  f.close();
  assert.equal(pageSize(fileOf('2026-11')), 4096);
  const b = new SqliteStore(path);
  b.db.transaction(() => { for (let i = 30; i < 40; i++) b.records.writer.append(rec(`m${i}`, NOV + i)); })();
  await assertChainsHold(b.records.archive, 40);
  await b.close();
  assert.equal(pageSize(fileOf('2026-11')), 4096, 'an existing month keeps its page size');
});

test('a purged month whose file survived a crash is removed on open; an unregistered month file is adopted', async () => {
  const a = new SqliteStore(path);
  a.records.writer.append(rec('o', OCT));
  a.records.writer.append(rec('n', NOV));
  await a.close();
  // As if the purge committed and the process died before unlinking the file.
  const main = new Database(path);
  main.prepare("UPDATE records_months SET purged_at = 1 WHERE month = '2026-10'").run();
  // As if November was opened in a transaction that rolled back after its records were committed.
  main.prepare("DELETE FROM records_months WHERE month = '2026-11'").run();
  main.close();
  const b = new SqliteStore(path);
  assert.equal(existsSync(fileOf('2026-10')), false);
  assert.ok(b.records.writer.liveMonths().includes('2026-11'));
  assert.ok(!b.records.writer.liveMonths().includes('2026-10'));
  assert.deepEqual((await b.records.queryRecords({ kind: 'mt', limit: 5 })).records.map((r) => r.id), ['n']);
  // No main commit ever carried the adopted month's records: said so.
  assert.deepEqual((await uncommittedAudits(b.records)).map((x) => [x.month, x.count]), [['2026-11', 1]]);
  await b.close();
});

test('a registered month whose file is missing is an error, not an empty month', async () => {
  const a = new SqliteStore(path);
  a.records.writer.append(rec('n', NOV));
  await a.close();
  rmSync(fileOf('2026-11'));
  assert.throws(() => new SqliteStore(path), /records of 2026-11 are missing/);
});

test('a month purged by another process (a CLI purge beside the gateway): the gateway lets go of it and goes on', async () => {
  const gateway = new SqliteStore(path);
  gateway.records.writer.append(rec('o', OCT));
  gateway.records.writer.append(rec('n', NOV));
  assert.deepEqual((await gateway.records.queryRecords({ limit: 5 })).records.map((r) => r.id), ['n', 'o']);
  const cli = new SqliteStore(path);
  await cli.records.archive.purgeMonth('2026-10', [], NOV + 1);
  await cli.close();
  assert.equal(existsSync(fileOf('2026-10')), false);
  assert.deepEqual(gateway.records.writer.liveMonths(), ['2026-11']);
  assert.deepEqual((await gateway.records.queryRecords({ limit: 5 })).records.map((r) => r.id), ['n']);
  gateway.records.writer.append(rec('n2', NOV + 2));
  await assertChainsHold(gateway.records.archive, 2);
  await gateway.close();
});

test('an append inside a transaction opened by hand (not db.transaction) is refused, not silently held', async () => {
  const s = new SqliteStore(path);
  s.db.exec('BEGIN');
  assert.throws(() => s.records.writer.append(rec('x', NOV)), /only be appended inside db\.transaction\(\)/);
  s.db.exec('ROLLBACK');
  assert.throws(() => s.records.writer.append({ ...rec('y', NOV), at: 1.5 }), /at \(integer\)/);
  s.records.writer.append(rec('z', NOV));
  assert.deepEqual((await s.records.queryRecords({ limit: 5 })).records.map((r) => r.id), ['z']);
  await s.close();
});

test('a month marked out of order by a transaction whose main commit fails is marked again by the next one', async () => {
  const s = new SqliteStore(path);
  const w = s.records.writer;
  // within the current month: the audit that reconcile appends after the failed commit is stamped now
  const now = Date.now();
  w.append(rec('first', now - 1000));
  const month = w.liveMonths().at(-1)!;
  failMainCommit(s, () => w.append(rec('earlier', now - 2000)));
  assert.equal(w.isMonotonic(month), true, 'the mark went with the failed commit');
  w.append(rec('earlier-again', now - 3000));
  assert.equal(w.isMonotonic(month), false);
  await s.close();
});
