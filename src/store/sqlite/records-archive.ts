/**
 * SQLite mechanics of the records' month layout: chain tips, signed heads, legal holds, sealing a
 * month's per-kind counts, and purging a month by unlinking its file (after carrying the records that
 * must stay into the `retained` chain in the main file). Policy (which months, which relationships
 * ended) is the app's.
 */
import type { Db } from './db.js';
import type { KindCounts, LegalHold, MonthPurge, ProviderChainLink, RecordArchive, RecordChainInfo, RecordChainRow, StoredHead, StoredProviderHead } from '../../ports/store.js';
import type { ProviderDigest } from '../../domain/provider-chain.js';
import { SqliteProviderChains } from './provider-chains.js';
import { RECORD_COLUMNS, RECORD_PLACEHOLDERS, RETAINED, type ChainTable, type RecordsWriter } from './records-writer.js';
import { canonicalRetained, chainHash, genesisHash } from '../../domain/hash-chain.js';
import { checkLinks, type LinkOptions } from './records-links.js';
import { subtractCounts } from '../../domain/counts.js';
import { FACET_BUCKET_SQL } from './month-files.js';

interface HoldDb { id: string; msisdn: string | null; content_provider_id: string | null; reason: string; created_at: number; created_by: string; released_at: number | null; released_by: string | null }
const toHold = (r: HoldDb): LegalHold => ({ id: r.id, msisdn: r.msisdn, contentProviderId: r.content_provider_id, reason: r.reason, createdAt: r.created_at, createdBy: r.created_by, releasedAt: r.released_at, releasedBy: r.released_by });

export class SqliteRecordArchive implements RecordArchive {
  /** How `checkLinks` splits its work (threads, rows per chunk, smallest range worth threads); defaults in records-links.ts. */
  linkOptions: LinkOptions = {};

  private readonly providers: SqliteProviderChains;

  constructor(private readonly db: Db, private readonly writer: RecordsWriter) {
    this.providers = new SqliteProviderChains(db, writer);
  }

  advanceProviderDigests(month: string): Promise<ProviderDigest[]> {
    return this.providers.advance(month);
  }

  async chainLinks(month: string, afterSeq: number, limit: number, contentProviderId?: string): Promise<ProviderChainLink[]> {
    return this.providers.chainLinks(month, afterSeq, limit, contentProviderId);
  }

  async providerHeads(q: { month?: string; contentProviderId?: string; latest?: boolean }): Promise<StoredProviderHead[]> {
    return this.providers.heads(q);
  }

  async addProviderHead(h: StoredProviderHead): Promise<void> {
    this.providers.addHead(h);
  }

  private kindCounts({ db, table }: ChainTable, seqs?: number[]): KindCounts {
    const rows = (seqs
      ? db.prepare(`SELECT kind, count(*) AS n FROM ${table} WHERE seq IN (SELECT value FROM json_each(?)) GROUP BY kind`).all(JSON.stringify(seqs))
      : db.prepare(`SELECT kind, count(*) AS n FROM ${table} GROUP BY kind`).all()) as { kind: keyof KindCounts; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.kind, r.n]));
  }

  async pipelineRules(id: string): Promise<readonly string[] | null> {
    const rules = this.db.prepare('SELECT rules FROM pipelines WHERE id = ?').pluck().get(id) as string | undefined;
    return rules === undefined ? null : (JSON.parse(rules) as string[]);
  }

  async countKinds(chain: string, seqs?: number[]): Promise<KindCounts> {
    if (chain !== RETAINED && !this.writer.liveMonths().includes(chain)) return {};
    return this.kindCounts(this.writer.on(chain), seqs);
  }

  async countProvider(contentProviderId: string, from: number, to: number): Promise<number> {
    let n = 0;
    for (const m of [RETAINED, ...this.writer.liveMonths()]) {
      for (const x of this.byProvider(m, 'count(*)', 'AND +at >= ? AND +at < ?', [contentProviderId, from, to])) n += x as number;
    }
    return n;
  }

  async chains(): Promise<RecordChainInfo[]> {
    const out: RecordChainInfo[] = [];
    const sealed = new Map((this.db.prepare('SELECT month, kinds FROM records_months WHERE kinds IS NOT NULL').all() as { month: string; kinds: string }[]).map((r) => [r.month, JSON.parse(r.kinds) as KindCounts]));
    for (const chain of [RETAINED, ...this.writer.liveMonths()]) {
      const ct = this.writer.on(chain);
      const { db, table: t } = ct;
      const first = db.prepare(`SELECT seq FROM ${t} ORDER BY seq LIMIT 1`).pluck().get() as number | undefined;
      if (first === undefined) continue;
      const last = db.prepare(`SELECT seq, hash FROM ${t} ORDER BY seq DESC LIMIT 1`).raw().get() as [number, Buffer];
      const at = chain === RETAINED
        ? (db.prepare(`SELECT min(at), max(at), count(*) FROM ${t}`).raw().get() as [number, number, number])
        // Two statements: SQLite answers a lone min() or max() from the index, but scans for both at once.
        : ([db.prepare(`SELECT min(at) FROM ${t}`).pluck().get() as number, db.prepare(`SELECT max(at) FROM ${t}`).pluck().get() as number, last[0] - first + 1] as [number, number, number]);
      out.push({ chain, firstSeq: first, lastSeq: last[0], count: at[2], minAt: at[0], maxAt: at[1], hash: last[1], kinds: chain === RETAINED ? this.kindCounts(ct) : sealed.get(chain) ?? null });
    }
    return out;
  }

  /**
   * Each live month's commit mark (`records_months.committed_seq`, "Commit order" in docs/RECORDS.md):
   * the month file commits before the main file moves the mark, so the month always holds every
   * record up to it. Months with no mark yet (0, or -1 before migration 090) are left out.
   */
  async recordedTips(): Promise<Map<string, number>> {
    const rows = this.db.prepare('SELECT month, committed_seq FROM records_months WHERE purged_at IS NULL AND committed_seq > 0').raw().all() as [string, number][];
    return new Map(rows);
  }

  async scan(chain: string, afterSeq: number, limit: number): Promise<RecordChainRow[]> {
    return this.writer.scan(chain, afterSeq, limit);
  }

  async scanCanonical(chain: string, afterSeq: number, limit: number): Promise<{ seq: number; canonical: Uint8Array; hash: Uint8Array }[]> {
    return this.writer.scanCanonical(chain, afterSeq, limit);
  }

  /**
   * The verifier's fast path (`LinkProver` in src/app/records-verify.ts; records-links.ts): proves a
   * month's links from `fromSeq` to `toSeq` in batches hashed from the database's bytes, on every
   * core. Returns the first seq not proven, or null.
   */
  async checkLinks(chain: string, firstSeq: number, fromSeq: number, toSeq: number, progress?: (n: number) => void): Promise<number | null> {
    if (chain === RETAINED || !this.writer.liveMonths().includes(chain)) return fromSeq;
    const { db, table } = this.writer.on(chain);
    return checkLinks(db, table, firstSeq, genesisHash(chain), fromSeq, toSeq, { ...this.linkOptions, progress });
  }

  async scanProvider(contentProviderId: string, from: number, to: number, afterSeq: number, limit: number): Promise<RecordChainRow[]> {
    return this.writer.scanProvider(contentProviderId, from, to, afterSeq, limit);
  }

  async heads(): Promise<StoredHead[]> {
    return (this.db.prepare('SELECT * FROM records_heads ORDER BY chain, signed_at, last_seq').all() as Record<string, any>[]).map((r) => ({
      chain: r.chain, firstSeq: r.first_seq, lastSeq: r.last_seq, count: r.count, hash: r.hash, signedAt: r.signed_at, keyId: r.key_id, publicKey: r.public_key, signature: r.signature,
    }));
  }

  async addHead(h: StoredHead): Promise<void> {
    this.db.prepare('INSERT OR IGNORE INTO records_heads (chain, first_seq, last_seq, count, hash, signed_at, key_id, public_key, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(h.chain, h.firstSeq, h.lastSeq, h.count, h.hash, h.signedAt, h.keyId, h.publicKey, h.signature);
  }

  async seal(months: string[]): Promise<void> {
    const live = new Set(this.writer.liveMonths());
    for (const m of months) {
      if (!live.has(m)) continue;
      const done = this.db.prepare('SELECT kinds FROM records_months WHERE month = ?').pluck().get(m);
      if (done) continue;
      const kinds = this.kindCounts(this.writer.on(m));
      this.db.prepare('UPDATE records_months SET kinds = ?, sealed_at = ? WHERE month = ?').run(JSON.stringify(kinds), Date.now(), m);
    }
  }

  async addHold(h: LegalHold): Promise<void> {
    this.db.prepare('INSERT INTO record_holds (id, msisdn, content_provider_id, reason, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)').run(h.id, h.msisdn, h.contentProviderId, h.reason, h.createdAt, h.createdBy);
  }

  async releaseHold(id: string, at: number, actor: string): Promise<LegalHold | null> {
    const ok = this.db.prepare('UPDATE record_holds SET released_at = ?, released_by = ? WHERE id = ? AND released_at IS NULL').run(at, actor, id).changes > 0;
    if (!ok) return null;
    return toHold(this.db.prepare('SELECT * FROM record_holds WHERE id = ?').get(id) as HoldDb);
  }

  async holds(activeOnly: boolean): Promise<LegalHold[]> {
    return (this.db.prepare(`SELECT * FROM record_holds ${activeOnly ? 'WHERE released_at IS NULL' : ''} ORDER BY created_at, id`).all() as HoldDb[]).map(toHold);
  }

  async subscriptionParties(chain: string): Promise<{ seq: number; contentProviderId: string | null; msisdn: string }[]> {
    if (chain !== RETAINED && !this.writer.liveMonths().includes(chain)) return [];
    const { db, table } = this.writer.on(chain);
    const idx = chain === RETAINED ? '' : `INDEXED BY ${table}_sub`;
    return (db.prepare(`SELECT seq, content_provider_id AS cp, msisdn FROM ${table} ${idx} WHERE kind = 'subscription' AND msisdn IS NOT NULL`).all() as { seq: number; cp: string | null; msisdn: string }[])
      .map((r) => ({ seq: r.seq, contentProviderId: r.cp, msisdn: r.msisdn }));
  }

  private relTable: boolean | undefined;
  private hasRelationships(): boolean {
    return (this.relTable ??= !!this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'subscription_relationships'").get());
  }

  async relationshipEnd(contentProviderId: string | null, msisdn: string, now: number): Promise<number | null> {
    let end = 0;
    const chains = [RETAINED, ...this.writer.liveMonths()];
    if (contentProviderId === null) {
      // The platform's do-not-disturb list: the relationship lasts as long as the number is on it.
      if (this.db.prepare('SELECT 1 FROM dnd WHERE msisdn = ?').get(msisdn)) return null;
    } else {
      const consents = this.db.prepare('SELECT withdrawn_at, expires_at FROM consents WHERE content_provider_id = ? AND msisdn = ?').all(contentProviderId, msisdn) as { withdrawn_at: number | null; expires_at: number }[];
      for (const c of consents) {
        if (c.withdrawn_at === null && c.expires_at > now) return null;
        end = Math.max(end, Math.min(c.withdrawn_at ?? c.expires_at, c.expires_at));
      }
      const opt = this.db.prepare('SELECT at FROM optouts WHERE content_provider_id = ? AND msisdn = ?').pluck().get(contentProviderId, msisdn) as number | undefined;
      if (opt !== undefined) end = Math.max(end, opt);
      // The consent module's own account of the relationship (migration 030), when it keeps one.
      const rel = this.hasRelationships() ? (this.db.prepare('SELECT ended_at FROM subscription_relationships WHERE content_provider_id = ? AND msisdn = ?').get(contentProviderId, msisdn) as { ended_at: number | null } | undefined) : undefined;
      if (rel && rel.ended_at === null) return null;
      if (rel?.ended_at) end = Math.max(end, rel.ended_at);
    }
    for (const chain of chains) {
      // Any record between the two (a message sent, a consent asked for) extends the relationship.
      for (const [last] of this.writer.byNumber(chain, 'max(at)', "AND content_provider_id IS ? AND kind IN ('mt', 'subscription')", msisdn, [contentProviderId]) as [number | null][]) {
        if (last !== null) end = Math.max(end, last);
      }
    }
    return end;
  }

  /**
   * `SELECT <what> FROM <chain's table> WHERE content_provider_id = ? <more>`, each value of every
   * result row: through the provider index, bucket by bucket in a month with facet buckets.
   */
  private byProvider(chain: string, what: string, more: string, args: unknown[]): unknown[] {
    const { db, table } = this.writer.on(chain);
    const range = this.writer.facetBucketRange(chain);
    if (range === 'empty') return [];
    if (range === null) return db.prepare(`SELECT ${what} FROM ${table} WHERE content_provider_id = ? ${more}`).pluck().all(...args);
    const st = db.prepare(`SELECT ${what} FROM ${table} WHERE ${FACET_BUCKET_SQL} = ? AND content_provider_id = ? ${more}`).pluck();
    const out: unknown[] = [];
    for (let b = range.lo; b <= range.hi; b++) out.push(...st.all(b, ...args));
    return out;
  }

  async heldSeqs(chain: string, holds: LegalHold[]): Promise<{ seq: number; holdId: string }[]> {
    if (chain !== RETAINED && !this.writer.liveMonths().includes(chain)) return [];
    const out: { seq: number; holdId: string }[] = [];
    for (const h of holds) {
      const seqs = (h.msisdn
        ? this.writer.byNumber(chain, 'seq', '', h.msisdn).map((r) => r[0])
        : this.byProvider(chain, 'seq', '', [h.contentProviderId])) as number[];
      for (const seq of seqs) out.push({ seq, holdId: h.id });
    }
    return out;
  }

  /**
   * Purges a month: the records to keep are copied into the retained chain and the registry marks
   * the month purged, in one transaction of the main file; then the month's file is unlinked. A crash
   * between the two leaves a file the next open removes (the registry already says purged).
   */
  async purgeMonth(month: string, keepSeqs: number[], at: number): Promise<MonthPurge> {
    const r = this.db.transaction((): MonthPurge | null => {
      if (!this.writer.liveMonths().includes(month)) return null;
      const ct = this.writer.on(month);
      const { db, table: t } = ct;
      const sealed = this.db.prepare('SELECT kinds FROM records_months WHERE month = ?').pluck().get(month) as string | null;
      const all: KindCounts = sealed ? JSON.parse(sealed) : this.kindCounts(ct);
      const keep = [...new Set(keepSeqs)];
      const kept = keep.length ? this.kindCounts(ct, keep) : {};
      if (keep.length) {
        const ins = this.db.prepare(`INSERT OR IGNORE INTO records_retained (${RECORD_COLUMNS}, month, orig_hash) VALUES (${RECORD_PLACEHOLDERS}, ?, ?)`);
        for (const row of db.prepare(`SELECT ${RECORD_COLUMNS} FROM ${t} WHERE seq IN (SELECT value FROM json_each(?)) ORDER BY seq`).raw().iterate(JSON.stringify(keep))) {
          const v = row as unknown[];
          ins.run(...v, month, v[12]);
        }
      }
      const range = [db.prepare(`SELECT min(seq) FROM ${t}`).pluck().get(), db.prepare(`SELECT max(seq) FROM ${t}`).pluck().get()] as [number | null, number | null];
      this.db.prepare('UPDATE records_months SET purged_at = ?, first_seq = coalesce(?, first_seq), last_seq = max(coalesce(?, 0), coalesce(last_seq, 0)) WHERE month = ?').run(at, range[0], range[1], month);
      if (keep.length) this.rechainRetained();
      return { chain: month, removed: subtractCounts(all, kept), kept };
    })();
    if (!r) return { chain: month, removed: {}, kept: {} };
    await this.writer.dropMonthFile(month);
    return r;
  }

  async pruneRetained(keepSeqs: number[]): Promise<MonthPurge> {
    return this.db.transaction((): MonthPurge => {
      const retained = this.writer.on(RETAINED);
      const before = this.kindCounts(retained);
      this.db.prepare('DELETE FROM records_retained WHERE seq NOT IN (SELECT value FROM json_each(?))').run(JSON.stringify([...new Set(keepSeqs)]));
      const after = this.kindCounts(retained);
      const removed = subtractCounts(before, after);
      if (Object.keys(removed).length) this.rechainRetained();
      return { chain: RETAINED, removed, kept: after };
    })();
  }

  /** Rebuilds the retained chain over what is left, in seq order (the app signs its new head). */
  private rechainRetained(): void {
    const rows = this.writer.scan(RETAINED, 0, Number.MAX_SAFE_INTEGER);
    const upd = this.db.prepare('UPDATE records_retained SET hash = ? WHERE seq = ?');
    let prev: Uint8Array = genesisHash(RETAINED);
    for (const r of rows) {
      const h = chainHash(prev, canonicalRetained(r, r.month!, Buffer.from(r.origHash!).toString('hex')));
      upd.run(h, r.seq);
      prev = h;
    }
  }
}
