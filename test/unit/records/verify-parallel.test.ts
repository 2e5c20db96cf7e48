/**
 * The verifier's SQLite fast path (records-links.ts) proves links in chunks on several threads, each
 * chunk starting from the stored hash of the row before it. It must report exactly what the
 * row-by-row verifier reports: the same verdict for an untouched month and for each kind of
 * tampering, whichever thread checked the damaged chunk.
 */
import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { checkLinks } from '../../../src/store/sqlite/records-links.js';
import { verifyChains } from '../../../src/app/records-verify.js';
import { genesisHash } from '../../../src/domain/hash-chain.js';
import type { RecordArchive } from '../../../src/ports/store.js';
import { loadNativeLinks, nativeLinksPath, nativeLinksSql } from '../../../src/store/sqlite/native-links.js';
import { useWorkerBundles } from '../../../src/runtime/worker-script.js';

const NOV = Date.parse('2026-11-03T00:00:00Z');
const ROWS = 5000;
/** Small chunks, and every chunk on a worker (the calling thread would finish this month before one starts). */
let SPLIT = { threads: 2, chunk: 400, parallelMin: 0, callerWorks: false, native: false };

let dir: string;
let path: string;
/** November's records file, beside the main database. */
const novFile = (): string => join(dir, 'g.records-2026-11.db');

async function seed(): Promise<void> {
  const s = new SqliteStore(path);
  const w = s.records.writer;
  s.db.transaction(() => {
    for (let i = 0; i < ROWS; i++) {
      w.append({ id: `msg_${i}`, at: NOV + i * 1000, kind: 'mt', contentProviderId: `cp_${i % 7}`, msisdn: `+86138${String(i % 900).padStart(8, '0')}`, ref: `msg_${i}`, body: { from: `1069${i % 50}`, text: `第${i}条 "quoted" \\ back\nslash ✓ 🙂`, decision: i % 9 ? 'accepted' : 'rejected', code: i % 9 ? null : 'frequency_exceeded' } });
    }
  })();
  await s.close();
}

/** The exact, row-by-row verifier: the same archive without its fast path. */
function exactOnly(a: RecordArchive): RecordArchive {
  return new Proxy(a, { get: (t, k) => (k === 'checkLinks' ? undefined : (Reflect.get(t, k, t) as unknown)), has: (t, k) => k !== 'checkLinks' && Reflect.has(t, k) });
}

function tamper(fn: (db: Database.Database) => void): void {
  const db = new Database(novFile());
  try {
    db.exec('DROP TRIGGER records_2026_11_no_update; DROP TRIGGER records_2026_11_no_delete;');
    fn(db);
  } finally {
    db.close();
  }
}

async function both(): Promise<{ fast: unknown; exact: unknown }> {
  const s = new SqliteStore(path);
  try {
    s.records.archive.linkOptions = SPLIT;
    const fast = await verifyChains(s.records.archive);
    const exact = await verifyChains(exactOnly(s.records.archive));
    return { fast, exact };
  } finally {
    await s.close();
  }
}

// Both fast paths: the native extension (native/chain-links.c, built at install) and the JavaScript one.
for (const native of [true, false]) describe(`parallel link check, ${native ? 'native' : 'JavaScript'} path`, () => {
  beforeEach(async () => {
    SPLIT = { ...SPLIT, native };
    dir = mkdtempSync(join(tmpdir(), 'smsguard-links-'));
    path = join(dir, 'g.db');
    await seed();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('an untouched month is proven whole, on two threads, with progress for every row', async () => {
    const db = new Database(novFile(), { readonly: true });
    const [first, last] = db.prepare('SELECT min(seq), max(seq) FROM records_2026_11').raw().get() as [number, number];
    let done = 0;
    assert.equal(await checkLinks(db, 'records_2026_11', first, genesisHash('2026-11'), first, last, { ...SPLIT, progress: (n) => (done += n) }), null);
    assert.equal(done, ROWS);
    // A range starting mid-month takes the stored hash before it as its predecessor.
    assert.equal(await checkLinks(db, 'records_2026_11', first, genesisHash('2026-11'), first + 1234, last, SPLIT), null);
    // The wrong genesis fails at the first row.
    assert.equal(await checkLinks(db, 'records_2026_11', first, genesisHash('2026-10'), first, last, SPLIT), first);
    db.close();
    const { fast, exact } = await both();
    assert.deepEqual(fast, exact);
    assert.equal((fast as { ok: boolean; checked: number }).ok, true);
    assert.equal((fast as { checked: number }).checked, ROWS);
  });

  test('workers booted through tsx (no bundle) prove the same month', async () => {
    // The fallback path of records-links.ts, when esbuild cannot bundle the worker entry.
    useWorkerBundles(false);
    try {
      const db = new Database(novFile(), { readonly: true });
      const [first, last] = db.prepare('SELECT min(seq), max(seq) FROM records_2026_11').raw().get() as [number, number];
      assert.equal(await checkLinks(db, 'records_2026_11', first, genesisHash('2026-11'), first, last, SPLIT), null);
      db.close();
    } finally {
      useWorkerBundles(true);
    }
  });

  test('workers that fail to start cost time, not a false report: the calling thread checks their chunks', async () => {
    // Found when a worker bundle failed to load: its chunks stayed unmarked and an untouched month
    // was reported broken at its first row.
    const failing = { ...SPLIT, workerEntry: new URL('./fixtures/failing-links-worker.ts', import.meta.url) };
    const db = new Database(novFile(), { readonly: true });
    const [first, last] = db.prepare('SELECT min(seq), max(seq) FROM records_2026_11').raw().get() as [number, number];
    let done = 0;
    assert.equal(await checkLinks(db, 'records_2026_11', first, genesisHash('2026-11'), first, last, { ...failing, progress: (n) => (done += n) }), null);
    assert.equal(done, ROWS);
    db.close();
    tamper((t) => t.prepare("UPDATE records_2026_11 SET body = replace(body, '第3777条', '第3778条') WHERE id = 'msg_3777'").run());
    const again = new Database(novFile(), { readonly: true });
    const seq = again.prepare("SELECT seq FROM records_2026_11 WHERE id = 'msg_3777'").pluck().get() as number;
    assert.equal(await checkLinks(again, 'records_2026_11', first, genesisHash('2026-11'), first, last, failing), seq);
    again.close();
  });

  test('one byte changed deep in the month: that record, on whichever thread', async () => {
    tamper((db) => db.prepare("UPDATE records_2026_11 SET body = replace(body, '第3777条', '第3778条') WHERE id = 'msg_3777'").run());
    const db = new Database(novFile(), { readonly: true });
    const seq = db.prepare("SELECT seq FROM records_2026_11 WHERE id = 'msg_3777'").pluck().get() as number;
    assert.equal(await checkLinks(db, 'records_2026_11', 1, genesisHash('2026-11'), 1, ROWS, SPLIT), seq);
    db.close();
    const { fast, exact } = await both();
    assert.deepEqual(fast, exact);
    assert.equal((fast as { chains: { failure?: { reason: string; id?: string } }[] }).chains[0].failure?.id, 'msg_3777');
  });

  test('a record deleted, two swapped, a hash of the wrong size, a column rewritten: same report as row by row', async () => {
    const cases: [string, (db: Database.Database) => void, string | null][] = [
      ['deleted', (db) => db.prepare("DELETE FROM records_2026_11 WHERE id = 'msg_2500'").run(), 'missing'],
      ['swapped', (db) => {
        const a = db.prepare("SELECT * FROM records_2026_11 WHERE id = 'msg_4100'").get() as Record<string, unknown>;
        const b = db.prepare("SELECT * FROM records_2026_11 WHERE id = 'msg_4101'").get() as Record<string, unknown>;
        const upd = db.prepare('UPDATE records_2026_11 SET id = ?, at = ?, ref = ?, body = ?, hash = ? WHERE seq = ?');
        upd.run(b.id, b.at, b.ref, b.body, b.hash, a.seq);
        upd.run(a.id, a.at, a.ref, a.body, a.hash, b.seq);
      }, 'hash_mismatch'],
      ['short hash', (db) => db.prepare("UPDATE records_2026_11 SET hash = substr(hash, 1, 31) WHERE id = 'msg_1999'").run(), 'hash_mismatch'],
      ['rewritten column', (db) => db.prepare("UPDATE records_2026_11 SET msisdn = '+8613900000000' WHERE id = 'msg_801'").run(), 'hash_mismatch'],
      // Same bytes, another type: the fast paths must not prove what the exact path reads differently.
      // A body turned BLOB keeps the bytes the chain covers: no failure, whichever path proves it.
      ['body turned into a BLOB', (db) => db.prepare("UPDATE records_2026_11 SET body = CAST(body AS BLOB) WHERE id = 'msg_3100'").run(), 'none'],
      ['hash stored as hex text', (db) => db.prepare("UPDATE records_2026_11 SET hash = hex(hash) WHERE id = 'msg_4900'").run(), null],
      ['a number beyond 2^53 in a column JSON renders', (db) => db.prepare("UPDATE records_2026_11 SET at = 9007199254740993 WHERE id = 'msg_10'").run(), null],
      ['a header column holding a quote', (db) => db.prepare("UPDATE records_2026_11 SET ref = 'msg_\"7' WHERE id = 'msg_7'").run(), 'hash_mismatch'],
      ['bytes that are not UTF-8 in a header column', (db) => db.prepare("UPDATE records_2026_11 SET msisdn = CAST(x'2b3836c0af' AS TEXT) WHERE id = 'msg_1500'").run(), 'hash_mismatch'],
      ['Chinese written into a header column', (db) => db.prepare("UPDATE records_2026_11 SET msisdn = '中国移动' WHERE id = 'msg_1600'").run(), 'hash_mismatch'],
    ];
    for (const [name, fn, reason] of cases) {
      rmSync(dir, { recursive: true, force: true });
      dir = mkdtempSync(join(tmpdir(), 'smsguard-links-'));
      path = join(dir, 'g.db');
      await seed();
      tamper(fn);
      const { fast, exact } = await both();
      assert.deepEqual(fast, exact, name);
      const failure = (fast as { chains: { failure?: { reason: string } }[] }).chains[0].failure;
      if (reason === 'none') {
        assert.equal(failure, undefined, name);
        continue;
      }
      assert.ok(failure, name);
      if (reason) assert.equal(failure.reason, reason, name);
    }
  });
});

describe('the native extension', () => {
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'smsguard-links-'));
    new Database(join(dir, 'empty.db')).close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('the native extension is built and loads (required in CI; skipped where no C compiler built it)', (t) => {
    const p = nativeLinksPath();
    if (!p && process.env.CI !== 'true') return t.skip('not built here (no C compiler at install?)');
    assert.ok(p, 'build/native/chain-links.so (npm install runs scripts/build-native.mjs)');
    const db = new Database(join(dir, 'empty.db'), { readonly: true });
    try {
      assert.equal(loadNativeLinks(db, p), true);
    } finally {
      db.close();
    }
  });

  test('the aggregate itself: 0 for a proven range, else the first seq not proven; NULL for no rows', async (t) => {
    const ext = nativeLinksPath();
    if (!ext) return t.skip('not built here');
    path = join(dir, 'g.db');
    await seed();
    // Chinese in a header column (an MO from an alphanumeric sender) is written by JSON.stringify as
    // it is: proven in place. A quote in one is escaped: left to the exact path (the record is intact,
    // and the whole verify says so, but the aggregate does not prove it).
    const s = new SqliteStore(path);
    s.db.transaction(() => {
      s.records.writer.append({ id: 'mo_中国移动', at: NOV + ROWS * 1000, kind: 'mo', contentProviderId: null, msisdn: '中国移动', ref: 'mo_中国移动', body: { text: '你好' } });
      s.records.writer.append({ id: 'msg_"q"', at: NOV + ROWS * 1000 + 1, kind: 'mt', contentProviderId: 'cp_1', msisdn: null, ref: 'msg_"q"', body: { text: 'x' } });
    })();
    assert.equal((await verifyChains(s.records.archive)).ok, true);
    await s.close();
    const db = new Database(novFile(), { readonly: true });
    try {
      assert.equal(loadNativeLinks(db, ext), true);
      const st = db.prepare(nativeLinksSql('records_2026_11')).pluck();
      const seqOf = (id: string) => db.prepare('SELECT seq FROM records_2026_11 WHERE id = ?').pluck().get(id) as number;
      const hashOf = (seq: number) => db.prepare('SELECT hash FROM records_2026_11 WHERE seq = ?').pluck().get(seq) as Buffer;
      const run = (prev: Uint8Array, lo: number, hi: number) => st.get(prev, lo, hi, lo, hi);
      const g = genesisHash('2026-11');
      const first = seqOf('msg_0');
      const bad = seqOf('msg_"q"');
      assert.equal(seqOf('mo_中国移动'), bad - 1);
      assert.equal(run(g, first, bad - 1), 0, 'the row with Chinese in its header is proven');
      assert.equal(run(g, first, bad), bad);
      assert.equal(run(g, first + 10, first + 20), first + 10); // the genesis is not row 10's predecessor
      assert.equal(run(Buffer.alloc(31), first, first + 5), first); // a prev that is not 32 bytes
      assert.equal(run(hashOf(first + ROWS - 11), first + ROWS - 10, first + ROWS - 1), 0);
      assert.equal(run(hashOf(first + ROWS - 11), first + ROWS - 10, bad + 5), bad); // stops at the quote
      assert.equal(run(hashOf(first + 99), first + 100, first + 200), 0);
      assert.equal(run(g, bad + 100, bad + 200), null);
    } finally {
      db.close();
    }
    // Rows missing at the end of a range: proven up to them, then the first missing seq.
    tamper((x) => x.prepare("DELETE FROM records_2026_11 WHERE id = 'msg_\"q\"'").run());
    const db2 = new Database(novFile(), { readonly: true });
    try {
      assert.equal(loadNativeLinks(db2, ext), true);
      const last = db2.prepare('SELECT max(seq) FROM records_2026_11').pluck().get() as number;
      const prev = db2.prepare('SELECT hash FROM records_2026_11 WHERE seq = ?').pluck().get(last - 10) as Buffer;
      assert.equal(db2.prepare(nativeLinksSql('records_2026_11')).pluck().get(prev, last - 9, last + 5, last - 9, last + 5), last + 1);
    } finally {
      db2.close();
    }
  });

  test('property: any text in the header columns, the native path proves exactly the rows the exact verifier accepts', async (t) => {
    const ext = nativeLinksPath();
    if (!ext) return t.skip('not built here');
    // Unicode of every plane, quotes, backslashes, control characters, U+2028: each record intact.
    const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 12 }), fc.constantFrom('"', '\\', '\n', '\u2028', '\u007f', '中国移动', '😀', '\ud800', 'a\udc00b', '😀'.slice(0, 1)));
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(text, fc.option(text)), { minLength: 1, maxLength: 40 }), async (rows) => {
      const p = join(dir, `p${Math.random().toString(36).slice(2)}.db`);
      const s = new SqliteStore(p);
      try {
        s.db.transaction(() => rows.forEach(([a, b], i) => s.records.writer.append({ id: `r${i}_${a}`, at: NOV + i, kind: 'mo', contentProviderId: b, msisdn: a, ref: b, body: { text: a } })))();
        const native = await verifyChains(s.records.archive);
        s.records.archive.linkOptions = { native: false };
        const js = await verifyChains(s.records.archive);
        const exact = await verifyChains(exactOnly(s.records.archive));
        assert.deepEqual(native, exact);
        assert.deepEqual(js, exact);
        assert.equal(exact.ok, true, JSON.stringify(exact));
      } finally {
        await s.close();
      }
    }), { numRuns: 40 });
  });

  test('an extension that cannot be loaded leaves the JavaScript path, no error', () => {
    const db = new Database(join(dir, 'empty.db'), { readonly: true });
    try {
      assert.equal(loadNativeLinks(db, join(dir, 'missing-chain-links.so')), false);
      // Asked again, the answer is remembered per connection (no second dlopen).
      assert.equal(loadNativeLinks(db, join(dir, 'missing-chain-links.so')), false);
    } finally {
      db.close();
    }
  });

});
