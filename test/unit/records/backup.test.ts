/**
 * A backup of a SQLite store while it is written: the main file and every live month, into a folder
 * that opens as a store of its own. What it must guarantee: the copy verifies; the main file is
 * copied before the months, so a month may hold records the copied main file does not know yet but
 * never the reverse; a month purged (unlinked) while the backup runs is still copied if the copied
 * main file lists it; it refuses what would overwrite or make no sense.
 */
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { backupSqlite } from '../../../src/store/sqlite/backup.js';
import type { NewRecord } from '../../../src/store/sqlite/records-writer.js';
import { assertChainsHold, uncommittedAudits } from '../../helpers/records.js';

const OCT = Date.parse('2026-10-10T00:00:00Z');
const NOV = Date.parse('2026-11-10T00:00:00Z');
const rec = (id: string, at: number): NewRecord => ({ id, at, kind: 'mt', contentProviderId: 'cp_1', msisdn: '+8613800138000', ref: id, body: { text: id } });

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'smsguard-backup-'));
  path = join(dir, 'g.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function fill(s: SqliteStore, prefix: string, at: number, n: number): void {
  s.db.transaction(() => {
    for (let i = 0; i < n; i++) s.records.writer.append(rec(`${prefix}${i}`, at + i));
  })();
}

const counts = async (s: SqliteStore): Promise<Record<string, number>> =>
  Object.fromEntries((await s.records.archive.chains()).map((c) => [c.chain, c.count]));

test('the copy holds the main file and every month, opens as a store and verifies', async () => {
  const s = new SqliteStore(path);
  s.db.prepare("INSERT INTO content_providers (id, name, credit_code, status, created_at) VALUES ('cp_1', '示例', '91350100M000100Y43', 'active', 0)").run();
  fill(s, 'o', OCT, 300);
  fill(s, 'n', NOV, 200);
  writeFileSync(join(dir, 'records-signing.key'), 'not a real key', { mode: 0o600 });
  const out = join(dir, 'copy');
  const seen: string[] = [];
  const r = await backupSqlite(s.db, out, { signingKey: join(dir, 'records-signing.key'), progress: (w) => seen.push(w) });
  assert.deepEqual(seen, ['main', '2026-10', '2026-11'], 'main first, then the months in order');
  assert.deepEqual(r.months, ['2026-10', '2026-11']);
  assert.deepEqual(r.files.map((f) => f.what), ['main', '2026-10', '2026-11', 'signing key']);
  for (const f of r.files) assert.equal(statSync(f.path).size, f.bytes);
  assert.equal(statSync(join(out, 'records-signing.key')).mode & 0o777, 0o600);
  const before = await counts(s);
  await s.close();

  const c = new SqliteStore(r.main);
  assert.deepEqual(await counts(c), before);
  assert.ok(await c.directory.getContentProvider('cp_1'), 'main file content copied');
  await assertChainsHold(c.records.archive);
  // The copy is a store: it takes new records on its chain.
  c.records.writer.append(rec('after', NOV + 1000));
  await assertChainsHold(c.records.archive);
  await c.close();
});

test('records written while the backup runs: the months are copied after the main file, never before', async () => {
  const s = new SqliteStore(path);
  fill(s, 'n', NOV, 100);
  // Another connection to the same file (as the gateway beside a CLI backup) writes between the copies.
  const gw = new SqliteStore(path);
  const r = await backupSqlite(s.db, join(dir, 'copy'), {
    progress: (w) => {
      if (w === '2026-11') fill(gw, 'late', NOV + 500, 50);
    },
  });
  await gw.close();
  await s.close();
  const c = new SqliteStore(r.main);
  // The 50 late records committed to the month after the main file was copied: the month copy has
  // them, above the copied main file's commit mark, and the copy says its main file lacks their effect.
  assert.equal((await counts(c))['2026-11'], 150);
  assert.deepEqual((await uncommittedAudits(c.records)).map((x) => [x.month, x.fromSeq, x.toSeq]), [['2026-11', 101, 150]]);
  await assertChainsHold(c.records.archive);
  await c.close();
});

test('a month unlinked by a purge while the backup runs is still copied when the copied main file lists it', async () => {
  const s = new SqliteStore(path);
  fill(s, 'o', OCT, 40);
  fill(s, 'n', NOV, 10);
  const r = await backupSqlite(s.db, join(dir, 'copy'), {
    progress: (w) => {
      // After the main copy: the month's files go (what a purge in another process does last).
      if (w === '2026-10') for (const x of ['', '-wal', '-shm']) rmSync(join(dir, `g.records-2026-10.db${x}`), { force: true });
    },
  });
  assert.equal(existsSync(join(dir, 'g.records-2026-10.db')), false);
  assert.ok(existsSync(join(dir, 'copy', 'g.records-2026-10.db')));
  await s.close();
  const c = new SqliteStore(r.main);
  assert.deepEqual(await counts(c), { '2026-10': 40, '2026-11': 10 });
  await assertChainsHold(c.records.archive);
  await c.close();
});

test('refused: a database in memory, the database\'s own folder, a folder holding a copy', async () => {
  const m = new SqliteStore(':memory:');
  await assert.rejects(backupSqlite(m.db, join(dir, 'x')), /in memory/);
  await m.close();
  const s = new SqliteStore(path);
  fill(s, 'n', NOV, 3);
  await assert.rejects(backupSqlite(s.db, dir), /own folder/);
  await backupSqlite(s.db, join(dir, 'copy'));
  await assert.rejects(backupSqlite(s.db, join(dir, 'copy')), /already holds a copy/);
  // A folder holding a signing key of its own (another deployment's): never overwritten.
  writeFileSync(join(dir, 'records-signing.key'), 'ours', { mode: 0o600 });
  mkdirSync(join(dir, 'other'));
  writeFileSync(join(dir, 'other', 'records-signing.key'), 'theirs', { mode: 0o600 });
  await assert.rejects(backupSqlite(s.db, join(dir, 'other'), { signingKey: join(dir, 'records-signing.key') }), /already holds a copy \(records-signing\.key\)/);
  assert.equal(readFileSync(join(dir, 'other', 'records-signing.key'), 'utf8'), 'theirs');
  await s.close();
});
