/**
 * PostgreSQL mechanics of the records' months (the twin of src/store/sqlite/records-archive.ts): hash
 * chains (linked after commit by records-linker.ts), signed heads, legal holds, sealing a month's
 * per-kind counts, and purging a month by DETACH + DROP of its partition after carrying the records
 * that must stay into the `retained` chain. Policy (which months, which relationships ended) is the
 * app's. Chains, heads and verification give the same answers as on SQLite, except that seqs within
 * a chain may skip (one sequence serves every concurrent writer; a rolled-back insert still drew a
 * seq): links carry their chain position, so a removed record is still named.
 */
import type { KindCounts, LegalHold, MonthPurge, ProviderChainLink, RecordArchive, RecordChainInfo, RecordChainRow, StoredHead, StoredProviderHead } from '../../ports/store.js';
import type { ProviderDigest } from '../../domain/provider-chain.js';
import { PgProviderChains } from './provider-chains.js';
import { canonicalRetained, chainHash, genesisHash, monthOf } from '../../domain/hash-chain.js';
import type { Client, Pool } from './db.js';
import { queries } from './db.js';
import { CHAIN_SELECT, canonicalOf, linksOf, partitionOf, type ChainRaw, type PgRecordsLinker } from './records-linker.js';
import type { PgRecordsWriter } from './records-writer.js';
import { subtractCounts } from '../../domain/counts.js';

const RETAINED = 'retained';

const Q = queries('records-archive', [
  'chainRows', 'retainedInfo', 'retainedKinds', 'retainedKindsOf', 'scanRetained', 'heads', 'addHead', 'sealedKinds', 'seal', 'addHold', 'releaseHold', 'holds', 'activeHolds',
  'dndListed', 'consentEnds', 'optoutAt', 'relationship', 'lastContact', 'scanProviderRetained', 'scanProviderLive', 'countProvider', 'markPurged', 'retainedForRechain', 'setRetainedHashes', 'pruneRetained',
] as const);

interface HoldDb { id: string; msisdn: string | null; content_provider_id: string | null; reason: string; created_at: number; created_by: string; released_at: number | null; released_by: string | null }
const toHold = (r: HoldDb): LegalHold => ({ id: r.id, msisdn: r.msisdn, contentProviderId: r.content_provider_id, reason: r.reason, createdAt: r.created_at, createdBy: r.created_by, releasedAt: r.released_at, releasedBy: r.released_by });

type RetainedRaw = ChainRaw & { hash: Buffer; month: string; orig_hash: Buffer };
type LinkedRaw = ChainRaw & { hash: Buffer | null; pos?: number | null };

const EMPTY = Buffer.alloc(0);

const toChainRow = (r: LinkedRaw): RecordChainRow => ({
  seq: r.seq, id: r.id, at: r.at, kind: r.kind, contentProviderId: r.content_provider_id, msisdn: r.msisdn, ref: r.ref, port: r.port, type: r.type, decision: r.decision, rule: r.rule, body: r.body,
  // An unlinked record has no hash: the verifier reports it.
  hash: r.hash ?? EMPTY,
  ...(r.pos != null ? { pos: r.pos } : {}),
});
const toRetainedRow = (r: RetainedRaw): RecordChainRow => ({ ...toChainRow(r), month: r.month, origHash: r.orig_hash });

const kindsOf = (rows: { kind: keyof KindCounts; n: number }[]): KindCounts => Object.fromEntries(rows.map((r) => [r.kind, r.n]));

export class PgRecordArchive implements RecordArchive {
  private readonly providers: PgProviderChains;

  constructor(private readonly pool: Pool, private readonly linker: PgRecordsLinker, private readonly writer: PgRecordsWriter) {
    this.providers = new PgProviderChains(pool, linker);
  }

  advanceProviderDigests(month: string): Promise<ProviderDigest[]> {
    return this.providers.advance(month);
  }

  chainLinks(month: string, afterSeq: number, limit: number, contentProviderId?: string): Promise<ProviderChainLink[]> {
    return this.providers.chainLinks(month, afterSeq, limit, contentProviderId);
  }

  providerHeads(q: { month?: string; contentProviderId?: string; latest?: boolean }): Promise<StoredProviderHead[]> {
    return this.providers.heads(q);
  }

  addProviderHead(h: StoredProviderHead): Promise<void> {
    return this.providers.addHead(h);
  }

  pipelineRules(id: string): Promise<readonly string[] | null> {
    return this.writer.rulesOf(id);
  }

  /** Links what has committed (see records-linker.ts); `start` calls it every few seconds. */
  link(opts: { wait?: boolean } = {}): Promise<number> {
    return this.linker.link({ wait: opts.wait ?? true });
  }

  private async isLive(chain: string, c: Client | Pool = this.pool): Promise<boolean> {
    return chain === RETAINED || (await this.linker.liveMonths(c)).includes(chain);
  }

  private async kindCounts(chain: string, seqs?: number[], c: Client | Pool = this.pool): Promise<KindCounts> {
    if (chain === RETAINED) return kindsOf((seqs ? await c.query(Q.retainedKindsOf, [seqs]) : await c.query(Q.retainedKinds)).rows);
    const t = partitionOf(chain);
    const rows = seqs
      ? (await c.query(`SELECT kind, count(*)::int AS n FROM ${t} WHERE seq = ANY($1::bigint[]) GROUP BY kind`, [seqs])).rows
      : (await c.query(`SELECT kind, count(*)::int AS n FROM ${t} GROUP BY kind`)).rows;
    return kindsOf(rows);
  }

  async countKinds(chain: string, seqs?: number[]): Promise<KindCounts> {
    if (!(await this.isLive(chain))) return {};
    return this.kindCounts(chain, seqs);
  }

  /** Links pending records first, so that an export carries every record's hash. */
  async countProvider(contentProviderId: string, from: number, to: number): Promise<number> {
    await this.link();
    return (await this.pool.query<{ n: number }>(Q.countProvider, [contentProviderId, from, to])).rows[0].n;
  }

  /**
   * Links pending records first (so heads, verification and purge see every committed record), then
   * lists `retained` and every live month with links. Records committed after the link run are
   * counted as `pending`.
   */
  async chains(): Promise<RecordChainInfo[]> {
    await this.link();
    const out: RecordChainInfo[] = [];
    const ret = (await this.pool.query<{ first_seq: number; last_seq: number; count: number; min_at: number; max_at: number; hash: Buffer }>(Q.retainedInfo)).rows[0];
    if (ret.count > 0) {
      out.push({ chain: RETAINED, firstSeq: ret.first_seq, lastSeq: ret.last_seq, count: ret.count, minAt: ret.min_at, maxAt: ret.max_at, hash: ret.hash, kinds: await this.kindCounts(RETAINED), seqGaps: true });
    }
    const live = new Set(await this.linker.liveMonths());
    const rows = (await this.pool.query<{ month: string; first_seq: number; last_seq: number; count: number; hash: Buffer; kinds: KindCounts | null }>(Q.chainRows)).rows;
    for (const r of rows) {
      if (!live.has(r.month)) continue;
      const t = partitionOf(r.month);
      const s = (await this.pool.query<{ min_at: number; max_at: number; pending: number }>(
        `SELECT (SELECT min(at) FROM ${t}) AS min_at, (SELECT max(at) FROM ${t}) AS max_at, (SELECT count(*)::int FROM ${t} WHERE seq > $1) AS pending`, [r.last_seq])).rows[0];
      out.push({
        chain: r.month, firstSeq: r.first_seq, lastSeq: r.last_seq, count: r.count, minAt: s.min_at, maxAt: s.max_at, hash: r.hash, kinds: r.kinds, seqGaps: true,
        ...(s.pending ? { pending: s.pending } : {}),
      });
    }
    return out;
  }

  /**
   * Records of a month up to its chain's tip with their links (seq order); unlinked ones with an empty
   * hash. The seq bounds are repeated on the links side so that a page is a merge of two bounded index
   * ranges, never a hash of the month's every link.
   */
  private async scanMonth(chain: string, afterSeq: number, limit: number): Promise<LinkedRaw[]> {
    if (!(await this.isLive(chain))) return [];
    const tip = (await this.pool.query<{ last_seq: number | null }>('SELECT last_seq FROM records_months WHERE month = $1 AND purged_at IS NULL', [chain])).rows[0]?.last_seq;
    if (tip == null || afterSeq >= tip) return [];
    const cols = CHAIN_SELECT.split(', ').map((c) => `r.${c}`).join(', ');
    return (await this.pool.query<LinkedRaw>(
      `SELECT ${cols}, l.pos, l.hash FROM ${partitionOf(chain)} r LEFT JOIN ${linksOf(chain)} l ON l.seq = r.seq AND l.seq > $1 AND l.seq <= $2 WHERE r.seq > $1 AND r.seq <= $2 ORDER BY r.seq LIMIT $3`,
      [afterSeq, tip, limit])).rows;
  }

  async scan(chain: string, afterSeq: number, limit: number): Promise<RecordChainRow[]> {
    if (chain === RETAINED) return (await this.pool.query<RetainedRaw>(Q.scanRetained, [afterSeq, limit])).rows.map(toRetainedRow);
    return (await this.scanMonth(chain, afterSeq, limit)).map(toChainRow);
  }

  async scanCanonical(chain: string, afterSeq: number, limit: number): Promise<{ seq: number; canonical: Uint8Array; hash: Uint8Array; pos?: number }[]> {
    if (chain === RETAINED) return [];
    return (await this.scanMonth(chain, afterSeq, limit)).map((r) => ({ seq: r.seq, canonical: Buffer.from(canonicalOf(r)), hash: r.hash ?? EMPTY, ...(r.pos != null ? { pos: r.pos } : {}) }));
  }

  /** Sets each row's `hash` from its link, in its own month's links partition (the partition of its `at`); null when not linked. */
  private async linkHashes(rows: LinkedRaw[]): Promise<void> {
    const byMonth = new Map<string, LinkedRaw[]>();
    for (const r of rows) {
      const m = monthOf(r.at);
      byMonth.set(m, [...(byMonth.get(m) ?? []), r]);
    }
    for (const [m, rs] of byMonth) {
      const hashes = new Map((await this.pool.query<{ seq: number; hash: Buffer }>(`SELECT seq, hash FROM ${linksOf(m)} WHERE seq = ANY($1::bigint[])`, [rs.map((r) => r.seq)]).catch((e: { code?: string }) => {
        if (e.code === '42P01') return { rows: [] }; // nothing of that month linked yet
        throw e;
      })).rows.map((x) => [x.seq, x.hash]));
      for (const r of rs) r.hash = hashes.get(r.seq) ?? null;
    }
  }

  async scanProvider(contentProviderId: string, from: number, to: number, afterSeq: number, limit: number): Promise<RecordChainRow[]> {
    const args = [contentProviderId, from, to, afterSeq, limit];
    const rows = (await this.pool.query<LinkedRaw>(Q.scanProviderLive, args)).rows;
    await this.linkHashes(rows);
    // A record committed after the export's link run (countProvider) has no link yet: link what has
    // committed and read its hash, as SQLite gives every record its hash when written. One the linker
    // cannot link (a row slipped in behind the tip) keeps an empty hash: verify names it (unchained).
    const unlinked = rows.filter((r) => r.hash === null);
    if (unlinked.length) {
      await this.link();
      await this.linkHashes(unlinked);
    }
    const live = rows.map(toChainRow);
    const kept = (await this.pool.query<RetainedRaw>(Q.scanProviderRetained, args)).rows.map(toRetainedRow);
    return [...live, ...kept].sort((a, b) => a.seq - b.seq).slice(0, limit);
  }

  async heads(): Promise<StoredHead[]> {
    return (await this.pool.query(Q.heads)).rows.map((r) => ({
      chain: r.chain, firstSeq: r.first_seq, lastSeq: r.last_seq, count: r.count, hash: r.hash, signedAt: r.signed_at, keyId: r.key_id, publicKey: r.public_key, signature: r.signature,
    }));
  }

  async addHead(h: StoredHead): Promise<void> {
    await this.pool.query(Q.addHead, [h.chain, h.firstSeq, h.lastSeq, h.count, h.hash, h.signedAt, h.keyId, h.publicKey, h.signature]);
  }

  async seal(months: string[]): Promise<void> {
    const live = new Set(await this.linker.liveMonths());
    for (const m of months) {
      if (!live.has(m)) continue;
      const row = (await this.pool.query<{ kinds: KindCounts | null }>(Q.sealedKinds, [m])).rows[0];
      if (!row || row.kinds) continue;
      await this.pool.query(Q.seal, [m, JSON.stringify(await this.kindCounts(m)), Date.now()]);
    }
  }

  async addHold(h: LegalHold): Promise<void> {
    await this.pool.query(Q.addHold, [h.id, h.msisdn, h.contentProviderId, h.reason, h.createdAt, h.createdBy]);
  }

  async releaseHold(id: string, at: number, actor: string): Promise<LegalHold | null> {
    const r = (await this.pool.query<HoldDb>(Q.releaseHold, [id, at, actor])).rows[0];
    return r ? toHold(r) : null;
  }

  async holds(activeOnly: boolean): Promise<LegalHold[]> {
    return (await this.pool.query<HoldDb>(activeOnly ? Q.activeHolds : Q.holds)).rows.map(toHold);
  }

  async subscriptionParties(chain: string): Promise<{ seq: number; contentProviderId: string | null; msisdn: string }[]> {
    if (!(await this.isLive(chain))) return [];
    const t = chain === RETAINED ? 'records_retained' : partitionOf(chain);
    return (await this.pool.query<{ seq: number; cp: string | null; msisdn: string }>(`SELECT seq, content_provider_id AS cp, msisdn FROM ${t} WHERE kind = 'subscription' AND msisdn IS NOT NULL ORDER BY seq`)).rows
      .map((r) => ({ seq: r.seq, contentProviderId: r.cp, msisdn: r.msisdn }));
  }

  async relationshipEnd(contentProviderId: string | null, msisdn: string, now: number): Promise<number | null> {
    let end = 0;
    if (contentProviderId === null) {
      // The platform's do-not-disturb list: the relationship lasts as long as the number is on it.
      if ((await this.pool.query(Q.dndListed, [msisdn])).rowCount) return null;
    } else {
      for (const c of (await this.pool.query<{ withdrawn_at: number | null; expires_at: number }>(Q.consentEnds, [contentProviderId, msisdn])).rows) {
        if (c.withdrawn_at === null && c.expires_at > now) return null;
        end = Math.max(end, Math.min(c.withdrawn_at ?? c.expires_at, c.expires_at));
      }
      const opt = (await this.pool.query<{ at: number }>(Q.optoutAt, [contentProviderId, msisdn])).rows[0];
      if (opt) end = Math.max(end, opt.at);
      // The consent module's own account of the relationship, when it keeps one.
      const rel = (await this.pool.query<{ ended_at: number | null }>(Q.relationship, [contentProviderId, msisdn])).rows[0];
      if (rel && rel.ended_at === null) return null;
      if (rel?.ended_at) end = Math.max(end, rel.ended_at);
    }
    const last = (await this.pool.query<{ at: number | null }>(Q.lastContact, [msisdn, contentProviderId])).rows[0].at;
    if (last !== null) end = Math.max(end, last);
    return end;
  }

  async heldSeqs(chain: string, holds: LegalHold[]): Promise<{ seq: number; holdId: string }[]> {
    if (!(await this.isLive(chain))) return [];
    const t = chain === RETAINED ? 'records_retained' : partitionOf(chain);
    const out: { seq: number; holdId: string }[] = [];
    for (const h of holds) {
      const rows = h.msisdn
        ? (await this.pool.query<{ seq: number }>(`SELECT seq FROM ${t} WHERE msisdn = $1 ORDER BY seq`, [h.msisdn])).rows
        : (await this.pool.query<{ seq: number }>(`SELECT seq FROM ${t} WHERE content_provider_id = $1 ORDER BY seq`, [h.contentProviderId])).rows;
      for (const r of rows) out.push({ seq: r.seq, holdId: h.id });
    }
    return out;
  }

  /**
   * Under the linker lock (no linking, no other purge meanwhile): links the month's last records,
   * copies `keepSeqs` with their hashes into `retained`, then DETACH + DROP of the month's records and
   * links partitions, all in one transaction; the retained chain is rebuilt in it.
   */
  async purgeMonth(month: string, keepSeqs: number[], at: number): Promise<MonthPurge> {
    const keep = [...new Set(keepSeqs)];
    const r = await this.linker.exclusive(true, async (c): Promise<MonthPurge> => {
      if (!(await this.isLive(month, c))) return { chain: month, removed: {}, kept: {} };
      await this.linker.linkLocked(c, month);
      const part = partitionOf(month);
      const links = linksOf(month);
      await c.query(`CREATE TABLE IF NOT EXISTS ${links} PARTITION OF records_links FOR VALUES IN ('${month}')`);
      return inTransaction(c, async () => {
        const sealed = (await c.query<{ kinds: KindCounts | null }>(Q.sealedKinds, [month])).rows[0]?.kinds;
        const all = sealed ?? (await this.kindCounts(month, undefined, c));
        const kept = keep.length ? await this.kindCounts(month, keep, c) : {};
        if (keep.length) {
          // An unlinked record (written behind the tip) keeps an empty original hash: verify names it.
          await c.query(
            `INSERT INTO records_retained (seq, id, at, kind, content_provider_id, msisdn, ref, body, port, type, decision, rule, hash, month, orig_hash)
             SELECT r.seq, r.id, r.at, r.kind, r.content_provider_id, r.msisdn, r.ref, r.body, r.port, r.type, r.decision, r.rule, coalesce(l.hash, '\\x'::bytea), $1, coalesce(l.hash, '\\x'::bytea)
               FROM ${part} r LEFT JOIN ${links} l ON l.seq = r.seq WHERE r.seq = ANY($2::bigint[])
             ON CONFLICT (seq) DO NOTHING`, [month, keep]);
        }
        const range = (await c.query<{ lo: number | null; hi: number | null }>(`SELECT min(seq) AS lo, max(seq) AS hi FROM ${part}`)).rows[0];
        // The copy above ran before these: the parent is locked exclusively only from here to COMMIT.
        await c.query(`ALTER TABLE records DETACH PARTITION ${part}`);
        await c.query(`DROP TABLE ${part}`);
        await c.query(`DROP TABLE ${links}`);
        await c.query(Q.markPurged, [month, at, range.lo, range.hi]);
        if (keep.length) await this.rechainRetained(c);
        return { chain: month, removed: subtractCounts(all, kept), kept };
      });
    });
    this.writer.forgetPartitions();
    return r!;
  }

  /** Under the linker lock too: two processes' daily purges must not rebuild the retained chain at once. */
  async pruneRetained(keepSeqs: number[]): Promise<MonthPurge> {
    const r = await this.linker.exclusive(true, (c) => inTransaction(c, async (): Promise<MonthPurge> => {
      const before = await this.kindCounts(RETAINED, undefined, c);
      await c.query(Q.pruneRetained, [[...new Set(keepSeqs)]]);
      const after = await this.kindCounts(RETAINED, undefined, c);
      const removed = subtractCounts(before, after);
      if (Object.keys(removed).length) await this.rechainRetained(c);
      return { chain: RETAINED, removed, kept: after };
    }));
    return r!;
  }

  /** Rebuilds the retained chain over what is left, in seq order (the app signs its new head). */
  private async rechainRetained(c: Client): Promise<void> {
    const rows = (await c.query<ChainRaw & { month: string; orig_hash: Buffer }>(Q.retainedForRechain)).rows;
    let prev: Uint8Array = genesisHash(RETAINED);
    const seqs: number[] = [];
    const hashes: string[] = [];
    for (const r of rows) {
      const h = chainHash(prev, canonicalRetained(toChainRow({ ...r, hash: null }), r.month, r.orig_hash.toString('hex')));
      seqs.push(r.seq);
      hashes.push(h.toString('hex'));
      prev = h;
    }
    if (seqs.length) await c.query(Q.setRetainedHashes, [seqs, hashes]);
  }
}

async function inTransaction<T>(c: Client, fn: () => Promise<T>): Promise<T> {
  await c.query('BEGIN');
  try {
    const r = await fn();
    await c.query('COMMIT');
    return r;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}
