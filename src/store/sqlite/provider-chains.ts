/**
 * SQLite mechanics of the per-provider digest chains (src/domain/provider-chain.ts; docs/RECORDS.md
 * "Completeness of one provider's export"): the digests kept in the main file, advanced from the
 * month files' stored chain hashes after the last record already folded, and the signed provider
 * heads. Nothing here runs on the message path: the app advances them when it signs heads.
 */
import type { Db } from './db.js';
import type { ProviderChainLink, StoredProviderHead } from '../../ports/store.js';
import { foldProviders, type ProviderDigest } from '../../domain/provider-chain.js';
import { RETAINED, type RecordsWriter } from './records-writer.js';

/** Records read and folded at a time (synchronous reads on the event loop: a few milliseconds each). */
const ADVANCE_BATCH = 5_000;

interface DigestDb { month: string; content_provider_id: string; last_seq: number; count: number; digest: Buffer }
const toDigest = (r: DigestDb): ProviderDigest => ({ month: r.month, contentProviderId: r.content_provider_id, lastSeq: r.last_seq, count: r.count, digest: r.digest });

/** A stored hash that is not bytes (an edited file) folds as empty: the month's verification names that record. */
const bytes = (h: unknown): Uint8Array => (h instanceof Uint8Array ? h : Buffer.alloc(0));

export class SqliteProviderChains {
  constructor(private readonly db: Db, private readonly writer: RecordsWriter) {}

  chainLinks(month: string, afterSeq: number, limit: number, contentProviderId?: string): ProviderChainLink[] {
    if (month === RETAINED || !this.writer.liveMonths().includes(month)) return [];
    const { db, table } = this.writer.on(month);
    const rows = (contentProviderId === undefined
      ? this.writer.cachedOn(db, `SELECT seq, at, content_provider_id, hash FROM ${table} WHERE seq > ? ORDER BY seq LIMIT ?`).raw().all(afterSeq, limit)
      : this.writer.cachedOn(db, `SELECT seq, at, content_provider_id, hash FROM ${table} WHERE content_provider_id = ? AND seq > ? ORDER BY seq LIMIT ?`).raw().all(contentProviderId, afterSeq, limit)) as [number, number, string | null, unknown][];
    return rows.map((r) => ({ seq: r[0], at: r[1], contentProviderId: r[2], hash: bytes(r[3]) }));
  }

  /**
   * Folds the month's records after its cursor, a batch at a time: the batch is read and folded
   * outside any transaction (reads of the month file take no lock of the main file's), and only the
   * new digests and cursor are written, in a short IMMEDIATE transaction of the main file that first
   * checks the cursor did not move meanwhile (another process advancing the same month: then the
   * batch is read again from where that one left it). Yields to the event loop between batches, so a
   * first advance over a large month does not hold it.
   */
  async advance(month: string): Promise<ProviderDigest[]> {
    if (month === RETAINED || !this.writer.liveMonths().includes(month)) return [];
    const cursor = this.db.prepare('SELECT covered_seq FROM records_provider_cursor WHERE month = ?').pluck();
    const load = this.db.prepare('SELECT * FROM records_provider_digests WHERE month = ? AND content_provider_id IN (SELECT value FROM json_each(?))');
    const save = this.db.prepare(`INSERT INTO records_provider_digests (month, content_provider_id, last_seq, count, digest) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (month, content_provider_id) DO UPDATE SET last_seq = excluded.last_seq, count = excluded.count, digest = excluded.digest`);
    const move = this.db.prepare('INSERT INTO records_provider_cursor (month, covered_seq) VALUES (?, ?) ON CONFLICT (month) DO UPDATE SET covered_seq = excluded.covered_seq');
    const write = this.db.transaction((covered: number, digests: ProviderDigest[], to: number): boolean => {
      if (((cursor.get(month) as number | undefined) ?? 0) !== covered) return false;
      for (const d of digests) save.run(month, d.contentProviderId, d.lastSeq, d.count, d.digest);
      move.run(month, to);
      return true;
    });
    for (;;) {
      const covered = (cursor.get(month) as number | undefined) ?? 0;
      const links = this.chainLinks(month, covered, ADVANCE_BATCH);
      if (!links.length) break;
      const cps = [...new Set(links.map((l) => l.contentProviderId).filter((x): x is string => x !== null))];
      const state = new Map((load.all(month, JSON.stringify(cps)) as DigestDb[]).map((r) => [r.content_provider_id, toDigest(r)]));
      const moved = [...foldProviders(month, state, links)].map((cp) => state.get(cp)!);
      const written = write.immediate(covered, moved, links[links.length - 1].seq);
      if (written && links.length < ADVANCE_BATCH) break;
      await new Promise<void>((r) => setImmediate(r));
    }
    return (this.db.prepare('SELECT * FROM records_provider_digests WHERE month = ? ORDER BY content_provider_id').all(month) as DigestDb[]).map(toDigest);
  }

  heads(q: { month?: string; contentProviderId?: string; latest?: boolean }): StoredProviderHead[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.month !== undefined) { where.push('h.month = ?'); args.push(q.month); }
    if (q.contentProviderId !== undefined) { where.push('h.content_provider_id = ?'); args.push(q.contentProviderId); }
    if (q.latest) where.push('NOT EXISTS (SELECT 1 FROM records_provider_heads x WHERE x.content_provider_id = h.content_provider_id AND x.month = h.month AND (x.last_seq > h.last_seq OR (x.last_seq = h.last_seq AND x.signed_at > h.signed_at)))');
    const sql = `SELECT * FROM records_provider_heads h ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY h.month, h.content_provider_id, h.signed_at, h.last_seq`;
    return (this.db.prepare(sql).all(...args) as Record<string, any>[]).map((r) => ({
      month: r.month, contentProviderId: r.content_provider_id, lastSeq: r.last_seq, count: r.count, digest: r.digest, signedAt: r.signed_at, keyId: r.key_id, publicKey: r.public_key, signature: r.signature,
    }));
  }

  addHead(h: StoredProviderHead): void {
    this.db.prepare('INSERT OR IGNORE INTO records_provider_heads (month, content_provider_id, last_seq, count, digest, signed_at, key_id, public_key, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(h.month, h.contentProviderId, h.lastSeq, h.count, h.digest, h.signedAt, h.keyId, h.publicKey, h.signature);
  }
}
