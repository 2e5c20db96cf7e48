/**
 * The facts a commercial decision needs (opt-out, its signatures, do-not-disturb, the live consent
 * and its use in the current rolling period), read in one SQLite statement. Called by the message
 * adapter inside its decide-and-record transaction, so what it reads and what the decision records
 * are one atomic step (two sends can never both take the last allowance; a send racing an opt-out
 * is decided either before it or after it).
 *
 * Why one statement: this runs once per commercial message; four statements cost four trips into
 * SQLite and a sort for "live first, else the latest expired". The live consent is found by a range
 * scan on the covering index consents_live (migration 032); the latest expired consent, needed only to
 * say `consent_expired` rather than `consent_missing`, is read only when there is no live one.
 */
import type { Db } from './db.js';
import type { ConsentFacts } from '../../pipeline/types.js';
import { periodMs } from '../../pipeline/stages/commercial.js';

type Per = ConsentFacts['frequency']['per'];
interface Row { opted: number; dnd: number; id: string | null; category: string; granted_at: number; expires_at: number; freq_count: number; freq_per: Per; used: number }

const PERIOD_CASE = `CASE c.freq_per WHEN 'day' THEN ${periodMs('day')} WHEN 'week' THEN ${periodMs('week')} ELSE ${periodMs('month')} END`;
const COLS = 'id, category, granted_at, expires_at, freq_count, freq_per';

export interface CommercialFacts {
  optedOut: boolean;
  optOutSignatures?: string[];
  dnd: boolean;
  consent: ConsentFacts | null;
}

export class CommercialFactsReader {
  private readonly q;
  constructor(db: Db) {
    this.q = {
      all: db.prepare(`SELECT
          EXISTS (SELECT 1 FROM optouts WHERE content_provider_id = :cp AND msisdn = :m) AS opted,
          EXISTS (SELECT 1 FROM dnd WHERE msisdn = :m) AS dnd,
          c.id, c.category, c.granted_at, c.expires_at, c.freq_count, c.freq_per,
          (SELECT count(*) FROM sends WHERE consent_id = c.id AND at > :now - ${PERIOD_CASE}) AS used
        FROM (SELECT 1) LEFT JOIN (
          SELECT ${COLS} FROM consents
           WHERE content_provider_id = :cp AND msisdn = :m AND category = :cat AND withdrawn_at IS NULL AND expires_at > :now
           ORDER BY expires_at DESC LIMIT 1) c`),
      expired: db.prepare(`SELECT ${COLS} FROM consents WHERE content_provider_id = ? AND msisdn = ? AND category = ? AND withdrawn_at IS NULL ORDER BY expires_at DESC LIMIT 1`),
      use: db.prepare('SELECT count(*) FROM sends WHERE consent_id = ? AND at > ?').pluck(),
      signatures: db.prepare('SELECT signature FROM optout_signatures WHERE content_provider_id = ? AND msisdn = ?').pluck(),
    };
  }

  /** Facts for one commercial message from `cp` to `msisdn` in `category` (none: no consent can match). */
  read(cp: string, msisdn: string, category: string | undefined, now: number): CommercialFacts {
    const r = this.q.all.get({ cp, m: msisdn, cat: category ?? '', now }) as Row;
    const out: CommercialFacts = { optedOut: r.opted === 1, dnd: r.dnd === 1, consent: null };
    // Which signatures the refusals answered (per-signature opt-out scope; read only when opted out).
    if (out.optedOut) out.optOutSignatures = this.q.signatures.all(cp, msisdn) as string[];
    if (!category) return out;
    if (r.id !== null) {
      out.consent = { id: r.id, category: r.category, grantedAt: r.granted_at, expiresAt: r.expires_at, frequency: { count: r.freq_count, per: r.freq_per }, usedInPeriod: r.used };
      return out;
    }
    const e = this.q.expired.get(cp, msisdn, category) as Omit<Row, 'opted' | 'dnd' | 'used'> | undefined;
    if (e && e.id !== null) {
      const used = this.q.use.get(e.id, now - periodMs(e.freq_per)) as number;
      out.consent = { id: e.id, category: e.category, grantedAt: e.granted_at, expiresAt: e.expires_at, frequency: { count: e.freq_count, per: e.freq_per }, usedInPeriod: used };
    }
    return out;
  }
}
