/**
 * The writer keeps each month's chain tip in memory; these are the ways it could go stale, and the
 * chain must still verify after each: a rolled-back transaction, another connection (a CLI process)
 * appending to the same month, and another connection opening a new month.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { verifyChains } from '../../../src/app/records-verify.js';
import type { NewRecord } from '../../../src/store/sqlite/records-writer.js';
import { assertChainsHold } from '../../helpers/records.js';

const NOV = Date.parse('2026-11-10T00:00:00Z');
const DEC = Date.parse('2026-12-10T00:00:00Z');
const rec = (id: string, at: number): NewRecord => ({ id, at, kind: 'audit', contentProviderId: null, msisdn: null, ref: null, body: { action: 'test', id } });

async function allSeqs(s: SqliteStore): Promise<number[]> {
  return (await s.records.queryRecords({ limit: 1000 })).records.map((r) => r.seq).sort((a, b) => a - b);
}

test('a rolled-back transaction leaves no hole in the chain', async () => {
  const s = new SqliteStore(':memory:');
  const w = s.records.writer;
  s.db.transaction(() => { w.append(rec('a', NOV)); w.append(rec('b', NOV + 1)); })();
  assert.throws(() => s.db.transaction(() => { w.append(rec('c', NOV + 2)); throw new Error('caller fails'); })());
  // A nested savepoint rolled back inside a transaction that commits.
  s.db.transaction(() => {
    w.append(rec('d', NOV + 3));
    try { s.db.transaction(() => { w.append(rec('e', NOV + 4)); throw new Error('inner'); })(); } catch { /* caller carries on */ }
    w.append(rec('f', NOV + 5));
  })();
  w.append(rec('g', NOV + 6));
  const ids = (await s.records.queryRecords({ limit: 100 })).records.map((r) => r.id).reverse();
  assert.deepEqual(ids, ['a', 'b', 'd', 'f', 'g']);
  assert.deepEqual(await allSeqs(s), [1, 2, 3, 4, 5]);
  await assertChainsHold(s.records.archive);
  await s.close();
});

test('two connections (gateway and CLI) appending to one file keep one chain and one seq', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smsguard-wc-'));
  try {
    const a = new SqliteStore(join(dir, 'g.db'));
    const b = new SqliteStore(join(dir, 'g.db'));
    a.records.writer.append(rec('a1', NOV));
    a.db.transaction(() => a.records.writer.append(rec('a2', NOV + 1)))();
    b.records.writer.append(rec('b1', NOV + 2));
    a.db.transaction(() => { a.records.writer.append(rec('a3', NOV + 3)); a.records.writer.append(rec('a4', NOV + 4)); })();
    b.records.writer.append(rec('b2', NOV + 5));
    // b opens December; a, which last saw November, must follow it there.
    b.records.writer.append(rec('b3', DEC));
    a.db.transaction(() => a.records.writer.append(rec('a5', NOV + 6)))();
    assert.deepEqual(await allSeqs(a), [1, 2, 3, 4, 5, 6, 7, 8]);
    const months = (await a.records.archive.chains()).map((c) => [c.chain, c.firstSeq, c.lastSeq]);
    assert.deepEqual(months, [['2026-11', 1, 6], ['2026-12', 7, 8]]);
    await assertChainsHold(a.records.archive);
    await b.close();
    await a.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('one writer per connection', () => {
  const s = new SqliteStore(':memory:');
  assert.throws(() => new (s.records.writer.constructor as new (db: unknown) => unknown)(s.db), /one RecordsWriter per connection/);
  void s.close();
});

test('exotic characters in chained columns verify (store-built bytes fall back to the exact path)', async () => {
  const s = new SqliteStore(':memory:');
  const w = s.records.writer;
  w.append({ id: 'x"\\\u0001\u001fé😀\u2028', at: NOV, kind: 'audit', contentProviderId: 'cp_"q"', msisdn: null, ref: '\t\n', body: { text: '退订\u0000😀', n: 1.5e-7 } });
  w.append(rec('after', NOV + 1));
  await assertChainsHold(s.records.archive, 2);
  await s.close();
});

test('an append that fails inside a transaction that goes on leaves the chain tip where it was', async () => {
  const s = new SqliteStore(':memory:');
  const w = s.records.writer;
  s.db.transaction(() => {
    w.append(rec('a', NOV));
    // NOT NULL id: the INSERT fails after the hash was computed; the caller catches and commits.
    assert.throws(() => w.append({ ...rec('bad', NOV + 1), id: null as unknown as string }));
    w.append(rec('b', NOV + 2));
  })();
  await assertChainsHold(s.records.archive, 2);
  await s.close();
});

test('the body is stored as TEXT, exactly JSON.stringify of the record body', () => {
  const s = new SqliteStore(':memory:');
  const body = { text: '【示例】验证码 123456 😀', nested: { a: [1, null, 'x"y'] } };
  s.records.writer.append({ ...rec('t', NOV), body });
  const row = s.records.writer.on('2026-11').db.prepare("SELECT typeof(body) AS t, body FROM records_2026_11 WHERE id = 't'").get() as { t: string; body: string };
  assert.equal(row.t, 'text');
  assert.equal(row.body, JSON.stringify(body));
  void s.close();
});

test('a tip whose stored hash was cut short in the file: appends go on, verify names the edited record', async () => {
  const s = new SqliteStore(':memory:');
  const w = s.records.writer;
  w.append(rec('a', NOV));
  w.append(rec('b', NOV + 1));
  w.on('2026-11').db.exec("DROP TRIGGER records_2026_11_no_update; UPDATE records_2026_11 SET hash = substr(hash, 1, 31) WHERE id = 'b'");
  w.append(rec('c', NOV + 2));
  w.append(rec('d', NOV + 3));
  const v = await verifyChains(s.records.archive);
  assert.equal(v.ok, false);
  assert.equal(v.chains[0].failure?.reason, 'hash_mismatch');
  assert.equal(v.chains[0].failure?.id, 'b');
  await s.close();
});
