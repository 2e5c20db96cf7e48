/**
 * The records writer's native path: `smsguard_chain_append` (native/chain-links.c) appends a whole
 * batch inside SQLite, rendering each record's header and forging its link. It must write exactly what the JavaScript
 * path writes (the same rows, bytes and hashes, so one verifier holds both), hand a batch it cannot
 * render with certainty back to the JavaScript path whole, and leave the chain tip right after it.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { RECORD_COLUMNS, type NewRecord } from '../../../src/store/sqlite/records-writer.js';
import { nativeForgePath } from '../../../src/store/sqlite/native-links.js';
import { verifyChains } from '../../../src/app/records-verify.js';

const NOV = Date.parse('2026-11-02T00:00:00Z');
const DEC = Date.parse('2026-12-02T00:00:00Z');

/** Appends `batches` (one transaction each) with the writer's native path on, or off (the store's `nativeWrite`). */
function write(batches: NewRecord[][], native: boolean): SqliteStore {
  const s = new SqliteStore(':memory:', { nativeWrite: native });
  for (const b of batches) s.db.transaction(() => { for (const r of b) s.records.writer.append(r); })();
  return s;
}

const rows = (s: SqliteStore, month: string): unknown[] =>
  s.records.writer.on(month).db.prepare(`SELECT ${RECORD_COLUMNS}, typeof(body) AS bodyType FROM records_${month.replace('-', '_')} ORDER BY seq`).all();

const mt = (id: string, at: number, over: Partial<NewRecord> = {}): NewRecord => ({
  id, at, kind: 'mt', contentProviderId: 'cp_1', msisdn: '+8613800138000', ref: id,
  body: { from: '10690001', to: '+8613800138000', type: 'verification', decision: 'accepted', code: null, text: '【示例】验证码 123456 😀', n: [1, -0, 2.5, null] },
  ...over,
});

describe('forging links natively', () => {
  const skip = (t: { skip(m: string): void }) => {
    if (nativeForgePath()) return false;
    if (process.env.CI === 'true') assert.fail('the native extension must be built in CI');
    t.skip('not built here');
    return true;
  };

  test('writes exactly the rows, bytes and hashes of the JavaScript path, and uses the extension to do it', async (t) => {
    if (skip(t)) return;
    const batches: NewRecord[][] = [
      Array.from({ length: 50 }, (_, i) => mt(`msg_${i}`, NOV + i)),
      [mt('mo_1', NOV + 100, { kind: 'mo', msisdn: '中国移动', contentProviderId: null, body: { to: '10690001', text: 'TD' } })],
      [mt('a_0', NOV + 200, { kind: 'audit', contentProviderId: null, msisdn: null, ref: null, body: { action: 'records.export', at: 0 } })],
      [mt('msg_neg', -1, {}), mt('msg_zero', 0, {})], // routed to the newest month, at below its tip: at_monotonic cleared
      [mt('msg_dec', DEC, {}), mt('msg_dec2', DEC + 1, { ref: null, msisdn: null })], // a new month
    ];
    const a = write(batches, false);
    const b = write(batches, true);
    for (const month of ['2026-11', '2026-12']) assert.deepEqual(rows(b, month), rows(a, month), month);
    assert.equal(a.records.writer.nativeBatches, 0, 'the JavaScript store never appended natively');
    assert.equal(b.records.writer.nativeBatches, batches.length, 'every batch appended natively');
    for (const s of [a, b]) {
      assert.equal((await verifyChains(s.records.archive)).ok, true);
      await s.close();
    }
  });

  test('a batch the extension cannot render is written whole by the JavaScript path; the chain goes on natively', async (t) => {
    if (skip(t)) return;
    const batches: NewRecord[][] = [
      [mt('msg_1', NOV + 1), mt('msg_2', NOV + 2)],
      [mt('msg_3', NOV + 3), mt('msg_"quoted"', NOV + 4, { msisdn: 'a\\b\n' }), mt('msg_5', NOV + 5)],
      [mt('msg_6', NOV + 6), mt('msg_7', NOV + 7)],
    ];
    const a = write(batches, false);
    const b = write(batches, true);
    assert.deepEqual(rows(b, '2026-11'), rows(a, '2026-11'));
    assert.equal((rows(b, '2026-11') as unknown[]).length, 7);
    assert.equal(b.records.writer.nativeBatches, 2, 'the batches before and after the refused one were appended natively');
    for (const s of [a, b]) {
      assert.equal((await verifyChains(s.records.archive)).ok, true);
      await s.close();
    }
  });

  test('a batch that fails in SQLite after forging some links: SQLite\'s error, nothing kept, the next batch chains from the table', async (t) => {
    if (skip(t)) return;
    const s = write([[mt('msg_1', NOV + 1)]], true);
    const w = s.records.writer;
    const month = w.on('2026-11').db;
    month.exec("CREATE TRIGGER boom BEFORE INSERT ON records_2026_11 WHEN NEW.id = 'boom' BEGIN SELECT RAISE(ABORT, 'boom'); END");
    // msg_2 is inserted and its link forged, then boom fails its INSERT: the batch rolls back.
    assert.throws(() => s.db.transaction(() => { w.append(mt('msg_2', NOV + 2)); w.append(mt('boom', NOV + 3)); })(), /boom/);
    s.db.transaction(() => w.append(mt('msg_3', NOV + 4)))();
    assert.deepEqual(month.prepare('SELECT seq, id FROM records_2026_11 ORDER BY seq').raw().all(), [[1, 'msg_1'], [2, 'msg_3']]);
    assert.equal((await verifyChains(s.records.archive)).ok, true);
    await s.close();
  });

  test('the extension refuses a malformed call or batch with its own prefix and writes nothing', async (t) => {
    if (skip(t)) return;
    const s = write([[mt('msg_1', NOV + 1)]], true);
    const db = s.records.writer.on('2026-11').db;
    const tip = db.prepare('SELECT hash FROM records_2026_11 WHERE seq = 1').pluck().get() as Buffer;
    const call = (...a: unknown[]) => db.prepare('SELECT smsguard_chain_append(?, ?, ?, ?)').pluck().get(...a);
    const rec = (text: string, mask = 0, at = NOV + 2): Buffer => {
      const t = Buffer.from(text, 'utf8');
      const b = Buffer.alloc(14 + t.length);
      b.writeDoubleLE(at, 0);
      b.writeUInt16LE(mask, 8);
      b.writeUInt32LE(t.length, 10);
      t.copy(b, 14);
      return b;
    };
    const good = 'msg_2\u0000mt\u0000cp_1\u0000+8613800138000\u0000msg_2\u000010690001\u0000verification\u0000accepted\u0000\u0000{"a":1}';
    const refusals: [string, unknown[]][] = [
      ['a tip that is not 32 bytes', ['records_2026_11', 2, tip.subarray(0, 31), rec(good, 256)]],
      ['a seq that is not an integer', ['records_2026_11', 2.5, tip, rec(good, 256)]],
      ['a truncated batch', ['records_2026_11', 2, tip, rec(good, 256).subarray(0, 20)]],
      ['too few fields', ['records_2026_11', 2, tip, rec('msg_2\u0000mt\u0000{}', 0)]],
      ['a NUL in a field (the body then holds one)', ['records_2026_11', 2, tip, rec(`msg\u0000_2\u0000${good.slice(6)}`, 256)]],
      ['a quote in a header field', ['records_2026_11', 2, tip, rec(good.replace('msg_2', 'msg"2'), 256)]],
      ['a null field with text', ['records_2026_11', 2, tip, rec(good, 4)]],
      ['an at that is not an integer', ['records_2026_11', 2, tip, rec(good, 256, NOV + 0.5)]],
    ];
    db.exec('BEGIN');
    for (const [name, args] of refusals) assert.throws(() => call(...args), { message: /^smsguard_chain_append:/ }, name);
    assert.equal(Buffer.isBuffer(call('records_2026_11', 2, tip, rec(good, 256))), true, 'the well-formed batch is appended');
    db.exec('ROLLBACK');
    assert.equal(db.prepare('SELECT count(*) FROM records_2026_11').pluck().get(), 1);
    await s.close();
  });

  test('property: any text in the header columns, both paths write the same rows and verify', async (t) => {
    if (skip(t)) return;
    const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 12 }), fc.constantFrom('"', '\\', '\n', '\u2028', '\u007f', '中国移动', '😀', '\ud800', 'a\udc00b', '😀'.slice(0, 1)));
    await fc.assert(fc.asyncProperty(fc.array(fc.array(fc.tuple(text, fc.option(text), fc.integer({ min: -1e6, max: 1e6 })), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 6 }), async (spec) => {
      let k = 0;
      const batches = spec.map((b) => b.map(([id, msisdn, dt]) => mt(`${id}#${k++}`, NOV + 5_000_000 + dt, { msisdn, ref: msisdn, body: { text: id, from: msisdn ?? undefined } })));
      const a = write(batches, false);
      const b = write(batches, true);
      try {
        assert.deepEqual(rows(b, '2026-11'), rows(a, '2026-11'));
        assert.equal((await verifyChains(b.records.archive)).ok, true);
      } finally {
        await a.close();
        await b.close();
      }
    }), { numRuns: 60 });
  });
});
