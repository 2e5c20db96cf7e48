/**
 * Links committed records into their month's hash chain (PostgreSQL). SQLite chains each record as
 * it inserts it, under its one writer lock; here several processes insert at once and their seqs
 * (one sequence) commit out of order, so chaining at insert time would serialise every writer on the
 * chain tip. Instead records are inserted unchained and this linker, one process at a time (a session
 * advisory lock), extends each month's chain in seq order after the fact:
 *
 * 1. horizon: read the sequence's last value S, then wait until every transaction that held the
 *    shared insert lock at that moment has ended (migration 070: each INSERT into records takes it
 *    before drawing a seq). Every seq <= S has then committed or never will;
 * 2. per live month: the committed records with tip < seq <= S, in seq order, are hashed exactly as
 *    SQLite hashes them (`canonicalRecord`; the body is its stored jsonb text) and their links
 *    (seq, position, hash) inserted in batches, each batch in one transaction with the new tip.
 *
 * A record that commits below a month's tip (a writer that bypassed the insert lock, or a forged row)
 * is never linked: `records verify` reports it. The linker runs in `start` every few seconds and on
 * demand before heads are signed, chains are verified, months are purged or exported.
 */
import { canonicalRecord, chainHash, genesisHash } from '../../domain/hash-chain.js';
import type { RecordRow } from '../../ports/store.js';
import type { Client, Pool } from './db.js';
import { queries } from './db.js';

const Q = queries('records-archive', ['linkerLock', 'linkerTryLock', 'linkerUnlock', 'horizon', 'insertHolders', 'stillHolding', 'startMonth', 'tip', 'insertLinks', 'moveTip', 'months'] as const);

/** Records read per linking batch. */
const BATCH = 10_000;

/** `YYYY-MM` → the month's records partition (`records_YYYYMM`). */
export const partitionOf = (month: string): string => `records_${month.replace('-', '')}`;
/** `YYYY-MM` → the month's links partition. */
export const linksOf = (month: string): string => `records_links_${month.replace('-', '')}`;

/** The chained columns of a month partition, body as its jsonb text (what the chain covers). */
export const CHAIN_SELECT = 'seq, id, at, kind, content_provider_id, msisdn, ref, port, type, decision, rule, body::text AS body';

export interface ChainRaw { seq: number; id: string; at: number; kind: RecordRow['kind']; content_provider_id: string | null; msisdn: string | null; ref: string | null; port: string | null; type: string | null; decision: string | null; rule: string | null; body: string }

export const canonicalOf = (r: ChainRaw): string =>
  canonicalRecord({ seq: r.seq, id: r.id, at: r.at, kind: r.kind, contentProviderId: r.content_provider_id, msisdn: r.msisdn, ref: r.ref, port: r.port, type: r.type, decision: r.decision, rule: r.rule, body: r.body });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface LinkerOptions {
  /** How long to wait for in-flight inserts below the horizon before giving up this run (ms). */
  settleTimeoutMs?: number;
}

export class PgRecordsLinker {
  constructor(private readonly pool: Pool, private readonly o: LinkerOptions = {}) {}

  /** Live month partitions, oldest first, as `YYYY-MM`. */
  async liveMonths(c: Client | Pool = this.pool): Promise<string[]> {
    return (await c.query<{ name: string }>(Q.months)).rows.map((r) => /^records_(\d{4})(\d{2})$/.exec(r.name)).filter((m): m is RegExpExecArray => !!m).map((m) => `${m[1]}-${m[2]}`);
  }

  /**
   * Runs `fn` holding the linker lock on one client (no other process links or purges meanwhile).
   * With `wait` false, returns null at once when another process holds it.
   */
  async exclusive<T>(wait: boolean, fn: (c: Client) => Promise<T>): Promise<T | null> {
    const c = await this.pool.connect();
    let locked = false;
    try {
      if (wait) {
        await c.query(Q.linkerLock);
        locked = true;
      } else {
        locked = (await c.query<{ ok: boolean }>(Q.linkerTryLock)).rows[0].ok;
        if (!locked) return null;
      }
      return await fn(c);
    } finally {
      if (locked) await c.query(Q.linkerUnlock).catch(() => undefined);
      c.release();
    }
  }

  /**
   * Links every record committed below the horizon. `wait`: wait for another process's run to end
   * (on demand, so the caller sees everything committed before it asked) rather than skip. Returns
   * how many records were linked.
   */
  async link(opts: { wait?: boolean } = {}): Promise<number> {
    return (await this.exclusive(opts.wait ?? true, (c) => this.linkLocked(c))) ?? 0;
  }

  /** Linking with the lock already held on `c`. */
  async linkLocked(c: Client, only?: string): Promise<number> {
    const horizon = await this.settledHorizon(c);
    if (horizon === null) return 0;
    let n = 0;
    for (const m of only ? [only] : await this.liveMonths(c)) n += await this.linkMonth(c, m, horizon);
    return n;
  }

  /** The highest seq below which nothing can still commit, or null when in-flight inserts did not end in time. */
  private async settledHorizon(c: Client): Promise<number | null> {
    const s = (await c.query<{ s: number }>(Q.horizon)).rows[0].s;
    const vx = (await c.query<{ vx: string[] }>(Q.insertHolders)).rows[0].vx;
    if (vx.length) {
      const deadline = Date.now() + (this.o.settleTimeoutMs ?? 10_000);
      for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
        if ((await c.query<{ n: number }>(Q.stillHolding, [vx])).rows[0].n === 0) break;
        if (Date.now() > deadline) return null;
        await sleep(pause);
      }
    }
    return s;
  }

  private async linkMonth(c: Client, month: string, horizon: number): Promise<number> {
    await c.query(Q.startMonth, [month]);
    const t = (await c.query<{ last_seq: number | null; count: number; hash: Buffer | null }>(Q.tip, [month])).rows[0];
    let after = t.last_seq ?? 0;
    if (after >= horizon) return 0;
    let pos = t.count;
    let prev: Uint8Array = t.hash ?? genesisHash(month);
    let created = false;
    let n = 0;
    for (;;) {
      let rows: ChainRaw[];
      try {
        rows = (await c.query<ChainRaw>(`SELECT ${CHAIN_SELECT} FROM ${partitionOf(month)} WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT ${BATCH}`, [after, horizon])).rows;
      } catch (e) {
        if ((e as { code?: string }).code === '42P01') return n; // dropped meanwhile (a low-level dropMonth)
        throw e;
      }
      if (!rows.length) return n;
      if (!created) {
        await c.query(`CREATE TABLE IF NOT EXISTS ${linksOf(month)} PARTITION OF records_links FOR VALUES IN ('${month}')`);
        created = true;
      }
      const seqs: number[] = [], poss: number[] = [], hashes: string[] = [];
      for (const r of rows) {
        const h = chainHash(prev, canonicalOf(r));
        seqs.push(r.seq);
        poss.push(++pos);
        hashes.push(h.toString('hex'));
        prev = h;
      }
      const last = rows[rows.length - 1].seq;
      await c.query('BEGIN');
      try {
        await c.query(Q.insertLinks, [month, seqs, poss, hashes]);
        await c.query(Q.moveTip, [month, rows[0].seq, last, pos, Buffer.from(prev)]);
        await c.query('COMMIT');
      } catch (e) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
      n += rows.length;
      after = last;
      if (rows.length < BATCH) return n;
    }
  }
}
