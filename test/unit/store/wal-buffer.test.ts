import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { useWalBuffer } from '../../../src/store/sqlite/wal-buffer.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const built = existsSync(join(ROOT, 'build/native/chain-links.so'));
/** The tests below are of the VFS: skipped where it is not built. */
const off = !built ? 'native library not built' : false;

/** A database path in a fresh directory, removed after the test. */
function tempPath(t: { after(fn: () => void): void }, name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'walbuf-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, name);
}

/** Rows of `t` in a database opened anew (recovering its WAL), after SQLite's integrity check passed. */
function rowsWhenReopened(path: string): number {
  const db = new Database(path);
  try {
    assert.equal(db.prepare('PRAGMA integrity_check').pluck().get(), 'ok');
    return db.prepare('SELECT count(*) FROM t').pluck().get() as number;
  } finally {
    db.close();
  }
}

test('the WAL-buffering VFS is in use wherever the native library is built', () => {
  // the store passes its `walBuffer` (SMSGUARD_WAL_BUFFER through the configuration); on by default
  assert.equal(useWalBuffer(), built);
});

test('through the WAL-buffering VFS: every commit is seen by another connection as soon as it returns, and the file stays whole', { skip: off }, (t) => {
  useWalBuffer();
  const path = tempPath(t, 'a.db');
  const w = new Database(path);
  w.pragma('journal_mode = WAL');
  w.pragma('synchronous = NORMAL');
  // a small cache: pages spill into the WAL inside transactions and are read back from it
  w.pragma('cache_size = 20');
  const r = new Database(path);
  w.exec('CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL); CREATE INDEX t_v ON t (v)');
  const ins = w.prepare('INSERT INTO t (v) VALUES (?)');
  const upd = w.prepare('UPDATE t SET v = ? WHERE k = ?');
  const count = r.prepare('SELECT count(*) FROM t').pluck();
  const sum = r.prepare('SELECT sum(length(v)) FROM t').pluck();
  let rows = 0;
  let bytes = 0;
  for (let c = 0; c < 60; c++) {
    // transactions of every size: a few frames, and more than a buffer's 128 KiB
    const n = c % 3 === 0 ? 2000 : 1 + (c % 7);
    w.transaction(() => {
      for (let i = 0; i < n; i++) {
        const v = `${c}:${i}:${'y'.repeat(i % 300)}`;
        ins.run(v);
        bytes += v.length;
      }
      // pages written again within the transaction
      if (rows > 0) { const v = `u${c}`; const k = 1 + (c * 7919) % rows; const old = r.prepare('SELECT length(v) FROM t WHERE k = ?').pluck().get(k) as number; upd.run(v, k); bytes += v.length - old; }
    })();
    rows += n;
    assert.equal(count.get(), rows, `after commit ${c}`);
    assert.equal(sum.get(), bytes, `after commit ${c}`);
  }
  // a rolled-back transaction leaves nothing behind, the next one commits over its frames
  w.exec('BEGIN');
  for (let i = 0; i < 3000; i++) ins.run(`gone ${i}`);
  w.exec('ROLLBACK');
  w.transaction(() => ins.run('after the rollback'))();
  rows += 1;
  assert.equal(count.get(), rows);
  assert.equal(w.prepare('PRAGMA integrity_check').pluck().get(), 'ok');
  w.close();
  r.close();
  assert.equal(rowsWhenReopened(path), rows);
});

test('through the WAL-buffering VFS: a process killed inside a transaction loses that transaction and nothing committed', { skip: off }, async (t) => {
  const path = tempPath(t, 'k.db');
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/wal-buffer-child.ts', path, '25'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => child.kill('SIGKILL'));
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no SPILLING: ${out} ${err}`)), 60_000);
    child.stdout.on('data', (d) => { out += d; if (out.includes('SPILLING')) { clearTimeout(timer); resolve(); } });
    child.once('exit', (c) => { clearTimeout(timer); reject(new Error(`child exited ${c}: ${err}`)); });
  });
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  assert.match(out, /COMMITTED 25\n/);
  assert.equal(rowsWhenReopened(path), 25 * 200);
});

test('through the WAL-buffering VFS: a commit whose frames cannot be written fails, and every commit that returned is kept', { skip: off }, async (t) => {
  // The WAL outgrows a file-size limit (ulimit -f, KiB) in the middle of a commit: the buffer's write
  // fails inside the commit frame's xWrite, so the commit must throw, not return with frames lost.
  const path = tempPath(t, 'f.db');
  const child = spawn('bash', ['-c', 'ulimit -f 1024 && exec "$0" --import tsx test/helpers/wal-buffer-child.ts "$1" fill', process.execPath, path], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => child.kill('SIGKILL'));
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.equal(code, 0, err);
  const failed = /FAILED (\S+)/.exec(out);
  assert.ok(failed, `no commit failed: ${out.slice(-200)} ${err}`);
  assert.match(failed[1], /^SQLITE_(IOERR|FULL)/);
  const committed = [...out.matchAll(/COMMITTED (\d+)/g)].length;
  // ~1 MiB of WAL: some commits went through before the limit
  assert.ok(committed > 0);
  assert.equal(rowsWhenReopened(path), committed * 20);
});
