/**
 * Keyset pages stay fast at any size because every filter is answered from an index in seq order:
 * proven with EXPLAIN QUERY PLAN (the plan, not a timing): no full scan for selective filters, and no
 * temporary B-tree sort for any page query.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import type { RecordsWriter } from '../../../src/store/sqlite/records-writer.js';
import type { RecordQuery } from '../../../src/ports/store.js';

const NOV = Date.parse('2026-11-02T00:00:00Z');

describe('record page queries use indexes', () => {
  let store: SqliteStore;
  let w: RecordsWriter;
  before(() => {
    store = new SqliteStore(':memory:');
    w = store.records.writer;
    store.db.transaction(() => {
      for (let i = 0; i < 3000; i++) {
        const rejected = i % 10 === 0;
        w.append({
          id: `msg_${i}`, at: NOV + i * 1000, kind: i % 3 === 0 ? 'status' : 'mt', contentProviderId: `cp_${i % 7}`, msisdn: `+86138${String(i % 500).padStart(8, '0')}`, ref: `msg_${i}`,
          body: { from: `1069000${i % 5}`, to: `+86138${String(i % 500).padStart(8, '0')}`, type: 'verification', decision: rejected ? 'rejected' : 'accepted', code: rejected ? 'frequency_exceeded' : null, verdicts: rejected ? [{ rule: 'frequency.verification', outcome: 'fail' }] : [] },
        });
      }
    })();
  });
  after(() => store.close());

  const plan = (q: Partial<RecordQuery>, cursor: number | null = 2500): string => {
    const p = w.pageSql('2026-11', { limit: 100, ...q }, cursor);
    assert.ok(p, 'a query');
    const rows = w.on('2026-11').db.prepare(`EXPLAIN QUERY PLAN ${p.sql}`).all(...(p.buckets ? [p.buckets.hi] : []), ...p.args, 101) as { detail: string }[];
    return rows.map((r) => r.detail).join(' | ');
  };

  const cases: [string, Partial<RecordQuery>, RegExp][] = [
    // The month being written keeps its numbers in a table by seq bucket (month-files.ts NumberIndex,
    // `batched`); each seq it lists is then a rowid probe. Sealed: number-buckets.test.ts.
    ['number', { msisdn: '+8613800000007' }, /USING INTEGER PRIMARY KEY \(rowid=\?\) \| LIST SUBQUERY 1 \| SEARCH records_2026_11_numbers USING PRIMARY KEY \(bucket=\? AND msisdn=\? AND seq<\?\)/],
    ['number and provider: the number leads', { msisdn: '+8613800000007', contentProviderId: 'cp_0' }, /USING INTEGER PRIMARY KEY \(rowid=\?\) \| LIST SUBQUERY 1 \| SEARCH records_2026_11_numbers USING PRIMARY KEY \(bucket=\? AND msisdn=\? AND seq<\?\)/],
    // Facets: one facet bucket per query (its first parameter), the value, then seq order from the index.
    ['content provider', { contentProviderId: 'cp_3' }, /USING (COVERING )?INDEX records_2026_11_cpb \(<expr>=\? AND content_provider_id=\? AND (seq|rowid)<\?\)/],
    ['port', { port: '10690003' }, /USING (COVERING )?INDEX records_2026_11_portb \(<expr>=\? AND port=\? AND (seq|rowid)<\?\)/],
    ['rule', { rule: 'frequency.verification' }, /USING (COVERING )?INDEX records_2026_11_ruleb \(<expr>=\? AND rule=\? AND (seq|rowid)<\?\)/],
    ['port in a time range', { port: '10690003', from: NOV + 100_000, to: NOV + 200_000 }, /USING (COVERING )?INDEX records_2026_11_portb \(<expr>=\? AND port=\? AND (seq|rowid)>\? AND (seq|rowid)<\?\)/],
    // GET /v1/messages by clientRef alone (src/app/message-list.ts): a provider's submissions in at most 24 hours.
    ['a provider\'s submissions in a time range', { contentProviderId: 'cp_3', kind: 'mt', from: NOV + 100_000, to: NOV + 200_000 }, /USING (COVERING )?INDEX records_2026_11_cpb \(<expr>=\? AND content_provider_id=\? AND (seq|rowid)>\? AND (seq|rowid)<\?\)/],
    ['time range', { from: NOV + 100_000, to: NOV + 200_000 }, /USING INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)/],
    ['number in a time range', { msisdn: '+8613800000007', from: NOV + 100_000, to: NOV + 200_000 }, /SEARCH records_2026_11_numbers USING PRIMARY KEY \(bucket=\? AND msisdn=\? AND seq>\? AND seq<\?\)/],
    ['a province (a long list of providers): walk seq backwards, filter', { contentProviderIds: Array.from({ length: 40 }, (_, i) => `cp_${i}`) }, /(SCAN|SEARCH) records_2026_11( USING INTEGER PRIMARY KEY \(rowid<\?\))?$/],
    ['type and decision (dense: walk seq backwards)', { type: 'verification', decision: 'accepted', kind: 'mt' }, /(SCAN|SEARCH) records_2026_11( USING INTEGER PRIMARY KEY \(rowid<\?\))?/],
  ];
  for (const [name, q, expected] of cases) {
    test(name, () => {
      const p = plan(q);
      assert.match(p, expected);
      assert.doesNotMatch(p, /TEMP B-TREE/, 'never sorts');
    });
  }

  test("by number, the newest chunk (not in the number table yet) is a seq range, read backwards, never sorted", () => {
    for (const q of [{ msisdn: '+8613800000007' }, { msisdn: '+8613800000007', contentProviderId: 'cp_0', kind: 'mt' as const }]) {
      const p = w.pageSql('2026-11', { limit: 100, ...q }, 2500)!;
      assert.ok(p.tail, 'a tail query');
      const t = (w.on('2026-11').db.prepare(`EXPLAIN QUERY PLAN ${p.tail.sql}`).all(...p.tail.args, 101) as { detail: string }[]).map((r) => r.detail).join(' | ');
      assert.match(t, /^SEARCH records_2026_11 USING INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)$/);
    }
  });

  test('a few providers: one page per provider, merged, same rows as the long-list walk', () => {
    const few = w.query({ limit: 50, contentProviderIds: ['cp_1', 'cp_4'] });
    const many = w.query({ limit: 50, contentProviderIds: ['cp_1', 'cp_4', ...Array.from({ length: 20 }, (_, i) => `none_${i}`)] });
    assert.deepEqual(few.records.map((r) => r.seq), many.records.map((r) => r.seq));
    assert.ok(few.records.every((r) => r.contentProviderId === 'cp_1' || r.contentProviderId === 'cp_4'));
    const next = w.query({ limit: 50, contentProviderIds: ['cp_1', 'cp_4'], cursor: few.nextCursor! });
    assert.ok(next.records[0].seq < few.records[49].seq);
  });

  test('the time range really is turned into a seq range (same rows as a plain filter)', () => {
    const q = { from: NOV + 100_000, to: NOV + 200_000, limit: 1000 };
    const got = w.query(q).records.map((r) => r.seq);
    assert.equal(got.length, 100);
    assert.ok(got.every((s, i) => i === 0 || got[i - 1] > s));
    const all = w.query({ limit: 1000, kind: undefined }).records.concat(w.query({ limit: 1000, cursor: w.query({ limit: 1000 }).nextCursor! }).records);
    assert.ok(all.length >= 2000);
  });

  test('a month whose clock stepped back falls back to an exact filter', () => {
    const s = new SqliteStore(':memory:');
    const x = s.records.writer;
    x.append({ id: 'a', at: NOV + 5000, kind: 'audit', contentProviderId: null, msisdn: null, ref: null, body: { action: 'x' } });
    x.append({ id: 'b', at: NOV + 1000, kind: 'audit', contentProviderId: null, msisdn: null, ref: null, body: { action: 'x' } });
    x.append({ id: 'c', at: NOV + 9000, kind: 'audit', contentProviderId: null, msisdn: null, ref: null, body: { action: 'x' } });
    assert.equal(x.isMonotonic('2026-11'), false);
    assert.deepEqual(x.query({ limit: 10, from: NOV, to: NOV + 2000 }).records.map((r) => r.id), ['b']);
    assert.deepEqual(x.query({ limit: 10, from: NOV + 4000, to: NOV + 10_000 }).records.map((r) => r.id), ['c', 'a']);
    void s.close();
  });
});

test('time bounds and chain summaries are index probes, not scans', () => {
  const s = new SqliteStore(':memory:');
  s.records.writer.append({ id: 'a', at: NOV, kind: 'audit', contentProviderId: null, msisdn: null, ref: null, body: {} });
  // (Both in one statement would be `SCAN … USING COVERING INDEX`: every row read.)
  for (const sql of ['SELECT min(at) FROM records_2026_11', 'SELECT max(at) FROM records_2026_11', 'SELECT min(seq) FROM records_2026_11']) {
    const plan = (s.records.writer.on('2026-11').db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
    assert.match(plan, /^SEARCH records_2026_11/, `${sql}: ${plan}`);
  }
  void s.close();
});
