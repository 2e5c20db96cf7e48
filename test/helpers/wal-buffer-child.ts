/**
 * For test/unit/store/wal-buffer.test.ts: commits COMMITS transactions of 200 rows to DB through the
 * WAL-buffering VFS, saying `COMMITTED n` after each, then begins one that spills pages into the WAL
 * (a cache of 10 pages) and says `SPILLING`, and waits there to be killed.
 * With `fill` instead of COMMITS: commits of 20 rows until one fails (run it under a file-size limit),
 * saying `COMMITTED n` after each and then `FAILED <code>`; checkpoints off, so only the WAL grows.
 * Usage: node --import tsx test/helpers/wal-buffer-child.ts DB COMMITS|fill
 */
import Database from 'better-sqlite3';
import { useWalBuffer } from '../../src/store/sqlite/wal-buffer.js';

const [path, commitsS] = process.argv.slice(2);
if (!useWalBuffer()) throw new Error('the WAL-buffering VFS did not load');
const db = new Database(path);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('cache_size = 10');
db.exec('CREATE TABLE IF NOT EXISTS t (k INTEGER PRIMARY KEY, v TEXT NOT NULL); CREATE INDEX IF NOT EXISTS t_v ON t (v)');
const ins = db.prepare('INSERT INTO t (v) VALUES (?)');
const row = () => `${Math.random().toString(36)}${'x'.repeat(200)}`;
if (commitsS === 'fill') {
  // a write past the limit fails with EFBIG instead of the signal ending the process
  process.on('SIGXFSZ', () => undefined);
  db.pragma('wal_autocheckpoint = 0');
  // small commits with room in the cache: their frames reach the file only when each commits (no
  // spill, no full buffer), so the limit is crossed by a commit's own write-out
  db.pragma('cache_size = -8192');
  for (let c = 1; ; c++) {
    try {
      db.transaction(() => { for (let i = 0; i < 20; i++) ins.run(row()); })();
    } catch (e) {
      process.stdout.write(`FAILED ${(e as { code?: string }).code}\n`);
      process.exit(0);
    }
    process.stdout.write(`COMMITTED ${c}\n`);
  }
}
for (let c = 1; c <= Number(commitsS); c++) {
  db.transaction(() => { for (let i = 0; i < 200; i++) ins.run(row()); })();
  process.stdout.write(`COMMITTED ${c}\n`);
}
db.exec('BEGIN');
for (let i = 0; i < 5000; i++) ins.run(row());
process.stdout.write('SPILLING\n');
// hold the transaction open until killed
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
