/**
 * Record pages: filters, keyset cursor on seq, across months newest first (each month in its file). Every filter runs
 * on an index in seq order (test/unit/records/query-plan.test.ts checks the plans), so a page costs
 * a few index probes whatever the size of the month. A page by provider, port or rule in a month with
 * facet buckets (month-files.ts) probes one bucket of 16,384 records after another, newest first,
 * until the page is full: a value found in most buckets costs a few probes, one absent from the month
 * one probe per bucket (611 in a month of 10M records). So does a page by number in the month being
 * written (its number index is by bucket until the month is sealed; month-files.ts `NumberIndex`),
 * after a scan by seq of the newest chunk of 4,096 records, whose numbers are not in it yet.
 */
import type { RecordQuery, RecordRow } from '../../ports/store.js';
import { decodeCursor, encodeCursor } from '../../domain/page-cursor.js';
import { RECORD_COLUMNS, RETAINED, type RecordsWriter } from './records-writer.js';
import { readBody } from '../record-columns.js';
import { FACET_BUCKET_SQL, NUMBER_BUCKET_SQL, facetBucket, numberBucket, numberProbeSql } from './month-files.js';

/** Up to this many providers, a page is one index-ordered query per provider, merged. */
const SPLIT_PROVIDERS = 16;

type RawRow = [number, string, number, RecordRow['kind'], string | null, string | null, string | null, string | null, string | null, string | null, string | null, string, Buffer];

/**
 * One table's page query. With `buckets`, the SQL's first parameter is a bucket: run it for each
 * bucket from `hi` down to `lo` until the page is full. With `tail` (a number in a `batched` month),
 * run that first: the records newer than any the buckets list.
 */
export interface PageSql { sql: string; args: unknown[]; buckets?: { lo: number; hi: number }; tail?: { sql: string; args: unknown[] } }

/**
 * The SQL one table's page runs: filters, the keyset bound, and (for a month whose `at` only ever
 * grew) the time range turned into a seq range through the `at` index, so a time window in the
 * middle of a 10-million-row month costs two index probes, not a scan. Exposed for EXPLAIN tests.
 */
export function pageSql(w: RecordsWriter, chain: string, q: RecordQuery, cursorSeq: number | null): PageSql | null {
  const { db, table: t } = w.on(chain);
  const where: string[] = [];
  const args: unknown[] = [];
  // Seq bounds the page cannot leave (the cursor, a time window), for the facet buckets to probe.
  let loSeq: number | null = null;
  let hiSeq: number | null = cursorSeq === null ? null : cursorSeq - 1;
  // A number leads when given. In a month still written its index is by seq bucket (month-files.ts
  // `NumberIndex`), probed bucket by bucket like the facets; the facets then only filter (`+`).
  const numbers = q.msisdn ? w.numberBucketRange(chain) : null;
  if (numbers === 'empty') return null;
  const facet = numbers ? '+' : '';
  if (q.msisdn) { where.push('msisdn = ?'); args.push(q.msisdn); }
  if (q.contentProviderId) { where.push(`${facet}content_provider_id = ?`); args.push(q.contentProviderId); }
  if (q.contentProviderIds) {
    // A long list (a province): walk seq backwards and filter (`+` keeps the planner off the provider
    // index, which would read every matching row and sort). Short lists are split by queryPage.
    if (q.contentProviderIds.length === 0) return null;
    where.push(`+content_provider_id IN (${q.contentProviderIds.map(() => '?').join(', ')})`);
    args.push(...q.contentProviderIds);
  }
  if (q.port) { where.push(`${facet}port = ?`); args.push(q.port); }
  if (q.kind) { where.push('kind = ?'); args.push(q.kind); }
  if (q.type) { where.push('type = ?'); args.push(q.type); }
  if (q.decision) { where.push('decision = ?'); args.push(q.decision); }
  if (q.rule) { where.push(`${facet}rule = ?`); args.push(q.rule); }
  if (q.from !== undefined || q.to !== undefined) {
    // Two statements: SQLite answers a lone min() or max() from the at index, but scans for both at once.
    const b = [w.cachedOn(db, `SELECT min(at) FROM ${t}`).pluck().get(), w.cachedOn(db, `SELECT max(at) FROM ${t}`).pluck().get()] as [number | null, number | null];
    if (b[0] === null || b[1] === null) return null;
    if (q.from !== undefined && b[1] < q.from) return null;
    if (q.to !== undefined && b[0] >= q.to) return null;
    if (chain !== RETAINED && w.isMonotonic(chain)) {
      if (q.from !== undefined) {
        const lo = w.cachedOn(db, `SELECT seq FROM ${t} WHERE at >= ? ORDER BY at, seq LIMIT 1`).pluck().get(q.from) as number | undefined;
        if (lo === undefined) return null;
        where.push('seq >= ?'); args.push(lo);
        loSeq = lo;
      }
      if (q.to !== undefined) {
        const hi = w.cachedOn(db, `SELECT seq FROM ${t} WHERE at < ? ORDER BY at DESC, seq DESC LIMIT 1`).pluck().get(q.to) as number | undefined;
        if (hi === undefined) return null;
        where.push('seq <= ?'); args.push(hi);
        if (hiSeq === null || hi < hiSeq) hiSeq = hi;
      }
    }
    // `+at`: filter exactly, but never let the planner pick the at index and sort.
    if (q.from !== undefined) { where.push('+at >= ?'); args.push(q.from); }
    if (q.to !== undefined) { where.push('+at < ?'); args.push(q.to); }
  }
  if (cursorSeq !== null) { where.push('seq < ?'); args.push(cursorSeq); }
  // Otherwise a facet leads in a month with facet buckets (a number with a flat index needs no buckets).
  let buckets: PageSql['buckets'];
  let tail: PageSql['tail'];
  const range = numbers ?? (!q.msisdn && (q.contentProviderId || q.port || q.rule) ? w.facetBucketRange(chain) : null);
  if (range === 'empty') return null;
  if (range) {
    const bucketOf = numbers ? numberBucket : facetBucket;
    const lo = loSeq === null ? range.lo : Math.max(range.lo, bucketOf(loSeq));
    const hi = hiSeq === null ? range.hi : Math.min(range.hi, bucketOf(hiSeq));
    if (hi < lo) return null;
    buckets = { lo, hi };
    if (numbers && numbers.tail !== undefined) {
      // A `batched` month (month-files.ts `NumberIndex`): its newest chunk by seq first (the rowid
      // range), then bucket by bucket the seqs its number table lists below that chunk.
      tail = { sql: `SELECT ${RECORD_COLUMNS} FROM ${t} WHERE seq >= ? AND ${where.join(' AND ')} ORDER BY seq DESC LIMIT ?`, args: [numbers.tail, ...args] };
      // The page's seq bounds go into the number table's probe too, as they would into an index's.
      const upper = hiSeq === null ? numbers.tail : Math.min(numbers.tail, hiSeq + 1);
      where.unshift(numberProbeSql(t, loSeq !== null));
      args.unshift(q.msisdn, upper, ...(loSeq === null ? [] : [loSeq]));
    } else where.unshift(`${numbers ? NUMBER_BUCKET_SQL : FACET_BUCKET_SQL} = ?`);
  }
  const sql = `SELECT ${RECORD_COLUMNS} FROM ${t}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
  return buckets ? { sql, args, buckets, ...(tail && { tail }) } : { sql, args };
}

/** Newest first, keyset-paginated on seq across month tables (newest table first, retained last). */
export function queryPage(w: RecordsWriter, q: RecordQuery): { records: RecordRow[]; nextCursor: string | null } {
  const ids = q.contentProviderIds;
  if (ids && ids.length > 0 && ids.length <= SPLIT_PROVIDERS && !q.contentProviderId) {
    // A few providers: one index-ordered page each, merged (each costs index probes, never a sort).
    const pages = ids.map((id) => queryPage(w, { ...q, contentProviderIds: undefined, contentProviderId: id }));
    const merged = pages.flatMap((p) => p.records).sort((a, b) => b.seq - a.seq);
    const more = merged.length > q.limit || pages.some((p) => p.nextCursor !== null);
    const page = merged.slice(0, q.limit);
    return { records: page, nextCursor: more && page.length ? encodeCursor(page[page.length - 1].seq) : null };
  }
  const cursorSeq = q.cursor ? decodeCursor(q.cursor) : null;
  const chains = w.liveMonths().reverse().concat(RETAINED);
  const rows: RawRow[] = [];
  for (const chain of chains) {
    const { db, table } = w.on(chain);
    if (cursorSeq !== null) {
      const min = w.cachedOn(db, `SELECT min(seq) FROM ${table}`).pluck().get() as number | null;
      if (min === null || min >= cursorSeq) continue;
    }
    // By number, in one snapshot: a sealing may drop a month's number table meanwhile (`consistently`).
    const page = (): void => {
      const p = pageSql(w, chain, q, cursorSeq);
      if (!p) return;
      if (p.tail) rows.push(...(w.cachedOn(db, p.tail.sql).raw().all(...p.tail.args, q.limit + 1 - rows.length) as RawRow[]));
      const st = w.cachedOn(db, p.sql).raw();
      if (p.buckets) {
        for (let b = p.buckets.hi; b >= p.buckets.lo && rows.length <= q.limit; b--) rows.push(...(st.all(b, ...p.args, q.limit + 1 - rows.length) as RawRow[]));
      } else rows.push(...(st.all(...p.args, q.limit + 1 - rows.length) as RawRow[]));
    };
    if (q.msisdn && chain !== RETAINED) w.consistently(db, page);
    else page();
    if (rows.length > q.limit) break;
  }
  rows.sort((a, b) => b[0] - a[0]);
  const page = rows.slice(0, q.limit);
  return {
    records: page.map((r) => ({ seq: r[0], id: r[1], at: r[2], kind: r[3], contentProviderId: r[4], msisdn: r[5], ref: r[6], port: r[7], type: r[8], decision: r[9], rule: r[10], body: readBody(r[11]), hash: r[12].toString('hex') })),
    nextCursor: rows.length > q.limit ? encodeCursor(page[page.length - 1][0]) : null,
  };
}
