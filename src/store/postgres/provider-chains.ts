/**
 * PostgreSQL mechanics of the per-provider digest chains (the twin of src/store/sqlite/provider-chains.ts;
 * src/domain/provider-chain.ts, docs/RECORDS.md "Completeness of one provider's export"): advanced
 * from the month's links (records-linker.ts) after the last record already folded, so only what the
 * linker has linked counts, never a record committed since; the signed provider heads.
 */
import type { Client, Pool } from './db.js';
import type { ProviderChainLink, StoredProviderHead } from '../../ports/store.js';
import { foldProviders, type ProviderDigest } from '../../domain/provider-chain.js';
import { linksOf, partitionOf, type PgRecordsLinker } from './records-linker.js';

/** Records folded per transaction. */
const ADVANCE_BATCH = 20_000;

interface DigestDb { month: string; content_provider_id: string; last_seq: number; count: number; digest: Buffer }
const toDigest = (r: DigestDb): ProviderDigest => ({ month: r.month, contentProviderId: r.content_provider_id, lastSeq: r.last_seq, count: r.count, digest: r.digest });
interface LinkDb { seq: number; at: number; content_provider_id: string | null; hash: Buffer }
const toLink = (r: LinkDb): ProviderChainLink => ({ seq: r.seq, at: r.at, contentProviderId: r.content_provider_id, hash: r.hash });

/** 42P01: a month whose links partition does not exist yet (nothing linked) or was just purged. */
const noTable = (e: { code?: string }) => {
  if (e.code === '42P01') return { rows: [] as LinkDb[] };
  throw e;
};

export class PgProviderChains {
  constructor(private readonly pool: Pool, private readonly linker: PgRecordsLinker) {}

  /** Linked records only: the join on the month's links drops what is not (yet) in the chain. */
  async chainLinks(month: string, afterSeq: number, limit: number, contentProviderId?: string, c: Client | Pool = this.pool): Promise<ProviderChainLink[]> {
    if (!(await this.linker.liveMonths(c)).includes(month)) return [];
    const r = partitionOf(month);
    const l = linksOf(month);
    const rows = contentProviderId === undefined
      ? await c.query<LinkDb>(`SELECT r.seq, r.at, r.content_provider_id, l.hash FROM ${r} r JOIN ${l} l ON l.seq = r.seq AND l.seq > $1 WHERE r.seq > $1 ORDER BY r.seq LIMIT $2`, [afterSeq, limit]).catch(noTable)
      : await c.query<LinkDb>(`SELECT r.seq, r.at, r.content_provider_id, l.hash FROM ${r} r JOIN ${l} l ON l.seq = r.seq AND l.seq > $2 WHERE r.content_provider_id = $1 AND r.seq > $2 ORDER BY r.seq LIMIT $3`, [contentProviderId, afterSeq, limit]).catch(noTable);
    return rows.rows.map(toLink);
  }

  /**
   * Under the linker lock (no linking or purge meanwhile, and one process advancing at a time): a
   * batch of links after the month's cursor per transaction, folded into the digests kept.
   */
  async advance(month: string): Promise<ProviderDigest[]> {
    await this.linker.exclusive(true, async (c) => {
      if (!(await this.linker.liveMonths(c)).includes(month)) return;
      for (let more = true; more;) {
        await c.query('BEGIN');
        try {
          const covered = (await c.query<{ covered_seq: number }>('SELECT covered_seq FROM records_provider_cursor WHERE month = $1', [month])).rows[0]?.covered_seq ?? 0;
          const links = await this.chainLinks(month, covered, ADVANCE_BATCH, undefined, c);
          if (links.length) {
            const cps = [...new Set(links.map((x) => x.contentProviderId).filter((x): x is string => x !== null))];
            const state = new Map((await c.query<DigestDb>('SELECT * FROM records_provider_digests WHERE month = $1 AND content_provider_id = ANY($2::text[])', [month, cps])).rows.map((r) => [r.content_provider_id, toDigest(r)]));
            const moved = [...foldProviders(month, state, links)].map((cp) => state.get(cp)!);
            if (moved.length) {
              await c.query(`INSERT INTO records_provider_digests (month, content_provider_id, last_seq, count, digest)
                SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::bytea[])
                ON CONFLICT (month, content_provider_id) DO UPDATE SET last_seq = excluded.last_seq, count = excluded.count, digest = excluded.digest`,
              [month, moved.map((d) => d.contentProviderId), moved.map((d) => d.lastSeq), moved.map((d) => d.count), moved.map((d) => d.digest)]);
            }
            await c.query('INSERT INTO records_provider_cursor (month, covered_seq) VALUES ($1, $2) ON CONFLICT (month) DO UPDATE SET covered_seq = excluded.covered_seq', [month, links[links.length - 1].seq]);
          }
          await c.query('COMMIT');
          more = links.length === ADVANCE_BATCH;
        } catch (e) {
          await c.query('ROLLBACK').catch(() => undefined);
          throw e;
        }
      }
    });
    return (await this.pool.query<DigestDb>('SELECT * FROM records_provider_digests WHERE month = $1 ORDER BY content_provider_id', [month])).rows.map(toDigest);
  }

  async heads(q: { month?: string; contentProviderId?: string; latest?: boolean }): Promise<StoredProviderHead[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.month !== undefined) where.push(`h.month = $${args.push(q.month)}`);
    if (q.contentProviderId !== undefined) where.push(`h.content_provider_id = $${args.push(q.contentProviderId)}`);
    if (q.latest) where.push('NOT EXISTS (SELECT 1 FROM records_provider_heads x WHERE x.content_provider_id = h.content_provider_id AND x.month = h.month AND (x.last_seq > h.last_seq OR (x.last_seq = h.last_seq AND x.signed_at > h.signed_at)))');
    const sql = `SELECT * FROM records_provider_heads h ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY h.month, h.content_provider_id, h.signed_at, h.last_seq`;
    return (await this.pool.query(sql, args)).rows.map((r) => ({
      month: r.month, contentProviderId: r.content_provider_id, lastSeq: r.last_seq, count: r.count, digest: r.digest, signedAt: r.signed_at, keyId: r.key_id, publicKey: r.public_key, signature: r.signature,
    }));
  }

  async addHead(h: StoredProviderHead): Promise<void> {
    await this.pool.query('INSERT INTO records_provider_heads (month, content_provider_id, last_seq, count, digest, signed_at, key_id, public_key, signature) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING',
      [h.month, h.contentProviderId, h.lastSeq, h.count, h.digest, h.signedAt, h.keyId, h.publicKey, h.signature]);
  }
}
