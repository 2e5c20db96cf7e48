/**
 * Facet buckets (month-files.ts): the provider, port and rule indexes of a month are keyed by
 * (seq bucket of 16,384 records, value), and a page by a facet probes bucket after bucket. What must
 * hold: every page, cursor and time window answers exactly the rows a plain filter would, across
 * bucket boundaries, for values in every bucket, in one, or in none; the archive's provider
 * look-ups (counts, holds) see every bucket; and a month made before facet buckets (value-only
 * indexes) still answers the same rows through its own indexes.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../../src/store/sqlite/index.js';
import { facetBucket } from '../../../src/store/sqlite/month-files.js';
import type { NewRecord } from '../../../src/store/sqlite/records-writer.js';
import type { LegalHold, RecordQuery } from '../../../src/ports/store.js';

const NOV = Date.parse('2026-11-02T00:00:00Z');
const N = 40_000; // three buckets: seq 1..16383, 16384..32767, 32768..40000

interface Row { seq: number; at: number; cp: string; port: string; rule: string | null }

function record(i: number): NewRecord {
  const rejected = i % 10 === 0;
  // cp_rare only in the first bucket, cp_late only in the last one
  const cp = i === 5 ? 'cp_rare' : i === N - 3 ? 'cp_late' : `cp_${i % 7}`;
  return {
    id: `msg_${i}`, at: NOV + i * 1000, kind: 'mt', contentProviderId: cp, msisdn: `+86138${String(i % 500).padStart(8, '0')}`, ref: `msg_${i}`,
    body: { from: `1069000${i % 5}`, type: 'verification', decision: rejected ? 'rejected' : 'accepted', code: rejected ? 'frequency_exceeded' : null, verdicts: rejected ? [{ rule: i % 20 === 0 ? 'frequency.verification' : 'content.keywords', outcome: 'fail' }] : [] },
  };
}

function fill(store: SqliteStore): Row[] {
  const rows: Row[] = [];
  store.db.transaction(() => {
    for (let i = 0; i < N; i++) store.records.writer.append(record(i));
  })();
  for (let i = 0; i < N; i++) {
    const r = record(i);
    const b = r.body as { from: string; verdicts: { rule: string }[] };
    rows.push({ seq: i + 1, at: r.at, cp: r.contentProviderId!, port: b.from, rule: b.verdicts[0]?.rule ?? null });
  }
  return rows;
}

/** Every page of a query, following cursors: the seqs in page order, and how many pages. */
function walk(store: SqliteStore, q: Omit<RecordQuery, 'limit' | 'cursor'>, limit: number): { seqs: number[]; pages: number } {
  const seqs: number[] = [];
  let cursor: string | undefined;
  let pages = 0;
  for (;;) {
    const p = store.records.writer.query({ ...q, limit, cursor });
    pages++;
    seqs.push(...p.records.map((r) => r.seq));
    assert.ok(p.records.length <= limit);
    if (!p.nextCursor) break;
    cursor = p.nextCursor;
    assert.ok(pages < 10_000, 'pages end');
  }
  return { seqs, pages };
}

const expected = (rows: Row[], f: (r: Row) => boolean): number[] => rows.filter(f).map((r) => r.seq).sort((a, b) => b - a);

const cases: [string, Omit<RecordQuery, 'limit' | 'cursor'>, (r: Row) => boolean][] = [
  ['a provider in every bucket', { contentProviderId: 'cp_3' }, (r) => r.cp === 'cp_3'],
  ['a provider only in the first bucket', { contentProviderId: 'cp_rare' }, (r) => r.cp === 'cp_rare'],
  ['a provider only in the last bucket', { contentProviderId: 'cp_late' }, (r) => r.cp === 'cp_late'],
  ['a provider absent from the month', { contentProviderId: 'cp_none' }, () => false],
  ['a port', { port: '10690002' }, (r) => r.port === '10690002'],
  ['a rule', { rule: 'frequency.verification' }, (r) => r.rule === 'frequency.verification'],
  ['provider and rule', { contentProviderId: 'cp_0', rule: 'content.keywords' }, (r) => r.cp === 'cp_0' && r.rule === 'content.keywords'],
  ['a port in a time window across a bucket boundary', { port: '10690001', from: NOV + 15_000_000, to: NOV + 18_000_000 }, (r) => r.port === '10690001' && r.at >= NOV + 15_000_000 && r.at < NOV + 18_000_000],
  ['a provider and a number (the number index leads)', { contentProviderId: 'cp_2', msisdn: '+8613800000016' }, (r) => r.cp === 'cp_2' && r.seq % 500 === 17 % 500],
];

function checkAll(store: SqliteStore, rows: Row[]): void {
  for (const [name, q, f] of cases) {
    const want = expected(rows, f);
    for (const limit of [7, 100, 5000]) {
      const got = walk(store, q, limit);
      assert.deepEqual(got.seqs, want, `${name}, pages of ${limit}`);
    }
  }
}

describe('facet buckets', () => {
  let dir: string;
  let store: SqliteStore;
  let rows: Row[];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'smsguard-facets-'));
    store = new SqliteStore(join(dir, 'g.db'));
    rows = fill(store);
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the month spans three buckets and has facet-bucket indexes', () => {
    assert.equal(store.records.writer.hasFacetBuckets('2026-11'), true);
    assert.deepEqual(store.records.writer.facetBucketRange('2026-11'), { lo: facetBucket(1), hi: facetBucket(N) });
    assert.equal(facetBucket(N) - facetBucket(1), 2);
  });

  test('every page, cursor and window answers exactly what a plain filter does', () => checkAll(store, rows));

  test('the archive counts and holds a provider in every bucket', async () => {
    const arch = store.records.archive;
    assert.equal(await arch.countProvider('cp_3', NOV, NOV + N * 1000), rows.filter((r) => r.cp === 'cp_3').length);
    assert.equal(await arch.countProvider('cp_3', NOV + 10_000_000, NOV + 30_000_000), rows.filter((r) => r.cp === 'cp_3' && r.at >= NOV + 10_000_000 && r.at < NOV + 30_000_000).length);
    const hold = (id: string, contentProviderId: string): LegalHold => ({ id, contentProviderId, msisdn: null, reason: 'inspection', createdAt: NOV, createdBy: 'test', releasedAt: null, releasedBy: null });
    const held = await arch.heldSeqs('2026-11', [hold('h1', 'cp_late'), hold('h2', 'cp_4')]);
    assert.deepEqual(held.filter((h) => h.holdId === 'h1').map((h) => h.seq), [N - 2]);
    assert.deepEqual(held.filter((h) => h.holdId === 'h2').map((h) => h.seq).sort((a, b) => a - b), rows.filter((r) => r.cp === 'cp_4').map((r) => r.seq));
  });

  test('a month made before facet buckets is read through its value-only indexes, with the same answers', async () => {
    await store.close();
    const file = join(dir, 'g.records-2026-11.db');
    const m = new Database(file);
    m.exec(`DROP INDEX records_2026_11_cpb; DROP INDEX records_2026_11_portb; DROP INDEX records_2026_11_ruleb;
      CREATE INDEX records_2026_11_cp ON records_2026_11 (content_provider_id) WHERE content_provider_id IS NOT NULL;
      CREATE INDEX records_2026_11_port ON records_2026_11 (port) WHERE port IS NOT NULL;
      CREATE INDEX records_2026_11_rule ON records_2026_11 (rule) WHERE rule IS NOT NULL;`);
    m.close();
    store = new SqliteStore(join(dir, 'g.db'));
    const w = store.records.writer;
    assert.equal(w.hasFacetBuckets('2026-11'), false);
    assert.equal(w.facetBucketRange('2026-11'), null);
    const p = w.pageSql('2026-11', { limit: 10, port: '10690002' }, 100)!;
    assert.equal(p.buckets, undefined);
    const plan = (w.on('2026-11').db.prepare(`EXPLAIN QUERY PLAN ${p.sql}`).all(...p.args, 11) as { detail: string }[]).map((r) => r.detail).join(' | ');
    assert.match(plan, /INDEX records_2026_11_port \(port=\? AND (seq|rowid)<\?\)/);
    checkAll(store, rows);
    assert.equal(await store.records.archive.countProvider('cp_3', NOV, NOV + N * 1000), rows.filter((r) => r.cp === 'cp_3').length);
  });
});
