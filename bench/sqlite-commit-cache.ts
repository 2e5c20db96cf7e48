/**
 * Diagnostic, not a figure: what a commit costs once SQLite's page cache has filled, with the
 * 256 MiB cache the main file used to ask for against the settings in src/store/sqlite/tuning.ts
 * (PAGE_CACHE_KIB and a memory map). Each configuration gets a fresh file under 1 GiB: a 160 MB
 * table read once (which fills the cache), then commits of ROWS inserts into a table with an index
 * on random keys, so that page splits happen as they do in the gateway's indexes. Why the cache size
 * matters is in tuning.ts. Prints one JSON line per configuration, in one run (compare them, not runs).
 * Usage: node --import tsx bench/sqlite-commit-cache.ts [COMMITS] [ROWS]
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MMAP_BYTES, PAGE_CACHE_KIB } from '../src/store/sqlite/tuning.js';

const commits = Number(process.argv[2] ?? 2000);
const rows = Number(process.argv[3] ?? 20);
const dir = mkdtempSync(join(tmpdir(), 'smsguard-commit-cache-'));

function run(cacheKib: number, mmap: number): { usPerCommit: number; usPerRow: number } {
  const path = join(dir, `t-${cacheKib}-${mmap}.db`);
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`cache_size = -${cacheKib}`);
    db.pragma(`mmap_size = ${mmap}`);
    db.exec('CREATE TABLE big (id INTEGER PRIMARY KEY, k TEXT, pad BLOB); CREATE INDEX big_k ON big (k); CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT, v INTEGER); CREATE INDEX t_k ON t (k)');
    const fill = db.prepare('INSERT INTO big (k, pad) VALUES (?, randomblob(800))');
    db.transaction(() => { for (let i = 0; i < 200_000; i++) fill.run(String(Math.random())); })();
    db.pragma('wal_checkpoint(TRUNCATE)');
    // Read everything once: the cache (or the map) now holds the file, as a long-running gateway's would.
    db.prepare('SELECT count(*), sum(length(pad)) FROM big').get();
    db.prepare('SELECT count(*) FROM big INDEXED BY big_k WHERE k > ?').get('0');
    const ins = db.prepare('INSERT INTO t (k, v) VALUES (?, ?)');
    const tx = db.transaction((n: number) => { for (let i = 0; i < n; i++) ins.run(Math.random().toString(36), i); });
    for (let w = 0; w < 100; w++) tx(rows);
    const t0 = process.hrtime.bigint();
    for (let w = 0; w < commits; w++) tx(rows);
    const us = Number(process.hrtime.bigint() - t0) / 1e3 / commits;
    return { usPerCommit: Math.round(us), usPerRow: +(us / rows).toFixed(2) };
  } finally {
    db.close();
    rmSync(path, { force: true });
    rmSync(`${path}-wal`, { force: true });
    rmSync(`${path}-shm`, { force: true });
  }
}

try {
  for (const [label, cacheKib, mmap] of [['256 MiB cache, no map', 262_144, 0], [`${PAGE_CACHE_KIB / 1024} MiB cache, map`, PAGE_CACHE_KIB, MMAP_BYTES]] as const) {
    process.stdout.write(`${JSON.stringify({ config: label, commits, rowsPerCommit: rows, ...run(cacheKib, mmap) })}\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
